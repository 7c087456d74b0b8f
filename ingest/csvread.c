/*
 * CSV through libcsv: posts (columns named by --map) and surveys
 * (Qualtrics, Google Forms and LimeSurvey exports, or any CSV described
 * by a --mapping INI file). Each non-empty free-text answer is a passage
 * of its respondent, located by row and column, its question as context.
 */
#include <csv.h>
#include <ctype.h>
#include <ini.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mem.h"
#include "dates.h"
#include "doc.h"
#include "table.h"

static int is_blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

/* --- posts --------------------------------------------------------- */

int csvposts_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	static const char *const keys[] = { "text", "author", "date", "id", "url" };
	long col[5] = { -1, -1, -1, -1, -1 };
	struct table t;
	const char *item = d->opts->map ? d->opts->map : "";
	struct buf one = BUF_INIT;
	int rc = 0;

	if ((rc = table_read(&t, d->path, data, len, e)))
		goto out;
	d->format = "posts";
	while (*item) {         /* KEY=COLUMN, comma separated */
		const char *comma = strchr(item, ',');
		char *eq;
		size_t k;

		buf_reset(&one);
		buf_add(&one, item, comma ? (size_t)(comma - item) : strlen(item));
		item += one.len + (comma != NULL);
		eq = strchr(one.data, '=');
		for (k = 0; eq && k < 5; k++)
			if ((size_t)(eq - one.data) == strlen(keys[k]) &&
			    !strncmp(one.data, keys[k], (size_t)(eq - one.data)))
				break;
		if (!eq || k == 5) {
			rc = err_set(e, E_USAGE, "--map takes text=COL,author=COL,date=COL,id=COL,url=COL; not '%s'",
				     one.data);
			goto out;
		}
		if ((col[k] = table_column(&t, 0, eq + 1)) < 0) {
			rc = err_set(e, E_DATA, "%s:1: no column '%s' (--map %s)", d->path, eq + 1, one.data);
			goto out;
		}
	}
	if (col[0] < 0) {
		rc = err_set(e, E_USAGE, "%s: a CSV of posts needs --map text=COLUMN", d->path);
		goto out;
	}
	for (size_t r = 1; r < t.nrows; r++) {
		const char *text = table_cell(&t, r, col[0]);
		struct span *sp = doc_add_text(d, text, strlen(text), t.lines[r]);
		char date[DATE_MAX];
		struct buf b = BUF_INIT;

		if (!sp)
			continue;
		buf_addf(&b, "row %zu", r + 1);
		span_set(d, &sp->location, b.data);
		if (col[1] >= 0 && !is_blank(table_cell(&t, r, col[1])))
			span_set(d, &sp->participant, table_cell(&t, r, col[1]));
		if (col[2] >= 0 && !is_blank(table_cell(&t, r, col[2]))) {
			if (date_normalize(table_cell(&t, r, col[2]), NULL, date)) {
				rc = err_set(e, E_DATA, "%s:%d: row %zu: '%s' is not a date papercut reads",
					     d->path, t.lines[r], r + 1, table_cell(&t, r, col[2]));
				buf_release(&b);
				goto out;
			}
			span_set(d, &sp->date, date);
		}
		if (col[3] >= 0 && !is_blank(table_cell(&t, r, col[3]))) {
			buf_reset(&b);
			buf_addf(&b, "post:%s", table_cell(&t, r, col[3]));
			span_set(d, &sp->platform_id, b.data);
		}
		if (col[4] >= 0 && !is_blank(table_cell(&t, r, col[4])))
			span_set(d, &sp->url, table_cell(&t, r, col[4]));
		buf_release(&b);
	}
out:
	buf_release(&one);
	table_release(&t);
	return rc;
}

/* --- surveys ------------------------------------------------------- */

struct mapping {
	const char *path;
	int header_rows, label_row;     /* 1-based rows; 0: none */
	char *respondent, *date, *date_format, *tool;
	char **text, **attribute;
	size_t ntext, atext, nattribute, aattribute;
	struct err *e;
	int line;
};

