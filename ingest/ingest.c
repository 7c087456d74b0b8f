#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/decisions.h"
#include "../core/escape.h"
#include "../core/feed.h"
#include "../core/lengths.h"
#include "../core/mem.h"
#include "../core/pool.h"
#include "../core/text.h"
#include "doc.h"
#include "fulltext.h"
#include "names.h"
#include "readers.h"
#include "tag.h"

static const char ingest_usage[] =
	"papercut ingest [--batch NAME] [--kind K] [--keep-going] [options] PATH...";
static const char ingest_help[] =
	"Reads sources (files, or folders searched recursively) into the database\n"
	"and tags their passages with the codebook; says for each file which\n"
	"reader it chose. A file already stored with the same content, or a post\n"
	"stored before (same platform id), is not stored again; a file stored\n"
	"before under the same path with other content is replaced.\n\n"
	"  --batch NAME          batch to add to (default: today's date, UTC)\n"
	"  --kind K              the reader, instead of choosing by extension and\n"
	"                        content (list below)\n"
	"  --keep-going          store the good files of a batch with bad ones,\n"
	"                        list the bad ones and exit 1\n"
	"  --follow-links        follow symbolic links in folders (never into a\n"
	"                        folder twice); by default they are passed over\n"
	"  --tag-code            tag all of code blocks (by default only their\n"
	"                        compiler diagnostics and comments)\n"
	"  --interviewer NAME    a speaker who is an interviewer, in every file\n"
	"                        (besides front matter and Interviewer, Host, Q...)\n"
	"  --map text=COL,author=COL,date=COL,id=COL,url=COL\n"
	"                        columns of a CSV of posts (text is required)\n"
	"  --mapping FILE        a survey CSV's columns, as INI (see README)\n"
	"  --max-file-size MB    refuse larger files (default 100)\n"
	"  --max-line-length KB  refuse longer lines (default 8192)\n"
	"  --max-entry-size MB   refuse zip entries that expand further (default 64)\n"
	"  --threads N           read, parse and tag on N threads (default: the\n"
	"                        CPUs but one); one writer stores, in the files'\n"
	"                        order\n"
	"  --db FILE             database (default $PAPERCUT_DB or ./papercut.db)\n"
	"  --codebook DIR        codebook (default $PAPERCUT_CODEBOOK or bundled)\n\n"
	"Readers:\n";

struct paths {
	char **v;
	size_t n, alloc;
	off_t bytes;            /* of the files, for progress */
	off_t largest;          /* the largest file's */
};

/*
 * One file on its way in. A worker reads, checks, parses and tags it
 * (nothing of that touches the database); the writer then stores it, in
 * the order the files were named, so the database is the same whatever
 * the number of threads.
 */
struct job {
	const char *path;
	struct err e;               /* e.code set: the file is bad */
	size_t bytes;
	char hash[33];
	struct doc d;
	int have_doc;
	struct match *matches;      /* of every span, in span order */
	size_t *first, *count;      /* per span: its matches */
	unsigned *tokens;           /* per span: its length (core/lengths.h) */
	size_t *chars;              /* per span: its start and end in code points */
	struct match *cues;         /* of every attribute, in attribute order */
	size_t *cue_at;             /* attribute i's: cues[cue_at[i]..cue_at[i + 1]] */
	size_t ncues, acues;
	size_t nmatches, amatches;
};

struct ingest {
	struct db *db;
	const struct codebook *cb;
	struct tagger tagger;
	const char *batch_name;
	const struct reader *kind;   /* --kind */
	struct read_opts ropts;
	sqlite3_int64 batch_id;
	size_t max_bytes, max_line;
	FILE *report;           /* what is printed once committed (a temporary
				   file: a line per file adds up) */
	long added, unchanged, replaced, passages, duplicates;
	struct names names;         /* participant()'s */
	int no_people;              /* the batch began with no participants */
	struct feed people;         /* new ones not yet stored, then (`seen`) */
	struct name_filter seen;
	sqlite3_int64 next_pid;     /* the id the next of them takes */
	/* the pipeline */
	char **files;
	struct job *jobs;       /* window slots */
	size_t window;
	struct matcher *matchers;   /* one per worker */
	struct tokens *tokens;      /* one per worker */
	struct lengths lengths;
	struct feed rows;           /* passages not yet stored */
	struct feed attrs;          /* participants' attributes not yet stored */
	sqlite3_int64 *ids;         /* theirs once stored, 0: not stored */
	sqlite3_int64 *pids;        /* their participants', 0: none's or an interviewer's */
	int keep_going;
	struct paths *bad;
	struct progress *prog;
	off_t done_bytes, total_bytes;
	size_t nfiles;
	int bulk;               /* secondary indexes dropped for the batch */
	int first;              /* into a database with no rows (first_load) */
	unsigned char *named;       /* a bit per participant id a stored passage
				       or source names (a first load's prune) */
	size_t nnamed;              /* bits */
	struct fulltext fulltext;   /* a first load's index, built beside */
};


static void paths_add(struct paths *p, const char *s, off_t bytes)
{
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	p->v[p->n++] = xstrdup(s);
	p->bytes += bytes;
	if (bytes > p->largest)
		p->largest = bytes;
}

static void paths_release(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* A folder walk: whether it follows symbolic links, and (then) the
 * folders it has been in, so that a link back to an ancestor is no loop. */
struct walk {
	int follow;
	dev_t *dev;
	ino_t *ino;
	size_t n, alloc, adev;
	long links;             /* links passed over (not followed) */
};

/* Whether folder `st` was walked before; notes it when not. */
static int walked(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dev[i] == st->st_dev && w->ino[i] == st->st_ino)
			return 1;
	ALLOC_GROW(w->dev, w->n + 1, w->adev);
	ALLOC_GROW(w->ino, w->n + 1, w->alloc);
	w->dev[w->n] = st->st_dev;
	w->ino[w->n++] = st->st_ino;
	return 0;
}

/* Adds the readable sources below `dir`, in name order. Symbolic links
 * are passed over unless the walk follows them; FIFOs, sockets and
 * devices are passed over with a word. */
static void walk_dir(const char *dir, struct walk *w, struct paths *out, int depth)
{
	struct dirent **names = NULL;
	struct buf path = BUF_INIT;
	int n = depth > 32 ? -1 : scandir(dir, &names, not_hidden, alphasort);

	for (int i = 0; i < n; i++) {
		struct stat st;

		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]->d_name);
		if (lstat(path.data, &st) == 0 && S_ISLNK(st.st_mode) &&
		    (!w->follow || stat(path.data, &st))) {
			w->links++;
		} else if (S_ISDIR(st.st_mode)) {
			if (!walked(w, &st))
				walk_dir(path.data, w, out, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			if (reader_takes(path.data))
				paths_add(out, path.data, st.st_size);
		} else {
			fprintf(stderr, "papercut: note: skipped %s: %s, not a file\n", path.data,
				S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket"
				: "a device");
		}
		free(names[i]);
	}
	free(names);
	buf_release(&path);
}

