#ifndef PAPERCUT_TAG_H
#define PAPERCUT_TAG_H

#include <sqlite3.h>

#include "../core/codebook.h"
#include "../core/db.h"
#include "../core/err.h"
#include "../core/feed.h"

/* Loads the codebook the command line chose: --codebook, else
 * $PAPERCUT_CODEBOOK, else the bundled one. */
int load_chosen_codebook(struct codebook *cb, struct err *e);

/* The tagging driver: puts a codebook's codes on passages as they are
 * stored (ingest) or all at once (tag). */
struct tagger {
	struct db *db;
	const struct codebook *cb;
	struct matcher m;
	struct feed rows;       /* codings not yet stored */
	struct feed hits;       /* attribution's, not yet stored (tagger_keep_hits) */
	struct feed cues;       /* attr_coding's rows, not yet stored */
	sqlite3_int64 run_id;
	long passages, codings;
	int codebook_changed;   /* stored codings came from another codebook */
};

/*
 * Starts tagging inside the caller's transaction: records the codebook in
 * the `code` table and a tag_run (reusing the last run when it used the
 * same codebook and `fresh` is 0). tagger_release() frees.
 */
int tagger_begin(struct tagger *t, struct db *db, const struct codebook *cb,
		 int fresh, struct err *e);
/* Codings are stored TAGGER_ROWS at a time; tagger_finish() stores the
 * rest, and nothing reads the coding table before it. */
#define TAGGER_ROWS 1024
/* Stores codings already found (by codebook_match elsewhere, as workers
 * do) for passage `passage_id`: one of participant `participant_id`'s
 * own, or 0 (no participant's, or an interviewer's). */
int tagger_store(struct tagger *t, sqlite3_int64 passage_id,
		 sqlite3_int64 participant_id, const struct match *m, size_t n,
		 struct err *e);

/*
 * From here on, tagger_store() also notes each hit of a character's rules
 * on a participant's own passage (temp.attribution_hit), for
 * attribute_participants(ATTRIBUTE_HITS) to count instead of joining every
 * character coding to its passage (at 1 GB, 6.5 M passages read at random:
 * 3.9 s of the load's end). Only for a batch whose passages will be all
 * the database has: a first load that replaces nothing.
 */
int tagger_keep_hits(struct tagger *t, struct err *e);
/* Stores cues already found (by codebook_attr_match, as workers do) in
 * participant `participant_id`'s attribute `key` (attr_coding),
 * TAGGER_ROWS at a time: `key` is borrowed until tagger_attr_flush(). */
int tagger_attr(struct tagger *t, sqlite3_int64 participant_id, const char *key,
		const struct match *m, size_t n, struct err *e);
int tagger_attr_flush(struct tagger *t, struct err *e);

/* Adds the run's counts to its tag_run row. */
int tagger_finish(struct tagger *t, struct err *e);
void tagger_release(struct tagger *t);

/*
 * Decides every participant's character: the front-matter override, else
 * the character whose rules hit most of the participant's own passages
 * when it leads the next by ATTRIBUTION_MARGIN, else "unknown". Stores
 * what decided it (in auto_character too); then a coder's hand setting
 * wins over it (core/decisions.h). Of whom, and from what:
 */
#define ATTRIBUTION_MARGIN 1
enum attribution {
	ATTRIBUTE_ALL,          /* everyone, from the stored codings */
	ATTRIBUTE_TOUCHED,      /* those in temp.touched_participant (an ingest
				   added to or took from them; it needs the
				   passage_participant index) */
	ATTRIBUTE_HITS,         /* everyone, from the hits the tagger kept */
};
int attribute_participants(struct db *db, enum attribution of, struct err *e);

/* Removes participants no source or passage names any more (after a
 * replaced file or a forgotten batch); `touched` as above. */
int prune_participants(struct db *db, int touched, struct err *e);

/* The same after a first load that replaced nothing: the participants
 * whose id's bit is not set in `named` (set for every stored passage's
 * and source's participant), found in one pass over the participants, not
 * by looking each up in the passages' and sources' indexes (1.4 s at 1 GB). */
int prune_unnamed(struct db *db, const unsigned char *named, size_t nbits, struct err *e);

int cmd_ingest(int argc, char **argv, struct err *e);
int cmd_tag(int argc, char **argv, struct err *e);
int cmd_codebook(int argc, char **argv, struct err *e);
int cmd_batches(int argc, char **argv, struct err *e);
int cmd_forget(int argc, char **argv, struct err *e);
int cmd_gold(int argc, char **argv, struct err *e);
int cmd_import(int argc, char **argv, struct err *e);   /* ingest/qdpx.c */

#endif
