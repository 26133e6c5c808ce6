/*
 * torture.c - runs lrelu on damaged copies of files, for
 * tests/torture.bats: every prefix of each file (prefix), or the file
 * with one byte changed at each position (change), every STRIDE-th
 * one from START (default 0); every other run takes another mode and
 * output format. A run must end in exit 0, or exit 1 with a message that starts
 * "lrelu: "; anything else (another status, a signal) is printed as a
 * line on standard output, which the test wants empty. Each run is one
 * process (no shell between), so that the thousands of runs cost what
 * lrelu costs.
 *
 * usage: torture prefix|change STRIDE[:START] DIR LRELU FILE...
 * DIR is a scratch directory for the damaged copies, which keep their
 * file's name (its suffix says the format). $LRELU_WRAP, words split at
 * spaces, goes before LRELU (valgrind and its options).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS_MAX 64
#define ERR_MAX 512

/* Reads the whole of path; exits on failure. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, n = 0, k;

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (n == cap && !(p = realloc(p, cap = cap * 2 + 65536))) {
			perror("realloc");
			exit(2);
		}
		k = fread(p + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	fclose(f);
	*len = n;
	return p;
}

static void spill(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

/*
 * Runs argv with standard output to /dev/null and standard error into
 * err (at most ERR_MAX - 1 bytes kept, NUL-terminated). Returns the
 * wait status.
 */
static int run(char *const argv[], char *err)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t k;
	char sink[4096];
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		perror("torture");
		exit(2);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((k = read(fds[0], sink, sizeof sink)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (got < ERR_MAX - 1) {
			size_t take = (size_t)k < ERR_MAX - 1 - got ? (size_t)k : ERR_MAX - 1 - got;

			memcpy(err + got, sink, take);
			got += take;
		}
	}
	err[got] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			exit(2);
		}
	return status;
}

/* Prints a line for a run whose outcome is not acceptable. */
static void judge(int status, const char *err, const char *name, char *const *extra)
{
	char args[256] = "";

	for (; *extra; extra++) {
		strncat(args, " ", sizeof args - strlen(args) - 1);
		strncat(args, *extra, sizeof args - strlen(args) - 1);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
		if (strncmp(err, "lrelu:", 6) != 0)
			printf("status 1 without a message: %s%s\n", name, args);
		return;
	}
	if (WIFEXITED(status))
		printf("status %d: %s%s (%s)\n", WEXITSTATUS(status), name, args, err);
	else
		printf("signal %d: %s%s (%s)\n", WTERMSIG(status), name, args, err);
}

int main(int argc, char **argv)
{
	/* bytes that mean something to some decoder, in turn */
	static const unsigned char bytes[] = { 0x00, 0xff, '"', ',', '\n', '[', '{',
					       '-', '9', 'e', '.', 0x93, 0x80, ' ' };
	/* every other run takes another mode and encoder */
	static char *odd_prefix[] = { "-m", "grad", "-t", "json", NULL };
	static char *odd_change[] = { "-m", "prelu", "-s", "0.1,0.2", "-t", "csv", NULL };
	static char *none[] = { NULL };
	char *wrap = getenv("LRELU_WRAP"), *words = wrap ? strdup(wrap) : NULL;
	char *av[ARGS_MAX], path[4096], err[ERR_MAX];
	int change, nbase = 0, i;
	long stride, start = 0;
	size_t next = 0, runs = 0;
	char *end = NULL;

	if (argc >= 6)
		stride = strtol(argv[2], &end, 10);
	if (end && *end == ':')
		start = strtol(end + 1, &end, 10);
	if (argc < 6 || (strcmp(argv[1], "prefix") && strcmp(argv[1], "change")) || *end ||
	    stride < 1 || start < 0) {
		fprintf(stderr, "usage: torture prefix|change STRIDE[:START] DIR LRELU FILE...\n");
		return 2;
	}
	change = argv[1][0] == 'c';
	for (char *w = words ? strtok(words, " ") : NULL; w && nbase < ARGS_MAX - 16;
	     w = strtok(NULL, " "))
		av[nbase++] = w;
	av[nbase++] = argv[4];
	for (i = 5; i < argc; i++) {
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		size_t len, n;
		unsigned char *p = slurp(argv[i], &len), *copy = malloc(len + 1);

		if (!copy) {
			perror("malloc");
			return 2;
		}
		for (n = (size_t)(start % stride); n < len; n += (size_t)stride) {
			char *const *extra = runs % 2 ? (change ? odd_change : odd_prefix) : none;
			int k = nbase, status;

			snprintf(path, sizeof path, "%s/%zu.%s", argv[3], n, base);
			if (change) {
				memcpy(copy, p, len);
				copy[n] = bytes[next++ % sizeof bytes];
				spill(path, copy, len);
			} else
				spill(path, p, n);
			for (char *const *e = extra; *e; e++)
				av[k++] = *e;
			av[k++] = path;
			av[k] = NULL;
			status = run(av, err);
			judge(status, err, base, extra);
			unlink(path);
			runs++;
		}
		free(copy);
		free(p);
	}
	fprintf(stderr, "torture %s: %zu runs\n", argv[1], runs);
	free(words);
	return 0;
}
