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

#endif
