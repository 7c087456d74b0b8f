#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/mem.h"
#include "../core/text.h"
#include "doc.h"
#include "tag.h"

static const char ingest_usage[] =
	"papercut ingest [--batch NAME] [--keep-going] [--max-file-size MB] PATH...";
static const char ingest_help[] =
	"Reads sources (files, or folders searched recursively) into the database\n"
	"and tags their passages with the codebook. Readable: .txt and .md\n"
	"transcripts ('Name: text' turns) and written accounts (paragraphs).\n"
	"A file already stored with the same content is skipped; a file stored\n"
	"before under the same path with other content is replaced.\n\n"
	"  --batch NAME          batch to add to (default: today's date, UTC)\n"
	"  --keep-going          store the good files of a batch with bad ones,\n"
	"                        list the bad ones and exit 1\n"
	"  --max-file-size MB    refuse larger files (default 100)\n"
	"  --db FILE             database (default $PAPERCUT_DB or ./papercut.db)\n"
	"  --codebook DIR        codebook (default $PAPERCUT_CODEBOOK or bundled)\n";

static const char *const known_ext[] = { ".txt", ".md" };

struct ingest {
	struct db *db;
	const struct codebook *cb;
	struct tagger tagger;
	const char *batch_name;
	sqlite3_int64 batch_id;
	size_t max_bytes;
	struct buf report;      /* what is printed once committed */
	struct buf raw, text;   /* reused for every file */
	long added, unchanged, replaced, passages;
};

struct paths {
	char **v;
	size_t n, alloc;
};

static void paths_add(struct paths *p, const char *s)
{
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	p->v[p->n++] = xstrdup(s);
}

static void paths_release(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int known_source(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(known_ext) / sizeof(*known_ext); i++)
		if (!strcasecmp(dot, known_ext[i]))
			return 1;
	return 0;
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Adds the readable sources below `dir`, in name order. */
static void walk(const char *dir, struct paths *out, int depth)
{
	struct dirent **names = NULL;
	struct buf path = BUF_INIT;
	int n = depth > 32 ? -1 : scandir(dir, &names, not_hidden, alphasort);

	for (int i = 0; i < n; i++) {
		struct stat st;

		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]->d_name);
		if (stat(path.data, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(path.data, out, depth + 1);
			else if (S_ISREG(st.st_mode) && known_source(path.data))
				paths_add(out, path.data);
		}
		free(names[i]);
	}
	free(names);
	buf_release(&path);
}

