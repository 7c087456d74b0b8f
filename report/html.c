/*
 * index.html: the whole report in one file that opens from disk, with no
 * server, no network and no script. Charts are inlined as data: images;
 * every piece of user text goes through html_escape().
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "../core/escape.h"
#include "parts.h"

#define TOP_PER_CHARACTER 5
#define QUOTES_PER_PAPERCUT 8

static const char style[] =
	"body{font:16px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;"
	"padding:0 1rem;color:#1b1b1b}"
	"h1,h2,h3{line-height:1.2}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}"
	"table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #ccc;"
	"padding:.2rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}"
	"figure{margin:1rem 0}img{max-width:100%;height:auto;border:1px solid #eee}"
	"blockquote{margin:.8rem 0;padding:.4rem 1rem;border-left:4px solid #0072B2;"
	"background:#f6f8fa;white-space:pre-wrap}"
	"blockquote footer{font-size:13px;color:#555;white-space:normal}"
	".empty{padding:1rem;background:#fff3cd;border:1px solid #e0c36a}"
	"nav a{margin-right:1rem}.muted{color:#555}";

static void esc(struct buf *b, const char *s)
{
	html_escape(b, s);
}

static int inline_chart(struct report *r, struct buf *h, int chart, struct err *e)
{
	struct buf path = BUF_INIT, svg = BUF_INIT;
	int rc = 0;

	buf_addf(&path, "%s/%s.svg", r->out, chart_names[chart]);
	if (buf_read_file(&svg, path.data)) {
		rc = err_set(e, E_DATA, "%s: %s", path.data, strerror(errno));
		goto out;
	}
	buf_addf(h, "<figure><img src=\"data:image/svg+xml;base64,");
	base64_encode(h, (const unsigned char *)svg.data, svg.len);
	buf_adds(h, "\" alt=\"");
	esc(h, chart_titles[chart]);
	buf_adds(h, "\"><figcaption>");
	esc(h, chart_titles[chart]);
	buf_adds(h, "</figcaption></figure>\n");
out:
	buf_release(&path);
	buf_release(&svg);
	return rc;
}

static void quote(struct buf *h, sqlite3_stmt *q)
{
	buf_adds(h, "<blockquote>");
	esc(h, db_col_text(q, Q_TEXT));
	buf_adds(h, "<footer>\u2014 ");
	quote_source(h, q, html_escape);
	buf_adds(h, "</footer></blockquote>\n");
}

static void summary_table(struct report *r, struct buf *h)
{
	sqlite3_stmt *chars = db_prepare(r->db, "SELECT id, participants FROM r_character"
					 " ORDER BY position", NULL);
	sqlite3_stmt *rows = db_prepare(r->db,
		"SELECT m.label, m.participants, m.share, m.code_id FROM r_matrix m"
		" JOIN r_matrix t ON t.code_id = m.code_id AND t.character = 'total'"
		" WHERE t.participants > 0"
		" ORDER BY t.participants DESC, t.passages DESC, m.code_pos, m.char_pos", NULL);
	int n = 0;

	buf_adds(h, "<table><thead><tr><th>papercut</th>");
	while (chars && sqlite3_step(chars) == SQLITE_ROW) {
		buf_adds(h, "<th>");
		esc(h, db_col_text(chars, 0));
		buf_addf(h, "<br><span class=\"muted\">n=%d</span></th>", sqlite3_column_int(chars, 1));
		n++;
	}
	buf_adds(h, "</tr></thead><tbody>\n");
	for (int i = 0; n && rows && sqlite3_step(rows) == SQLITE_ROW; i = (i + 1) % n) {
		if (i == 0) {
			buf_adds(h, "<tr><td><a href=\"#papercut-");
			esc(h, db_col_text(rows, 3));
			buf_adds(h, "\">");
			esc(h, db_col_text(rows, 0));
			buf_adds(h, "</a></td>");
		}
		if (sqlite3_column_type(rows, 2) == SQLITE_NULL)
			buf_adds(h, "<td>-</td>");
		else
			buf_addf(h, "<td>%d (%.0f%%)</td>", sqlite3_column_int(rows, 1),
				 100 * sqlite3_column_double(rows, 2));
		if (i == n - 1)
			buf_adds(h, "</tr>\n");
	}
	buf_adds(h, "</tbody></table>\n<p class=\"muted\">Each cell: participants reporting the"
		 " papercut (share of the character's n participants). Interviewer turns never count.</p>\n");
	sqlite3_finalize(chars);
	sqlite3_finalize(rows);
}

static void over_section(struct report *r, struct buf *h)
{
	sqlite3_stmt *st = db_prepare(r->db,
		"SELECT o.character, k.label, o.with_it, o.n, o.others_with_it, o.others_n, o.p, o.q"
		" FROM r_over o JOIN r_key k ON k.level = 'code' AND k.key = o.code_id"
		" WHERE o.q < 0.05 ORDER BY o.q, o.p", NULL);
	int n = 0;

	buf_adds(h, "<h2 id=\"over\">What stands out</h2>\n<p>Papercuts that a character's"
		 " participants report more often than everyone else's (Fisher's exact test,"
		 " one-sided; q is p adjusted by Benjamini-Hochberg over all tests; shown when"
		 " q &lt; 0.05).</p>\n");
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		if (!n++)
			buf_adds(h, "<table><thead><tr><th>character</th><th>papercut</th>"
				 "<th>character</th><th>others</th><th>p</th><th>q</th></tr></thead><tbody>\n");
		buf_adds(h, "<tr><td>");
		esc(h, db_col_text(st, 0));
		buf_adds(h, "</td><td>");
		esc(h, db_col_text(st, 1));
		buf_addf(h, "</td><td>%d of %d</td><td>%d of %d</td><td>%.4f</td><td>%.4f</td></tr>\n",
			 sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
			 sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
			 sqlite3_column_double(st, 6), sqlite3_column_double(st, 7));
	}
	buf_adds(h, n ? "</tbody></table>\n"
		 : "<p>No papercut stands out for any character: the differences are within"
		   " what chance gives with this many participants.</p>\n");
	sqlite3_finalize(st);
}

static void character_sections(struct report *r, struct buf *h)
{
	sqlite3_stmt *chars = db_prepare(r->db,
		"SELECT ch.id, coalesce(k.label, ch.id), ch.participants FROM r_character ch"
		" LEFT JOIN code k ON k.id = ch.id WHERE ch.id <> 'total' ORDER BY ch.position", NULL);
	sqlite3_stmt *top = db_prepare(r->db,
		"SELECT code_id, label, participants, n, share FROM r_matrix WHERE character = ?1"
		" AND participants > 0 ORDER BY participants DESC, passages DESC, code_pos LIMIT ?2", NULL);

	buf_adds(h, "<h2 id=\"characters\">Characters</h2>\n");
	while (chars && top && sqlite3_step(chars) == SQLITE_ROW) {
		const char *id = db_col_text(chars, 0);
		int shown = 0;

		buf_adds(h, "<h3 id=\"character-");
		esc(h, id);
		buf_adds(h, "\">");
		esc(h, db_col_text(chars, 1));
		buf_addf(h, " <span class=\"muted\">(%d participants)</span></h3>\n",
			 sqlite3_column_int(chars, 2));
		sqlite3_reset(top);
		sqlite3_bind_text(top, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(top, 2, TOP_PER_CHARACTER);
		while (sqlite3_step(top) == SQLITE_ROW) {
			sqlite3_stmt *q;

			if (!shown++)
				buf_adds(h, "<ol>\n");
			buf_adds(h, "<li><strong>");
			esc(h, db_col_text(top, 1));
			buf_addf(h, "</strong>: %d of %d participants (%.0f%%)\n",
				 sqlite3_column_int(top, 2), sqlite3_column_int(top, 3),
				 100 * sqlite3_column_double(top, 4));
			if ((q = best_quotes(r, db_col_text(top, 0), id, 1, NULL))) {
				while (sqlite3_step(q) == SQLITE_ROW)
					quote(h, q);
				sqlite3_finalize(q);
			}
			buf_adds(h, "</li>\n");
		}
		buf_adds(h, shown ? "</ol>\n" : "<p>No coded evidence from this character in scope.</p>\n");
	}
	sqlite3_finalize(chars);
	sqlite3_finalize(top);
}

static void papercut_sections(struct report *r, struct buf *h)
{
	sqlite3_stmt *codes = db_prepare(r->db,
		"SELECT m.code_id, m.label, coalesce(k.description, ''), m.participants, m.n, m.passages"
		" FROM r_matrix m JOIN code k ON k.id = m.code_id"
		" WHERE m.character = 'total' AND m.participants > 0"
		" ORDER BY m.participants DESC, m.passages DESC, m.code_pos", NULL);

	buf_adds(h, "<h2 id=\"papercuts\">Evidence by papercut</h2>\n");
	while (codes && sqlite3_step(codes) == SQLITE_ROW) {
		sqlite3_stmt *q;

		buf_adds(h, "<h3 id=\"papercut-");
		esc(h, db_col_text(codes, 0));
		buf_adds(h, "\">");
		esc(h, db_col_text(codes, 1));
		buf_addf(h, " <span class=\"muted\">(%d of %d participants, %d passages)</span></h3>\n<p class=\"muted\">",
			 sqlite3_column_int(codes, 3), sqlite3_column_int(codes, 4),
			 sqlite3_column_int(codes, 5));
		esc(h, db_col_text(codes, 2));
		buf_adds(h, "</p>\n");
		if ((q = best_quotes(r, db_col_text(codes, 0), NULL, QUOTES_PER_PAPERCUT, NULL))) {
			while (sqlite3_step(q) == SQLITE_ROW)
				quote(h, q);
			sqlite3_finalize(q);
		}
	}
	sqlite3_finalize(codes);
}

int write_html(struct report *r, struct err *e)
{
	struct buf h = BUF_INIT;
	sqlite3_stmt *st;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc = 0;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	buf_adds(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Papercut report, ");
	esc(&h, r->scope);
	buf_addf(&h, "</title>\n<style>%s</style></head><body>\n<h1>Papercut report, ", style);
	esc(&h, r->scope);
	buf_adds(&h, "</h1>\n");
	st = db_prepare(r->db, "SELECT (SELECT participants FROM r_character WHERE id = 'total'),"
			" (SELECT count(DISTINCT source_id) FROM r_passage),"
			" (SELECT count(DISTINCT passage_id) FROM r_hit)", e);
	if (!st) {
		rc = e->code;
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		buf_addf(&h, "<p class=\"muted\">%d participants, %d sources, %d coded passages."
			 " Made by papercut on %s.</p>\n", sqlite3_column_int(st, 0),
			 sqlite3_column_int(st, 1), sqlite3_column_int(st, 2), when);
	sqlite3_finalize(st);
	if (r->empty)
		buf_adds(&h, "<p class=\"empty\">No coded evidence in this scope: no passage of"
			 " a participant in it is tagged with a papercut. Ingest sources, or widen"
			 " the filters.</p>\n");
	buf_adds(&h, "<nav><a href=\"#charts\">Charts</a><a href=\"#summary\">Summary</a>"
		 "<a href=\"#over\">What stands out</a><a href=\"#characters\">Characters</a>"
		 "<a href=\"#papercuts\">Evidence</a></nav>\n<h2 id=\"charts\">Charts</h2>\n");
	for (int i = 0; i < NCHARTS; i++)
		if ((rc = inline_chart(r, &h, i, e)))
			goto out;
	buf_adds(&h, "<h2 id=\"summary\">Papercuts by character</h2>\n");
	summary_table(r, &h);
	over_section(r, &h);
	character_sections(r, &h);
	papercut_sections(r, &h);
	buf_adds(&h, "</body></html>\n");
	rc = write_file(r->out, "index.html", h.data, h.len, e);
out:
	buf_release(&h);
	return rc;
}
