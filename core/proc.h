#ifndef PAPERCUT_PROC_H
#define PAPERCUT_PROC_H

#include <stddef.h>

#include "err.h"

/*
 * Runs argv[0] (looked up in PATH) as a child with fork/exec: never
 * through a shell. The child starts in `dir`, reads `input` on its
 * stdin; its stdout is discarded and the first line of its stderr is
 * kept for the error. Returns 0, or E_EXTERNAL naming the program.
 */
int proc_run(const char *const argv[], const char *dir, const char *input,
	     size_t input_len, struct err *e);

/* The directory this program runs from (NUL-terminated in `dir`, `size`
 * bytes long), as the kernel knows it; -1 with errno when it cannot tell. */
int proc_self_dir(char *dir, size_t size);

#endif
