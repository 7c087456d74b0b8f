#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "decisions.h"

struct cli cli;

int cli_parse(int argc, char **argv, const struct option *opts,
	      const char *usage, const char *help, cli_opt_fn fn, void *ctx,
	      struct err *e)
{
	int opt;

	optind = 0;     /* glibc: start afresh, also for a second command */
	opterr = 0;     /* we say what went wrong, on one line */
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			cli.db = optarg;
			break;
		case OPT_CODEBOOK:
			cli.codebook = optarg;
			break;
		case OPT_CODER:
			if (decisions_check_coder(optarg, "--coder", e))
				return e->code;
			cli.coder = optarg;
			break;
		case OPT_HELP:
			printf("usage: %s\n\n%s", usage, help);
			return -1;
		case ':':
			return err_set(e, E_USAGE, "option '%s' needs a value (usage: %s)",
				       argv[optind - 1], usage);
		case '?':
			/* a short option inside a cluster (-rf) is not argv[optind - 1] */
			if (optopt)
				return err_set(e, E_USAGE, "unknown option '-%c' (usage: %s)",
					       optopt, usage);
			return err_set(e, E_USAGE, "unknown option '%s' (usage: %s)",
				       argv[optind - 1], usage);
		default:
			if (fn && fn(opt, optarg, ctx, e))
				return e->code;
		}
	}
	return 0;
}

int cli_number(const char *name, const char *arg, long min, long max,
	       long *out, struct err *e)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		return err_set(e, E_USAGE, "%s takes a whole number from %ld to %ld, not '%s'",
			       name, min, max, arg);
	*out = v;
	return 0;
}

int cli_open_db(struct db *db, struct err *e)
{
	const char *path = cli.db;

	if (!path || !*path)
		path = getenv("PAPERCUT_DB");
	if (!path || !*path)
		path = "papercut.db";
	return db_open(db, path, e);
}

int cli_open_db_reading(struct db *db, struct err *e)
{
	if (cli_open_db(db, e))
		return e->code;
	/* a large sort (report's Evidence sheet, its temporary indexes) may
	 * take the other core: report 0.1-0.8 s faster at a million passages
	 * in six interleaved pairs of runs, the same peak memory */
	if (db_exec(db, "PRAGMA mmap_size = 4294967296; PRAGMA temp_store = MEMORY;"
		    " PRAGMA threads = 2", e))
		return e->code;
	return decisions_view(db, cli.coder, e);
}


double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p)
{
	p->on = isatty(STDERR_FILENO);
	p->start = now_seconds();
	p->last = 0;
}

static void progress_line(struct progress *p, const char *fmt, va_list ap)
{
	fputs("\r\033[K", stderr);
	vfprintf(stderr, fmt, ap);
	fflush(stderr);
	p->last = now_seconds();
}

/* whether an update is due: the first, then five a second */
static int progress_due(const struct progress *p)
{
	return p->on && now_seconds() - p->last >= 0.2;
}

void progress_show(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->on)
		return;
	va_start(ap, fmt);
	progress_line(p, fmt, ap);
	va_end(ap);
}

void progress_update(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!progress_due(p))
		return;
	va_start(ap, fmt);
	progress_line(p, fmt, ap);
	va_end(ap);
}

void progress_eta(struct progress *p, const char *what, double done, double total,
		  long passages, const char *fmt, ...)
{
	char detail[160];
	double t, left;
	va_list ap;

	if (!progress_due(p))
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	t = now_seconds() - p->start;
	left = done > 0 && total > done ? t * (total - done) / done : 0;
	progress_show(p, "%s: %s, %.0f passages/s, ETA %ldm%02lds", what, detail,
		      t > 0 ? passages / t : 0, (long)left / 60, (long)left % 60);
}

void progress_done(struct progress *p)
{
	if (p->on) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->on = 0;
	}
}