static void mapping_release(struct mapping *m)
{
	free(m->respondent);
	free(m->date);
	free(m->date_format);
	free(m->tool);
	for (size_t i = 0; i < m->ntext; i++)
		free(m->text[i]);
	for (size_t i = 0; i < m->nattribute; i++)
		free(m->attribute[i]);
	free(m->text);
	free(m->attribute);
}

static int on_mapping(void *user, const char *section, const char *key,
		      const char *value)
{
	struct mapping *m = user;

	if (m->e->code)
		return 1;
	if (strcmp(section, "survey")) {
		err_set(m->e, E_DATA, "%s: keys go in a [survey] section, not [%s]", m->path, section);
	} else if (!strcmp(key, "respondent")) {
		set_str(&m->respondent, value);
	} else if (!strcmp(key, "date")) {
		set_str(&m->date, value);
	} else if (!strcmp(key, "date_format")) {
		set_str(&m->date_format, value);
	} else if (!strcmp(key, "text")) {
		ALLOC_GROW(m->text, m->ntext + 1, m->atext);
		m->text[m->ntext++] = xstrdup(value);
	} else if (!strcmp(key, "attribute")) {
		ALLOC_GROW(m->attribute, m->nattribute + 1, m->aattribute);
		m->attribute[m->nattribute++] = xstrdup(value);
	} else if (!strcmp(key, "header_rows") || !strcmp(key, "label_row")) {
		char *end;
		long n = strtol(value, &end, 10);

		if (*end || n < 0 || n > 20)
			err_set(m->e, E_DATA, "%s: %s takes a number of rows, not '%s'", m->path, key, value);
		else if (!strcmp(key, "header_rows"))
			m->header_rows = (int)n;
		else
			m->label_row = (int)n;
	} else {
		err_set(m->e, E_DATA, "%s: unknown key '%s' (known: respondent, date, date_format,"
			" text, attribute, header_rows, label_row)", m->path, key);
	}
	return 1;
}

static int load_mapping(struct mapping *m, const char *path, struct err *e)
{
	int rc;

	m->path = path;
	m->e = e;
	rc = ini_parse(path, on_mapping, m);
	if (e->code)
		return e->code;
	if (rc < 0)
		return err_set(e, E_DATA, "%s: cannot read the mapping file", path);
	if (rc > 0)
		return err_set(e, E_DATA, "%s:%d: expected '[survey]' or 'key = value'", path, rc);
	return 0;
}

/* Free text, by its answers: long, or many words. */
static int looks_free_text(const struct table *t, size_t first, long c)
{
	size_t n = 0, chars = 0;

	for (size_t r = first; r < t->nrows; r++) {
		const char *v = table_cell(t, r, c);
		int words = 0;

		if (is_blank(v))
			continue;
		n++;
		chars += strlen(v);
		for (const char *p = v; *p; p++)
			words += !isspace((unsigned char)*p) && (p == v || isspace((unsigned char)p[-1]));
		if (words >= 8)
			return 1;
	}
	return n && chars / n >= 40;
}

