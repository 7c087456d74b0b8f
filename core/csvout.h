#ifndef PAPERCUT_CSVOUT_H
#define PAPERCUT_CSVOUT_H

#include <stdio.h>

/*
 * Writing CSV (RFC 4180: fields quoted when they hold a comma, a quote or
 * a line end, rows ended by CRLF). Text that a spreadsheet would run as a
 * formula (starting with = + - @ or a tab) gets a leading apostrophe, as
 * OWASP recommends for CSV meant to be opened in Excel.
 */
void csv_text(FILE *f, const char *s, int last);
void csv_long(FILE *f, long long v, int last);
void csv_double(FILE *f, double v, int last);
void csv_null(FILE *f, int last);



#include <sqlite3.h>

/* Writes a header of the statement's column names, then every row
 * (numbers as numbers, NULL as empty). Returns the last sqlite3_step()
 * code: SQLITE_DONE when all went well. */
int csv_query(FILE *f, sqlite3_stmt *st);
#endif