/* Expands one command-line path into files; errors name the path. A
 * path named on the command line is followed, a link or not. */
static int expand(const char *arg, int follow, struct paths *out, struct err *e)
{
	struct stat st;
	size_t before = out->n;

	if (stat(arg, &st))
		return err_set(e, E_DATA, "%s: %s", arg, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		struct walk w = { .follow = follow };

		walked(&w, &st);
		walk_dir(arg, &w, out, 0);
		free(w.dev);
		free(w.ino);
		if (w.links)
			fprintf(stderr, "papercut: note: %s: %ld symbolic link%s not followed"
				" (--follow-links follows them)\n", arg, w.links,
				w.links == 1 ? "" : "s");
		if (out->n == before)
			return err_set(e, E_DATA, "%s: no readable sources in this directory"
				       " (see 'papercut ingest --help')", arg);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return err_set(e, E_DATA, "%s: not a regular file", arg);
	paths_add(out, arg, st.st_size);
	return 0;
}

/*
 * Reads job->path into `raw`, with its content hash and size in `job`.
 * Unless the reader takes bytes (docx), checks it is text and makes
 * `text` of it as papercut stores text: UTF-8, no BOM, LF line ends, no
 * line past the limit; `raw` is then spent (text without a CR is the
 * bytes as read, handed over, not copied: a file can be 100 MB).
 */
static int load(const struct ingest *ing, struct job *job, struct buf *raw,
		struct buf *text, int binary)
{
	const char *path = job->path, *s, *nl, *cr;
	struct err *e = &job->e;
	size_t len, bad, at, done;
	int rc, line;

	buf_reset(raw);
	raw->max = ing->max_bytes;
	rc = buf_read_file(raw, path);
	if (rc == -2)
		return err_set(e, E_DATA, "%s: larger than the %zu MB limit (--max-file-size)",
			       path, ing->max_bytes >> 20);
	if (rc)
		return err_set(e, E_DATA, "%s: %s", path, strerror(errno));
	s = raw->data;
	len = raw->len;
	if (len == 0)
		return err_set(e, E_DATA, "%s: empty file", path);
	hash_hex(XXH3_128bits(s, len), job->hash);   /* tells a source stored before */
	job->bytes = len;
	if (binary)
		return 0;
	if (len >= 4 && (!memcmp(s, "\xff\xfe\0\0", 4) || !memcmp(s, "\0\0\xfe\xff", 4)))
		return err_set(e, E_DATA, "%s: UTF-32 text; save it as UTF-8", path);
	if (len >= 2 && (((unsigned char)s[0] == 0xff && (unsigned char)s[1] == 0xfe) ||
			 ((unsigned char)s[0] == 0xfe && (unsigned char)s[1] == 0xff)))
		return err_set(e, E_DATA, "%s: UTF-16 text; save it as UTF-8", path);
	if (memchr(s, '\0', len))
		return err_set(e, E_DATA, "%s:%d: binary file (a NUL byte), not text",
			       path, line_at(s, (size_t)((const char *)memchr(s, '\0', len) - s)));
	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
		s += 3;
		len -= 3;
	}
	bad = utf8_invalid_at(s, len);
	if (bad < len)
		return err_set(e, E_DATA, "%s:%d: invalid UTF-8 (byte 0x%02x at offset %zu)",
			       path, line_at(s, bad), (unsigned char)s[bad], bad);
	for (at = 0, line = 1; at < len; line++) {
		/* a line ends at LF, or at a CR alone (old Mac files) */
		nl = memchr(s + at, '\n', len - at);
		cr = memchr(s + at, '\r', (nl ? (size_t)(nl - s) : len) - at);
		if (cr && cr + 1 < s + len && cr[1] != '\n')
			nl = cr;
		if ((nl ? (size_t)(nl - s) : len) - at > ing->max_line)
			return err_set(e, E_DATA, "%s:%d: line longer than the %zu KB limit (--max-line-length)",
				       path, line, ing->max_line >> 10);
		at = nl ? (size_t)(nl - s) + 1 : len;
	}
	buf_reset(text);
	if (!memchr(s, '\r', len)) {
		memmove(raw->data, s, len);     /* past the BOM, if any */
		raw->len = len;
		raw->data[len] = '\0';
		buf_swap(raw, text);
	} else {
		/* CRLF and a CR alone (old Mac line ends) to LF, a run at a time */
		for (done = 0; done < len;) {
			size_t upto;

			cr = memchr(s + done, '\r', len - done);
			upto = cr ? (size_t)(cr - s) : len;
			buf_add(text, s + done, upto - done);
			done = upto;
			if (cr && !(done + 1 < len && s[done + 1] == '\n'))
				buf_addch(text, '\n');
			if (cr)
				done++;
		}
	}
	for (size_t i = 0; i < text->len; i++)
		if (!strchr(" \t\n", text->data[i]))
			return 0;
	return err_set(e, E_DATA, "%s: empty file (only white space)", path);
}

/*
 * The id of the row named `name`, made if there is none: added first
 * (INSERT OR IGNORE), looked up only when it was there. A name the
 * writer has not seen in the batch is mostly new (a survey's
 * respondents, a feed's authors): one statement, where a lookup that
 * missed and then an insert went down the name index twice.
 */
static int add_or_find(struct db *db, enum db_stmt add, enum db_stmt find,
		       const char *name, sqlite3_int64 *id, struct err *e)
{
	sqlite3_stmt *st = db_stmt(db, add, e);

	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (db_step_done(db, st, e, "storing a name"))
		return e->code;
	if (sqlite3_changes(db->h)) {
		*id = sqlite3_last_insert_rowid(db->h);
		return 0;
	}
	if (!(st = db_stmt(db, find, e)))
		return e->code;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, e, "looking a name up");
		sqlite3_reset(st);
		return e->code;
	}
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

#define NAME_SETS 16384     /* 65,536 names remembered: 4 MB at most */

static int flush_people(struct ingest *ing, struct err *e)
{
	return feed_flush(&ing->people, ing->db, STMT_PARTICIPANT_NEW, "storing a name", e);
}

