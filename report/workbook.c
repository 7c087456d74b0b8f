/*
 * The workbook, by libxlsxwriter. Every text cell is written with
 * worksheet_write_string(), so a quote starting with '=' stays text.
 */
#include <pthread.h>
#include <string.h>
#include <xlsxwriter.h>

#include "../core/mem.h"
#include "parts.h"

struct book {
	struct report *r;
	lxw_workbook *wb;
	lxw_format *head, *pct, *wrap, *link;
	struct buf cell;
};

/*
 * Text as a cell value: XML 1.0 has no place for C0 control characters
 * but tab and line feed, and a cell holds at most 32767 characters.
 */
static const char *cell_text(struct buf *b, const char *s)
{
	size_t chars = 0;
	const char *p = s;

	/* most text is fine as it is: no copy (a million passages' cells
	 * copied a byte at a time were a tenth of the workbook's time) */
	while ((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n')
		p++;
	if (!*p && p - s <= 32000)
		return s;
	buf_reset(b);
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c & 0xc0) != 0x80 && ++chars > 32000) {
			buf_adds(b, " [cut]");
			break;
		}
		buf_addch(b, c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
	}
	return b->data;
}

static void text(struct book *bk, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
		 const char *s, lxw_format *fmt)
{
	worksheet_write_string(ws, row, col, cell_text(&bk->cell, s), fmt);
}

static void headers(struct book *bk, lxw_worksheet *ws, const char *const *names,
		    const double *widths, int n)
{
	for (int c = 0; c < n; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, names[c], bk->head);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
}

static void summary(struct book *bk)
{
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "Summary");
	sqlite3_stmt *chars = db_prepare(bk->r->db, "SELECT id, participants FROM r_character"
					 " ORDER BY position", NULL);
	sqlite3_stmt *rows = db_prepare(bk->r->db,
		"SELECT m.code_id, m.label, m.theme, m.passages, m.participants, m.share"
		" FROM r_matrix m JOIN r_matrix t ON t.code_id = m.code_id"
		" AND t.character = 'total'"
		" ORDER BY t.participants DESC, t.passages DESC, m.code_pos, m.char_pos", NULL);
	struct buf b = BUF_INIT;
	lxw_col_t col = 3;
	lxw_row_t row = 0;
	int nchars = 0;

	worksheet_write_string(ws, 0, 0, "Papercut", bk->head);
	worksheet_write_string(ws, 0, 1, "Label", bk->head);
	worksheet_write_string(ws, 0, 2, "Theme", bk->head);
	while (chars && sqlite3_step(chars) == SQLITE_ROW) {
		static const char *const what[] = { "passages", "participants", "share" };

		for (int k = 0; k < 3; k++) {
			buf_reset(&b);
			buf_addf(&b, "%s %s", db_col_text(chars, 0), what[k]);
			if (k == 2)
				buf_addf(&b, " (n=%d)", sqlite3_column_int(chars, 1));
			worksheet_write_string(ws, 0, col++, b.data, bk->head);
		}
		nchars++;
	}
	for (int i = 0; nchars && rows && sqlite3_step(rows) == SQLITE_ROW; i = (i + 1) % nchars) {
		if (i == 0) {
			row++;
			col = 3;
			for (lxw_col_t c = 0; c < 3; c++)
				text(bk, ws, row, c, db_col_text(rows, (int)c), NULL);
		}
		worksheet_write_number(ws, row, col++, sqlite3_column_int(rows, 3), NULL);
		worksheet_write_number(ws, row, col++, sqlite3_column_int(rows, 4), NULL);
		if (sqlite3_column_type(rows, 5) == SQLITE_NULL)
			worksheet_write_blank(ws, row, col++, NULL);
		else
			worksheet_write_number(ws, row, col++, sqlite3_column_double(rows, 5), bk->pct);
	}
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 1, 34, NULL);
	worksheet_set_column(ws, 2, 2, 12, NULL);
	worksheet_set_column(ws, 3, col, 12, NULL);
	worksheet_freeze_panes(ws, 1, 1);
	if (bk->r->empty)
		worksheet_write_string(ws, row + 2, 0, "No coded evidence in this scope.", NULL);
	sqlite3_finalize(chars);
	sqlite3_finalize(rows);
	buf_release(&b);
}

