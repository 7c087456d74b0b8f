#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mem.h"
#include "../core/text.h"
#include "doc.h"

/* A line: [p, end) without its newline; returns the start of the next. */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	*next = nl ? nl + 1 : end;
	return nl ? nl : end;
}

static char *trimmed(const char *s, const char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	/* a quoted value: "..." or '...' */
	if (e - s >= 2 && (*s == '"' || *s == '\'') && e[-1] == *s) {
		s++;
		e--;
	}
	return xstrndup(s, (size_t)(e - s));
}

/* ISO 8601 date, optionally followed by a time: YYYY-MM-DD[T...]. */
static int iso_date(const char *s)
{
	int y, m, d;
	char rest;

	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &rest) < 3)
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return s[10] == '\0' || s[10] == 'T' || s[10] == ' ';
}

static void add_interviewers(struct doc *d, const char *value)
{
	const char *p = value, *end = value + strlen(value);

	if (*p == '[' && end > p && end[-1] == ']') {
		p++;
		end--;
	}
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		char *name = trimmed(p, stop);

		if (*name) {
			ALLOC_GROW(d->interviewers, d->ninterviewers + 1, d->ainterviewers);
			d->interviewers[d->ninterviewers++] = name;
		} else {
			free(name);
		}
		p = stop + 1;
	}
}

int front_matter(struct doc *d, const char *data, size_t len, size_t *body,
		 struct err *e)
{
	const char *p = data, *end = data + len, *next, *le;
	int line = 1;

	*body = 0;
	le = line_end(p, end, &next);
	if (le - p != 3 || memcmp(p, "---", 3))
		return 0;
	for (p = next, line = 2; p < end; p = next, line++) {
		const char *colon, *ks;
		char *key, *value;

		le = line_end(p, end, &next);
		if (le - p == 3 && !memcmp(p, "---", 3)) {
			*body = (size_t)(next - data);
			return 0;
		}
		for (ks = p; ks < le && isspace((unsigned char)*ks); ks++)
			;
		if (ks == le || *ks == '#')
			continue;
		colon = memchr(p, ':', (size_t)(le - p));
		if (!colon)
			return err_set(e, E_DATA, "%s:%d: expected 'key: value' in front matter",
				       d->path, line);
		key = trimmed(p, colon);
		value = trimmed(colon + 1, le);
		for (char *k = key; *k; k++)
			*k = (char)tolower((unsigned char)*k);
		if (!*key) {
			free(key);
			free(value);
			return err_set(e, E_DATA, "%s:%d: front matter key is empty",
				       d->path, line);
		}
		if (!strcmp(key, "participant") || !strcmp(key, "author")) {
			if (!d->participant || !strcmp(key, "participant")) {
				free(d->participant);
				d->participant = value;
				value = NULL;
			}
		} else if (!strcmp(key, "title") || !strcmp(key, "url")) {
			set_str(!strcmp(key, "title") ? &d->title : &d->url, value);
		} else if (!strcmp(key, "date")) {
			if (!iso_date(value)) {
				err_set(e, E_DATA, "%s:%d: date '%s' is not ISO 8601 (YYYY-MM-DD)",
					d->path, line, value);
				free(key);
				free(value);
				return E_DATA;
			}
			free(d->date);
			d->date = value;
			value = NULL;
		} else if (!strcmp(key, "interviewer") || !strcmp(key, "interviewers")) {
			add_interviewers(d, value);
		} else if (!strcmp(key, "character")) {
			free(d->character);
			d->character = value;
			d->character_line = line;
			value = NULL;
		} else if (*value) {
			doc_attr(d, NULL, key, value, line);
		}
		free(key);
		free(value);
	}
	return err_set(e, E_DATA, "%s:1: front matter opened with '---' is never closed",
		       d->path);
}

/*
 * A speaker turn starts a line with a name of one to four words, each
 * capitalised or a number (as "P07", "Grace H." or "Speaker 1"), optionally in
 * Markdown bold ("**Name:**" or "**Name**:"), a colon and a space.
 * Returns the name's length (0: not a turn), with *name where it starts
 * and *text where the words begin.
 */