/* Expands one command-line path into files; errors name the path. */
static int expand(const char *arg, struct paths *out, struct err *e)
{
	struct stat st;
	size_t before = out->n;

	if (stat(arg, &st))
		return err_set(e, E_DATA, "%s: %s", arg, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		walk(arg, out, 0);
		if (out->n == before)
			return err_set(e, E_DATA, "%s: no readable sources in this directory (.txt, .md)",
				       arg);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return err_set(e, E_DATA, "%s: not a regular file", arg);
	if (!known_source(arg))
		return err_set(e, E_DATA, "%s: not a readable source (.txt, .md)", arg);
	paths_add(out, arg);
	return 0;
}

/*
 * Reads `path` into ing->text as papercut stores text: UTF-8, no BOM, LF
 * line ends. ing->raw keeps the bytes as read, for the content hash.
 */
static int load_text(struct ingest *ing, const char *path, struct err *e)
{
	const char *s;
	size_t len, bad;
	int rc;

	buf_reset(&ing->raw);
	ing->raw.max = ing->max_bytes;
	rc = buf_read_file(&ing->raw, path);
	if (rc == -2)
		return err_set(e, E_DATA, "%s: larger than the %zu MB limit (--max-file-size)",
			       path, ing->max_bytes >> 20);
	if (rc)
		return err_set(e, E_DATA, "%s: %s", path, strerror(errno));
	s = ing->raw.data;
	len = ing->raw.len;
	if (len == 0)
		return err_set(e, E_DATA, "%s: empty file", path);
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
	buf_reset(&ing->text);
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			buf_addch(&ing->text, s[i]);
	for (size_t i = 0; i < ing->text.len; i++)
		if (!strchr(" \t\n", ing->text.data[i]))
			return 0;
	return err_set(e, E_DATA, "%s: empty file (only white space)", path);
}

static int find_or_add(struct db *db, enum db_stmt find, enum db_stmt add,
		       const char *name, sqlite3_int64 *id, struct err *e)
{
	sqlite3_stmt *st = db_stmt(db, find, e);

	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (!(st = db_stmt(db, add, e)))
		return e->code;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (db_step_done(db, st, e, "storing a name"))
		return e->code;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

static char *file_stem(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

static int store_participant(struct ingest *ing, struct doc *d,
			     sqlite3_int64 *pid, struct err *e)
{
	char *stem = NULL;
	const char *name = d->participant;
	sqlite3_stmt *st;
	int rc = 0;

	if (!name || !*name)
		name = stem = file_stem(d->path);
	if ((rc = find_or_add(ing->db, STMT_PARTICIPANT_FIND, STMT_PARTICIPANT_ADD,
			      name, pid, e)))
		goto out;
	if (d->character) {
		long c = codebook_find(ing->cb, d->character);

		if (c < 0 || ing->cb->codes[c].kind != KIND_CHARACTER) {
			struct buf known = BUF_INIT;

			for (size_t i = 0; i < ing->cb->n; i++)
				if (ing->cb->codes[i].kind == KIND_CHARACTER)
					buf_addf(&known, "%s%s", known.len ? ", " : "",
						 ing->cb->codes[i].id);
			rc = err_set(e, E_DATA, "%s:%d: character '%s' is not in the codebook (%s)",
				     d->path, d->character_line, d->character, known.data);
			buf_release(&known);
			goto out;
		}
		if (!(st = db_stmt(ing->db, STMT_PARTICIPANT_OVERRIDE, e)))
			goto fail;
		sqlite3_bind_int64(st, 1, *pid);
		sqlite3_bind_text(st, 2, d->character, -1, SQLITE_TRANSIENT);
		if (db_step_done(ing->db, st, e, "storing a participant"))
			goto fail;
	}
	for (size_t i = 0; i < d->nattrs; i++) {
		if (!(st = db_stmt(ing->db, STMT_ATTR_SET, e)))
			goto fail;
		sqlite3_bind_int64(st, 1, *pid);
		sqlite3_bind_text(st, 2, d->attrs[i].key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, d->attrs[i].value, -1, SQLITE_TRANSIENT);
		if (db_step_done(ing->db, st, e, "storing a participant attribute"))
			goto fail;
	}
out:
	free(stem);
	return rc;
fail:
	rc = e->code;
	goto out;
}

static int store_doc(struct ingest *ing, struct doc *d, const char *hash,
		     struct err *e)
{
	sqlite3_int64 pid, sid;
	sqlite3_stmt *st;
	size_t chars = 0, at = 0;

	if (!ing->batch_id &&
	    find_or_add(ing->db, STMT_BATCH_FIND, STMT_BATCH_ADD, ing->batch_name,
			&ing->batch_id, e))
		return e->code;
	if (store_participant(ing, d, &pid, e))
		return e->code;

	if (!(st = db_stmt(ing->db, STMT_SOURCE_ADD, e)))
		return e->code;
	sqlite3_bind_int64(st, 1, ing->batch_id);
	sqlite3_bind_text(st, 2, d->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, d->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)ing->raw.len);
	sqlite3_bind_int64(st, 6, pid);
	db_bind_text(st, 7, d->date);
	sqlite3_bind_text(st, 8, "[]", -1, SQLITE_STATIC);
	if (db_step_done(ing->db, st, e, "storing a source"))
		return e->code;
	sid = sqlite3_last_insert_rowid(ing->db->h);
	for (size_t i = 0; i < d->ninterviewers; i++) {
		if (!(st = db_stmt(ing->db, STMT_SOURCE_INTERVIEWER, e)))
			return e->code;
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, d->interviewers[i], -1, SQLITE_TRANSIENT);
		if (db_step_done(ing->db, st, e, "storing a source"))
			return e->code;
	}

	for (size_t i = 0; i < d->nspans; i++) {
		const struct span *sp = &d->spans[i];
		size_t start_char, end_char;

		chars += utf8_chars(d->text + at, sp->start - at);
		start_char = chars;
		chars += utf8_chars(d->text + sp->start, sp->end - sp->start);
		end_char = chars;
		at = sp->end;

		if (!(st = db_stmt(ing->db, STMT_PASSAGE_ADD, e)))
			return e->code;
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		if (sp->interviewer)
			sqlite3_bind_null(st, 3);
		else
			sqlite3_bind_int64(st, 3, pid);
		db_bind_text(st, 4, sp->speaker);
		sqlite3_bind_int(st, 5, sp->interviewer);
		sqlite3_bind_int(st, 6, sp->line);
		sqlite3_bind_int64(st, 7, (sqlite3_int64)sp->start);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)sp->end);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)start_char);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)end_char);
		sqlite3_bind_text(st, 11, d->text + sp->start,
				  (int)(sp->end - sp->start), SQLITE_STATIC);
		if (db_step_done(ing->db, st, e, "storing a passage"))
			return e->code;
		if (tagger_tag(&ing->tagger, sqlite3_last_insert_rowid(ing->db->h),
			       d->text + sp->start, sp->end - sp->start, e))
			return e->code;
	}
	ing->passages += (long)d->nspans;
	return 0;
}

/* Reads, checks and stores one file. Leaves the database as it was (the
 * caller's savepoint) when it fails. */