/* Character x papercut shares with a colour scale. */
static void matrix(struct book *bk)
{
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "Matrix");
	sqlite3_stmt *chars = db_prepare(bk->r->db, "SELECT id FROM r_character"
					 " ORDER BY position", NULL);
	sqlite3_stmt *rows = db_prepare(bk->r->db,
		"SELECT label, share FROM r_matrix ORDER BY code_pos, char_pos", NULL);
	lxw_conditional_format scale = {
		.type = LXW_CONDITIONAL_3_COLOR_SCALE,
		.min_color = 0xFFFFD9, .mid_color = 0x41B6C4, .max_color = 0x081D58,
		.min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER, .min_value = 0,
		.mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER, .mid_value = 0.5,
		.max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER, .max_value = 1,
	};
	lxw_row_t row = 0;
	lxw_col_t ncols = 0;

	worksheet_write_string(ws, 0, 0, "Papercut \\ character (share)", bk->head);
	while (chars && sqlite3_step(chars) == SQLITE_ROW) {
		ncols++;
		text(bk, ws, 0, ncols, db_col_text(chars, 0), bk->head);
	}
	for (lxw_col_t c = 0; ncols && rows && sqlite3_step(rows) == SQLITE_ROW; c = (lxw_col_t)((c + 1) % ncols)) {
		if (c == 0)
			text(bk, ws, ++row, 0, db_col_text(rows, 0), NULL);
		if (sqlite3_column_type(rows, 1) == SQLITE_NULL)
			worksheet_write_blank(ws, row, c + 1, NULL);
		else
			worksheet_write_number(ws, row, c + 1, sqlite3_column_double(rows, 1), bk->pct);
	}
	if (row && ncols)
		worksheet_conditional_format_range(ws, 1, 1, row, ncols, &scale);
	worksheet_set_column(ws, 0, 0, 40, NULL);
	worksheet_set_column(ws, 1, ncols, 11, NULL);
	worksheet_freeze_panes(ws, 1, 1);
	sqlite3_finalize(chars);
	sqlite3_finalize(rows);
}

/* Participants per quarter of every papercut reported in the series,
 * with a native line chart of the top six. Written row by row, as the
 * workbook streams (constant memory). */
