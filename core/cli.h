#ifndef PAPERCUT_CLI_H
#define PAPERCUT_CLI_H

#include <getopt.h>

#include "db.h"
#include "err.h"

/*
 * What every command shares: where the database and the codebook are,
 * and how options are read. Global options (before the command) and the
 * command's own (after it) both land here.
 */
struct cli {
	const char *db;        /* --db, else $PAPERCUT_DB, else ./papercut.db */
	const char *codebook;  /* --codebook, else $PAPERCUT_CODEBOOK, else bundled */
	const char *coder;     /* --coder: whose decisions apply (NULL: everyone's) */
};

extern struct cli cli;

enum { OPT_DB = 0x100, OPT_CODEBOOK, OPT_HELP, OPT_CODER, OPT_CLI_LAST };

#define CLI_OPTIONS \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "codebook", required_argument, NULL, OPT_CODEBOOK }, \
	{ "help", no_argument, NULL, OPT_HELP }
/* whose hand decisions count (cli.coder), for the commands that read codings */
#define CODER_OPTION { "coder", required_argument, NULL, OPT_CODER }
#define CODER_HELP \
	"  --coder NAME        count only NAME's hand decisions (default: every\n" \
	"                      coder's additions and any coder's rejections)\n"

/*
 * Reads a command's options with getopt_long(): `opts` must end with
 * CLI_OPTIONS and a zero entry; `fn` (NULL when there are none) gets the
 * command's own options.
 * Returns 0 with optind at the operands, -1 when --help printed the help
 * (the command returns 0), or E_USAGE with `e` filled (one line, with
 * the synopsis `usage`). `fn` returns 0 or an error code.
 */
typedef int (*cli_opt_fn)(int opt, const char *arg, void *ctx, struct err *e);
int cli_parse(int argc, char **argv, const struct option *opts,
	      const char *usage, const char *help, cli_opt_fn fn, void *ctx,
	      struct err *e);

/* Parses a whole number in [min, max] for option `name`. */
int cli_number(const char *name, const char *arg, long min, long max,
	       long *out, struct err *e);

int cli_open_db(struct db *db, struct err *e);

/* cli_open_db() for commands that mostly read (search, analyze, report):
 * the file is memory-mapped, which spares a copy of every page read, and
 * a large sort may use a second thread. The effective coding of cli.coder
 * is the view `ecoding` (core/decisions.h). */
int cli_open_db_reading(struct db *db, struct err *e);

/*
 * Progress on stderr, only when it is a terminal: one line, rewritten.
 * progress_show() names a stage and is always shown; the updates within
 * a stage (progress_update, progress_eta) at most five times a second.
 * progress_done() clears the line and ends the progress (a second call
 * does nothing): call it before anything else is printed, and on every
 * way out, an error's too.
 */
struct progress {
	int on;
	double start;
	double last;
};
void progress_start(struct progress *p);
void progress_show(struct progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void progress_update(struct progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "WHAT: DETAIL, 2100 passages/s, ETA 6m05s", the ETA from `done` of
 * `total` (any unit) */
void progress_eta(struct progress *p, const char *what, double done, double total,
		  long passages, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void progress_done(struct progress *p);
double now_seconds(void);

#endif
