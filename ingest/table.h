#ifndef PAPERCUT_TABLE_H
#define PAPERCUT_TABLE_H

#include <stddef.h>

#include "../core/err.h"

/*
 * A CSV file (RFC 4180) read whole through libcsv, as rows of strings:
 * what the posts and survey readers and `gold import` read.
 */
struct table {
	char ***rows;           /* rows[r][c], NUL-terminated strings */
	size_t *ncols;
	size_t nrows, arows;
	char **row;             /* the row being read */
	size_t ncur, acur;
	int *lines;             /* line each row starts on */
	int line;               /* being read */
	int row_start;          /* line the current row started on */
};

/* Reads `data`, strictly: bad quoting is an error naming `path`, the line
 * and the row where it is. table_release() frees, also after an error. */
int table_read(struct table *t, const char *path, const char *data, size_t len,
	       struct err *e);
void table_release(struct table *t);

/* The column of row `header_row` named `name`, or -1. */
long table_column(const struct table *t, size_t header_row, const char *name);

/* Row r's cell in column c: "" where the row is shorter (or c is -1). */
const char *table_cell(const struct table *t, size_t r, long c);

#endif