static void trends(struct book *bk)
{
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "Trends");
	sqlite3_stmt *codes = db_prepare(bk->r->db,
		"SELECT t.code_id, k.label FROM r_trend t JOIN r_key k ON k.level = 'code'"
		" AND k.key = t.code_id GROUP BY t.code_id HAVING sum(t.participants) > 0"
		" ORDER BY sum(t.participants) DESC, sum(t.passages) DESC, t.code_id", NULL);
	sqlite3_stmt *cell = db_prepare(bk->r->db,
		"SELECT participants FROM r_trend WHERE code_id = ?1 AND quarter = ?2", NULL);
	sqlite3_stmt *qs = db_prepare(bk->r->db, "SELECT label FROM r_quarter ORDER BY position", NULL);
	lxw_chart *chart = workbook_add_chart(bk->wb, LXW_CHART_LINE);
	char **ids = NULL;
	size_t nids = 0, aids = 0;
	lxw_row_t nq = 0;

	worksheet_set_column(ws, 0, 0, 10, NULL);
	worksheet_set_column(ws, 1, 40, 16, NULL);
	worksheet_write_string(ws, 0, 0, "Quarter", bk->head);
	while (codes && sqlite3_step(codes) == SQLITE_ROW) {
		ALLOC_GROW(ids, nids + 1, aids);
		ids[nids++] = xstrdup(db_col_text(codes, 0));
		text(bk, ws, 0, (lxw_col_t)nids, db_col_text(codes, 1), bk->head);
	}
	while (qs && cell && sqlite3_step(qs) == SQLITE_ROW) {
		text(bk, ws, ++nq, 0, db_col_text(qs, 0), NULL);
		for (size_t c = 0; c < nids; c++) {
			sqlite3_reset(cell);
			sqlite3_bind_text(cell, 1, ids[c], -1, SQLITE_STATIC);
			sqlite3_bind_text(cell, 2, db_col_text(qs, 0), -1, SQLITE_TRANSIENT);
			worksheet_write_number(ws, nq, (lxw_col_t)(c + 1),
					       sqlite3_step(cell) == SQLITE_ROW ?
					       sqlite3_column_int(cell, 0) : 0, NULL);
		}
	}
	for (size_t c = 0; c < nids && c < 6 && nq; c++) {
		lxw_chart_series *sr = chart_add_series(chart, NULL, NULL);

		chart_series_set_categories(sr, "Trends", 1, 0, nq, 0);
		chart_series_set_values(sr, "Trends", 1, (lxw_col_t)(c + 1), nq, (lxw_col_t)(c + 1));
		chart_series_set_name_range(sr, "Trends", 0, (lxw_col_t)(c + 1));
		chart_series_set_marker_type(sr, LXW_CHART_MARKER_AUTOMATIC);
	}
	worksheet_freeze_panes(ws, 1, 1);
	chart_title_set_name(chart, "Participants reporting the top papercuts, per quarter");
	chart_axis_set_name(chart->x_axis, "Quarter");
	chart_axis_set_name(chart->y_axis, "Participants");
	if (nids && nq)
		worksheet_insert_chart(ws, nq + 3, 0, chart);
	else
		worksheet_write_string(ws, nq + 2, 0, "No dated, coded evidence in scope.", NULL);
	for (size_t c = 0; c < nids; c++)
		free(ids[c]);
	free(ids);
	sqlite3_finalize(codes);
	sqlite3_finalize(cell);
	sqlite3_finalize(qs);
}

static void evidence(struct book *bk)
{
	static const char *const cols[] = {
		"Quote", "Participant", "Speaker", "Character", "Date", "Source",
		"Location", "Codes", "Link",
	};
	static const double widths[] = { 80, 14, 14, 11, 11, 30, 14, 30, 30 };
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "Evidence");
	sqlite3_stmt *st = db_prepare(bk->r->db,
		"SELECT p.text, pt.name, coalesce(p.speaker, ''), h.character,"
		" coalesce(p.date, s.date, ''), s.path, coalesce(p.location, 'line ' || p.line),"
		" h.codes, coalesce(p.url, s.url, '')"
		" FROM (SELECT passage_id, character, group_concat(code_id, ', ') AS codes"
		"  FROM (SELECT h.passage_id, h.character, h.code_id FROM r_hit h"
		"   JOIN r_key k ON k.level = 'code' AND k.key = h.code_id"
		"   ORDER BY h.passage_id, k.position) GROUP BY passage_id) h"
		" JOIN passage p ON p.id = h.passage_id"
		" JOIN source s ON s.id = p.source_id"
		" JOIN participant pt ON pt.id = p.participant_id"
		" ORDER BY p.date DESC NULLS LAST, s.path, p.seq", NULL);
	lxw_row_t row = 0;
	long links = 0, left = 0;

	headers(bk, ws, cols, widths, 9);
	worksheet_set_column(ws, 0, 0, 80, bk->wrap);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *url = db_col_text(st, 8);

		/* a sheet has LXW_ROW_MAX rows: the last says what did not fit */
		if (row + 2 >= LXW_ROW_MAX) {
			left++;
			continue;
		}
		row++;
		if (!(row & 1023))
			progress_update(&bk->r->prog, "report: the Evidence sheet, %u passages",
					(unsigned)row);
		for (lxw_col_t c = 0; c < 8; c++)
			text(bk, ws, row, c, db_col_text(st, (int)c), c == 0 ? bk->wrap : NULL);
		/* only web links become links, and only as many as a sheet
		 * holds (Excel: 65,530); anything else stays text */
		if ((!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7)) &&
		    strlen(url) < 2000 && !strpbrk(url, " \"<>\n") && links < 65530) {
			worksheet_write_url(ws, row, 8, url, bk->link);
			links++;
		} else if (*url) {
			text(bk, ws, row, 8, url, NULL);
		}
	}
	worksheet_autofilter(ws, 0, 0, row, 8);
	if (left) {
		char note[128];

		snprintf(note, sizeof(note), "%ld more passages than a sheet holds:"
			 " papercut export passages has them all", left);
		text(bk, ws, row + 1, 0, note, NULL);
	}
	sqlite3_finalize(st);
}

