#ifndef PAPERCUT_CODEBOOK_H
#define PAPERCUT_CODEBOOK_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>
#include <stddef.h>
#include <xxhash.h>

#include "buf.h"
#include "err.h"
#include "text.h"
#include "wordlist.h"

/*
 * A codebook: INI files (one section per code) in a directory, read in
 * name order. Patterns are PCRE2, UTF + UCP, case-insensitive unless the
 * pattern says otherwise, JIT-compiled once at load.
 */
enum code_kind { KIND_PAPERCUT, KIND_CHARACTER };

struct rule {
	char *pattern;      /* as PCRE2 runs it: lists and near expanded */
	char *written;      /* as the file says it, where that differs (else NULL) */
	int near;           /* written as `near = A | B, N` */
	char *where;        /* "file.ini:12", names the rule in codings */
	pcre2_code *re;
	int hs_id;          /* in the prefilter; -1: always run PCRE2 */
};

struct sample {
	char *text;
	char *where;
};

/* `attribute = KEY: REGEX`: a character cue in a participant attribute
 * (a survey answer, a front-matter key). */
struct attr_rule {
	char *key;
	struct rule rule;
};

struct code {
	char *id;
	char *where;        /* the section header */
	int kind;           /* enum code_kind, -1 until `kind =` is read */
	char *label, *theme, *description;
	struct rule *rules, *excludes, *requires;
	size_t nrules, arules, nexcludes, aexcludes, nrequires, arequires;
	struct sample *examples, *counters;
	size_t nexamples, aexamples, ncounters, acounters;
	struct attr_rule *attrs;
	size_t nattrs, aattrs;
	/* `negation = count`, `questions = count`: a pattern's hit in a
	 * negated clause or a yes/no question counts too (default: skipped) */
	int count_negated, count_questions;
};

struct codebook {
	char *dir;
	char hash[33];      /* of the files' names and contents */
	struct code *codes;
	size_t n, alloc;
	struct wordlists lists;     /* [list NAME] sections */
	char **problems;    /* every problem found, "file:line: what" */
	size_t nproblems, aproblems;
	/* The prefilter: every pattern and exclude in one Hyperscan database
	 * (prefilter mode: it may say yes where PCRE2 says no, never the
	 * reverse), so PCRE2 runs only on rules that can match. NULL when
	 * Hyperscan is not usable here. */
	hs_database_t *hs;
	hs_scratch_t *hs_scratch;   /* cloned by each matcher */
	int nhs;                    /* rules in it */
	int nrules_all;             /* rules with an hs_id slot */
	/* per hs_id slot, the code whose pattern it is (-1: an exclude), and
	 * per code, whether a pattern of it is outside the prefilter: only
	 * the codes the prefilter names, and those, are looked at further */
	int *slot_code;
	unsigned char *code_always;
};

/* Whether the hit at [start, end) of `text` is negated ("no deadlock",
 * "isn't slow": a negator among the three words before it in its clause)
 * or inside a yes/no question ("is there a deadlock?"). */
int hit_negated(const char *text, size_t start);
int hit_in_question(const char *text, size_t len, size_t start, size_t end);

/* One match of a code in a passage. */
struct match {
	size_t code;        /* index into codebook.codes */
	const struct rule *rule;
	size_t start, end;  /* bytes into the text */
};

/* Per-thread scratch space for matching. `plain` turns the prefilter
 * off: every rule through PCRE2, one at a time (the reference). */
struct matcher {
	pcre2_match_data *md;
	hs_scratch_t *scratch;
	unsigned char *maybe;       /* per hs_id: the prefilter said it may match */
	unsigned char *code_maybe;  /* per code: a pattern of it may match */
	const int *slot_code;       /* the codebook's */
	int plain;
	enum text_mode mode;        /* how the next text is read (core/text.h) */
	struct buf masked;          /* the text with its code blanked */
	/* the first rule that hit one of PCRE2's limits (match, depth,
	 * heap) on the last text, or NULL: its result is not "no match",
	 * so the caller must fail (codebook_match's codes are incomplete) */
	const struct rule *limit;
};

void codebook_init(struct codebook *cb);

/*
 * Loads every *.ini in `dir`, compiles the rules and runs each code's
 * examples and counters. Every problem is collected in cb->problems;
 * when there is any, returns E_DATA with `e` naming the first and how
 * many there are. Free with codebook_release() in either case.
 */
int codebook_load(struct codebook *cb, const char *dir, struct err *e);
void codebook_release(struct codebook *cb);

/* The codes attribute `key` = `value` is a cue of, each with the rule
 * that matched (no span: start and end are 0): fills `out` (room for
 * cb->n) in codebook order and returns how many. */
size_t codebook_attr_match(const struct codebook *cb, struct matcher *m,
			   const char *key, const char *value, struct match *out);

/* Index of the code named `id`, or -1. */
long codebook_find(const struct codebook *cb, const char *id);

void matcher_init(struct matcher *m, const struct codebook *cb);
void matcher_release(struct matcher *m);

/*
 * Tags `text`, read as m->mode says (prose by default: its fenced code
 * blocks only for their diagnostics and comments): for each code, its first match (a pattern's or a near's),
 * unless an exclude or unless of the code matches anywhere in the text,
 * or one of its requires does not. Fills `out` (room for cb->n) in
 * codebook order and returns how many codes matched.
 */
size_t codebook_match(const struct codebook *cb, struct matcher *m,
		      const char *text, size_t len, struct match *out);

/* Where the default codebook is: $PAPERCUT_CODEBOOK, the installed data
 * dir next to the binary, or data/codebook in the source tree. Returns a
 * string the caller frees, or NULL. */
char *codebook_default_dir(void);

/* An XXH3-128 hash as papercut writes it (a codebook's, a source's
 * content, the prefilter cache's name): 32 hex digits and a NUL. */
void hash_hex(XXH128_hash_t h, char out[33]);

#endif
