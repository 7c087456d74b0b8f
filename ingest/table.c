/* A whole CSV file as a table of strings, through libcsv. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "table.h"


static void on_field(void *s, size_t len, void *data)
{
	struct table *t = data;

	ALLOC_GROW(t->row, t->ncur + 1, t->acur);
	t->row[t->ncur++] = xstrndup(s ? s : "", len);
}

static void on_row(int c, void *data)
{
	struct table *t = data;

	(void)c;
	/* the three arrays grow together, by doubling: a realloc each row
	 * copied them whole under AddressSanitizer (quadratic) */
	if (t->nrows == t->arows) {
		size_t before = t->arows;

		ALLOC_GROW(t->rows, t->nrows + 1, t->arows);
		if (t->arows != before) {
			t->ncols = xrealloc(t->ncols, t->arows * sizeof(*t->ncols));
			t->lines = xrealloc(t->lines, t->arows * sizeof(*t->lines));
		}
	}
	t->rows[t->nrows] = t->row;
	t->ncols[t->nrows] = t->ncur;
	t->lines[t->nrows] = t->row_start;
	t->nrows++;
	t->row_start = t->line + 1;     /* a row ends with its line */
	t->row = NULL;
	t->ncur = t->acur = 0;
}

void table_release(struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols[r]; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	for (size_t c = 0; c < t->ncur; c++)
		free(t->row[c]);
	free(t->row);
	free(t->rows);
	free(t->ncols);
	free(t->lines);
	memset(t, 0, sizeof(*t));
}

int table_read(struct table *t, const char *path, const char *data, size_t len,
	       struct err *e)
{
	struct csv_parser p;
	const char *at = data, *end = data + len;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return err_set(e, E_DATA, "%s: cannot start the CSV parser", path);
	/* libcsv grows a field's buffer by this much at a time (128 bytes by
	 * default: a cell of megabytes was copied over and over) */
	csv_set_blk_size(&p, (size_t)1 << 20);
	t->line = t->row_start = 1;
	while (at < end) {      /* line by line, to know where rows start */
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t n = nl ? (size_t)(nl - at) + 1 : (size_t)(end - at);

		if (csv_parse(&p, at, n, on_field, on_row, t) != n) {
			rc = err_set(e, E_DATA, "%s:%d: bad CSV in row %zu: a quote inside an"
				     " unquoted field, or text after a closing quote", path,
				     t->line, t->nrows + 1);
			goto out;
		}
		at += n;
		t->line++;
	}
	if (csv_fini(&p, on_field, on_row, t))
		rc = err_set(e, E_DATA, "%s:%d: bad CSV in row %zu: a quote opened here is never"
			     " closed", path, t->row_start, t->nrows + 1);
out:
	csv_free(&p);
	return rc;
}

long table_column(const struct table *t, size_t header_row, const char *name)
{
	if (header_row >= t->nrows)
		return -1;
	for (size_t c = 0; c < t->ncols[header_row]; c++)
		if (!strcmp(t->rows[header_row][c], name))
			return (long)c;
	return -1;
}

const char *table_cell(const struct table *t, size_t r, long c)
{
	return c >= 0 && (size_t)c < t->ncols[r] ? t->rows[r][c] : "";
}
