/*
 * papercut: developers' words in, papercut evidence out. Git-style
 * subcommands; each stage talks to the others only through the database.
 *
 * Two builds of this file, as git runs its heavier commands from
 * libexec: `papercut` links SQLite and libcsv alone and runs the commands
 * that read (search, show, export, analyze); for the others it executes
 * `papercut-full`, which links the readers, the matchers and the
 * workbook writer and runs every command. Loading those twenty libraries
 * is 3-5 ms of every process, as much as a search takes.
 */
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/proc.h"
#ifndef PAPERCUT_LIGHT
#include "ingest/tag.h"
#include "report/report.h"
#define FULL(fn) fn
#else
#define FULL(fn) NULL   /* run by papercut-full */
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct err *e);
	const char *summary;
};

/* `export qdpx` and `export qdc` need libzip and libxml2: papercut-full's. */
static int exports_refi(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "qdpx") || !strcmp(argv[i], "qdc"))
			return 1;
	return 0;
}

#ifndef PAPERCUT_LIGHT
static int cmd_export_any(int argc, char **argv, struct err *e)
{
	return exports_refi(argc, argv) ? cmd_export_refi(argc, argv, e)
		: cmd_export(argc, argv, e);
}
#define EXPORT cmd_export_any
#else
#define EXPORT cmd_export
#endif

static const struct command commands[] = {
	{ "ingest", FULL(cmd_ingest), "read sources into the database and tag them" },
	{ "tag", FULL(cmd_tag), "re-tag every passage with the current codebook" },
	{ "batches", FULL(cmd_batches), "list what was loaded, batch by batch" },
	{ "forget", FULL(cmd_forget), "remove a batch and all that came from it" },
	{ "analyze", cmd_analyze, "what hurts whom: counts, trends, over-representation" },
	{ "report", FULL(cmd_report), "the quarterly report: HTML, workbook, charts, briefs" },
	{ "search", cmd_search, "evidence passages, best first" },
	{ "show", cmd_show, "one passage with its context and source" },
	{ "export", EXPORT, "codings, participants, passages (CSV); a REFI-QDA project (qdpx, qdc)" },
	{ "code", cmd_code, "code a passage by hand, or list the decisions on it" },
	{ "participant", cmd_participant, "show a participant; set their character by hand" },
	{ "gold", FULL(cmd_gold), "import a coder's work done elsewhere (gold import FILE)" },
	{ "agreement", cmd_agreement, "the rules against a coder: precision, recall, kappa" },
	{ "import", FULL(cmd_import), "codings from a REFI-QDA project (qdpx); a codebook (qdc)" },
	{ "codebook", FULL(cmd_codebook), "check a codebook" },
};

static void usage(FILE *out)
{
	fputs("usage: papercut [--db FILE] [--codebook DIR] COMMAND [ARGS]\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'papercut COMMAND --help' tells more. The database is --db, else\n"
	      "$PAPERCUT_DB, else ./papercut.db; the codebook is --codebook, else\n"
	      "$PAPERCUT_CODEBOOK, else the bundled default.\n", out);
}

#ifdef PAPERCUT_LIGHT
/*
 * Runs `argv` in papercut-full: next to this program (the build), else in
 * ../libexec/papercut (make install). Returns only when it cannot.
 */
static int run_full(char **argv, const char *command, struct err *e)
{
	static const char *const rel[] = { "/papercut-full", "/../libexec/papercut/papercut-full" };
	char exe[PATH_MAX];
	struct buf path = BUF_INIT;

	if (proc_self_dir(exe, sizeof(exe)))
		return err_set(e, E_USAGE, "cannot find where papercut runs from: %s",
			       strerror(errno));
	for (size_t i = 0; i < sizeof(rel) / sizeof(*rel); i++) {
		buf_reset(&path);
		buf_addf(&path, "%s%s", exe, rel[i]);
		execv(path.data, argv);
		if (errno != ENOENT) {
			err_set(e, E_USAGE, "cannot run %s: %s", path.data, strerror(errno));
			buf_release(&path);
			return e->code;
		}
	}
	buf_release(&path);
	return err_set(e, E_USAGE, "'%s' is run by papercut-full, which is in neither %s"
		       " nor %s/../libexec/papercut: install papercut again", command, exe, exe);
}
#endif

int main(int argc, char **argv)
{
	struct err e = ERR_INIT;
	int i = 1, rc;

	/* SQLite counts every allocation under one process-wide mutex, for
	 * sqlite3_memory_used() and heap limits papercut never asks for; in
	 * ingest the writer, the full-text builder and the workers'
	 * tokenizers all allocate through it: 0.89 of the time at 160 MB
	 * without. Before SQLite initialises, as it must be. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* global options, before the command */
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			puts("papercut " PAPERCUT_VERSION);
			return 0;
		} else if (i + 1 < argc && !strcmp(argv[i], "--db")) {
			cli.db = argv[i + 1];
		} else if (i + 1 < argc && !strcmp(argv[i], "--codebook")) {
			cli.codebook = argv[i + 1];
		} else {
			fprintf(stderr, "papercut: unknown option '%s' (see 'papercut --help')\n",
				argv[i]);
			return E_USAGE;
		}
		i += 2;
	}
	if (i >= argc) {
		usage(stderr);
		return E_USAGE;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(*commands); k++) {
		if (strcmp(argv[i], commands[k].name))
			continue;
#ifdef PAPERCUT_LIGHT
		if (!commands[k].fn || (commands[k].fn == cmd_export &&
					exports_refi(argc - i, argv + i))) {
			rc = run_full(argv, argv[i], &e);
			err_print(&e);
			return rc;
		}
#endif
		rc = commands[k].fn(argc - i, argv + i, &e);
		if (fflush(stdout) || ferror(stdout)) {
			if (!rc)
				rc = err_set(&e, E_DATA, "cannot write the output");
		}
		err_print(&e);
		return rc;
	}
	fprintf(stderr, "papercut: '%s' is not a command (see 'papercut --help')\n", argv[i]);
	return E_USAGE;
}
