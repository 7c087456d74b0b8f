#ifndef PAPERCUT_DECISIONS_H
#define PAPERCUT_DECISIONS_H

#include "db.h"
#include "err.h"

/*
 * Coders' decisions beside the rules (data/decisions.sql), and the coding
 * every reader counts: the effective coding.
 *
 * A rule coding counts unless an applicable coder rejected it, or coded
 * its passage (or the passage's whole source) in full without that code
 * (a `seen` unit: gold files mark what they cover so). A code an
 * applicable coder added counts too. "Applicable": the coder named
 * (`--coder`), else every coder; so by default every coder's additions
 * and any coder's rejection count.
 *
 * decisions_view() makes that coding the connection's TEMP VIEW
 * `ecoding(passage_id, code_id, rule, start_byte, end_byte, origin,
 * coder)`: origin 'rule' (coder '') or 'human' (coder: who added it,
 * comma separated; the span: the whole passage). While no decision
 * applies it is the coding table itself, and db->decided stays 0, so
 * queries that force an index of `coding` may keep doing so.
 */
int decisions_view(struct db *db, const char *coder, struct err *e);

/* What a query reads one code's codings from: `coding` through its index
 * by code while no decision applies, else `ecoding`. */
const char *decisions_by_code(const struct db *db);

/* Whose decisions a command that writes them records: --coder, else
 * $PAPERCUT_CODER, else the login name. A name with control characters
 * is refused, naming `what` (where the name came from). */
int decisions_coder(const char *opt, const char **coder, struct err *e);
int decisions_check_coder(const char *coder, const char *what, struct err *e);
/* Why `coder` cannot name a coder (empty, control characters), or NULL. */
const char *decisions_coder_problem(const char *coder);

/* Records `coder`'s verdict ("add", "reject" or "seen") of `code` ("" for
 * seen) on passage `passage_id` of source `source_id` (0: the whole
 * source). The same decision again changes nothing; another verdict on
 * the same code replaces the coder's earlier one. *changed: whether it did. */
int decisions_put(struct db *db, const char *coder, sqlite3_int64 source_id,
		  sqlite3_int64 passage_id, const char *code, const char *verdict,
		  const char *note, int *changed, struct err *e);

/* Whether `id` is a code of `kind` ("papercut" or "character", where
 * "unknown" counts too) in the codebook the database was tagged with:
 * *found 1 or 0. Returns 0, or the database's error. */
int decisions_known_code(struct db *db, const char *id, const char *kind, int *found,
			 struct err *e);

/* Puts the newest hand-set character of each participant over what
 * attribution decided (auto_character stays what the rules said). */
int decisions_apply_characters(struct db *db, struct err *e);

/* How many decisions lost their passage or source so far. */
int decisions_orphans(struct db *db, long *n, struct err *e);

/* Says on stdout how many decisions the command just orphaned, if any:
 * `before` is decisions_orphans() from before it removed anything. */
int decisions_report_orphans(struct db *db, long before, struct err *e);

#endif
