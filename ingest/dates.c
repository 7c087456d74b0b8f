#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/text.h"
#include "dates.h"

/* Formats sources write dates in, tried in order. */
static const struct {
	const char *fmt;
	int has_time;
} formats[] = {
	{ "%Y-%m-%dT%H:%M:%S", 1 },         /* ISO 8601, also with Z or .000Z */
	{ "%Y-%m-%d %H:%M:%S", 1 },
	{ "%Y-%m-%dT%H:%M", 1 },
	{ "%Y-%m-%d %H:%M", 1 },
	{ "%Y-%m-%d", 0 },
	{ "%a %b %d %H:%M:%S %z %Y", 1 },   /* Twitter: Fri Feb 20 09:10:58 +0000 2026 */
	{ "%Y/%m/%d %I:%M:%S %p", 1 },      /* Google Forms: 2026/09/27 3:00:00 PM GMT+3 */
	{ "%m/%d/%Y %H:%M:%S", 1 },         /* Google Forms: 8/31/2023 19:08:16 */
	{ "%m/%d/%Y %H:%M", 1 },
	{ "%m/%d/%Y", 0 },
	{ "%d.%m.%Y %H:%M", 1 },
	{ "%d.%m.%Y", 0 },
	{ "%Y/%m/%d", 0 },
};

static int fits(const char *s, const char *fmt, struct tm *tm)
{
	const char *end;

	memset(tm, 0, sizeof(*tm));
	end = strptime(s, fmt, tm);
	/* what may follow: fractions of seconds, a zone, nothing */
	return end && (!*end || strchr(".Z+- G", *end));
}

/*
 * YYYY-MM-DDTHH:MM:SS (and what may follow it) and YYYY-MM-DD, as posts
 * and front matter write them, without strptime and strftime, which took
 * a tenth of reading a post. Only what the formats' first fit (above)
 * reads the same: anything else, a year before 1900 say, is left to it.
 */
static int iso_fast(const char *s, char out[DATE_MAX])
{
	int y = digits_value(s, 4), mo, d, h, mi, sec;

	if (y < 1900 || s[4] != '-' || (mo = digits_value(s + 5, 2)) < 1 || mo > 12 ||
	    s[7] != '-' || (d = digits_value(s + 8, 2)) < 1 || d > 31)
		return 0;
	if (!s[10]) {
		memcpy(out, s, 11);
		return 1;
	}
	if (s[10] != 'T' || (h = digits_value(s + 11, 2)) < 0 || h > 23 || s[13] != ':' ||
	    (mi = digits_value(s + 14, 2)) < 0 || mi > 59 || s[16] != ':' ||
	    (sec = digits_value(s + 17, 2)) < 0 || sec > 59 ||
	    (s[19] && !strchr(".Z+- G", s[19])))
		return 0;
	memcpy(out, s, 19);
	out[19] = '\0';
	return 1;
}

int date_normalize(const char *in, const char *fmt, char out[DATE_MAX])
{
	struct tm tm;

	while (*in == ' ' || *in == '\t')
		in++;
	if (!fmt && iso_fast(in, out))
		return 0;
	if (fmt) {
		if (!fits(in, fmt, &tm))
			return -1;
		strftime(out, DATE_MAX, strstr(fmt, "%H") || strstr(fmt, "%I") ?
			 "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d", &tm);
		return 0;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		if (!fits(in, formats[i].fmt, &tm))
			continue;
		if (tm.tm_year < 0 || tm.tm_year > 8099)
			continue;
		strftime(out, DATE_MAX, formats[i].has_time ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d", &tm);
		return 0;
	}
	return -1;
}