/*
 * The participant named `name`, made on first sight and remembered
 * (ingest/names.h). Ids do not change within a batch (participants are
 * pruned at its end). Into a database that had no participants, a name
 * the batch's filter has not seen is new: it takes the next id and goes
 * in with the document's other new names, one statement for them all (a
 * gigabyte's million survey respondents took a statement each, 4.1 s).
 * Those held are stored before the document's text they borrow is freed,
 * and before a name is looked up or added on its own, so that the id
 * SQLite gives it is the next. Outside a bulk load, each is noted in
 * temp.touched_participant on first sight: the ones attribution looks at
 * again.
 */
static int participant(struct ingest *ing, const char *name, sqlite3_int64 *id,
		       struct err *e)
{
	sqlite3_stmt *st;

	if (names_get(&ing->names, name, id))
		return 0;
	if (ing->seen.bits && !name_filter_add(&ing->seen, name)) {
		*id = ing->next_pid++;
		feed_int(&ing->people, *id);
		feed_str(&ing->people, name);
		if (feed_full(&ing->people) && flush_people(ing, e))
			return e->code;
	} else {
		if (flush_people(ing, e) ||
		    add_or_find(ing->db, STMT_PARTICIPANT_ADD, STMT_PARTICIPANT_FIND, name, id, e))
			return e->code;
		if (*id >= ing->next_pid)
			ing->next_pid = *id + 1;
	}
	if (!ing->bulk) {
		if (!(st = db_stmt(ing->db, STMT_PARTICIPANT_TOUCH, e)))
			return e->code;
		sqlite3_bind_int64(st, 1, *id);
		if (db_step_done(ing->db, st, e, "storing a participant"))
			return e->code;
	}
	names_put(&ing->names, name, *id);
	return 0;
}

/* The document's participant (front matter, else the file name) unless
 * its passages name their own; *pid 0 then. */
static int store_participant(struct ingest *ing, struct doc *d, sqlite3_int64 *pid,
			     struct err *e)
{
	sqlite3_stmt *st;

	*pid = 0;
	if (!d->participant && (!d->nspans || d->spans[0].participant == NULL))
		d->participant = path_stem(d->path);
	if (!d->participant)
		return 0;   /* many authors: each passage names its own */
	if (participant(ing, d->participant, pid, e))
		return e->code;
	if (d->character) {     /* checked against the codebook already */
		if (flush_people(ing, e) ||
		    !(st = db_stmt(ing->db, STMT_PARTICIPANT_OVERRIDE, e)))
			return e->code;
		sqlite3_bind_int64(st, 1, *pid);
		sqlite3_bind_text(st, 2, d->character, -1, SQLITE_TRANSIENT);
		if (db_step_done(ing->db, st, e, "storing a participant"))
			return e->code;
	}
	return 0;
}

static int flush_attrs(struct ingest *ing, struct err *e)
{
	return feed_flush(&ing->attrs, ing->db, STMT_ATTR_SET, "storing a participant attribute", e);
}

/* The document's attributes and their cues (found by the worker), a few
 * hundred to a statement, all stored before it returns: the rows borrow
 * the document's text. */
static int store_attrs(struct ingest *ing, struct job *job, sqlite3_int64 doc_pid,
		       struct err *e)
{
	struct doc *d = &job->d;
	struct feed *f = &ing->attrs;

	for (size_t i = 0; i < d->nattrs; i++) {
		sqlite3_int64 pid = doc_pid;

		if (d->attrs[i].participant &&
		    participant(ing, d->attrs[i].participant, &pid, e))
			return e->code;
		if (!pid)
			continue;
		feed_int(f, pid);
		feed_str(f, d->attrs[i].key);
		feed_str(f, d->attrs[i].value);
		if ((feed_full(f) && flush_attrs(ing, e)) ||
		    tagger_attr(&ing->tagger, pid, d->attrs[i].key, job->cues + job->cue_at[i],
				job->cue_at[i + 1] - job->cue_at[i], e))
			return e->code;
	}
	if (flush_attrs(ing, e))
		return e->code;
	return tagger_attr_flush(&ing->tagger, e);
}

/* Whether what the writer noted as it stored (attribution's hits, the
 * participants named) is all the database holds: a first bulk load that
 * replaced nothing. */
static int noted_all(const struct ingest *ing)
{
	return ing->bulk && ing->first && !ing->replaced;
}

static void name(struct ingest *ing, sqlite3_int64 id)
{
	if (!noted_all(ing) || id <= 0)
		return;
	if ((size_t)id >= ing->nnamed) {
		size_t bits = (2 * (size_t)id + 1024) & ~(size_t)7;

		ing->named = xrealloc(ing->named, bits / 8);
		memset(ing->named + ing->nnamed / 8, 0, (bits - ing->nnamed) / 8);
		ing->nnamed = bits;
	}
	ing->named[id / 8] |= 1 << id % 8;
}

/* Passages are stored this many at a time: a long survey's in turns, so
 * that what is held stays small (its text is the document's, borrowed). */
#define INGEST_ROWS 256

/*
 * Stores the passages held in ing->rows, spans first.. of the job's
 * document, and what goes with each. A passage is not stored when a post
 * with its platform id was (OR IGNORE): when all were, their ids are the
 * last one's and those before it, else they are looked up.
 */
static int store_passages(struct ingest *ing, struct job *job, sqlite3_int64 sid,
			  size_t first, struct err *e)
{
	struct doc *d = &job->d;
	size_t n = feed_rows(&ing->rows);
	sqlite3_int64 last;
	sqlite3_stmt *st;
	int step;

	if (!n)
		return 0;
	if (feed_flush(&ing->rows, ing->db, STMT_PASSAGE_ADD, "storing a passage", e))
		return e->code;
	last = sqlite3_last_insert_rowid(ing->db->h);
	for (size_t k = 0; k < n; k++)
		ing->ids[k] = last - (sqlite3_int64)(n - 1 - k);
	if ((size_t)sqlite3_changes(ing->db->h) != n) {
		memset(ing->ids, 0, n * sizeof(*ing->ids));
		if (!(st = db_stmt(ing->db, STMT_PASSAGE_IDS, e)))
			return e->code;
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)first + 1);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)(first + n));
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			ing->ids[sqlite3_column_int64(st, 0) - 1 - (sqlite3_int64)first] =
				sqlite3_column_int64(st, 1);
		if (step != SQLITE_DONE) {
			db_fail(ing->db, e, "storing a passage");
			sqlite3_reset(st);
			return e->code;
		}
		sqlite3_reset(st);
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = first + k;
		const struct span *sp = &d->spans[i];

		if (!ing->ids[k]) {
			ing->duplicates++;  /* a post stored before, from another file */
			continue;
		}
		ing->passages++;
		name(ing, ing->pids[k]);
		if (lengths_put(&ing->lengths, ing->ids[k], job->tokens[i],
				sp->date ? sp->date : d->date, e) ||
		    (ing->fulltext.active &&
		     fulltext_add(&ing->fulltext, ing->ids[k], d->text.data + sp->start,
				  sp->end - sp->start, e)) ||
		    tagger_store(&ing->tagger, ing->ids[k], ing->pids[k],
				 job->matches + job->first[i], job->count[i], e))
			return e->code;
	}
	return 0;
}

