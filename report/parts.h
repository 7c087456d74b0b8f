#ifndef PAPERCUT_REPORT_PARTS_H
#define PAPERCUT_REPORT_PARTS_H

#include <stdio.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/db.h"
#include "../core/results.h"

/* What every part of a report shares. The parts read the TEMP result
 * tables of core/results.c, never their own copies of the analyses. */
struct report {
	struct filter f;
	const char *out;          /* the report's directory */
	const char *plot_script;  /* --plot-script: where the scripts also go */
	struct db *db;
	char scope[256];          /* "2026Q3" or "all dates", for titles */
	int empty;                /* no coded evidence in scope */
	struct closing *book;     /* the workbook being zipped (workbook.c) */
	struct progress prog;
};

/* The charts, each NAME.svg and NAME.png in r->out (report/charts.c). */
extern const char *const chart_names[];
extern const char *const chart_titles[];
#define NCHARTS 4
int draw_charts(struct report *r, struct err *e);

/* report/workbook.c: write_workbook() fills the sheets and leaves the
 * zipping to a thread while the rest of the report is made;
 * finish_workbook() waits for it (always call it, also after an error). */
int write_workbook(struct report *r, struct err *e);
int finish_workbook(struct report *r, struct err *e);
int write_html(struct report *r, struct err *e);       /* report/html.c */
int write_briefs(struct report *r, struct err *e);     /* report/briefs.c */

/*
 * The best first-hand quotes for a papercut, by one character (or any
 * when NULL): one per participant first, then quotable length (60-500
 * bytes), then the fewest other papercuts (focused), newest first.
 * Columns: see enum quote_col. Finalize the statement.
 */
enum quote_col { Q_ID, Q_TEXT, Q_PARTICIPANT, Q_CHARACTER, Q_DATE, Q_PATH, Q_LINE,
		 Q_FORMAT, Q_URL };
sqlite3_stmt *best_quotes(struct report *r, const char *code, const char *character,
			  int limit, struct err *e);

/* Appends where quote row `q` (of best_quotes) comes from: "P07 (grace),
 * transcript 2025-12-09, path:13, URL", every piece through `esc`. */
void quote_source(struct buf *b, sqlite3_stmt *q,
		  void (*esc)(struct buf *b, const char *s));

/* Writes `len` bytes to DIR/NAME, or says which file could not be. */
int write_file(const char *dir, const char *name, const char *data, size_t len,
	       struct err *e);

#endif
