#ifndef PAPERCUT_DATES_H
#define PAPERCUT_DATES_H

#define DATE_MAX 32

/*
 * Writes `in` as ISO 8601 (YYYY-MM-DD, with THH:MM:SS when it has a
 * time) into `out`. With `fmt` (strptime) only that format is tried;
 * without, the formats sources are known to use. Returns 0, or -1 when
 * nothing fits. Times stay as written (no zone conversion).
 */
int date_normalize(const char *in, const char *fmt, char out[DATE_MAX]);

#endif
