#include <stdio.h>
#include <string.h>

#include "../core/cli.h"
#include "../core/csvout.h"
#include "analyze.h"

static const char export_usage[] =
	"papercut export codings|participants|passages | papercut export qdpx|qdc FILE";
static const char export_help[] =
	"Writes CSV (RFC 4180) on stdout.\n\n"
	"  codings       source,line,passage_id,participant,character,speaker,code,kind,rule,quote,\n"
	"                origin,coder: one row per coding that counts (the rules', less\n"
	"                what coders rejected, and what they added: origin human, rule\n"
	"                empty, coder who); interviewer turns have no participant\n"
	"  participants  participant,character,decided_by,documents,passages\n"
	"  qdpx FILE     a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder\n"
	"  qdc FILE      the codebook alone ('papercut export qdpx --help')\n"
	"  passages      every passage with its provenance: source, format, line,\n"
	"                location, code-point offsets into the source's stored text,\n"
	"                participant, speaker, date, platform id, URL, parent, context\n\n"
	"Text that a spreadsheet would run as a formula (=, +, -, @) starts with\n"
	"an apostrophe.\n\n"
	CODER_HELP;

static const struct {
	const char *name;
	const char *header[17];
	const char *sql;
} exports[] = {
	{ "codings",
	  { "source", "line", "passage_id", "participant", "character", "speaker",
	    "code", "kind", "rule", "quote", "origin", "coder" },
	  "SELECT s.path, p.line, p.id, coalesce(pt.name, ''),"
	  " iif(p.interviewer, '', coalesce(pt.character, '')), coalesce(p.speaker, ''),"
	  " c.code_id, coalesce(k.kind, ''), c.rule, p.text, c.origin, c.coder"
	  " FROM ecoding c JOIN passage p ON p.id = c.passage_id"
	  " JOIN source s ON s.id = p.source_id"
	  " LEFT JOIN participant pt ON pt.id = p.participant_id"
	  " LEFT JOIN code k ON k.id = c.code_id"
	  " ORDER BY s.path, p.seq, k.position, c.code_id" },
	{ "participants",
	  { "participant", "character", "decided_by", "documents", "passages" },
	  "SELECT pt.name, pt.character, pt.decided_by,"
	  " (SELECT count(*) FROM source s WHERE s.participant_id = pt.id OR EXISTS"
	  "  (SELECT 1 FROM passage p WHERE p.source_id = s.id AND p.participant_id = pt.id)),"
	  " (SELECT count(*) FROM passage WHERE participant_id = pt.id AND interviewer = 0)"
	  " FROM participant pt ORDER BY pt.name" },
	{ "passages",
	  { "passage_id", "source", "format", "line", "location", "start_char", "end_char",
	    "participant", "character", "speaker", "interviewer", "date", "platform_id",
	    "url", "parent", "context", "text" },
	  "SELECT p.id, s.path, s.format, p.line, coalesce(p.location, ''), p.start_char,"
	  " p.end_char, coalesce(pt.name, ''), iif(p.interviewer, '', coalesce(pt.character, '')),"
	  " coalesce(p.speaker, ''), p.interviewer, coalesce(p.date, s.date, ''),"
	  " coalesce(p.platform_id, ''), coalesce(p.url, ''), coalesce(p.parent_id, ''),"
	  " coalesce(p.context, ''), p.text"
	  " FROM passage p JOIN source s ON s.id = p.source_id"
	  " LEFT JOIN participant pt ON pt.id = p.participant_id"
	  " ORDER BY s.path, p.seq" },
};

int cmd_export(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = { CODER_OPTION, CLI_OPTIONS, { NULL, 0, NULL, 0 } };
	struct db db = { 0 };
	struct progress prog = { 0 };
	sqlite3_stmt *st = NULL;
	size_t which, ncols = 0;
	long rows = 0;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, export_usage, export_help, NULL, NULL, e)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return err_set(e, E_USAGE, "usage: %s", export_usage);
	for (which = 0; which < sizeof(exports) / sizeof(*exports); which++)
		if (!strcmp(argv[optind], exports[which].name))
			break;
	if (which == sizeof(exports) / sizeof(*exports))
		return err_set(e, E_USAGE, "cannot export '%s' (usage: %s)", argv[optind],
			       export_usage);
	if ((rc = cli_open_db_reading(&db, e)))
		goto out;
	if (!(st = db_prepare(&db, exports[which].sql, e))) {
		rc = e->code;
		goto out;
	}
	while (ncols < 17 && exports[which].header[ncols])
		ncols++;
	for (size_t i = 0; i < ncols; i++)
		csv_text(stdout, exports[which].header[i], i == ncols - 1);
	progress_start(&prog);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(++rows & 1023))
			progress_update(&prog, "export: %ld rows", rows);
		for (size_t i = 0; i < ncols; i++) {
			if (sqlite3_column_type(st, (int)i) == SQLITE_INTEGER)
				csv_long(stdout, sqlite3_column_int64(st, (int)i), i == ncols - 1);
			else
				csv_text(stdout, db_col_text(st, (int)i), i == ncols - 1);
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_fail(&db, e, "exporting");
out:
	progress_done(&prog);
	sqlite3_finalize(st);
	db_close(&db);
	return rc;
}