/* Fills in what a known tool's export says, where the mapping did not. */
static void recognise(struct doc *d, struct mapping *m, const struct table *t)
{
	static const char *const admin[] = {
		"Timestamp", "Email Address", "id", "submitdate", "lastpage",
		"startlanguage", "seed", "token", "startdate", "datestamp", "ipaddr", "refurl",
	};
	const char *first = t->nrows ? table_cell(t, 0, 0) : "";
	int qualtrics = t->nrows >= 3 && t->ncols[2] && !strncmp(table_cell(t, 2, 0), "{\"ImportId\"", 11);

	if (qualtrics) {
		set_str(&m->tool, "Qualtrics");
		if (!m->header_rows)
			m->header_rows = 3;
		if (!m->label_row)
			m->label_row = 2;
		if (!m->respondent && table_column(t, 0, "ResponseId") >= 0)
			set_str(&m->respondent, "ResponseId");
		if (!m->date)
			set_str(&m->date, table_column(t, 0, "RecordedDate") >= 0 ? "RecordedDate" : "EndDate");
		/* free text: the questions whose import id ends in _TEXT; the
		 * other questions (QID...) are attributes */
		if (m->ntext || m->nattribute)
			return;     /* the mapping said */
		for (size_t c = 0; c < t->ncols[2]; c++) {
			json_t *j = json_loads(t->rows[2][c], 0, NULL);
			json_t *id = json_object_get(j, "ImportId");
			const char *s = json_is_string(id) ? json_string_value(id) : "";
			size_t n = strlen(s);

			if (c >= t->ncols[0]) {
				json_decref(j);
				continue;
			}
			if (n > 5 && !strcmp(s + n - 5, "_TEXT")) {
				ALLOC_GROW(m->text, m->ntext + 1, m->atext);
				m->text[m->ntext++] = xstrdup(t->rows[0][c]);
			} else if (!strncmp(s, "QID", 3)) {
				ALLOC_GROW(m->attribute, m->nattribute + 1, m->aattribute);
				m->attribute[m->nattribute++] = xstrdup(t->rows[0][c]);
			}
			json_decref(j);
		}
		return;
	}
	if (!strcmp(first, "Timestamp")) {
		set_str(&m->tool, "Google Forms");
		if (!m->date)
			set_str(&m->date, "Timestamp");
		if (!m->respondent && table_column(t, 0, "Email Address") >= 0)
			set_str(&m->respondent, "Email Address");
	} else if (!strcmp(first, "id") && table_column(t, 0, "submitdate") == 1) {
		set_str(&m->tool, "LimeSurvey");
		if (!m->date)
			set_str(&m->date, "submitdate");
		if (!m->respondent)
			set_str(&m->respondent, "id");
	} else {
		return;
	}
	if (!m->header_rows)
		m->header_rows = 1;
	if (m->ntext || m->nattribute)
		return;
	/* the rest: free text when it reads like it, else an attribute */
	for (size_t c = 0; c < t->ncols[0]; c++) {
		const char *name = t->rows[0][c];
		size_t k;

		for (k = 0; k < sizeof(admin) / sizeof(*admin) && strcmp(name, admin[k]); k++)
			;
		if (k < sizeof(admin) / sizeof(*admin) || !*name)
			continue;
		if (looks_free_text(t, (size_t)m->header_rows, (long)c)) {
			ALLOC_GROW(m->text, m->ntext + 1, m->atext);
			m->text[m->ntext++] = xstrdup(name);
		} else {
			ALLOC_GROW(m->attribute, m->nattribute + 1, m->aattribute);
			m->attribute[m->nattribute++] = xstrdup(name);
		}
	}
	(void)d;
}

/* "Q1 as prior_language" -> column Q1, attribute prior_language */
static void split_as(const char *spec, struct buf *col, struct buf *name)
{
	const char *as = strstr(spec, " as ");

	buf_reset(col);
	buf_reset(name);
	if (as) {
		buf_add(col, spec, (size_t)(as - spec));
		buf_adds(name, as + 4);
	} else {
		buf_adds(col, spec);
		buf_adds(name, spec);
	}
	buf_rtrim(col);
}

