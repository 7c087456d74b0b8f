#ifndef PAPERCUT_ERR_H
#define PAPERCUT_ERR_H

/*
 * One error type for the whole program. A function that can fail takes a
 * `struct err *` and fills it where the library reports; only main()
 * prints it. The code doubles as the process exit status (as jq names
 * its exit codes).
 */
enum err_code {
	E_OK = 0,
	E_DATA = 1,     /* bad input, bad database, failed operation */
	E_USAGE = 2,    /* bad command line */
	E_EXTERNAL = 3, /* a child process (gnuplot) failed */
};

struct err {
	int code;
	char msg[1024];
};

#define ERR_INIT { 0, "" }

/* Fills `e` (when not NULL) and returns `code`, so callers can write
 * `return err_set(e, E_DATA, "'%s': empty file", path);`. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forgets an error, so a caller that handled it can go on. */
void err_clear(struct err *e);

/* Prints "papercut: <msg>" on stderr when `e` holds an error. */
void err_print(const struct err *e);

#endif
