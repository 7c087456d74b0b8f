#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
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
