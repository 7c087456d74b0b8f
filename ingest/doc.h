#ifndef PAPERCUT_DOC_H
#define PAPERCUT_DOC_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"

/*
 * What a reader makes of one source file, before it goes into the
 * database: the stored text of the source (`text`: UTF-8, LF line ends;
 * for a transcript the file itself, for a post archive or a web page the
 * text papercut extracted) and passages as spans of it. The doc owns
 * every string in it (doc_release).
 */
struct read_opts {
	int tag_code;             /* --tag-code: tag code blocks too */
	const char *map;          /* --map text=COL,author=COL,... (CSV posts) */
	const char *mapping;      /* --mapping FILE (survey CSV, INI) */
	size_t max_entry;         /* bytes a zip entry may expand to */
	const char *const *interviewers;  /* --interviewer, for every file */
	size_t ninterviewers;
};

struct attr {
	char *participant;        /* NULL: the document's */
	char *key, *value;
	int line;
};

/* A span's strings belong to its doc, set by span_set (doc_release frees them). */
struct span {
	size_t start, end;        /* bytes into doc.text */
	int line;                 /* in the file; 0 when it has none */
	char *speaker;            /* NULL in a written account */
	int interviewer;
	int untagged;             /* stored and searchable, never tagged */
	char *participant;        /* NULL: the document's */
	char *date;               /* NULL: the document's */
	char *location;           /* cue time, CSV row and column, ... */
	char *context;            /* heading path, question, content warning */
	char *platform_id;        /* "twitter:123": stored once, whatever the file */
	char *url;
	char *parent;             /* platform id of the post it replies to */
};

struct doc {
	const char *path;
	const char *format;       /* the reader's name, stored as source.format */
	const struct read_opts *opts;
	struct buf text;
	char *participant;
	char *date;
	char *character;          /* front-matter override */
	int character_line;
	char *title, *url;
	char **interviewers;
	size_t ninterviewers, ainterviewers;
	struct attr *attrs;
	size_t nattrs, aattrs;
	struct span *spans;
	size_t nspans, aspans;
	/* the spans' strings, packed into blocks, each block starting with
	 * a pointer to the one before: a post's four or five strings cost no
	 * malloc and free each (26 M of them a gigabyte) */
	char *blocks, *at;
	size_t left;
};

void doc_init(struct doc *d, const char *path, const struct read_opts *opts);
void doc_release(struct doc *d);

/* A new span [start, end) of d->text, every other field zero. */
struct span *doc_span(struct doc *d, size_t start, size_t end, int line);

/* Appends `len` bytes of extracted text to d->text (after a blank line
 * when there is text already) and makes it a span; NULL when it is only
 * white space (nothing is added then). */
struct span *doc_add_text(struct doc *d, const char *s, size_t len, int line);

void doc_attr(struct doc *d, const char *participant, const char *key,
	      const char *value, int line);

/* The file name without folders and extension; free() it. */
char *path_stem(const char *path);

/* Replaces *field with a copy of `value` (NULL clears it). */
void set_str(char **field, const char *value);

/* Sets a span's `field` to a copy of s[0..n) (s NULL: clears it), or of
 * the string `value`; the copy lives as long as the doc. */
void span_setn(struct doc *d, char **field, const char *s, size_t n);
void span_set(struct doc *d, char **field, const char *value);

/* Whether `name` is an interviewer of the document. */
int doc_is_interviewer(const struct doc *d, const char *name);

/*
 * The readers, one per format; each fills `d` from `data` (the file as
 * UTF-8 text with LF line ends, or the raw bytes for docx) and names the
 * file (and line, row or entry) in its errors.
 */
int text_read(struct doc *d, const char *data, size_t len, struct err *e);
int markdown_read(struct doc *d, const char *data, size_t len, struct err *e);
int html_read(struct doc *d, const char *data, size_t len, struct err *e);
int tweets_read(struct doc *d, const char *data, size_t len, struct err *e);
int twarc_read(struct doc *d, const char *data, size_t len, struct err *e);
int mastodon_read(struct doc *d, const char *data, size_t len, struct err *e);
int csvposts_read(struct doc *d, const char *data, size_t len, struct err *e);
int survey_read(struct doc *d, const char *data, size_t len, struct err *e);
int vtt_read(struct doc *d, const char *data, size_t len, struct err *e);
int srt_read(struct doc *d, const char *data, size_t len, struct err *e);
int zoomchat_read(struct doc *d, const char *data, size_t len, struct err *e);
int docx_read(struct doc *d, const char *data, size_t len, struct err *e);

/* Text of an HTML fragment (entities decoded, blocks and <br> as line
 * breaks), by libxml2's HTML parser. */
void html_fragment_text(const char *html, size_t len, struct buf *out);

/* Whether the line [p, le) starts a speaker turn "Name: text": returns
 * the name's length (0: not a turn), *name and *text where they start. */
size_t turn_start(const char *p, const char *le, const char **name,
		  const char **text);

/* Reads front matter, then turns or paragraphs, from d->text; shared by
 * text_read and docx_read. */
int text_segment(struct doc *d, struct err *e);

/* Reads the front matter between '---' lines at the top of `data`, if
 * any, into `d` (participant or author, date, interviewer, character,
 * title, url; other keys become attributes). *body: where the rest starts. */
int front_matter(struct doc *d, const char *data, size_t len, size_t *body,
		 struct err *e);

#endif