/* Adds span i of the job's document to the passages ing->rows holds. */

/* How tagging reads a span (passage.tagged): a code block as code,
 * everything as it is with --tag-code, else as prose. */
static enum text_mode span_mode(const struct doc *d, const struct span *sp)
{
	return sp->untagged ? TEXT_CODE : d->opts->tag_code ? TEXT_ALL : TEXT_PROSE;
}

static int feed_passage(struct ingest *ing, struct job *job, sqlite3_int64 sid,
			sqlite3_int64 doc_pid, size_t i, struct err *e)
{
	struct doc *d = &job->d;
	const struct span *sp = &d->spans[i];
	struct feed *f = &ing->rows;
	sqlite3_int64 pid = doc_pid;

	if (sp->participant && participant(ing, sp->participant, &pid, e))
		return e->code;
	ing->pids[feed_rows(f)] = sp->interviewer ? 0 : pid;
	feed_int(f, sid);
	feed_int(f, (sqlite3_int64)i + 1);
	if (sp->interviewer || !pid)
		feed_null(f);
	else
		feed_int(f, pid);
	feed_str(f, sp->speaker);
	feed_int(f, sp->interviewer);
	feed_int(f, sp->line);
	feed_int(f, (sqlite3_int64)sp->start);
	feed_int(f, (sqlite3_int64)sp->end);
	feed_int(f, (sqlite3_int64)job->chars[2 * i]);
	feed_int(f, (sqlite3_int64)job->chars[2 * i + 1]);
	feed_text(f, d->text.data + sp->start, sp->end - sp->start);
	feed_str(f, sp->date ? sp->date : d->date);
	feed_str(f, sp->location);
	feed_str(f, sp->context);
	feed_str(f, sp->platform_id);
	feed_str(f, sp->url);
	feed_str(f, sp->parent);
	feed_int(f, span_mode(d, sp));
	return 0;
}

static int store_doc(struct ingest *ing, struct job *job, struct err *e)
{
	struct doc *d = &job->d;
	const char *hash = job->hash;
	sqlite3_int64 pid, sid;
	sqlite3_stmt *st;

	if (!ing->batch_id &&
	    add_or_find(ing->db, STMT_BATCH_ADD, STMT_BATCH_FIND, ing->batch_name,
			&ing->batch_id, e))
		return e->code;
	if (store_participant(ing, d, &pid, e) || store_attrs(ing, job, pid, e))
		return e->code;

	if (!(st = db_stmt(ing->db, STMT_SOURCE_ADD, e)))
		return e->code;
	sqlite3_bind_int64(st, 1, ing->batch_id);
	sqlite3_bind_text(st, 2, d->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, d->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)job->bytes);
	if (pid)
		sqlite3_bind_int64(st, 6, pid);
	else
		sqlite3_bind_null(st, 6);
	db_bind_text(st, 7, d->date);
	sqlite3_bind_text(st, 8, "[]", -1, SQLITE_STATIC);
	db_bind_text(st, 9, d->title);
	db_bind_text(st, 10, d->url);
	sqlite3_bind_text(st, 11, d->text.data, (int)d->text.len, SQLITE_STATIC);
	if (db_step_done(ing->db, st, e, "storing a source"))
		return e->code;
	sid = sqlite3_last_insert_rowid(ing->db->h);
	name(ing, pid);
	for (size_t i = 0; i < d->ninterviewers; i++) {
		if (!(st = db_stmt(ing->db, STMT_SOURCE_INTERVIEWER, e)))
			return e->code;
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, d->interviewers[i], -1, SQLITE_TRANSIENT);
		if (db_step_done(ing->db, st, e, "storing a source"))
			return e->code;
	}

	for (size_t i = 0; i < d->nspans; i++) {
		if (feed_passage(ing, job, sid, pid, i, e))
			return e->code;
		if (feed_full(&ing->rows) &&
		    store_passages(ing, job, sid, i + 1 - feed_rows(&ing->rows), e))
			return e->code;
	}
	if (store_passages(ing, job, sid, d->nspans - feed_rows(&ing->rows), e))
		return e->code;
	return flush_people(ing, e);
}

/*
 * A batch that adds more passages than the database holds is stored
 * faster without the indexes that only reads use: they are built again,
 * sorted, at its end (inserting into them row by row, in random order,
 * is what slows a large batch down once they outgrow the cache; codings
 * by code too at 1 GB, where the load took 0.95 of the time without).
 * Inside the batch's transaction, so a failure puts them back as well.
 */
#define BYTES_PER_PASSAGE 160   /* about, in the formats papercut reads */

static const char bulk_indexes[] =
	"CREATE INDEX passage_participant ON passage(participant_id);"
	"CREATE INDEX coding_code ON coding(code_id, passage_id);"
	"CREATE INDEX passage_date ON passage(date DESC, source_id, seq, interviewer,"
	" participant_id);";

/*
 * Decides, before the batch's transaction, whether it is a bulk load.
 * One also goes through a rollback journal: a transaction of gigabytes
 * makes the WAL as large and slow to search, where a rollback journal
 * keeps each page's old image once. The database goes back to WAL after
 * (bulk_finish); should switching fail (another connection), it stays.
 */
static int bulk_decide(struct ingest *ing, struct db *db, off_t bytes, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM passage", e);
	long have = 0;
	struct err ignore = ERR_INIT;

	if (!st)
		return e->code;
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (bytes / BYTES_PER_PASSAGE < have || bytes < (1 << 20))
		return 0;
	ing->bulk = 1;
	db_exec(db, "PRAGMA journal_mode = TRUNCATE", &ignore);
	return 0;
}

/*
 * Whether the batch, in its transaction, is a first load: no passages and
 * no sources stored before it, so that every row that names a participant
 * will be its own (what its attribution and pruning count on). With no
 * participants either, the names it has not seen are new (participant()).
 */
