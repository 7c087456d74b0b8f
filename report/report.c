#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/mem.h"
#include "../core/proc.h"
#include "../core/results.h"
#include "report.h"

static const char report_usage[] = "papercut report --out DIR [--plot-script FILE] [filters]";
static const char report_help[] =
	"Writes the papercut report into DIR (made if missing):\n"
	"  papercuts.xlsx                 Summary (the analyze table) and Evidence\n"
	"  papercuts-by-character.svg     grouped bars by gnuplot, and .png\n\n"
	"  --out DIR           where the report goes\n"
	"  --plot-script FILE  also save the gnuplot script there\n"
	FILTER_HELP;

/* Okabe-Ito: told apart by every kind of colour vision. */
static const char *const palette[] = {
	"#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00",
	"#F0E442", "#000000",
};
#define UNKNOWN_COLOUR "#999999"

/* How many papercuts the chart shows at most. */
#define CHART_TOP 12

enum { OPT_OUT = 0x400, OPT_PLOT_SCRIPT };

struct report {
	struct filter f;
	const char *out;
	const char *plot_script;
	struct db *db;
};

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

/*
 * Text as a cell value: XML 1.0 has no place for C0 control characters
 * but tab and line feed, and a cell holds at most 32767 characters.
 */
static const char *cell_text(struct buf *b, const char *s)
{
	size_t chars = 0;

	buf_reset(b);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c & 0xc0) != 0x80 && ++chars > 32000) {
			buf_adds(b, " [cut]");
			break;
		}
		buf_addch(b, c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
	}
	return b->data;
}

static int xlsx_fail(lxw_error err, const char *path, struct err *e)
{
	return err_set(e, E_DATA, "%s: cannot write the workbook: %s", path,
		       lxw_strerror(err));
}

static void write_summary(struct report *r, lxw_workbook *wb, lxw_format *head,
			  lxw_format *pct)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Summary");
	sqlite3_stmt *chars = db_prepare(r->db, "SELECT id, participants FROM r_character"
					 " ORDER BY position", NULL);
	sqlite3_stmt *rows = db_prepare(r->db,
		"SELECT m.code_id, m.label, m.theme, m.passages, m.participants, m.share"
		" FROM r_matrix m JOIN r_matrix t ON t.code_id = m.code_id"
		" AND t.character = 'total'"
		" ORDER BY t.participants DESC, t.passages DESC, m.code_pos, m.char_pos", NULL);
	struct buf b = BUF_INIT;
	lxw_col_t col = 3;
	lxw_row_t row = 0;
	int nchars = 0;

	worksheet_write_string(ws, 0, 0, "Papercut", head);
	worksheet_write_string(ws, 0, 1, "Label", head);
	worksheet_write_string(ws, 0, 2, "Theme", head);
	while (chars && sqlite3_step(chars) == SQLITE_ROW) {
		const char *id = db_col_text(chars, 0);

		buf_reset(&b);
		buf_addf(&b, "%s passages", id);
		worksheet_write_string(ws, 0, col++, b.data, head);
		buf_reset(&b);
		buf_addf(&b, "%s participants", id);
		worksheet_write_string(ws, 0, col++, b.data, head);
		buf_reset(&b);
		buf_addf(&b, "%s share (n=%d)", id, sqlite3_column_int(chars, 1));
		worksheet_write_string(ws, 0, col++, b.data, head);
		nchars++;
	}
	for (int i = 0; rows && sqlite3_step(rows) == SQLITE_ROW; i = (i + 1) % nchars) {
		if (i == 0) {
			row++;
			col = 3;
			worksheet_write_string(ws, row, 0, cell_text(&b, db_col_text(rows, 0)), NULL);
			worksheet_write_string(ws, row, 1, cell_text(&b, db_col_text(rows, 1)), NULL);
			worksheet_write_string(ws, row, 2, cell_text(&b, db_col_text(rows, 2)), NULL);
		}
		worksheet_write_number(ws, row, col++, sqlite3_column_int(rows, 3), NULL);
		worksheet_write_number(ws, row, col++, sqlite3_column_int(rows, 4), NULL);
		if (sqlite3_column_type(rows, 5) == SQLITE_NULL)
			worksheet_write_blank(ws, row, col++, NULL);
		else
			worksheet_write_number(ws, row, col++, sqlite3_column_double(rows, 5), pct);
	}
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 1, 34, NULL);
	worksheet_set_column(ws, 2, 2, 12, NULL);
	worksheet_set_column(ws, 3, col, 12, NULL);
	worksheet_freeze_panes(ws, 1, 1);
	if (row == 0)
		worksheet_write_string(ws, 1, 0, "No coded evidence in this database.", NULL);
	sqlite3_finalize(chars);
	sqlite3_finalize(rows);
	buf_release(&b);
}

