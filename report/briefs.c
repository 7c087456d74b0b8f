/*
 * Story briefs: DIR/briefs/CHARACTER.md, the starting point of a status
 * quo story (the story, the morals, the sources) for each character.
 * Quotes are Markdown-escaped: a tweet's `<script>` or `# title` stays
 * text when the brief is rendered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/escape.h"
#include "parts.h"

#define BRIEF_PAPERCUTS 5
#define BRIEF_QUOTES 3

/* Markdown-escaped inline text (no line starts to guard). */
static void md(struct buf *b, const char *s)
{
	md_escape(b, s, " ");
}

static void brief(struct report *r, struct buf *b, const char *id, const char *label,
		  const char *description, int n, const char *last, const char *prev)
{
	sqlite3_stmt *top = db_prepare(r->db,
		"SELECT m.code_id, m.label, m.participants, m.share, m.passages,"
		" c.change, c.new, c.rank_change"
		" FROM r_matrix m LEFT JOIN r_change c ON c.code_id = m.code_id AND c.quarter = ?2"
		" WHERE m.character = ?1 AND m.participants > 0"
		" ORDER BY m.participants DESC, m.passages DESC, m.code_pos LIMIT ?3", NULL);
	int k = 0;

	buf_adds(b, "# Status quo brief: ");
	md(b, label);
	buf_adds(b, "\n\n");
	md(b, description);
	buf_adds(b, "\n\nScope: ");
	md(b, r->scope);
	buf_addf(b, ". %d participant%s of this character.\n\n", n, n == 1 ? "" : "s");

	buf_adds(b, "## The story\n\nThe papercuts this character's participants report most"
		 " (participants, share of the character's):\n\n");
	if (top) {
		sqlite3_bind_text(top, 1, id, -1, SQLITE_TRANSIENT);
		db_bind_text(top, 2, last);
		sqlite3_bind_int(top, 3, BRIEF_PAPERCUTS);
	}
	while (top && sqlite3_step(top) == SQLITE_ROW) {
		buf_addf(b, "%d. **", ++k);
		md(b, db_col_text(top, 1));
		buf_addf(b, "** (`%s`): %d of %d participants (%.0f%%), %d passage%s\n",
			 db_col_text(top, 0), sqlite3_column_int(top, 2), n,
			 100 * sqlite3_column_double(top, 3), sqlite3_column_int(top, 4),
			 sqlite3_column_int(top, 4) == 1 ? "" : "s");
	}
	if (!k)
		buf_adds(b, "No coded evidence from this character in scope: the story has no"
			 " sources yet.\n");

	buf_adds(b, "\n## What changed");
	if (last && prev) {
		buf_addf(b, " since %s (all participants, %s against %s)\n\n", prev, last, prev);
		sqlite3_reset(top);
		k = 0;
		while (top && sqlite3_step(top) == SQLITE_ROW) {
			k++;
			buf_adds(b, "- ");
			md(b, db_col_text(top, 1));
			if (sqlite3_column_type(top, 5) == SQLITE_NULL)
				buf_adds(b, ": not reported in the series\n");
			else if (sqlite3_column_int(top, 6))
				buf_addf(b, ": new this quarter (%+d participants)\n",
					 sqlite3_column_int(top, 5));
			else
				buf_addf(b, ": %+d participants\n", sqlite3_column_int(top, 5));
		}
		if (!k)
			buf_adds(b, "Nothing to compare.\n");
	} else {
		buf_adds(b, "\n\nNo dated quarter before this one to compare with.\n");
	}

	buf_adds(b, "\n## The morals\n\nWhat the evidence supports, for the writer to turn"
		 " into the story's morals:\n\n");
	sqlite3_reset(top);
	k = 0;
	while (top && sqlite3_step(top) == SQLITE_ROW) {
		k++;
		buf_adds(b, "- ");
		md(b, db_col_text(top, 1));
		buf_addf(b, " hurts %d of %d participants like this character.\n",
			 sqlite3_column_int(top, 2), n);
	}
	if (!k)
		buf_adds(b, "- None yet.\n");

	buf_adds(b, "\n## The sources\n");
	sqlite3_reset(top);
	while (top && sqlite3_step(top) == SQLITE_ROW) {
		sqlite3_stmt *q = best_quotes(r, db_col_text(top, 0), id, BRIEF_QUOTES, NULL);

		buf_adds(b, "\n### ");
		md(b, db_col_text(top, 1));
		buf_adds(b, "\n\n");
		while (q && sqlite3_step(q) == SQLITE_ROW) {
			buf_adds(b, "> ");
			md_escape(b, db_col_text(q, Q_TEXT), "\n> ");
			buf_adds(b, "\n>\n> \u2014 ");
			quote_source(b, q, md);
			buf_adds(b, "\n\n");
		}
		sqlite3_finalize(q);
	}
	sqlite3_finalize(top);
}

int write_briefs(struct report *r, struct err *e)
{
	struct buf dir = BUF_INIT, b = BUF_INIT, name = BUF_INIT;
	sqlite3_stmt *chars = NULL, *qs = NULL;
	char *last = NULL, *prev = NULL;
	int rc = 0;

	buf_addf(&dir, "%s/briefs", r->out);
	if (mkdir(dir.data, 0777) && errno != EEXIST) {
		rc = err_set(e, E_DATA, "%s: cannot make the directory: %s", dir.data, strerror(errno));
		goto out;
	}
	qs = db_prepare(r->db, "SELECT label FROM r_quarter ORDER BY position DESC LIMIT 2", e);
	chars = db_prepare(r->db,
		"SELECT ch.id, k.label, coalesce(k.description, ''), ch.participants"
		" FROM r_character ch JOIN code k ON k.id = ch.id ORDER BY ch.position", e);
	if (!qs || !chars) {
		rc = e->code;
		goto out;
	}
	if (sqlite3_step(qs) == SQLITE_ROW)
		last = strdup(db_col_text(qs, 0));
	if (sqlite3_step(qs) == SQLITE_ROW)
		prev = strdup(db_col_text(qs, 0));
	while (!rc && sqlite3_step(chars) == SQLITE_ROW) {
		const char *id = db_col_text(chars, 0);

		/* ids are a-z, 0-9, '-', '_' (codebook check): safe file names */
		buf_reset(&b);
		buf_reset(&name);
		buf_addf(&name, "%s.md", id);
		brief(r, &b, id, db_col_text(chars, 1), db_col_text(chars, 2),
		      sqlite3_column_int(chars, 3), last, prev);
		rc = write_file(dir.data, name.data, b.data, b.len, e);
	}
out:
	free(last);
	free(prev);
	sqlite3_finalize(qs);
	sqlite3_finalize(chars);
	buf_release(&dir);
	buf_release(&b);
	buf_release(&name);
	return rc;
}
