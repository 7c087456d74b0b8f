#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "decisions.h"

/* The coding of the rules that still counts, and the effective coding.
 * %s: the condition that picks the applicable decisions of `d` (or `a`). */
static const char view_sql[] =
	"DROP VIEW IF EXISTS temp.ecoding;"
	"DROP VIEW IF EXISTS temp.ecoding_rule;"
	"CREATE TEMP VIEW ecoding_rule AS"
	" SELECT c.passage_id, c.code_id, c.rule, c.start_byte, c.end_byte"
	" FROM main.coding c JOIN main.passage p ON p.id = c.passage_id"
	" WHERE NOT EXISTS (SELECT 1 FROM main.decision d WHERE d.passage_id = c.passage_id"
	"   AND d.code_id = c.code_id AND d.verdict = 'reject' AND %s)"
	"  AND NOT EXISTS (SELECT 1 FROM main.decision d WHERE d.verdict = 'seen'"
	"   AND d.passage_id IN (0, c.passage_id) AND d.source_id = p.source_id AND %s"
	"   AND NOT EXISTS (SELECT 1 FROM main.decision a WHERE a.coder = d.coder"
	"    AND a.verdict = 'add' AND a.code_id = c.code_id"
	"    AND a.passage_id IN (0, c.passage_id) AND a.source_id = p.source_id));"
	"CREATE TEMP VIEW ecoding(passage_id, code_id, rule, start_byte, end_byte,"
	" origin, coder) AS"
	" SELECT passage_id, code_id, rule, start_byte, end_byte, 'rule', ''"
	" FROM ecoding_rule"
	" UNION ALL"
	" SELECT a.passage_id, a.code_id, '', 0, length(CAST(p.text AS BLOB)), 'human',"
	"  group_concat(a.coder, ',')"
	" FROM main.decision a JOIN main.passage p ON p.id = a.passage_id"
	" WHERE a.verdict = 'add' AND a.passage_id <> 0 AND %s"
	"  AND NOT EXISTS (SELECT 1 FROM ecoding_rule r WHERE r.passage_id = a.passage_id"
	"   AND r.code_id = a.code_id)"
	" GROUP BY a.passage_id, a.code_id";

static const char plain_sql[] =
	"DROP VIEW IF EXISTS temp.ecoding;"
	"DROP VIEW IF EXISTS temp.ecoding_rule;"
	"CREATE TEMP VIEW ecoding(passage_id, code_id, rule, start_byte, end_byte,"
	" origin, coder) AS"
	" SELECT passage_id, code_id, rule, start_byte, end_byte, 'rule', ''"
	" FROM main.coding";

int decisions_view(struct db *db, const char *coder, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM decision"
				      " WHERE ?1 IS NULL OR coder = ?1 LIMIT 1", e);
	char *dcond, *acond, *sql;
	int rc;

	if (!st)
		return e->code;
	db_bind_text(st, 1, coder);
	if ((rc = db_exists(db, st, &db->decided, e, "reading coders' decisions")))
		return rc;
	if (!db->decided)
		return db_exec(db, plain_sql, e);
	/* a view takes no parameters: the name is quoted by SQLite's %Q */
	dcond = coder ? sqlite3_mprintf("d.coder = %Q", coder) : sqlite3_mprintf("1");
	acond = coder ? sqlite3_mprintf("a.coder = %Q", coder) : sqlite3_mprintf("1");
	sql = sqlite3_mprintf(view_sql, dcond, dcond, acond);
	rc = db_exec(db, sql, e);
	sqlite3_free(dcond);
	sqlite3_free(acond);
	sqlite3_free(sql);
	return rc;
}

const char *decisions_by_code(const struct db *db)
{
	return db->decided ? "ecoding" : "coding INDEXED BY coding_code";
}

const char *decisions_coder_problem(const char *coder)
{
	if (!coder || !*coder)
		return "a coder's name cannot be empty";
	for (const unsigned char *s = (const unsigned char *)coder; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return "a coder's name cannot hold control characters (a line break or tab)";
	return NULL;
}

int decisions_check_coder(const char *coder, const char *what, struct err *e)
{
	const char *problem = decisions_coder_problem(coder);

	return problem ? err_set(e, E_USAGE, "%s: %s", what, problem) : 0;
}

int decisions_coder(const char *opt, const char **coder, struct err *e)
{
	const char *what = "--coder";

	*coder = opt;
	if (!*coder || !**coder) {
		*coder = getenv("PAPERCUT_CODER");
		what = "$PAPERCUT_CODER";
	}
	if (!*coder || !**coder) {
		struct passwd *pw = getpwuid(getuid());

		*coder = getenv("LOGNAME");
		if ((!*coder || !**coder) && pw)
			*coder = pw->pw_name;
		what = "the login name";
	}
	if (!*coder || !**coder)
		return err_set(e, E_USAGE, "who is coding? give --coder NAME or set $PAPERCUT_CODER");
	return decisions_check_coder(*coder, what, e);
}

int decisions_put(struct db *db, const char *coder, sqlite3_int64 source_id,
		  sqlite3_int64 passage_id, const char *code, const char *verdict,
		  const char *note, int *changed, struct err *e)
{
	sqlite3_stmt *st = db_stmt(db, STMT_DECISION_PUT, e);

	if (!st)
		return e->code;
	db_bind_text(st, 1, coder);
	sqlite3_bind_int64(st, 2, source_id);
	sqlite3_bind_int64(st, 3, passage_id);
	db_bind_text(st, 4, code);
	db_bind_text(st, 5, verdict);
	db_bind_text(st, 6, note && *note ? note : NULL);
	if (db_step_done(db, st, e, "storing a decision"))
		return e->code;
	if (changed)
		*changed = sqlite3_changes(db->h) > 0;
	return 0;
}

int decisions_known_code(struct db *db, const char *id, const char *kind, int *found,
			 struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM code WHERE id = ?1 AND kind = ?2"
				      " UNION ALL SELECT 1 WHERE ?1 = 'unknown' AND ?2 = 'character'", e);

	if (!st)
		return e->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	return db_exists(db, st, found, e, "reading the codebook");
}

int decisions_apply_characters(struct db *db, struct err *e)
{
	return db_exec(db, "UPDATE participant SET character = h.character,"
		       " decided_by = 'hand: ' || h.coder || iif(h.note IS NULL OR h.note = '', '',"
		       "  ' (' || h.note || ')')"
		       " FROM (SELECT participant, coder, character, note,"
		       "  row_number() OVER (PARTITION BY participant"
		       "   ORDER BY created DESC, coder) AS k FROM character_decision) h"
		       " WHERE h.k = 1 AND h.participant = participant.name", e);
}

int decisions_orphans(struct db *db, long *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM decision_orphan", e);
	int rc;

	if (!st)
		return e->code;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, e, "counting orphaned decisions");
}

int decisions_report_orphans(struct db *db, long before, struct err *e)
{
	long after = before;

	if (decisions_orphans(db, &after, e))
		return e->code;
	if (after > before)
		printf("%ld hand decision%s lost %s passage: kept as orphans"
		       " (papercut code --orphans)\n", after - before,
		       after - before == 1 ? "" : "s", after - before == 1 ? "its" : "their");
	return 0;
}
