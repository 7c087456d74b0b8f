#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/decisions.h"
#include "../core/mem.h"
#include "../core/pool.h"
#include "tag.h"

static int store_codebook(struct db *db, const struct codebook *cb,
			  struct err *e)
{
	sqlite3_stmt *add = NULL, *pat = NULL;
	int rc = 0;

	if (db_exec(db, "DELETE FROM code", e))
		return e->code;
	add = db_prepare(db, "INSERT INTO code(id, kind, label, theme, description, position)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", e);
	pat = db_prepare(db, "UPDATE code SET patterns = json_insert(patterns, '$[#]', ?2)"
			 " WHERE id = ?1", e);
	if (!add || !pat) {
		rc = E_DATA;
		goto out;
	}
	for (size_t i = 0; i < cb->n; i++) {
		const struct code *c = &cb->codes[i];

		sqlite3_bind_text(add, 1, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(add, 2, c->kind == KIND_PAPERCUT ? "papercut" : "character",
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(add, 3, c->label, -1, SQLITE_STATIC);
		db_bind_text(add, 4, c->theme);
		db_bind_text(add, 5, c->description);
		sqlite3_bind_int64(add, 6, (sqlite3_int64)i);
		if ((rc = db_step_done(db, add, e, "storing the codebook")))
			goto out;
		for (size_t k = 0; k < c->nrules; k++) {
			sqlite3_bind_text(pat, 1, c->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(pat, 2, c->rules[k].pattern, -1, SQLITE_STATIC);
			if ((rc = db_step_done(db, pat, e, "storing the codebook")))
				goto out;
		}
	}
out:
	sqlite3_finalize(add);
	sqlite3_finalize(pat);
	return rc;
}

int load_chosen_codebook(struct codebook *cb, struct err *e)
{
	char *dir = NULL;
	int rc;

	if (cli.codebook && *cli.codebook)
		dir = xstrdup(cli.codebook);
	else
		dir = codebook_default_dir();
	if (!dir)
		return err_set(e, E_DATA, "no codebook found: give --codebook DIR or set PAPERCUT_CODEBOOK");
	rc = codebook_load(cb, dir, e);
	free(dir);
	return rc;
}

int tagger_begin(struct tagger *t, struct db *db, const struct codebook *cb,
		 int fresh, struct err *e)
{
	sqlite3_stmt *st;

	memset(t, 0, sizeof(*t));
	t->db = db;
	t->cb = cb;
	matcher_init(&t->m, cb);
	if (feed_open(&t->rows, db, "coding_rows", CODING_ROWS, TAGGER_ROWS, e) ||
	    feed_open(&t->cues, db, "cue_rows", CUE_ROWS, TAGGER_ROWS, e))
		return e->code;

	if (!(st = db_stmt(db, STMT_TAG_RUN_LAST, e)))
		return e->code;
	if (sqlite3_step(st) == SQLITE_ROW) {
		t->run_id = sqlite3_column_int64(st, 0);
		t->codebook_changed = strcmp(db_col_text(st, 1), cb->hash) != 0;
	} else {
		t->run_id = 0;
	}
	sqlite3_reset(st);
	if (t->run_id && !t->codebook_changed && !fresh)
		return 0;

	if (store_codebook(db, cb, e))
		return e->code;
	if (!(st = db_stmt(db, STMT_TAG_RUN_ADD, e)))
		return e->code;
	sqlite3_bind_text(st, 1, cb->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cb->dir, -1, SQLITE_STATIC);
	if (db_step_done(db, st, e, "starting a tagging run"))
		return e->code;
	t->run_id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int tagger_keep_hits(struct tagger *t, struct err *e)
{
	if (db_exec(t->db, "CREATE TEMP TABLE IF NOT EXISTS attribution_hit("
		    " participant_id INTEGER, code_id TEXT);"
		    " DELETE FROM temp.attribution_hit", e))
		return e->code;
	return feed_open(&t->hits, t->db, "hit_rows", "participant_id, code_id", TAGGER_ROWS, e);
}

int tagger_store(struct tagger *t, sqlite3_int64 passage_id,
		 sqlite3_int64 participant_id, const struct match *m, size_t n,
		 struct err *e)
{
	t->passages++;
	for (size_t i = 0; i < n; i++) {
		const struct code *c = &t->cb->codes[m[i].code];

		if (participant_id && t->hits.h && c->kind == KIND_CHARACTER) {
			feed_int(&t->hits, participant_id);
			feed_str(&t->hits, c->id);
			if (feed_full(&t->hits) &&
			    feed_flush(&t->hits, t->db, STMT_HIT_ADD, "storing a coding", e))
				return e->code;
		}
		feed_int(&t->rows, passage_id);
		feed_str(&t->rows, c->id);
		feed_str(&t->rows, m[i].rule->where);
		feed_int(&t->rows, (sqlite3_int64)m[i].start);
		feed_int(&t->rows, (sqlite3_int64)m[i].end);
		feed_int(&t->rows, t->run_id);
		t->codings++;
		if (feed_full(&t->rows) &&
		    feed_flush(&t->rows, t->db, STMT_CODING_ADD, "storing a coding", e))
			return e->code;
	}
	return 0;
}

int tagger_attr(struct tagger *t, sqlite3_int64 participant_id, const char *key,
		const struct match *m, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		feed_int(&t->cues, participant_id);
		feed_str(&t->cues, key);
		feed_str(&t->cues, t->cb->codes[m[i].code].id);
		feed_str(&t->cues, m[i].rule->where);
		if (feed_full(&t->cues) && tagger_attr_flush(t, e))
			return e->code;
	}
	return 0;
}

int tagger_attr_flush(struct tagger *t, struct err *e)
{
	return feed_flush(&t->cues, t->db, STMT_ATTR_CODING_ADD, "storing an attribute cue", e);
}

int tagger_finish(struct tagger *t, struct err *e)
{
	sqlite3_stmt *st;

	if (feed_flush(&t->rows, t->db, STMT_CODING_ADD, "storing a coding", e) ||
	    tagger_attr_flush(t, e) ||
	    (t->hits.h && feed_flush(&t->hits, t->db, STMT_HIT_ADD, "storing a coding", e)) ||
	    !(st = db_stmt(t->db, STMT_TAG_RUN_COUNT, e)))
		return e->code;
	sqlite3_bind_int64(st, 1, t->run_id);
	sqlite3_bind_int64(st, 2, t->passages);
	sqlite3_bind_int64(st, 3, t->codings);
	return db_step_done(t->db, st, e, "counting a tagging run");
}

void tagger_release(struct tagger *t)
{
	matcher_release(&t->m);
	feed_close(&t->rows);
	feed_close(&t->hits);
	feed_close(&t->cues);
}

struct hits {
	char *character;
	long n;
};

/* most hits first, then by id */
static int by_hits(const void *x, const void *y)
{
	const struct hits *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->character, b->character);
}

/* Records the decision for one participant from its hits. */
static int decide(struct db *db, sqlite3_stmt *upd, sqlite3_int64 id,
		  struct hits *h, size_t n, struct buf *why, struct err *e)
{
	const char *character = "unknown";

	qsort(h, n, sizeof(*h), by_hits);
	buf_reset(why);
	if (n == 1 || h[0].n - h[1].n >= ATTRIBUTION_MARGIN) {
		character = h[0].character;
		buf_adds(why, "rules:");
	} else {
		buf_adds(why, "tie:");
	}
	for (size_t i = 0; i < n; i++)
		buf_addf(why, " %s %ld", h[i].character, h[i].n);
	sqlite3_bind_int64(upd, 1, id);
	sqlite3_bind_text(upd, 2, character, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(upd, 3, why->data, -1, SQLITE_TRANSIENT);
	return db_step_done(db, upd, e, "attributing characters");
}

/* Deletes the participants listed in temp.prune_gone, and the list. */
static int prune_gone(struct db *db, struct err *e)
{
	/* their attributes and cues by hand: ingest runs without foreign keys */
	return db_exec(db, "DELETE FROM participant_attr WHERE participant_id IN prune_gone;"
		       " DELETE FROM attr_coding WHERE participant_id IN prune_gone;"
		       " DELETE FROM participant WHERE id IN prune_gone;"
		       " DROP TABLE prune_gone", e);
}

int prune_participants(struct db *db, int touched, struct err *e)
{
	/* each participant probed in the participant indexes (NOT IN listed
	 * every passage's participant in a temporary index first: 1.9 s, not
	 * 0.8, at 6.5 M passages) */
#define GONE " NOT EXISTS (SELECT 1 FROM passage WHERE participant_id = pt.id)" \
	" AND NOT EXISTS (SELECT 1 FROM source WHERE participant_id = pt.id)"
	static const char all_gone[] =
		"CREATE TEMP TABLE prune_gone AS SELECT id FROM participant pt WHERE" GONE;
	static const char touched_gone[] =
		"CREATE TEMP TABLE prune_gone AS SELECT id FROM participant pt"
		" WHERE id IN temp.touched_participant AND" GONE;
#undef GONE

	if (db_exec(db, touched ? touched_gone : all_gone, e))
		return e->code;
	return prune_gone(db, e);
}

int prune_unnamed(struct db *db, const unsigned char *named, size_t nbits, struct err *e)
{
	sqlite3_stmt *q, *add;
	int step;

	if (db_exec(db, "CREATE TEMP TABLE prune_gone(id INTEGER PRIMARY KEY)", e) ||
	    !(q = db_prepare(db, "SELECT id FROM participant", e)))
		return e->code;
	if (!(add = db_prepare(db, "INSERT INTO prune_gone VALUES (?1)", e))) {
		sqlite3_finalize(q);
		return e->code;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(q, 0);

		if (id > 0 && (size_t)id < nbits && named[id / 8] & 1 << id % 8)
			continue;
		sqlite3_bind_int64(add, 1, id);
		if (db_step_done(db, add, e, "pruning participants"))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		db_fail(db, e, "pruning participants");
	sqlite3_finalize(q);
	sqlite3_finalize(add);
	return e->code ? e->code : prune_gone(db, e);
}

#define MAX_CHARACTERS 64

/* Adds `count` hits of `character` to a participant's. */
static void hits_add(struct hits *h, size_t *n, const char *character, long count)
{
	size_t i;

	for (i = 0; i < *n && strcmp(h[i].character, character); i++)
		;
	if (i == *n) {
		if (*n == MAX_CHARACTERS)
			return;
		h[(*n)++] = (struct hits){ xstrdup(character), 0 };
	}
	h[i].n += count;
}

/* The next row of a query of hits: *has says whether there is one. */
static int hits_next(struct db *db, sqlite3_stmt *q, int *has, struct err *e)
{
	int step = sqlite3_step(q);

	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, e, "attributing characters");
	*has = step == SQLITE_ROW;
	return 0;
}

int attribute_participants(struct db *db, enum attribution of, struct err *e)
{
	sqlite3_stmt *q[2] = { NULL, NULL }, *upd = NULL;
	int has[2] = { 0, 0 };
	struct buf why = BUF_INIT;
	struct hits hits[MAX_CHARACTERS];
	size_t n = 0, nq = of == ATTRIBUTE_HITS ? 2 : 1;
	int rc = 0;

	/* hits: the participant's own passages a character's rules tag, and
	 * their attributes its attribute rules match; each query's rows in
	 * participant order (participant, character, hits), so that SQLite
	 * sorts once (each sort of a large corpus holds as much memory as the
	 * page cache). All of them from the character codes through
	 * coding_code (left to itself, the planner joins every coding to its
	 * passage before it looks at the code: 4x slower); the touched ones
	 * each through its passages. The hits a first load kept are grouped
	 * alone and merged here with the attributes' (in attr_coding's order
	 * already): sorting both together took twice as long. The few
	 * overridden participants are listed once (joining each hit to its
	 * participant for its override took a third of the time). */
#define CHARACTERS " JOIN code k ON k.id = a.code_id AND k.kind = 'character'"
#define NOT_OVERRIDDEN " participant_id NOT IN" \
	" (SELECT id FROM participant WHERE override IS NOT NULL)"
#define GROUPED(hits) "SELECT participant_id, code_id, count(*) FROM (" hits ")" \
	" WHERE participant_id IS NOT NULL AND" NOT_OVERRIDDEN " GROUP BY 1, 2 ORDER BY 1, 2"
	static const char *const queries[][2] = {
		[ATTRIBUTE_ALL] = { GROUPED(
		" SELECT p.participant_id, c.code_id FROM code k"
		"  CROSS JOIN coding c ON c.code_id = k.id"
		"  CROSS JOIN passage p ON p.id = c.passage_id AND p.interviewer = 0"
		"  WHERE k.kind = 'character'"
		" UNION ALL"
		" SELECT a.participant_id, a.code_id FROM attr_coding a" CHARACTERS) },
		[ATTRIBUTE_TOUCHED] = { GROUPED(
		" SELECT p.participant_id, c.code_id FROM temp.touched_participant t"
		"  CROSS JOIN passage p ON p.participant_id = t.id AND p.interviewer = 0"
		"  CROSS JOIN coding c ON c.passage_id = p.id"
		"  CROSS JOIN code k ON k.id = c.code_id AND k.kind = 'character'"
		" UNION ALL"
		" SELECT a.participant_id, a.code_id FROM temp.touched_participant t"
		"  CROSS JOIN attr_coding a ON a.participant_id = t.id" CHARACTERS) },
		[ATTRIBUTE_HITS] = {
		GROUPED("SELECT participant_id, code_id FROM temp.attribution_hit"),
		"SELECT a.participant_id, a.code_id, 1 FROM attr_coding a" CHARACTERS
		" WHERE" NOT_OVERRIDDEN " ORDER BY a.participant_id" },
	};
#undef CHARACTERS
#undef NOT_OVERRIDDEN
#undef GROUPED
	struct buf sql = BUF_INIT;

	buf_adds(&sql, "UPDATE participant SET character = coalesce(override, 'unknown'),"
		 " decided_by = iif(override IS NULL, 'no cues', 'override'),"
		 " auto_character = coalesce(override, 'unknown'),"
		 " auto_decided_by = iif(override IS NULL, 'no cues', 'override')");
	if (of == ATTRIBUTE_TOUCHED)
		buf_adds(&sql, " WHERE id IN temp.touched_participant");
	rc = db_exec(db, sql.data, e);
	buf_release(&sql);
	if (rc)
		return rc;
	for (size_t i = 0; i < nq; i++)
		if (!(q[i] = db_prepare(db, queries[of][i], e)))
			goto out;
	if (!(upd = db_prepare(db, "UPDATE participant SET character = ?2, decided_by = ?3,"
			       " auto_character = ?2, auto_decided_by = ?3 WHERE id = ?1", e)))
		goto out;
	for (size_t i = 0; i < nq; i++)
		if ((rc = hits_next(db, q[i], &has[i], e)))
			goto out;
	for (;;) {
		sqlite3_int64 cur = -1;

		for (size_t i = 0; i < nq; i++)
			if (has[i] && (cur < 0 || sqlite3_column_int64(q[i], 0) < cur))
				cur = sqlite3_column_int64(q[i], 0);
		if (cur < 0)
			break;
		/* every row of participant `cur`, from each query */
		for (size_t i = 0; i < nq; i++)
			while (has[i] && sqlite3_column_int64(q[i], 0) == cur) {
				hits_add(hits, &n, db_col_text(q[i], 1), sqlite3_column_int(q[i], 2));
				if ((rc = hits_next(db, q[i], &has[i], e)))
					goto out;
			}
		rc = decide(db, upd, cur, hits, n, &why, e);
		while (n)
			free(hits[--n].character);
		if (rc)
			goto out;
	}
	rc = decisions_apply_characters(db, e);
out:
	if (!rc)
		rc = e->code;
	while (n)
		free(hits[--n].character);
	buf_release(&why);
	for (size_t i = 0; i < nq; i++)
		sqlite3_finalize(q[i]);
	sqlite3_finalize(upd);
	return rc;
}

static const char tag_usage[] = "papercut tag [--threads N] [--no-prefilter]";
static const char tag_help[] =
	"Re-tags every stored passage with the current codebook, in one\n"
	"transaction, without re-reading the sources; then attributes\n"
	"characters anew.\n\n"
	"  --threads N       match on N threads (default: the CPUs but one); one\n"
	"                    writer\n"
	"  --no-prefilter    run every pattern through PCRE2, one at a time (the\n"
	"                    reference the prefilter is checked against; slower)\n"
	"  --db FILE         database\n"
	"  --codebook DIR    codebook\n";

/* Passages per unit of work: read and matched by a worker, stored by
 * the writer. */
#define TAG_CHUNK 2048

struct tag_job {
	sqlite3_int64 *ids;
	size_t *first, *count;
	size_t n, alloc;
	struct match *m;
	size_t nm, am;
	struct err e;
};

struct tag_ctx {
	const char *path;
	const struct codebook *cb;
	struct tagger *t;
	sqlite3_int64 lo;
	struct tag_job *jobs;
	size_t window;
	int threads;
	sqlite3 **conns;            /* a read connection per worker */
	sqlite3_stmt **reads;
	struct matcher *matchers;
	struct progress *prog;
	size_t nchunks;
};

static void tag_work(void *ctx, size_t i, int w)
{
	struct tag_ctx *c = ctx;
	struct tag_job *job = &c->jobs[i % c->window];
	sqlite3_stmt *st;

	job->n = job->nm = 0;
	err_clear(&job->e);
	if (!c->conns[w]) {
		if (sqlite3_open_v2(c->path, &c->conns[w], SQLITE_OPEN_READONLY, NULL) ||
		    sqlite3_prepare_v2(c->conns[w], "SELECT id, text, tagged FROM passage"
				       " WHERE id >= ?1 AND id < ?2 ORDER BY id", -1,
				       &c->reads[w], NULL)) {
			err_set(&job->e, E_DATA, "database '%s': %s", c->path,
				sqlite3_errmsg(c->conns[w]));
			return;
		}
		sqlite3_busy_timeout(c->conns[w], 5000);
	}
	st = c->reads[w];
	sqlite3_bind_int64(st, 1, c->lo + (sqlite3_int64)i * TAG_CHUNK);
	sqlite3_bind_int64(st, 2, c->lo + (sqlite3_int64)(i + 1) * TAG_CHUNK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (job->n == job->alloc) {
			job->alloc = job->alloc ? 2 * job->alloc : TAG_CHUNK;
			job->ids = xrealloc(job->ids, job->alloc * sizeof(*job->ids));
			job->first = xrealloc(job->first, job->alloc * sizeof(*job->first));
			job->count = xrealloc(job->count, job->alloc * sizeof(*job->count));
		}
		ALLOC_GROW(job->m, job->nm + c->cb->n, job->am);
		job->ids[job->n] = sqlite3_column_int64(st, 0);
		job->first[job->n] = job->nm;
		c->matchers[w].mode = (enum text_mode)sqlite3_column_int(st, 2);
		job->count[job->n] = codebook_match(c->cb, &c->matchers[w],
						    (const char *)sqlite3_column_text(st, 1),
						    (size_t)sqlite3_column_bytes(st, 1), job->m + job->nm);
		if (c->matchers[w].limit) {
			err_set(&job->e, E_DATA, "passage #%lld: the rule at %s hits PCRE2's match"
				" limit on it: it backtracks too much (simplify it)",
				(long long)job->ids[job->n], c->matchers[w].limit->where);
			break;
		}
		job->nm += job->count[job->n];
		job->n++;
	}
	sqlite3_reset(st);
}

static int tag_done(void *ctx, size_t i)
{
	struct tag_ctx *c = ctx;
	struct tag_job *job = &c->jobs[i % c->window];

	if (job->e.code)
		return job->e.code;
	for (size_t k = 0; k < job->n; k++)
		if (tagger_store(c->t, job->ids[k], 0, job->m + job->first[k], job->count[k], &job->e))
			return job->e.code;
	progress_eta(c->prog, "tag", (double)(i + 1), (double)c->nchunks, c->t->passages,
		     "%.0f%%, %ld passages", 100.0 * (double)(i + 1) / (double)c->nchunks,
		     c->t->passages);
	return 0;
}

struct tag_opts {
	int threads, plain;
};

static int tag_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct tag_opts *o = ctx;
	long n;

	if (opt == 'P') {
		o->plain = 1;
	} else if (opt == 'j') {
		if (cli_number("--threads", arg, 1, 64, &n, e))
			return e->code;
		o->threads = (int)n;
	}
	return 0;
}

int cmd_tag(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 'j' },
		{ "no-prefilter", no_argument, NULL, 'P' },
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct tag_opts o = { .threads = pool_threads() };
	struct codebook cb;
	struct db db = { 0 };
	struct tagger t = { 0 };
	struct tag_ctx c = { 0 };
	struct match *cues = NULL;
	sqlite3_stmt *q = NULL;
	struct progress prog = { 0 };
	sqlite3_int64 hi = 0;
	int rc, in_tx = 0, step;

	codebook_init(&cb);
	if ((rc = cli_parse(argc, argv, opts, tag_usage, tag_help, tag_opt, &o, e)))
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return err_set(e, E_USAGE, "tag takes no operands (usage: %s)", tag_usage);
	if ((rc = load_chosen_codebook(&cb, e)) || (rc = cli_open_db(&db, e)))
		goto out;
	if ((rc = db_exec(&db, "BEGIN IMMEDIATE; DELETE FROM coding; DELETE FROM attr_coding", e)))
		goto out;
	in_tx = 1;
	if ((rc = tagger_begin(&t, &db, &cb, 1, e)))
		goto out;
	if (!(q = db_prepare(&db, "SELECT participant_id, key, value FROM participant_attr", e))) {
		rc = e->code;
		goto out;
	}
	cues = xcalloc(cb.n, sizeof(*cues));
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *key = db_col_text(q, 1);
		size_t n = codebook_attr_match(&cb, &t.m, key, db_col_text(q, 2), cues);

		/* the key is the query's until its next step */
		if ((rc = tagger_attr(&t, sqlite3_column_int64(q, 0), key, cues, n, e)) ||
		    (rc = tagger_attr_flush(&t, e)))
			goto out;
	}
	sqlite3_finalize(q);
	if (!(q = db_prepare(&db, "SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM passage", e))) {
		rc = e->code;
		goto out;
	}
	if (sqlite3_step(q) == SQLITE_ROW) {
		c.lo = sqlite3_column_int64(q, 0);
		hi = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	q = NULL;

	progress_start(&prog);
	c.path = db.path;
	c.cb = &cb;
	c.t = &t;
	c.threads = o.threads;
	c.window = 2 * (size_t)o.threads + 2;
	c.jobs = xcalloc(c.window, sizeof(*c.jobs));
	c.conns = xcalloc((size_t)o.threads + 1, sizeof(*c.conns));
	c.reads = xcalloc((size_t)o.threads + 1, sizeof(*c.reads));
	c.matchers = xcalloc((size_t)o.threads + 1, sizeof(*c.matchers));
	c.prog = &prog;
	for (int w = 0; w <= o.threads; w++) {     /* the writer tags chunks too */
		matcher_init(&c.matchers[w], &cb);
		c.matchers[w].plain = o.plain;
	}
	c.nchunks = hi >= c.lo ? (size_t)((hi - c.lo) / TAG_CHUNK + 1) : 0;
	rc = pool_run(c.nchunks, o.threads, c.window, tag_work, tag_done, &c);
	if (rc) {
		for (size_t i = 0; i < c.window; i++)
			if (c.jobs[i].e.code && !e->code)
				*e = c.jobs[i].e;
		goto out;
	}
	progress_show(&prog, "tag: attributing characters");
	if ((rc = tagger_finish(&t, e)) || (rc = attribute_participants(&db, ATTRIBUTE_ALL, e)))
		goto out;
	progress_show(&prog, "tag: committing");
	if ((rc = db_exec(&db, "COMMIT", e)))
		goto out;
	in_tx = 0;
	progress_done(&prog);
	printf("tagged %ld passages: %ld codings (codebook %s)\n", t.passages,
	       t.codings, cb.dir);
out:
	progress_done(&prog);
	sqlite3_finalize(q);
	if (in_tx)
		db_rollback(&db);
	for (int w = 0; c.conns && w <= o.threads; w++) {
		sqlite3_finalize(c.reads[w]);
		sqlite3_close(c.conns[w]);
		matcher_release(&c.matchers[w]);
	}
	for (size_t i = 0; c.jobs && i < c.window; i++) {
		free(c.jobs[i].ids);
		free(c.jobs[i].first);
		free(c.jobs[i].count);
		free(c.jobs[i].m);
	}
	free(c.jobs);
	free(c.conns);
	free(c.reads);
	free(c.matchers);
	free(cues);
	if (t.db)
		tagger_release(&t);
	db_close(&db);
	codebook_release(&cb);
	return rc;
}

static const char codebook_usage[] = "papercut codebook check [DIR] [--expand CODE]";
static const char codebook_help[] =
	"Loads a codebook (DIR, else --codebook, $PAPERCUT_CODEBOOK or the\n"
	"bundled one), compiles every pattern and runs every example and\n"
	"counter. Prints each code, or every problem with file:line, and\n"
	"exits 1 when there is any.\n\n"
	"  --expand CODE   print each rule of CODE as written and as PCRE2 runs it\n"
	"                  (lists and near expanded)\n";

static int codebook_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	(void)opt, (void)e;
	*(const char **)ctx = arg;
	return 0;
}