static void write_evidence(struct report *r, lxw_workbook *wb, lxw_format *head,
			   lxw_format *wrap)
{
	static const char *const cols[] = {
		"Quote", "Speaker", "Participant", "Character", "Date", "Source", "Codes",
	};
	static const double widths[] = { 80, 14, 14, 11, 11, 30, 30 };
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Evidence");
	sqlite3_stmt *st = db_prepare(r->db,
		"SELECT p.text, coalesce(p.speaker, ''), pt.name, rp.character,"
		" coalesce(s.date, ''), s.path || ':' || p.line,"
		" (SELECT group_concat(code_id, ', ') FROM (SELECT c.code_id FROM coding c"
		"  JOIN r_code k ON k.id = c.code_id WHERE c.passage_id = p.id ORDER BY k.position))"
		" FROM r_passage rp JOIN passage p ON p.id = rp.passage_id"
		" JOIN source s ON s.id = p.source_id"
		" JOIN participant pt ON pt.id = p.participant_id"
		" WHERE EXISTS (SELECT 1 FROM coding c JOIN r_code k ON k.id = c.code_id"
		"  WHERE c.passage_id = p.id)"
		" ORDER BY s.date DESC NULLS LAST, s.path, p.seq", NULL);
	struct buf b = BUF_INIT;
	lxw_row_t row = 0;

	for (lxw_col_t c = 0; c < 7; c++) {
		worksheet_write_string(ws, 0, c, cols[c], head);
		worksheet_set_column(ws, c, c, widths[c], c == 0 ? wrap : NULL);
	}
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		row++;
		for (lxw_col_t c = 0; c < 7; c++)
			worksheet_write_string(ws, row, c, cell_text(&b, db_col_text(st, c)),
					       c == 0 ? wrap : NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_autofilter(ws, 0, 0, row, 6);
	sqlite3_finalize(st);
	buf_release(&b);
}

static int write_workbook(struct report *r, struct err *e)
{
	struct buf path = BUF_INIT;
	lxw_workbook *wb;
	lxw_format *head, *pct, *wrap;
	lxw_error err;
	int rc = 0;

	buf_addf(&path, "%s/papercuts.xlsx", r->out);
	wb = workbook_new(path.data);
	if (!wb) {
		rc = err_set(e, E_DATA, "%s: cannot write the workbook", path.data);
		goto out;
	}
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bottom(head, LXW_BORDER_THIN);
	pct = workbook_add_format(wb);
	format_set_num_format(pct, "0%");
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	write_summary(r, wb, head, pct);
	write_evidence(r, wb, head, wrap);
	if ((err = workbook_close(wb)) != LXW_NO_ERROR)
		rc = xlsx_fail(err, path.data, e);
out:
	buf_release(&path);
	return rc;
}

/*
 * The data file gnuplot reads: one row per papercut (its label quoted,
 * '"' made "'"), one column per character with its share in percent.
 * Labels never enter the script, so codebook text cannot become gnuplot
 * commands.
 */
#define CHART_MAX_SERIES 16

static int write_chart_data(struct report *r, const char *path, int *ncols,
			    int *nrows, int *unknown_col, struct err *e)
{
	FILE *f = fopen(path, "w");
	sqlite3_stmt *chars = db_prepare(r->db, "SELECT id FROM r_character"
					 " WHERE id <> 'total' AND participants > 0"
					 " ORDER BY position", NULL);
	sqlite3_stmt *rows = db_prepare(r->db,
		"SELECT m.label, 100.0 * coalesce(m.share, 0) FROM r_matrix m"
		" JOIN (SELECT code_id, participants, passages, code_pos FROM r_matrix"
		"  WHERE character = 'total' AND participants > 0"
		"  ORDER BY participants DESC, passages DESC, code_pos LIMIT ?1) t"
		"  ON t.code_id = m.code_id"
		" JOIN r_character ch ON ch.id = m.character"
		" WHERE m.character <> 'total' AND ch.participants > 0"
		" ORDER BY t.participants DESC, t.passages DESC, t.code_pos, m.char_pos", NULL);
	int rc = 0, n = 0;

	*ncols = *nrows = 0;
	*unknown_col = -1;
	if (!f) {
		rc = err_set(e, E_DATA, "%s: %s", path, strerror(errno));
		goto out;
	}
	fputs("papercut", f);
	while (chars && n < CHART_MAX_SERIES && sqlite3_step(chars) == SQLITE_ROW) {
		if (!strcmp(db_col_text(chars, 0), "unknown"))
			*unknown_col = n;
		fprintf(f, "\t%s", db_col_text(chars, 0));
		n++;
	}
	fputc('\n', f);
	sqlite3_bind_int(rows, 1, CHART_TOP);
	for (int i = 0; n && rows && sqlite3_step(rows) == SQLITE_ROW; i = (i + 1) % n) {
		if (i == 0) {
			fputc('"', f);
			for (const char *p = db_col_text(rows, 0); *p; p++)
				fputc(*p == '"' || *p == '\n' || *p == '\t' ? '\'' : *p, f);
			fputc('"', f);
			(*nrows)++;
		}
		fprintf(f, "\t%.1f", sqlite3_column_double(rows, 1));
		if (i == n - 1)
			fputc('\n', f);
	}
	*ncols = n;
	if (fclose(f))
		rc = err_set(e, E_DATA, "%s: %s", path, strerror(errno));
out:
	sqlite3_finalize(chars);
	sqlite3_finalize(rows);
	return rc;
}

/* The script: fixed text and numbers only, never user text. */
static void chart_script(struct buf *s, int ncols, int nrows, int unknown_col)
{
	static const char *const terms[][2] = {
		{ "svg size 1000,600 dynamic font 'sans,11' background '#ffffff'",
		  "papercuts-by-character.svg" },
		{ "pngcairo size 1000,600 font 'sans,10'", "papercuts-by-character.png" },
	};

	buf_adds(s, "set encoding utf8\nset termoption noenhanced\n"
		 "set datafile separator '\\t'\n"
		 "set title 'Papercuts by character: share of each character''s participants'\n"
		 "set ylabel 'participants reporting it (%)'\nset xlabel 'papercut'\n"
		 "set yrange [0:100]\nset grid ytics\nset key top right\n"
		 "set style data histograms\nset style histogram cluster gap 1\n"
		 "set style fill solid 0.9 border -1\nset boxwidth 0.9\n"
		 "set xtics rotate by 30 right nomirror\nset bmargin 11\nset lmargin 14\n");
	for (int i = 0, k = 0; i < ncols; i++)
		buf_addf(s, "set linetype %d lc rgb '%s'\n", i + 1,
			 i == unknown_col ? UNKNOWN_COLOUR
					  : palette[k++ % (sizeof(palette) / sizeof(*palette))]);
	for (size_t t = 0; t < sizeof(terms) / sizeof(*terms); t++) {
		buf_addf(s, "set terminal %s\nset output '%s'\n", terms[t][0], terms[t][1]);
		if (nrows == 0 || ncols == 0)
			buf_adds(s, "unset xtics\nunset key\n"
				 "set label 1 'No coded evidence to chart' at graph 0.5,0.5 center\n"
				 "plot 1/0 notitle\n");
		else
			buf_addf(s, "plot for [i=2:%d] 'papercuts-by-character.dat' using i:xtic(1)"
				 " title columnheader(i)\n", ncols + 1);
	}
	buf_adds(s, "unset output\n");
}

static int draw_charts(struct report *r, struct err *e)
{
	const char *const argv[] = { "gnuplot", NULL };
	struct buf path = BUF_INIT, script = BUF_INIT;
	int ncols, nrows, unknown_col, rc;

	buf_addf(&path, "%s/papercuts-by-character.dat", r->out);
	if ((rc = write_chart_data(r, path.data, &ncols, &nrows, &unknown_col, e)))
		goto out;
	chart_script(&script, ncols, nrows, unknown_col);
	if (r->plot_script) {
		FILE *f = fopen(r->plot_script, "w");

		if (!f || fwrite(script.data, 1, script.len, f) != script.len) {
			rc = err_set(e, E_DATA, "%s: %s", r->plot_script, strerror(errno));
			if (f)
				fclose(f);
			goto out;
		}
		if (fclose(f)) {
			rc = err_set(e, E_DATA, "%s: %s", r->plot_script, strerror(errno));
			goto out;
		}
	}
	rc = proc_run(argv, r->out, script.data, script.len, e);
out:
	buf_release(&path);
	buf_release(&script);
	return rc;
}

int cmd_report(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, OPT_OUT },
		{ "plot-script", required_argument, NULL, OPT_PLOT_SCRIPT },
		FILTER_OPTIONS,
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
	if ((rc = make_dir(r.out, e)) || (rc = cli_open_db(&db, e)) ||
	    (rc = results_compute(&db, &r.f, e)) || (rc = write_workbook(&r, e)) ||
	    (rc = draw_charts(&r, e)))
		goto out;
	printf("report written to %s/\n", r.out);
	printf("  %s/papercuts.xlsx\n  %s/papercuts-by-character.svg\n"
	       "  %s/papercuts-by-character.png\n", r.out, r.out, r.out);
out:
	db_close(&db);
	return rc;
}
