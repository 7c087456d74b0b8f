#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "proc.h"

/* What the child reports when exec fails. */
#define EXIT_NOT_FOUND 127

int proc_run(const char *const argv[], const char *dir, const char *input,
	     size_t input_len, struct err *e)
{
	int in[2] = { -1, -1 }, errp[2] = { -1, -1 }, status, rc = 0;
	struct buf errtext = BUF_INIT;
	void (*old_pipe)(int);
	pid_t pid;
	size_t off = 0;
	char chunk[4096];
	ssize_t n;

	if (pipe(in) || pipe(errp)) {
		rc = err_set(e, E_EXTERNAL, "cannot run %s: %s", argv[0], strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = err_set(e, E_EXTERNAL, "cannot run %s: %s", argv[0], strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(in[0], STDIN_FILENO);
		dup2(errp[1], STDERR_FILENO);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		close(in[0]);
		close(in[1]);
		close(errp[0]);
		close(errp[1]);
		if (dir && chdir(dir)) {
			fprintf(stderr, "cannot enter '%s': %s\n", dir, strerror(errno));
			_exit(EXIT_NOT_FOUND - 1);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(EXIT_NOT_FOUND);
	}
	close(in[0]);
	in[0] = -1;
	close(errp[1]);
	errp[1] = -1;
	old_pipe = signal(SIGPIPE, SIG_IGN);
	while (off < input_len) {
		n = write(in[1], input + off, input_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(in[1]);
	in[1] = -1;
	signal(SIGPIPE, old_pipe);
	buf_init(&errtext, 64 << 10);
	while ((n = read(errp[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			buf_add(&errtext, chunk, (size_t)n);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NOT_FOUND) {
		rc = err_set(e, E_EXTERNAL, "cannot run %s: not installed (scripts/install-deps.sh installs it)",
			     argv[0]);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl;

		/* gnuplot starts its messages with blank lines */
		char *msg = errtext.data + strspn(errtext.data, " \t\n");

		if ((nl = strchr(msg, '\n')))
			*nl = '\0';
		rc = err_set(e, E_EXTERNAL, "%s failed (%s %d)%s%s", argv[0],
			     WIFEXITED(status) ? "exit" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			     *msg ? ": " : "", msg);
	}
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	buf_release(&errtext);
	return rc;
}

int proc_self_dir(char *dir, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", dir, size - 1);

	if (len <= 0)
		return -1;
	dir[len] = '\0';
	*strrchr(dir, '/') = '\0';
	return 0;
}
