#ifndef PAPERCUT_DOC_H
#define PAPERCUT_DOC_H

#include <stddef.h>

#include "../core/err.h"

/*
 * What a reader makes of one source file, before it goes into the
 * database. Passages are spans of `text` (the file as stored: UTF-8, no
 * BOM, LF line ends); the doc owns every string in it (doc_release).
 */
struct attr {
	char *key, *value;
	int line;
};

struct span {
	size_t start, end;  /* bytes into doc.text */
	int line;
	char *speaker;      /* NULL in a written account */
	int interviewer;
};

struct doc {
	const char *path;
	const char *format;       /* "transcript" or "account" */
	const char *text;         /* not owned */
	size_t len;
	char *participant;
	char *date;
	char *character;          /* front-matter override */
	int character_line;
	char **interviewers;
	size_t ninterviewers, ainterviewers;
	struct attr *attrs;
	size_t nattrs, aattrs;
	struct span *spans;
	size_t nspans, aspans;
};

void doc_init(struct doc *d, const char *path, const char *text, size_t len);
void doc_release(struct doc *d);

/*
 * Reads a text transcript or written account (.txt, .md): front matter
 * between '---' lines, then speaker turns 'Name: text' or, when there
 * are none, paragraphs. Errors name path and line.
 */
int text_read(struct doc *d, struct err *e);

/* Whether `name` is an interviewer of the document. */
int doc_is_interviewer(const struct doc *d, const char *name);

#endif
