#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/cli.h"
#include "parts.h"
#include "report.h"

static const char report_usage[] =
	"papercut report --out DIR [--quarter Q] [--plot-script FILE] [filters]";
static const char report_help[] =
	"Writes the quarterly papercut report into DIR (made if missing):\n"
	"  index.html      the whole report in one self-contained page\n"
	"  papercuts.xlsx  Summary, Matrix, Trends (with a chart), Evidence, Codebook\n"
	"  *.svg, *.png    charts by gnuplot: top papercuts per character, the\n"
	"                  character x papercut heatmap, trends, sources per quarter\n"
	"  briefs/CHARACTER.md  the start of a status quo story per character\n\n"
	"  --out DIR           where the report goes\n"
	"  --plot-script FILE  also save the gnuplot scripts there\n"
	CODER_HELP
	SERIES_HELP;

enum { OPT_OUT = 0x400, OPT_PLOT_SCRIPT };

static int report_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct report *r = ctx;
	int rc = filter_opt(&r->f, opt, arg, e);

	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	if (opt == OPT_OUT)
		r->out = arg;
	else if (opt == OPT_PLOT_SCRIPT)
		r->plot_script = arg;
	return 0;
}

static int make_dir(const char *dir, struct err *e)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int rc = 0;

	buf_adds(&b, dir);
	for (char *p = b.data + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(b.data, 0777) && errno != EEXIST) {
			rc = err_set(e, E_DATA, "%s: cannot make the directory: %s", b.data,
				     strerror(errno));
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	if (!rc && (stat(dir, &st) || !S_ISDIR(st.st_mode)))
		rc = err_set(e, E_DATA, "%s: not a directory", dir);
	buf_release(&b);
	return rc;
}

int write_file(const char *dir, const char *name, const char *data, size_t len,
	       struct err *e)
{
	struct buf path = BUF_INIT;
	FILE *f;
	int rc = 0;

	buf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.data, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		rc = err_set(e, E_DATA, "%s: %s", path.data, strerror(errno));
		if (f)
			fclose(f);
	}
	buf_release(&path);
	return rc;
}

sqlite3_stmt *best_quotes(struct report *r, const char *code, const char *character,
			  int limit, struct err *e)
{
	/* ranked on r_hit alone; only the few chosen are looked up */
	sqlite3_stmt *st = db_prepare(r->db,
		"SELECT p.id, p.text, pt.name, h.character, h.shown_date, s.path, p.line,"
		" s.format, coalesce(p.url, s.url, '') FROM ("
		" SELECT passage_id, character, shown_date, quotable,"
		"  ROW_NUMBER() OVER (PARTITION BY participant_id ORDER BY quotable DESC,"
		"   passage_id) AS nth,"
		"  (SELECT count(*) FROM r_hit h2 WHERE h2.passage_id = h.passage_id) AS ncodes"
		" FROM r_hit h WHERE code_id = ?1 AND (?2 IS NULL OR character = ?2)"
		" ORDER BY nth, quotable DESC, ncodes, shown_date DESC, passage_id LIMIT ?3) h"
		" JOIN passage p ON p.id = h.passage_id JOIN source s ON s.id = p.source_id"
		" JOIN participant pt ON pt.id = p.participant_id"
		" ORDER BY h.nth, h.quotable DESC, h.ncodes, h.shown_date DESC, h.passage_id", e);

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	db_bind_text(st, 2, character);
	sqlite3_bind_int(st, 3, limit);
	return st;
}

void quote_source(struct buf *b, sqlite3_stmt *q,
		  void (*esc)(struct buf *b, const char *s))
{
	esc(b, db_col_text(q, Q_PARTICIPANT));
	buf_adds(b, " (");
	esc(b, db_col_text(q, Q_CHARACTER));
	buf_adds(b, "), ");
	esc(b, db_col_text(q, Q_FORMAT));
	buf_adds(b, " ");
	esc(b, *db_col_text(q, Q_DATE) ? db_col_text(q, Q_DATE) : "undated");
	buf_adds(b, ", ");
	esc(b, db_col_text(q, Q_PATH));
	buf_addf(b, ":%d", sqlite3_column_int(q, Q_LINE));
	if (*db_col_text(q, Q_URL)) {
		buf_adds(b, ", ");
		esc(b, db_col_text(q, Q_URL));
	}
}

/* Says what the report covers, for titles: "2026Q3", a date range, or
 * "all dates"; and whether there is any evidence at all. */
static int describe_scope(struct report *r, struct err *e)
{
	const char *since, *until;
	sqlite3_stmt *st;

	filter_dates(&r->f, &since, &until);
	if (r->f.quarter_since[0] && since == r->f.quarter_since && until == r->f.quarter_until) {
		int year = (int)strtol(since, NULL, 10);
		int q = ((int)strtol(since + 5, NULL, 10) + 2) / 3;

		snprintf(r->scope, sizeof(r->scope), "%04dQ%d", year, q);
	} else if (since || until) {
		snprintf(r->scope, sizeof(r->scope), "%s to %s", since ? since : "the start",
			 until ? until : "today");
	} else {
		snprintf(r->scope, sizeof(r->scope), "all dates");
	}
	if (!(st = db_prepare(r->db, "SELECT NOT EXISTS (SELECT 1 FROM r_hit)", e)))
		return e->code;
	r->empty = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int select_evidence(struct report *r, struct err *e)
{
	if (results_compute(r->db, &r->f, RESULTS_PASSAGES, e))
		return e->code;
	return describe_scope(r, e);
}

/* the report's steps, in order, as progress names them */
static const struct step {
	const char *what;
	int (*run)(struct report *r, struct err *e);
} steps[] = {
	{ "selecting the evidence", select_evidence },
	{ "writing the workbook's sheets", write_workbook },
	{ "drawing the charts", draw_charts },
	{ "writing the pages", write_html },
	{ "writing the briefs", write_briefs },
	{ "zipping the workbook", finish_workbook },
};

int cmd_report(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, OPT_OUT },
		{ "plot-script", required_argument, NULL, OPT_PLOT_SCRIPT },
		SERIES_OPTIONS,
		CODER_OPTION,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct report r = { .f.quarters = 8 };
	struct db db = { 0 };
	int rc;

	if ((rc = cli_parse(argc, argv, opts, report_usage, report_help, report_opt, &r, e)))
		return rc < 0 ? 0 : rc;
	if (!r.out || !*r.out)
		return err_set(e, E_USAGE, "report needs --out DIR (usage: %s)", report_usage);
	if (optind < argc)
		return err_set(e, E_USAGE, "report takes no operands (usage: %s)", report_usage);
	r.db = &db;
	if ((rc = make_dir(r.out, e)) || (rc = cli_open_db_reading(&db, e)))
		goto out;
	progress_start(&r.prog);
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		progress_show(&r.prog, "report: %s", steps[i].what);
		if ((rc = steps[i].run(&r, e)))
			goto out;
	}
	progress_done(&r.prog);
	printf("report (%s%s) written to %s/\n", r.scope, r.empty ? ", no coded evidence" : "",
	       r.out);
	printf("  index.html  papercuts.xlsx  briefs/  and %d charts (.svg, .png)\n", NCHARTS);
out:
	progress_done(&r.prog);
	if (r.book) {
		struct err ignored = ERR_INIT;

		finish_workbook(&r, &ignored);    /* the error said is the first */
		err_clear(&ignored);
	}
	db_close(&db);
	return rc;
}
