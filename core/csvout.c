#include <csv.h>
#include <string.h>

#include "buf.h"
#include "csvout.h"

static void end_field(FILE *f, int last)
{
	fputs(last ? "\r\n" : ",", f);
}

void csv_text(FILE *f, const char *s, int last)
{
	struct buf b = BUF_INIT;

	if (s[0] && strchr("=+-@\t\r", s[0])) {
		buf_addch(&b, '\'');
		buf_adds(&b, s);
		s = b.data;
	}
	if (strpbrk(s, ",\"\r\n"))
		csv_fwrite(f, s, strlen(s));   /* quotes, doubling quotes inside */
	else
		fputs(s, f);
	buf_release(&b);
	end_field(f, last);
}

void csv_long(FILE *f, long long v, int last)
{
	fprintf(f, "%lld", v);
	end_field(f, last);
}

void csv_double(FILE *f, double v, int last)
{
	fprintf(f, "%.6g", v);
	end_field(f, last);
}

void csv_null(FILE *f, int last)
{
	end_field(f, last);
}

int csv_query(FILE *f, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st), rc;

	for (int i = 0; i < n; i++)
		csv_text(f, sqlite3_column_name(st, i), i == n - 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			int last = i == n - 1;

			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				csv_null(f, last);
				break;
			case SQLITE_INTEGER:
				csv_long(f, sqlite3_column_int64(st, i), last);
				break;
			case SQLITE_FLOAT:
				csv_double(f, sqlite3_column_double(st, i), last);
				break;
			default:
				csv_text(f, (const char *)sqlite3_column_text(st, i), last);
			}
		}
	}
	return rc;
}
