/* Batches: what was loaded together, and taking one back out. */
#include <stdio.h>
#include <string.h>

#include "../core/cli.h"
#include "../core/csvout.h"
#include "../core/decisions.h"
#include "../core/escape.h"
#include "tag.h"

static const char batches_usage[] = "papercut batches [--csv]";
static const char batches_help[] =
	"Lists the batches: name, when it was made, files, passages and\n"
	"participants (of its own files).\n\n"
	"  --csv   CSV instead of aligned text\n";

static const char forget_usage[] = "papercut forget BATCH";
static const char forget_help[] =
	"Removes a batch and everything derived from it (its sources, their\n"
	"passages and codings, participants seen only there), in one\n"
	"transaction, then attributes characters anew.\n";

static int csv_flag(int opt, const char *arg, void *ctx, struct err *e)
{
	(void)arg, (void)e;
	if (opt == 'c')
		*(int *)ctx = 1;
	return 0;
}

int cmd_batches(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' }, CLI_OPTIONS, { NULL, 0, NULL, 0 }
	};
	struct db db = { 0 };
	struct buf name = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int csv = 0, rc, n = 0;

	if ((rc = cli_parse(argc, argv, opts, batches_usage, batches_help, csv_flag, &csv, e)))
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return err_set(e, E_USAGE, "batches takes no operands (usage: %s)", batches_usage);
	if ((rc = cli_open_db(&db, e)))
		goto out;
	st = db_prepare(&db,
		"SELECT b.name, b.created, (SELECT count(*) FROM source WHERE batch_id = b.id) AS files,"
		" (SELECT count(*) FROM passage p JOIN source s ON s.id = p.source_id"
		"  WHERE s.batch_id = b.id) AS passages,"
		" (SELECT count(DISTINCT p.participant_id) FROM passage p JOIN source s"
		"  ON s.id = p.source_id WHERE s.batch_id = b.id) AS participants"
		" FROM batch b ORDER BY b.id", e);
	if (!st) {
		rc = e->code;
		goto out;
	}
	if (csv) {
		if (csv_query(stdout, st) != SQLITE_DONE)
			rc = db_fail(&db, e, "listing batches");
		goto out;
	}
	printf("%-24s %-20s %7s %9s %12s\n", "batch", "made", "files", "passages", "participants");
	while (sqlite3_step(st) == SQLITE_ROW) {
		printf("%-24s %-20s %7d %9d %12d\n", one_line(&name, db_col_text(st, 0)),
		       db_col_text(st, 1),
		       sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
		       sqlite3_column_int(st, 4));
		n++;
	}
	if (!n)
		printf("(no batches: ingest some sources)\n");
out:
	buf_release(&name);
	sqlite3_finalize(st);
	db_close(&db);
	return rc;
}

int cmd_forget(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = { CLI_OPTIONS, { NULL, 0, NULL, 0 } };
	struct db db = { 0 };
	sqlite3_stmt *st = NULL;
	int rc, in_tx = 0, files = 0, passages = 0;
	long orphans = 0;

	if ((rc = cli_parse(argc, argv, opts, forget_usage, forget_help, NULL, NULL, e)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return err_set(e, E_USAGE, "usage: %s", forget_usage);
	if ((rc = cli_open_db(&db, e)) || (rc = db_exec(&db, "BEGIN IMMEDIATE", e)))
		goto out;
	in_tx = 1;
	if ((rc = decisions_orphans(&db, &orphans, e)))
		goto out;
	st = db_prepare(&db, "SELECT (SELECT count(*) FROM source WHERE batch_id = b.id),"
			" (SELECT count(*) FROM passage p JOIN source s ON s.id = p.source_id"
			"  WHERE s.batch_id = b.id) FROM batch b WHERE b.name = ?1", e);
	if (!st) {
		rc = e->code;
		goto out;
	}
	sqlite3_bind_text(st, 1, argv[optind], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = err_set(e, E_DATA, "no batch '%s' in '%s' (see 'papercut batches')",
			     argv[optind], db.path);
		goto out;
	}
	files = sqlite3_column_int(st, 0);
	passages = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	st = db_prepare(&db, "DELETE FROM batch WHERE name = ?1", e);
	if (!st) {
		rc = e->code;
		goto out;
	}
	sqlite3_bind_text(st, 1, argv[optind], -1, SQLITE_STATIC);
	/* sources, passages (and their index rows), codings: by cascade */
	if ((rc = db_step_done(&db, st, e, "forgetting a batch")) ||
	    (rc = prune_participants(&db, 0, e)) ||
	    (rc = attribute_participants(&db, ATTRIBUTE_ALL, e)) || (rc = db_exec(&db, "COMMIT", e)))
		goto out;
	in_tx = 0;
	printf("forgot batch '%s': %d files, %d passages\n", argv[optind], files, passages);
	rc = decisions_report_orphans(&db, orphans, e);
out:
	sqlite3_finalize(st);
	if (in_tx)
		db_rollback(&db);
	db_close(&db);
	return rc;
}