static void codebook(struct book *bk)
{
	static const char *const cols[] = {
		"Id", "Kind", "Label", "Theme", "Description", "Patterns",
	};
	static const double widths[] = { 22, 10, 34, 12, 60, 80 };
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "Codebook");
	sqlite3_stmt *st = db_prepare(bk->r->db,
		"SELECT id, kind, label, coalesce(theme, ''), coalesce(description, ''),"
		" coalesce((SELECT group_concat(value, char(10)) FROM json_each(code.patterns)), '')"
		" FROM code ORDER BY position", NULL);
	lxw_row_t row = 0;

	headers(bk, ws, cols, widths, 6);
	worksheet_set_column(ws, 4, 5, 70, bk->wrap);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		row++;
		for (lxw_col_t c = 0; c < 6; c++)
			text(bk, ws, row, c, db_col_text(st, (int)c), c >= 4 ? bk->wrap : NULL);
	}
	worksheet_autofilter(ws, 0, 0, row, 5);
	sqlite3_finalize(st);
}

/* the workbook being compressed into its zip container, on a thread */
struct closing {
	pthread_t thread;
	lxw_workbook *wb;
	lxw_error err;
	char *path;
};

static void *close_workbook(void *arg)
{
	struct closing *c = arg;

	c->err = workbook_close(c->wb);
	return NULL;
}

int write_workbook(struct report *r, struct err *e)
{
	struct book bk = { .r = r, .cell = BUF_INIT };
	struct closing *c;
	struct buf path = BUF_INIT;
	/* rows go out as they are written: memory stays flat however much
	 * evidence there is */
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };

	buf_addf(&path, "%s/papercuts.xlsx", r->out);
	if (!(bk.wb = workbook_new_opt(path.data, &opt))) {
		err_set(e, E_DATA, "%s: cannot write the workbook", path.data);
		buf_release(&path);
		return e->code;
	}
	bk.head = workbook_add_format(bk.wb);
	format_set_bold(bk.head);
	format_set_bottom(bk.head, LXW_BORDER_THIN);
	bk.pct = workbook_add_format(bk.wb);
	format_set_num_format(bk.pct, "0%");
	bk.wrap = workbook_add_format(bk.wb);
	format_set_text_wrap(bk.wrap);
	format_set_align(bk.wrap, LXW_ALIGN_VERTICAL_TOP);
	bk.link = workbook_add_format(bk.wb);
	format_set_underline(bk.link, LXW_UNDERLINE_SINGLE);
	format_set_font_color(bk.link, LXW_COLOR_BLUE);
	summary(&bk);
	matrix(&bk);
	trends(&bk);
	evidence(&bk);
	codebook(&bk);
	buf_release(&bk.cell);

	/* zipping is a third of the report's time at a million passages:
	 * done on the other core while the charts and pages are made */
	c = xcalloc(1, sizeof(*c));
	c->wb = bk.wb;
	c->path = buf_detach(&path, NULL);
	r->book = c;
	if (pthread_create(&c->thread, NULL, close_workbook, c)) {
		c->err = workbook_close(c->wb);
		c->wb = NULL;
	}
	return 0;
}

int finish_workbook(struct report *r, struct err *e)
{
	struct closing *c = r->book;
	int rc = 0;

	if (!c)
		return 0;
	if (c->wb)
		pthread_join(c->thread, NULL);
	if (c->err != LXW_NO_ERROR)
		rc = err_set(e, E_DATA, "%s: cannot write the workbook: %s", c->path,
			     lxw_strerror(c->err));
	free(c->path);
	free(c);
	r->book = NULL;
	return rc;
}
