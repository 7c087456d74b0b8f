#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mem.h"
#include "doc.h"

/* Speakers called so are interviewers even when the front matter does
 * not name them. */
static const char *const interviewer_names[] = {
	"interviewer", "moderator", "host", "q", "i",
};

void doc_init(struct doc *d, const char *path, const struct read_opts *opts)
{
	memset(d, 0, sizeof(*d));
	d->path = path;
	d->opts = opts;
	buf_init(&d->text, 0);
}

void set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

#define SPAN_BLOCK 4096

void span_setn(struct doc *d, char **field, const char *s, size_t n)
{
	if (!s) {
		*field = NULL;
		return;
	}
	if (n + 1 > d->left) {
		size_t size = sizeof(char *) + (n + 1 > SPAN_BLOCK ? n + 1 : SPAN_BLOCK);
		char *block = xmalloc(size);

		memcpy(block, &d->blocks, sizeof(char *));
		d->blocks = block;
		d->at = block + sizeof(char *);
		d->left = size - sizeof(char *);
	}
	memcpy(d->at, s, n);
	d->at[n] = '\0';
	*field = d->at;
	d->at += n + 1;
	d->left -= n + 1;
}

void span_set(struct doc *d, char **field, const char *value)
{
	span_setn(d, field, value, value ? strlen(value) : 0);
}

void doc_release(struct doc *d)
{
	buf_release(&d->text);
	free(d->participant);
	free(d->date);
	free(d->character);
	free(d->title);
	free(d->url);
	for (size_t i = 0; i < d->ninterviewers; i++)
		free(d->interviewers[i]);
	free(d->interviewers);
	for (size_t i = 0; i < d->nattrs; i++) {
		free(d->attrs[i].participant);
		free(d->attrs[i].key);
		free(d->attrs[i].value);
	}
	free(d->attrs);
	free(d->spans);
	while (d->blocks) {
		char *before;

		memcpy(&before, d->blocks, sizeof(char *));
		free(d->blocks);
		d->blocks = before;
	}
	memset(d, 0, sizeof(*d));
}

struct span *doc_span(struct doc *d, size_t start, size_t end, int line)
{
	struct span *sp;

	ALLOC_GROW(d->spans, d->nspans + 1, d->aspans);
	sp = &d->spans[d->nspans++];
	memset(sp, 0, sizeof(*sp));
	sp->start = start;
	sp->end = end;
	sp->line = line;
	return sp;
}

struct span *doc_add_text(struct doc *d, const char *s, size_t len, int line)
{
	size_t start;

	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len)
		return NULL;
	if (d->text.len)
		buf_adds(&d->text, "\n\n");
	start = d->text.len;
	buf_add(&d->text, s, len);
	return doc_span(d, start, d->text.len, line);
}

char *path_stem(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

void doc_attr(struct doc *d, const char *participant, const char *key,
	      const char *value, int line)
{
	struct attr *a;

	ALLOC_GROW(d->attrs, d->nattrs + 1, d->aattrs);
	a = &d->attrs[d->nattrs++];
	a->participant = participant ? xstrdup(participant) : NULL;
	a->key = xstrdup(key);
	a->value = xstrdup(value);
	a->line = line;
}

int doc_is_interviewer(const struct doc *d, const char *name)
{
	for (size_t i = 0; i < d->ninterviewers; i++)
		if (!strcasecmp(d->interviewers[i], name))
			return 1;
	for (size_t i = 0; d->opts && i < d->opts->ninterviewers; i++)
		if (!strcasecmp(d->opts->interviewers[i], name))
			return 1;
	for (size_t i = 0; i < sizeof(interviewer_names) / sizeof(*interviewer_names); i++)
		if (!strcasecmp(interviewer_names[i], name))
			return 1;
	return 0;
}
