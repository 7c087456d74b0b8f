#ifndef PAPERCUT_READERS_H
#define PAPERCUT_READERS_H

#include <stddef.h>

#include "doc.h"

/*
 * The readers by name (`ingest --kind NAME`, and source.format). A reader
 * is chosen by --kind, else by the file's extension and content.
 */
struct reader {
	const char *name;
	const char *what;       /* for --help */
	int binary;             /* gets the raw bytes, not checked UTF-8 text */
	int (*read)(struct doc *d, const char *data, size_t len, struct err *e);
};

extern const struct reader readers[];
extern const size_t nreaders;

const struct reader *reader_named(const char *name);

/* Readers run on worker threads: the libraries that set themselves up on
 * first use (libxml2, jansson's hash seed) are set up here, on the main
 * thread, before any worker starts. */
void readers_init(void);

/* Whether the file, by its extension, is read as bytes (docx). */
int reader_binary(const char *path);

/* Whether a directory walk takes this file (by extension). */
int reader_takes(const char *path);

/*
 * Picks the reader for `path` from its extension and, where that is not
 * enough, its text (`data`, `len`: UTF-8 text). NULL, with `e` saying
 * why, when none fits.
 */
const struct reader *reader_choose(const char *path, const char *data, size_t len,
				   const struct read_opts *o, struct err *e);

#endif
