#include <string.h>

#include "escape.h"

void html_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_addch(b, *s);
		}
	}
}

void md_escape(struct buf *b, const char *s, const char *nl)
{
	/* line starts matter only in block text (breaks become "\n> ") */
	int line_start = strchr(nl, '\n') != NULL;

	for (; *s; s++) {
		if (*s == '\n') {
			buf_adds(b, nl);
			line_start = strchr(nl, '\n') != NULL;
			continue;
		}
		if (strchr("\\`*_[]<>&|", *s) || (line_start && strchr("#-+=", *s)))
			buf_addch(b, '\\');
		buf_addch(b, *s);
		line_start = 0;
	}
}

void base64_encode(struct buf *b, const unsigned char *d, size_t len)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		buf_addch(b, abc[d[i] >> 2]);
		buf_addch(b, abc[((d[i] & 3) << 4) | (d[i + 1] >> 4)]);
		buf_addch(b, abc[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)]);
		buf_addch(b, abc[d[i + 2] & 63]);
	}
	if (i < len) {
		buf_addch(b, abc[d[i] >> 2]);
		if (i + 1 < len) {
			buf_addch(b, abc[((d[i] & 3) << 4) | (d[i + 1] >> 4)]);
			buf_addch(b, abc[(d[i + 1] & 15) << 2]);
		} else {
			buf_addch(b, abc[(d[i] & 3) << 4]);
			buf_addch(b, '=');
		}
		buf_addch(b, '=');
	}
}

void escape_controls(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			buf_addf(b, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, (char)c);
	}
}

const char *one_line(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			buf_reset(b);
			escape_controls(b, s);
			return b->data;
		}
	return s;
}