static int ingest_file(struct ingest *ing, const char *path, struct err *e)
{
	struct doc d;
	char hash[33];
	sqlite3_stmt *st;
	sqlite3_int64 old = 0;
	int rc;

	if (load_text(ing, path, e))
		return e->code;
	hash_hex(ing->raw.data, ing->raw.len, hash);

	if (!(st = db_stmt(ing->db, STMT_SOURCE_BY_HASH, e)))
		return e->code;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (strcmp(path, db_col_text(st, 1)))
			buf_addf(&ing->report, "unchanged  %s (stored before as %s)\n", path,
				 db_col_text(st, 1));
		else
			buf_addf(&ing->report, "unchanged  %s\n", path);
		sqlite3_reset(st);
		ing->unchanged++;
		return 0;
	}
	sqlite3_reset(st);

	doc_init(&d, path, ing->text.data, ing->text.len);
	if ((rc = text_read(&d, e)))
		goto out;

	if (!(st = db_stmt(ing->db, STMT_SOURCE_BY_PATH, e)))
		goto fail;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		old = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (old) {
		if (!(st = db_stmt(ing->db, STMT_SOURCE_DELETE, e)))
			goto fail;
		sqlite3_bind_int64(st, 1, old);
		if (db_step_done(ing->db, st, e, "replacing a source"))
			goto fail;
	}
	if ((rc = store_doc(ing, &d, hash, e)))
		goto out;
	buf_addf(&ing->report, "%-10s %-10s %s (%zu passage%s)\n",
		 old ? "replaced" : "added", d.format, path, d.nspans,
		 d.nspans == 1 ? "" : "s");
	if (old)
		ing->replaced++;
	else
		ing->added++;
out:
	doc_release(&d);
	return rc;
fail:
	rc = e->code;
	goto out;
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
};

static int ingest_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct ingest_opts *o = ctx;
	long mb;

	switch (opt) {
	case 'b':
		if (!*arg)
			return err_set(e, E_USAGE, "--batch needs a name");
		o->ing->batch_name = arg;
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

int cmd_ingest(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "max-file-size", required_argument, NULL, 'm' },
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct codebook cb;
	struct db db = { 0 };
	struct ingest ing = { .max_bytes = (size_t)100 << 20 };
	struct ingest_opts o = { .ing = &ing };
	struct paths files = { 0 }, bad = { 0 };
	struct progress prog;
	char date[16];
	int rc = 0, in_tx = 0;

	codebook_init(&cb);
	buf_init(&ing.report, 0);
	buf_init(&ing.text, 0);
	buf_init(&ing.raw, 0);
	today(date, sizeof(date));
	ing.batch_name = date;
	if ((rc = cli_parse(argc, argv, opts, ingest_usage, ingest_help, ingest_opt, &o, e)))
		return rc < 0 ? 0 : rc;
	if (optind >= argc) {
		rc = err_set(e, E_USAGE, "ingest needs at least one PATH (usage: %s)",
			     ingest_usage);
		goto out;
	}

	for (int i = optind; i < argc; i++) {
		if (!expand(argv[i], &files, e))
			continue;
		if (!o.keep_going) {
			rc = e->code;
			goto out;
		}
		paths_add(&bad, e->msg);
		err_clear(e);
	}
	if ((rc = cli_load_codebook(&cb, e)) || (rc = cli_open_db(&db, e)))
		goto out;
	ing.db = &db;
	ing.cb = &cb;

	if ((rc = db_exec(&db, "BEGIN IMMEDIATE", e)))
		goto out;
	in_tx = 1;
	if ((rc = tagger_begin(&ing.tagger, &db, &cb, 0, e)))
		goto out;
	progress_start(&prog);
	for (size_t i = 0; i < files.n; i++) {
		if ((rc = db_exec(&db, "SAVEPOINT file", e)))
			goto out;
		if (!ingest_file(&ing, files.v[i], e)) {
			if ((rc = db_exec(&db, "RELEASE file", e)))
				goto out;
		} else {
			struct err ignore = ERR_INIT;

			db_exec(&db, "ROLLBACK TO file; RELEASE file", &ignore);
			if (!o.keep_going) {
				rc = e->code;
				progress_done(&prog);
				goto out;
			}
			paths_add(&bad, e->msg);
			err_clear(e);
		}
		progress_show(&prog, "ingest: %zu/%zu files, %ld passages", i + 1,
			      files.n, ing.passages);
	}
	progress_done(&prog);
	if ((rc = tagger_finish(&ing.tagger, e)) ||
	    (rc = attribute_participants(&db, e)) ||
	    (rc = db_exec(&db, "DELETE FROM participant WHERE id NOT IN"
				  " (SELECT participant_id FROM source"
				  "  WHERE participant_id IS NOT NULL)", e)) ||
	    (rc = db_exec(&db, "COMMIT", e)))
		goto out;
	in_tx = 0;

	fputs(ing.report.data, stdout);
	printf("batch '%s': %ld added, %ld replaced, %ld unchanged, %zu rejected; %ld passages\n",
	       ing.batch_name, ing.added, ing.replaced, ing.unchanged, bad.n,
	       ing.passages);
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
	if (in_tx) {
		struct err ignore = ERR_INIT;

		db_exec(&db, "ROLLBACK", &ignore);
	}
	if (ing.db)
		tagger_release(&ing.tagger);
	db_close(&db);
	codebook_release(&cb);
	paths_release(&files);
	paths_release(&bad);
	buf_release(&ing.report);
	buf_release(&ing.text);
	buf_release(&ing.raw);
	return rc;
}