static int first_load(struct ingest *ing, struct db *db, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT NOT EXISTS (SELECT 1 FROM passage)"
				      " AND NOT EXISTS (SELECT 1 FROM source),"
				      " NOT EXISTS (SELECT 1 FROM participant)", e);

	if (!st)
		return e->code;
	if (sqlite3_step(st) == SQLITE_ROW) {
		ing->first = sqlite3_column_int(st, 0);
		ing->no_people = sqlite3_column_int(st, 1);
	} else {
		db_fail(db, e, "reading the database");
	}
	sqlite3_finalize(st);
	return e->code;
}

static int bulk_begin(struct ingest *ing, struct db *db, struct err *e)
{
	if (!ing->bulk)
		return 0;
	return db_exec(db, "DROP INDEX IF EXISTS passage_participant;"
		       " DROP INDEX IF EXISTS passage_date; DROP INDEX IF EXISTS coding_code", e);
}

/*
 * After a bulk load: back to WAL and, once it is committed, its full-text
 * index merged into one segment. FTS5 leaves a bulk load in many (one
 * each time its buffer fills) and looks every search term up in each:
 * merged, searches take 15 % less. In a transaction of its own, after
 * the batch's, where it costs a second a million passages (inside the
 * batch's, every spill of the page cache waits for the rollback journal
 * to reach the disk); should it fail, the batch is stored all the same.
 * FTS5's own merging suffices for the smaller batches that follow.
 */
static void bulk_finish(struct ingest *ing, struct db *db, int committed)
{
	struct err e = ERR_INIT;

	if (!ing->bulk)
		return;
	ing->bulk = 0;
	db_exec(db, "PRAGMA journal_mode = WAL", &e);
	err_clear(&e);
	if (!committed || ing->fulltext.copied)
		return;     /* the builder merged its index (fulltext.c) */
	progress_show(ing->prog, "ingest: merging the full-text index");
	if (db_exec(db, "INSERT INTO passage_fts(passage_fts) VALUES ('optimize')", &e))
		fprintf(stderr, "papercut: note: the full-text index stays in pieces (%s);"
			" searches are slower until the next large batch\n", e.msg);
	err_clear(&e);
}

/*
 * The full-text index of the batch's new passages, in one statement. FTS5
 * merges its segments as it goes (automerge), rewriting the index several
 * times over; a bulk load is merged whole once committed (bulk_finish), so
 * there it merges only as FTS_BULK_MERGE says: 100 MB indexed in 1.1 s
 * instead of 1.7 s.
 */
static int index_text(struct ingest *ing, struct db *db, struct err *e)
{
	if (ing->fulltext.active) {
		if (!ing->replaced)
			return 0;   /* indexed beside, copied in before the commit */
		/* a source stored twice in the batch: the builder has its old passages */
		fulltext_end(&ing->fulltext, db);
	}
	progress_show(ing->prog, "ingest: full-text indexing %ld passages", ing->passages);
	if (ing->bulk && db_exec(db, FTS_BULK_MERGE, e))
		return e->code;
	if (db_exec(db, "INSERT INTO passage_fts(rowid, text) SELECT id, text"
		    " FROM passage WHERE id > (SELECT id FROM ingest_mark)", e))
		return e->code;
	if (ing->bulk)     /* FTS5's defaults again, for the batches to come */
		return db_exec(db, "INSERT INTO passage_fts(passage_fts, rank) VALUES ('automerge', 4);"
			       " INSERT INTO passage_fts(passage_fts, rank) VALUES ('crisismerge', 16)",
			       e);
	return 0;
}

static int bulk_end(struct ingest *ing, struct db *db, struct err *e)
{
	if (!ing->bulk)
		return 0;
	progress_show(ing->prog, "ingest: sorting the passage indexes");
	return db_exec(db, bulk_indexes, e);
}

/* Decides the characters of the batch's participants and prunes those
 * it left without a passage or a source. */
static int attribute(struct ingest *ing, struct db *db, struct err *e)
{
	progress_show(ing->prog, "ingest: attributing characters");
	if (attribute_participants(db, !ing->bulk ? ATTRIBUTE_TOUCHED :
				   noted_all(ing) ? ATTRIBUTE_HITS : ATTRIBUTE_ALL, e))
		return e->code;
	return noted_all(ing) ? prune_unnamed(db, ing->named, ing->nnamed, e) :
		prune_participants(db, !ing->bulk, e);
}

/* Whether `d`'s front-matter character is one of the codebook's. */
static int check_override(const struct codebook *cb, const struct doc *d, struct err *e)
{
	long c;
	struct buf known = BUF_INIT;

	if (!d->character)
		return 0;
	c = codebook_find(cb, d->character);
	if (c >= 0 && cb->codes[c].kind == KIND_CHARACTER)
		return 0;
	for (size_t i = 0; i < cb->n; i++)
		if (cb->codes[i].kind == KIND_CHARACTER)
			buf_addf(&known, "%s%s", known.len ? ", " : "", cb->codes[i].id);
	err_set(e, E_DATA, "%s:%d: character '%s' is not in the codebook (%s)",
		d->path, d->character_line, d->character, known.data);
	buf_release(&known);
	return E_DATA;
}

static void job_release(struct job *job)
{
	if (job->have_doc)
		doc_release(&job->d);
	free(job->matches);
	free(job->first);
	free(job->count);
	free(job->tokens);
	free(job->chars);
	free(job->cues);
	free(job->cue_at);
	memset(job, 0, sizeof(*job));
}