/* --expand: a code's rules as written and as they run. */
static int print_expanded(const struct codebook *cb, const char *id, struct err *e)
{
	static const char *const kinds[] = { "pattern", "exclude", "requires" };
	long i = codebook_find(cb, id);
	const struct code *c;

	if (i < 0)
		return err_set(e, E_USAGE, "no code '%s' in codebook '%s'", id, cb->dir);
	c = &cb->codes[i];
	for (int k = 0; k < 3; k++) {
		const struct rule *r = k == 0 ? c->rules : k == 1 ? c->excludes : c->requires;
		size_t n = k == 0 ? c->nrules : k == 1 ? c->nexcludes : c->nrequires;

		for (size_t j = 0; j < n; j++) {
			printf("%s %s = %s\n", r[j].where, r[j].near ? "near" : kinds[k],
			       r[j].written ? r[j].written : r[j].pattern);
			if (r[j].written)
				printf("    %s\n", r[j].pattern);
		}
	}
	return 0;
}

int cmd_codebook(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "expand", required_argument, NULL, 'x' },
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct codebook cb;
	struct err load = ERR_INIT;
	const char *expand = NULL;
	size_t chars = 0;
	int rc;

	codebook_init(&cb);
	if ((rc = cli_parse(argc, argv, opts, codebook_usage, codebook_help, codebook_opt,
			    &expand, e)))
		return rc < 0 ? 0 : rc;
	if (optind >= argc || strcmp(argv[optind], "check") || argc - optind > 2) {
		rc = err_set(e, E_USAGE, "usage: %s", codebook_usage);
		goto out;
	}
	if (argc - optind == 2)
		cli.codebook = argv[optind + 1];
	if (load_chosen_codebook(&cb, &load) && !cb.nproblems) {
		rc = err_set(e, load.code, "%s", load.msg);
		goto out;
	}
	if (cb.nproblems) {
		for (size_t i = 0; i < cb.nproblems; i++)
			printf("%s\n", cb.problems[i]);
		rc = err_set(e, E_DATA, "codebook '%s': %zu problem%s", cb.dir,
			     cb.nproblems, cb.nproblems == 1 ? "" : "s");
		goto out;
	}
	if (expand) {
		rc = print_expanded(&cb, expand, e);
		goto out;
	}
	printf("%-22s %-9s %-10s %8s %8s %8s %8s\n", "code", "kind", "theme",
	       "patterns", "excludes", "examples", "counters");
	for (size_t i = 0; i < cb.n; i++) {
		const struct code *c = &cb.codes[i];

		chars += c->kind == KIND_CHARACTER;
		printf("%-22s %-9s %-10s %8zu %8zu %8zu %8zu\n", c->id,
		       c->kind == KIND_CHARACTER ? "character" : "papercut",
		       c->theme ? c->theme : "-", c->nrules, c->nexcludes,
		       c->nexamples, c->ncounters);
	}
	printf("codebook '%s': %zu codes (%zu characters, %zu papercuts), every example and counter holds\n",
	       cb.dir, cb.n, chars, cb.n - chars);
out:
	codebook_release(&cb);
	return rc;
}
