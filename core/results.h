#ifndef PAPERCUT_RESULTS_H
#define PAPERCUT_RESULTS_H

#include "db.h"
#include "err.h"

/*
 * The computed results that every output reads (analyze prints them,
 * report draws them): one place for the queries, so the numbers in the
 * workbook are the numbers `analyze` prints.
 *
 * results_compute() fills TEMP tables and views of the connection:
 *   r_passage    with RESULTS_PASSAGES: the coded evidence passages (never
 *                interviewer turns) in scope, dates included
 *   r_character  the codebook's characters, then 'unknown' and 'total',
 *                with how many participants in scope each has
 *   r_matrix     every papercut x character: passages, participants, the
 *                share of the character's n participants, Wilson 95% [lo, hi]
 *   r_themes     the same per theme
 *   r_quarter    the quarters of the series (f->quarters, ending at the
 *                range's end or the newest dated source)
 *   r_trend      papercut x quarter: participants, passages, rank
 *   r_change     r_trend with the quarter before: change, rank change, new
 *   r_sources    sources per quarter and format
 *   r_over       character x papercut: Fisher's exact test (one-sided) of
 *                the character's participants against the others, p and
 *                Benjamini-Hochberg q
 *   r_pair       pairs of papercuts reported by the same participants
 *   r_hit        with RESULTS_PASSAGES: the papercut codings in scope: passage, participant,
 *                character, code, theme (indexed by code and by passage)
 */
struct filter {
	const char *kind;       /* source format */
	const char *batch;      /* batch name */
	const char *character;
	const char *theme;
	const char *since;      /* YYYY-MM-DD, inclusive */
	const char *until;      /* YYYY-MM-DD, inclusive */
	char quarter_since[16], quarter_until[16];
	int quarters;           /* length of the series (default 8) */
};

/* RESULTS_PASSAGES: r_tpassage, r_passage and r_hit too (for quotes) */
enum { RESULTS_PASSAGES = 1 };
int results_compute(struct db *db, const struct filter *f, unsigned flags, struct err *e);

/* The date range in force: --since/--until narrowed by --quarter. */
void filter_dates(const struct filter *f, const char **since, const char **until);

/* Binds the filter to the parameters :kind, :batch, :character, :theme,
 * :since and :until that `st` has. */
void filter_bind(sqlite3_stmt *st, const struct filter *f);

/* Sets since/until from "2026Q3". */
int filter_quarter(struct filter *f, const char *q, struct err *e);

/* Checks --since/--until values: YYYY-MM-DD. */
int filter_date(const char *name, const char *arg, struct err *e);



/* The filter options every analysis takes; filter_opt() handles them
 * (returns 1 when it took `opt`, 0 when not, or E_USAGE). */
enum {
	OPT_KIND = 0x200, OPT_BATCH, OPT_CHARACTER, OPT_THEME, OPT_SINCE,
	OPT_UNTIL, OPT_QUARTER, OPT_QUARTERS,
};
#define FILTER_OPTIONS \
	{ "kind", required_argument, NULL, OPT_KIND }, \
	{ "batch", required_argument, NULL, OPT_BATCH }, \
	{ "character", required_argument, NULL, OPT_CHARACTER }, \
	{ "theme", required_argument, NULL, OPT_THEME }, \
	{ "since", required_argument, NULL, OPT_SINCE }, \
	{ "until", required_argument, NULL, OPT_UNTIL }, \
	{ "quarter", required_argument, NULL, OPT_QUARTER }
#define FILTER_HELP \
	"  --kind KIND         only sources this reader read (transcript, blog,\n" \
	"                      twarc, survey...: see 'papercut ingest --help')\n" \
	"  --batch NAME        only this batch\n" \
	"  --character ID      only participants of this character\n" \
	"  --theme THEME       only papercuts of this theme\n" \
	"  --since YYYY-MM-DD  only sources dated on or after\n" \
	"  --until YYYY-MM-DD  only sources dated on or before\n" \
	"  --quarter 2026Q3    only sources dated in this quarter\n"
/* what has a trend series (analyze, report) takes these too */
#define SERIES_OPTIONS \
	FILTER_OPTIONS, \
	{ "quarters", required_argument, NULL, OPT_QUARTERS }
#define SERIES_HELP \
	FILTER_HELP \
	"  --quarters N        quarters in the trend series (default 8)\n"
int filter_opt(struct filter *f, int opt, const char *arg, struct err *e);
#endif