/* The worker's part: read, check, parse and tag one file. */
static void prepare(void *ctx, size_t i, int worker)
{
	struct ingest *ing = ctx;
	struct job *job = &ing->jobs[i % ing->window];
	const struct reader *r = ing->kind;
	struct buf raw = BUF_INIT, text = BUF_INIT;
	int binary;

	job_release(job);
	job->path = ing->files[i];
	binary = r ? r->binary : reader_binary(job->path);
	if (load(ing, job, &raw, &text, binary))
		goto out;
	if (!r && !(r = reader_choose(job->path, binary ? raw.data : text.data,
				      binary ? raw.len : text.len, &ing->ropts, &job->e)))
		goto out;
	doc_init(&job->d, job->path, &ing->ropts);
	job->have_doc = 1;
	job->d.format = r->name;
	if (r->read(&job->d, binary ? raw.data : text.data, binary ? raw.len : text.len, &job->e))
		goto out;
	if (!job->d.nspans) {
		err_set(&job->e, E_DATA, "%s: no passages in it (read as %s)", job->path, r->name);
		goto out;
	}
	if (check_override(ing->cb, &job->d, &job->e))
		goto out;

	/* count every span's characters and tokens, tag every span that is
	 * tagged (here, not in the writer, which sets the load's pace) */
	job->first = xcalloc(job->d.nspans, sizeof(*job->first));
	job->count = xcalloc(job->d.nspans, sizeof(*job->count));
	job->tokens = xcalloc(job->d.nspans, sizeof(*job->tokens));
	job->chars = xcalloc(2 * job->d.nspans, sizeof(*job->chars));
	for (size_t k = 0, at = 0, chars = 0; k < job->d.nspans; k++) {
		const struct span *sp = &job->d.spans[k];

		/* spans come in text order, gaps between them; one that
		 * started before the last ended is counted from the start */
		if (sp->start < at) {
			at = 0;
			chars = 0;
		}
		chars += utf8_chars(job->d.text.data + at, sp->start - at);
		job->chars[2 * k] = chars;
		chars += utf8_chars(job->d.text.data + sp->start, sp->end - sp->start);
		job->chars[2 * k + 1] = chars;
		at = sp->end;

		job->tokens[k] = tokens_count(&ing->tokens[worker], job->d.text.data + sp->start,
					      sp->end - sp->start);
		job->first[k] = job->nmatches;
		ALLOC_GROW(job->matches, job->nmatches + ing->cb->n, job->amatches);
		ing->matchers[worker].mode = span_mode(&job->d, sp);
		job->count[k] = codebook_match(ing->cb, &ing->matchers[worker],
					       job->d.text.data + sp->start, sp->end - sp->start,
					       job->matches + job->nmatches);
		if (ing->matchers[worker].limit) {
			err_set(&job->e, E_DATA, "%s:%d: the rule at %s hits PCRE2's match limit"
				" on this passage: it backtracks too much (simplify it)", job->path,
				sp->line, ing->matchers[worker].limit->where);
			goto out;
		}
		job->nmatches += job->count[k];
	}
	job->cue_at = xcalloc(job->d.nattrs + 1, sizeof(*job->cue_at));
	for (size_t k = 0; k < job->d.nattrs; k++) {
		ALLOC_GROW(job->cues, job->ncues + ing->cb->n, job->acues);
		job->ncues += codebook_attr_match(ing->cb, &ing->matchers[worker],
						  job->d.attrs[k].key, job->d.attrs[k].value,
						  job->cues + job->ncues);
		job->cue_at[k + 1] = job->ncues;
	}
out:
	buf_release(&raw);
	buf_release(&text);
}

/*
 * Once the files are stored, the memory that held them back to the
 * system before what sorts (a bulk load's indexes, attribution) takes
 * its own, as SQLite sorts in as much memory again as the page cache
 * holds: the window's files; the page cache's dirty pages written out
 * (as they would be at the commit), so that a smaller cache for the
 * sorts frees the rest of it (the peak 65 MB, not 97, on 100 MB of
 * sources, 72 MB, not 100, on 1 GB, nothing slower); then, after that,
 * what malloc keeps of it all (trimmed before the cache shrank, the
 * peak was 93-94 MB at 1 GB, 82-84 after). Without any of it, a
 * gigabyte's peak 95 MB, not 80-87 (160 MB: 89, not 77), at the same
 * speed (interleaved rounds: 0.99 at 1 GB, 1.02 at 160 MB). The sorts
 * get a helper thread, for the other core, idle by then but for the
 * full-text merge: 0.94-0.97 of the time, the peak 12 MB more.
 */
