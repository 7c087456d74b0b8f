#include <stdio.h>
#include <string.h>

#include "text.h"

size_t utf8_invalid_at(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

int line_at(const char *s, size_t off)
{
	int line = 1;
	const char *p = s, *end = s + off;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

int digits_value(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int starts_with(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - s) >= n && !strncmp(s, word, n);
}

/* What of a code line is read: its start, or NULL for none of it. */
static const char *code_line_kept(const char *line, const char *end)
{
	static const char *const diagnostics[] = {
		"error[", "error:", "warning[", "warning:", "note:", "help:", "= note:", "= help:",
	};
	const char *p = line, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (size_t i = 0; i < sizeof(diagnostics) / sizeof(*diagnostics); i++)
		if (starts_with(p, end, diagnostics[i]))
			return line;
	/* a diagnostic's gutter: "   | label" is its text, "12 | code" its
	 * source, but for the marks under it, "12 |  ^^^^ message" */
	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (q < end && *q == '|' && q == p)
		return line;
	while (q < end && *q == ' ')
		q++;
	if (q < end && *q == '|') {
		for (q++; q < end && (*q == ' ' || *q == '|'); q++)
			;
		if (q < end && (*q == '^' || *q == '-'))
			return line;
	}
	if (memmem(p, (size_t)(end - p), "panicked at", 11))
		return line;
	if (p < end && *p == '#' && (p + 1 == end || (p[1] != '[' && p[1] != '!')))
		return p;
	for (q = p; q + 1 < end; q++)
		if (q[0] == '/' && q[1] == '/' && (q == line || q[-1] != ':'))
			return q;
	return NULL;
}

/* A fence line: 0 none, 1 a fence, 2 an opening fence of a program's
 * output (```console, ```text...), read as prose. */
static int fence_kind(const char *line, const char *end)
{
	static const char *const output[] = {
		"console", "text", "txt", "log", "output", "plain", "stderr", "stdout",
	};

	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	if (!starts_with(line, end, "```") && !starts_with(line, end, "~~~"))
		return 0;
	line += 3;
	for (size_t i = 0; i < sizeof(output) / sizeof(*output); i++)
		if (starts_with(line, end, output[i]))
			return 2;
	return 1;
}

int text_mask_code(const char *text, size_t len, enum text_mode mode, struct buf *out)
{
	const char *end = text + len, *line;
	int fenced = 0, in_code = mode == TEXT_CODE, blanked = 0;

	if (mode == TEXT_ALL || (mode == TEXT_PROSE && !memmem(text, len, "```", 3) &&
				 !memmem(text, len, "~~~", 3)))
		return 0;
	buf_reset(out);
	buf_add(out, text, len);
	for (line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end, *kept = NULL;
		int fence = mode == TEXT_PROSE ? fence_kind(line, eol) : 0;

		if (fence || in_code) {
			if (!fence)
				kept = code_line_kept(line, eol);
			for (const char *p = line; p < (kept ? kept : eol); p++)
				out->data[p - text] = ' ';
			blanked = 1;
		}
		if (fence) {
			in_code = !fenced && fence == 1;
			fenced = !fenced;
		}
		line = nl ? nl + 1 : end;
	}
	return blanked;
}
