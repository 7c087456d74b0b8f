#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "escape.h"

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	char raw[sizeof(e->msg)];
	struct buf line = BUF_INIT;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* one line, whatever a file name or a library's message holds (a
	 * library's own line end at the end goes) */
	for (size_t n = strlen(raw); n && strchr(" \t\r\n", raw[n - 1]); n--)
		raw[n - 1] = '\0';
	escape_controls(&line, raw);
	snprintf(e->msg, sizeof(e->msg), "%s", line.data);
	buf_release(&line);
	return code;
}

void err_clear(struct err *e)
{
	e->code = E_OK;
	e->msg[0] = '\0';
}

void err_print(const struct err *e)
{
	if (e->code != E_OK)
		fprintf(stderr, "papercut: %s\n", e->msg);
}