size_t turn_start(const char *p, const char *le, const char **name,
		  const char **text)
{
	const char *s = p, *n, *name_end;
	int words = 1, bold = 0;

	if (le - s > 2 && s[0] == '*' && s[1] == '*') {
		s += 2;
		bold = 1;
	}
	n = s;
	if (s >= le || !(isupper((unsigned char)*s) || isdigit((unsigned char)*s) ||
			 (unsigned char)*s >= 0x80))
		return 0;
	for (; s < le && *s != ':' && *s != '*'; s++) {
		if (*s == ' ') {
			/* every word of a name is capitalised: "Grace H.", "Speaker 1" */
			if (++words > 4 || s[-1] == ' ' || s + 1 >= le ||
			    !(isupper((unsigned char)s[1]) || isdigit((unsigned char)s[1]) ||
			      (unsigned char)s[1] >= 0x80))
				return 0;
		} else if (!(isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80 ||
			     strchr(".'_-", *s))) {
			return 0;
		}
		if (s - n > 40)
			return 0;
	}
	if (s >= le || s[-1] == ' ')
		return 0;
	name_end = s;
	if (!bold && *s == ':')
		s++;
	else if (bold && le - s >= 3 && (!memcmp(s, "**:", 3) || !memcmp(s, ":**", 3)))
		s += 3;
	else
		return 0;
	if (s >= le || (*s != ' ' && *s != '\t'))
		return 0;
	while (s < le && (*s == ' ' || *s == '\t'))
		s++;
	if (s == le)
		return 0;
	*name = n;
	*text = s;
	return (size_t)(name_end - n);
}

static void add_span(struct doc *d, size_t start, size_t end, int line,
		     const char *speaker, size_t speaker_len)
{
	struct span *sp;

	while (end > start && isspace((unsigned char)d->text.data[end - 1]))
		end--;
	if (end == start)
		return;
	sp = doc_span(d, start, end, line);
	span_setn(d, &sp->speaker, speaker, speaker_len);
	sp->interviewer = sp->speaker && doc_is_interviewer(d, sp->speaker);
}

/* Counts turn lines and their distinct speakers (up to two). */
static int is_transcript(const char *p, const char *end)
{
	const char *next, *text, *name, *first = NULL;
	size_t first_len = 0, n;
	int turns = 0, speakers = 0;

	for (; p < end; p = next) {
		const char *le = line_end(p, end, &next);

		n = turn_start(p, le, &name, &text);
		if (!n)
			continue;
		turns++;
		if (!first) {
			first = name;
			first_len = n;
			speakers = 1;
		} else if (speakers == 1 &&
			   (n != first_len || memcmp(first, name, n))) {
			speakers = 2;
		}
	}
	return turns >= 2 && speakers >= 2;
}

static void read_turns(struct doc *d, size_t body)
{
	const char *base = d->text.data, *end = base + d->text.len;
	const char *p, *next, *text, *name, *speaker = NULL;
	size_t speaker_len = 0, start = 0;
	int line = line_at(base, body), start_line = 0;

	for (p = base + body; p < end; p = next, line++) {
		const char *le = line_end(p, end, &next);
		size_t n = turn_start(p, le, &name, &text);

		if (!n)
			continue;   /* a continuation of the turn (or preamble) */
		if (speaker)
			add_span(d, start, (size_t)(p - base), start_line,
				 speaker, speaker_len);
		speaker = name;
		speaker_len = n;
		start = (size_t)(text - base);
		start_line = line;
	}
	if (speaker)
		add_span(d, start, d->text.len, start_line, speaker, speaker_len);
}

static void read_paragraphs(struct doc *d, size_t body)
{
	const char *base = d->text.data, *end = base + d->text.len, *p, *next;
	int line = line_at(base, body), start_line = 0;
	size_t start = 0;
	int in_para = 0;

	for (p = base + body; p < end; p = next, line++) {
		const char *le = line_end(p, end, &next), *q;

		for (q = p; q < le && isspace((unsigned char)*q); q++)
			;
		if (q == le) {
			if (in_para)
				add_span(d, start, (size_t)(p - base), start_line, NULL, 0);
			in_para = 0;
		} else if (!in_para) {
			in_para = 1;
			start = (size_t)(q - base);
			start_line = line;
		}
	}
	if (in_para)
		add_span(d, start, d->text.len, start_line, NULL, 0);
}

int text_segment(struct doc *d, struct err *e)
{
	size_t body;

	if (front_matter(d, d->text.data, d->text.len, &body, e))
		return e->code;
	if (is_transcript(d->text.data + body, d->text.data + d->text.len)) {
		d->format = "transcript";
		read_turns(d, body);
	} else {
		d->format = "account";
		read_paragraphs(d, body);
	}
	if (!d->nspans)
		return err_set(e, E_DATA, "%s: no text after the front matter", d->path);
	return 0;
}

int text_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	buf_add(&d->text, data, len);
	return text_segment(d, e);
}
