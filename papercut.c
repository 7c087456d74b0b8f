/*
 * papercut: developers' words in, papercut evidence out. One binary with
 * git-style subcommands; each stage talks to the others only through the
 * database.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/cli.h"
#include "core/err.h"
#include "ingest/tag.h"
#include "report/report.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct err *e);
	const char *summary;
};

static const struct command commands[] = {
	{ "ingest", cmd_ingest, "read sources into the database and tag them" },
	{ "tag", cmd_tag, "re-tag every passage with the current codebook" },
	{ "batches", cmd_batches, "list what was loaded, batch by batch" },
	{ "forget", cmd_forget, "remove a batch and all that came from it" },
	{ "analyze", cmd_analyze, "what hurts whom: counts, trends, over-representation" },
	{ "report", cmd_report, "the quarterly report: HTML, workbook, charts, briefs" },
	{ "search", cmd_search, "evidence passages, best first" },
	{ "show", cmd_show, "one passage with its context and source" },
	{ "export", cmd_export, "codings, participants or passages as CSV" },
	{ "codebook", cmd_codebook, "check a codebook" },
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

int main(int argc, char **argv)
{
	struct err e = ERR_INIT;
	int i = 1, rc;

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