int survey_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	struct mapping m = { .header_rows = 0 };
	struct table t;
	struct buf col = BUF_INIT, name = BUF_INIT, where = BUF_INIT;
	long *text_cols = NULL, resp = -1, date = -1;
	char *stem = path_stem(d->path);
	int rc;

	if ((rc = table_read(&t, d->path, data, len, e)))
		goto out;
	d->format = "survey";
	if (d->opts->mapping && (rc = load_mapping(&m, d->opts->mapping, e)))
		goto out;
	recognise(d, &m, &t);
	if (!m.ntext) {
		rc = err_set(e, E_DATA, "%s: a survey CSV that is not a Qualtrics, Google Forms or"
			     " LimeSurvey export needs --mapping FILE naming its free-text columns"
			     " (or --map text=COLUMN for posts)", d->path);
		goto out;
	}
	if (!m.header_rows)
		m.header_rows = 1;
	text_cols = xcalloc(m.ntext, sizeof(*text_cols));
	for (size_t i = 0; i < m.ntext; i++)
		if ((text_cols[i] = table_column(&t, 0, m.text[i])) < 0) {
			rc = err_set(e, E_DATA, "%s:1: no column '%s' (free text named by %s)", d->path,
				     m.text[i], d->opts->mapping ? d->opts->mapping : m.tool);
			goto out;
		}
	if (m.respondent && (resp = table_column(&t, 0, m.respondent)) < 0) {
		rc = err_set(e, E_DATA, "%s:1: no respondent column '%s'", d->path, m.respondent);
		goto out;
	}
	if (m.date && (date = table_column(&t, 0, m.date)) < 0 && d->opts->mapping) {
		rc = err_set(e, E_DATA, "%s:1: no date column '%s'", d->path, m.date);
		goto out;
	}
	for (size_t r = (size_t)m.header_rows; r < t.nrows; r++) {
		char when[DATE_MAX] = "";
		const char *who;

		buf_reset(&name);
		/* a bare number (LimeSurvey's id) is only unique in its file */
		if (resp >= 0 && !is_blank(table_cell(&t, r, resp)) &&
		    strspn(table_cell(&t, r, resp), "0123456789") < strlen(table_cell(&t, r, resp)))
			buf_adds(&name, table_cell(&t, r, resp));
		else
			buf_addf(&name, "%s#%s", stem, resp >= 0 && !is_blank(table_cell(&t, r, resp)) ?
				 table_cell(&t, r, resp) : "");
		if (name.data[name.len - 1] == '#')
			buf_addf(&name, "row%zu", r + 1);
		who = name.data;
		if (date >= 0 && !is_blank(table_cell(&t, r, date)) &&
		    date_normalize(table_cell(&t, r, date), m.date_format, when)) {
			rc = err_set(e, E_DATA, "%s:%d: row %zu: date '%s' does not read%s%s",
				     d->path, t.lines[r], r + 1, table_cell(&t, r, date),
				     m.date_format ? " as " : "", m.date_format ? m.date_format : "");
			goto out;
		}
		for (size_t i = 0; i < m.ntext; i++) {
			const char *answer = table_cell(&t, r, text_cols[i]);
			struct span *sp = doc_add_text(d, answer, strlen(answer), t.lines[r]);

			if (!sp)
				continue;
			span_set(d, &sp->participant, who);
			if (*when)
				span_set(d, &sp->date, when);
			buf_reset(&where);
			buf_addf(&where, "row %zu, column %s", r + 1, m.text[i]);
			span_set(d, &sp->location, where.data);
			span_set(d, &sp->context, m.label_row >= 1 && (size_t)m.label_row <= t.nrows &&
				*table_cell(&t, (size_t)m.label_row - 1, text_cols[i]) ?
				table_cell(&t, (size_t)m.label_row - 1, text_cols[i]) : m.text[i]);
		}
		for (size_t i = 0; i < m.nattribute; i++) {
			long c;

			split_as(m.attribute[i], &col, &where);
			if ((c = table_column(&t, 0, col.data)) < 0) {
				rc = err_set(e, E_DATA, "%s:1: no attribute column '%s'", d->path, col.data);
				goto out;
			}
			if (!is_blank(table_cell(&t, r, c)))
				doc_attr(d, who, where.data, table_cell(&t, r, c), t.lines[r]);
		}
	}
out:
	free(stem);
	free(text_cols);
	mapping_release(&m);
	table_release(&t);
	buf_release(&col);
	buf_release(&name);
	buf_release(&where);
	return rc;
}