static int give_back(struct ingest *ing, struct db *db, struct err *e)
{
	int rc;

	for (size_t i = 0; i < ing->window; i++)
		job_release(&ing->jobs[i]);
	/* busy: a reader kept the lock the pages need; they wait for it then */
	/* its result, not the connection's last error, says what went wrong
	 * (a full disk: the connection's said "not an error") */
	if ((rc = sqlite3_db_cacheflush(db->h)) != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
		return err_set(e, E_DATA, "writing the database: database '%s': %s", db->path,
			       sqlite3_errstr(rc));
	if (db_exec(db, "PRAGMA threads = 1; PRAGMA cache_size = " DB_SORT_CACHE_SIZE, e))
		return e->code;
	malloc_trim(0);
	return 0;
}

/* Files read ahead of the writer past the first 2 a thread + 2: as many
 * as 8 MB of the largest allow (core/pool.h). */
#define WINDOW_BYTES ((size_t)8 << 20)

/* The writer's part: store file i, in order. A bad file is listed (with
 * --keep-going) or ends the batch; a database error always ends it. */
static int store(void *ctx, size_t i)
{
	struct ingest *ing = ctx;
	struct job *job = &ing->jobs[i % ing->window];
	struct err *e = &job->e;
	sqlite3_stmt *st;
	sqlite3_int64 old = 0;
	long dups = ing->duplicates;
	int rc = 0;

	ing->done_bytes += job->bytes;
	progress_eta(ing->prog, "ingest", (double)ing->done_bytes, (double)ing->total_bytes,
		     ing->passages, "%zu/%zu files, %.1f/%.1f MB", i + 1, ing->nfiles,
		     (double)ing->done_bytes / 1048576, (double)ing->total_bytes / 1048576);
	if (e->code)
		goto bad;

	if (!(st = db_stmt(ing->db, STMT_SOURCE_BY_HASH, e)))
		goto fatal;
	sqlite3_bind_text(st, 1, job->hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		struct buf a = BUF_INIT, b = BUF_INIT;

		if (strcmp(job->path, db_col_text(st, 1)))
			fprintf(ing->report, "unchanged  %s (stored before as %s)\n",
				one_line(&a, job->path), one_line(&b, db_col_text(st, 1)));
		else
			fprintf(ing->report, "unchanged  %s\n", one_line(&a, job->path));
		buf_release(&a);
		buf_release(&b);
		sqlite3_reset(st);
		ing->unchanged++;
		goto out;
	}
	sqlite3_reset(st);

	if (!(st = db_stmt(ing->db, STMT_SOURCE_BY_PATH, e)))
		goto fatal;
	sqlite3_bind_text(st, 1, job->path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		old = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* its participants noted for attribution, then what cascades would
	 * delete, deleted here (foreign keys are off) */
	for (int k = STMT_SOURCE_TOUCH; old && k <= STMT_SOURCE_DELETE; k++) {
		if (!(st = db_stmt(ing->db, k, e)))
			goto fatal;
		sqlite3_bind_int64(st, 1, old);
		if (db_step_done(ing->db, st, e, "replacing a source"))
			goto fatal;
	}
	if (store_doc(ing, job, e))
		goto fatal;
	{
		struct buf name = BUF_INIT;

		fprintf(ing->report, "%-10s %-10s %s (%zu passage%s", old ? "replaced" : "added",
			job->d.format, one_line(&name, job->path), job->d.nspans,
			job->d.nspans == 1 ? "" : "s");
		buf_release(&name);
	}
	if (ing->duplicates > dups)
		fprintf(ing->report, ", %ld stored before", ing->duplicates - dups);
	fputs(")\n", ing->report);
	if (old)
		ing->replaced++;
	else
		ing->added++;
	goto out;
bad:
	if (ing->keep_going) {
		paths_add(ing->bad, e->msg, 0);
		goto out;
	}
	rc = e->code;
	goto out;
fatal:          /* a database error: the batch is lost, --keep-going or not */
	rc = e->code ? e->code : E_DATA;
out:
	/* the job's memory is freed by whoever prepares its slot next, most
	 * often the worker that allocated it (prepare()) */
	return rc;
}

static void today(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

struct ingest_opts {
	struct ingest *ing;
	int keep_going;
	int follow_links;
	int threads;
	const char **interviewers;
	size_t ninterviewers, ainterviewers;
};

static int ingest_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct ingest_opts *o = ctx;
	long mb;

	switch (opt) {
	case 'K':
		if (!(o->ing->kind = reader_named(arg))) {
			struct buf names = BUF_INIT;

			for (size_t i = 0; i < nreaders; i++)
				buf_addf(&names, "%s%s", i ? ", " : "", readers[i].name);
			err_set(e, E_USAGE, "--kind takes %s; not '%s'", names.data, arg);
			buf_release(&names);
			return E_USAGE;
		}
		return 0;
	case 'T':
		o->ing->ropts.tag_code = 1;
		return 0;
	case 'j': {
		long n;

		if (cli_number("--threads", arg, 1, 64, &n, e))
			return e->code;
		o->threads = (int)n;
		return 0;
	}
	case 'I':
		ALLOC_GROW(o->interviewers, o->ninterviewers + 1, o->ainterviewers);
		o->interviewers[o->ninterviewers++] = arg;
		o->ing->ropts.interviewers = o->interviewers;
		o->ing->ropts.ninterviewers = o->ninterviewers;
		return 0;
	case 'M':
		o->ing->ropts.map = arg;
		return 0;
	case 'S':
		o->ing->ropts.mapping = arg;
		return 0;
	case 'L':
		if (cli_number("--max-line-length", arg, 1, 1 << 20, &mb, e))
			return e->code;
		o->ing->max_line = (size_t)mb << 10;
		return 0;
	case 'E':
		if (cli_number("--max-entry-size", arg, 1, 1 << 20, &mb, e))
			return e->code;
		o->ing->ropts.max_entry = (size_t)mb << 20;
		return 0;
	case 'b':
		if (!*arg)
			return err_set(e, E_USAGE, "--batch needs a name");
		o->ing->batch_name = arg;
		return 0;
	case 'F':
		o->follow_links = 1;
		return 0;
	case 'k':
		o->keep_going = 1;
		return 0;
	case 'm':
		if (cli_number("--max-file-size", arg, 1, 1 << 20, &mb, e))
			return e->code;
		o->ing->max_bytes = (size_t)mb << 20;
		return 0;
	}
	return 0;
}

static void copy_report(FILE *report)
{
	char buf[8192];
	size_t n;

	rewind(report);
	while ((n = fread(buf, 1, sizeof(buf), report)) > 0)
		fwrite(buf, 1, n, stdout);
}

int cmd_ingest(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "follow-links", no_argument, NULL, 'F' },
		{ "max-file-size", required_argument, NULL, 'm' },
		{ "kind", required_argument, NULL, 'K' },
		{ "tag-code", no_argument, NULL, 'T' },
		{ "threads", required_argument, NULL, 'j' },
		{ "interviewer", required_argument, NULL, 'I' },
		{ "map", required_argument, NULL, 'M' },
		{ "mapping", required_argument, NULL, 'S' },
		{ "max-line-length", required_argument, NULL, 'L' },
		{ "max-entry-size", required_argument, NULL, 'E' },
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct codebook cb;
	struct db db = { 0 };
	struct buf batch_line = BUF_INIT;
	long orphans = 0;
	struct ingest ing = {
		.max_bytes = (size_t)100 << 20,
		.max_line = (size_t)8192 << 10,
		.ropts.max_entry = (size_t)64 << 20,
	};
	struct buf help = BUF_INIT;
	struct ingest_opts o = { .ing = &ing, .threads = pool_threads() };
	struct paths files = { 0 }, bad = { 0 };
	struct progress prog = { 0 };
	char date[16];
	int rc = 0, in_tx = 0, nctx = 0;

	codebook_init(&cb);
	today(date, sizeof(date));
	ing.batch_name = date;
	buf_adds(&help, ingest_help);
	for (size_t i = 0; i < nreaders; i++)
		buf_addf(&help, "  %-11s %s\n", readers[i].name, readers[i].what);
	rc = cli_parse(argc, argv, opts, ingest_usage, help.data, ingest_opt, &o, e);
	buf_release(&help);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind >= argc) {
		rc = err_set(e, E_USAGE, "ingest needs at least one PATH (usage: %s)",
			     ingest_usage);
		goto out;
	}

	for (int i = optind; i < argc; i++) {
		if (!expand(argv[i], o.follow_links, &files, e))
			continue;
		if (!o.keep_going) {
			rc = e->code;
			goto out;
		}
		paths_add(&bad, e->msg, 0);
		err_clear(e);
	}
	if ((rc = load_chosen_codebook(&cb, e)) || (rc = cli_open_db(&db, e)))
		goto out;
	if (!(ing.report = tmpfile())) {
		rc = err_set(e, E_DATA, "ingest: cannot make a temporary file: %s", strerror(errno));
		goto out;
	}
	ing.db = &db;
	ing.cb = &cb;

	/* Every id ingest stores it has just stored or looked up, and what a
	 * cascade would delete it deletes itself (a replaced source, a pruned
	 * participant): without foreign keys SQLite does not look up each
	 * row's parents again, a fifth of the writer's time. */
	if ((rc = db_exec(&db, "PRAGMA foreign_keys = OFF", e)) ||
	    (rc = bulk_decide(&ing, &db, files.bytes, e)) ||
	    (rc = db_exec(&db, "BEGIN IMMEDIATE", e)))
		goto out;
	in_tx = 1;
	if ((rc = decisions_orphans(&db, &orphans, e)) ||
	    (rc = first_load(&ing, &db, e)) ||
	    (rc = tagger_begin(&ing.tagger, &db, &cb, 0, e)) ||
	    (noted_all(&ing) && (rc = tagger_keep_hits(&ing.tagger, e))) ||
	    (rc = db_exec(&db, "CREATE TEMP TABLE IF NOT EXISTS ingest_mark(id);"
			  " DELETE FROM ingest_mark;"
			  " INSERT INTO ingest_mark SELECT coalesce(max(id), 0) FROM passage;"
			  " CREATE TEMP TABLE IF NOT EXISTS touched_participant(id INTEGER PRIMARY KEY);"
			  " DELETE FROM touched_participant", e)) ||
	    (rc = bulk_begin(&ing, &db, e)))
		goto out;
	if (ing.bulk)
		fulltext_begin(&ing.fulltext, &db);
	progress_start(&prog);
	ing.files = files.v;
	ing.nfiles = files.n;
	ing.total_bytes = files.bytes;
	ing.window = pool_window(o.threads, (size_t)files.largest, WINDOW_BYTES);
	nctx = o.threads + 1;     /* the writer prepares files too (core/pool.h) */
	ing.jobs = xcalloc(ing.window, sizeof(*ing.jobs));
	ing.matchers = xcalloc((size_t)nctx, sizeof(*ing.matchers));
	ing.tokens = xcalloc((size_t)nctx, sizeof(*ing.tokens));
	for (int t = 0; t < nctx; t++) {
		matcher_init(&ing.matchers[t], &cb);
		if ((rc = tokens_open(&ing.tokens[t], db.h, e)))
			goto out;
	}
	if ((rc = lengths_begin(&ing.lengths, &db, e)) ||
	    (rc = feed_open(&ing.rows, &db, "passage_rows", PASSAGE_ROWS, INGEST_ROWS, e)) ||
	    (rc = feed_open(&ing.attrs, &db, "attr_rows", ATTR_ROWS, INGEST_ROWS, e)) ||
	    (ing.no_people &&
	     (rc = feed_open(&ing.people, &db, "participant_rows", PARTICIPANT_ROWS,
					  INGEST_ROWS, e))))
		goto out;
	if (ing.no_people) {
		name_filter_init(&ing.seen, NAME_FILTER_BITS);
		ing.next_pid = 1;
	}
	ing.ids = xcalloc(INGEST_ROWS, sizeof(*ing.ids));
	ing.pids = xcalloc(INGEST_ROWS, sizeof(*ing.pids));
	names_init(&ing.names, NAME_SETS);
	ing.keep_going = o.keep_going;
	ing.bad = &bad;
	ing.prog = &prog;
	readers_init();
	if ((rc = pool_run(files.n, o.threads, ing.window, prepare, store, &ing))) {
		/* the failing file's error is in its slot */
		for (size_t i = 0; i < ing.window; i++)
			if (ing.jobs[i].e.code && !e->code)
				*e = ing.jobs[i].e;
		goto out;
	}
	if ((rc = tagger_finish(&ing.tagger, e)) ||
	    (rc = fulltext_close(&ing.fulltext, e)) ||
	    (rc = lengths_finish(&ing.lengths, e)) ||
	    (rc = give_back(&ing, &db, e)))
		goto out;
	/* A first load's attribution reads its noted hits, none of the
	 * indexes sorted next: it goes first, one thread beside the
	 * full-text builder's merge, and the sorts' helper has the other core
	 * once that is done (1 GB: 0.937 of the time in three interleaved
	 * rounds; 160 MB, where the merge is short, 1.01). Other batches'
	 * attribution reads those indexes. */
	if ((noted_all(&ing) && (rc = attribute(&ing, &db, e))) ||
	    (rc = bulk_end(&ing, &db, e)) ||
	    (rc = index_text(&ing, &db, e)) ||
	    (!noted_all(&ing) && (rc = attribute(&ing, &db, e))))
		goto out;
	if (ing.fulltext.active)
		progress_show(&prog, "ingest: copying the full-text index in");
	if ((rc = fulltext_finish(&ing.fulltext, &db, e)))
		goto out;
	progress_show(&prog, "ingest: committing");
	if ((rc = db_exec(&db, "COMMIT", e)))
		goto out;
	in_tx = 0;
	fulltext_end(&ing.fulltext, &db);
	bulk_finish(&ing, &db, 1);
	progress_done(&prog);

	copy_report(ing.report);
	printf("batch '%s': %ld added, %ld replaced, %ld unchanged, %zu rejected; %ld passages",
	       one_line(&batch_line, ing.batch_name), ing.added, ing.replaced, ing.unchanged, bad.n,
	       ing.passages);
	if (ing.duplicates)
		printf(" (%ld posts stored before, not again)", ing.duplicates);
	putchar('\n');
	if ((rc = decisions_report_orphans(&db, orphans, e)))
		goto out;
	if (ing.tagger.codebook_changed)
		fprintf(stderr, "papercut: note: the codebook changed since the last tagging;"
			" run 'papercut tag' to re-tag the passages stored before\n");
	if (bad.n) {
		fprintf(stderr, "papercut: rejected %zu source%s:\n", bad.n, bad.n == 1 ? "" : "s");
		for (size_t i = 0; i < bad.n; i++)
			fprintf(stderr, "  %s\n", bad.v[i]);
		rc = err_set(e, E_DATA, "ingest: %zu rejected (listed above), the rest stored",
			     bad.n);
	}
out:
	progress_done(&prog);
	if (in_tx)
		db_rollback(&db);
	fulltext_end(&ing.fulltext, &db);
	bulk_finish(&ing, &db, 0);
	if (ing.db)
		tagger_release(&ing.tagger);
	feed_close(&ing.rows);
	feed_close(&ing.attrs);
	feed_close(&ing.people);
	name_filter_release(&ing.seen);
	free(ing.ids);
	free(ing.pids);
	free(ing.named);
	db_close(&db);
	codebook_release(&cb);
	paths_release(&files);
	paths_release(&bad);
	if (ing.report)
		fclose(ing.report);
	names_release(&ing.names);
	buf_release(&batch_line);
	free(o.interviewers);
	for (size_t i = 0; ing.jobs && i < ing.window; i++)
		job_release(&ing.jobs[i]);
	free(ing.jobs);
	for (int t = 0; ing.matchers && t < nctx; t++) {
		matcher_release(&ing.matchers[t]);
		tokens_close(&ing.tokens[t]);
	}
	free(ing.matchers);
	free(ing.tokens);
	return rc;
}
