/*
 * stream.c - plain descriptor sources and sinks, and atomic output files:
 * written under a temporary name in the target directory, renamed into
 * place only on success, removed on failure or interruption.
 */
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

/* The one unfinished output file, for the signal handler. */
static volatile sig_atomic_t have_pending;
static char pending_tmp[4096];

static void forget_pending(void)
{
	have_pending = 0;
}

static void on_fatal_signal(int sig)
{
	if (have_pending)
		unlink(pending_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

void lr_stream_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	/* A reader that goes away shows up as EPIPE on write instead. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], on_fatal_signal);
}

struct lr_source *lr_source_open(const char *path)
{
	struct lr_source *s = calloc(1, sizeof *s);
	struct stat st;

	/* Page-aligned, as the kernel copies fastest into such buffers. */
	if (!s || posix_memalign((void **)&s->buf, 4096, LR_STREAM_BUFSIZE + LR_STREAM_PAD) != 0) {
		free(s);
		lr_error_sys("out of memory");
		return NULL;
	}
	memset(s->buf, 0, LR_STREAM_BUFSIZE + LR_STREAM_PAD);
	if (strcmp(path, "-") == 0) {
		s->name = "<stdin>";
		s->fd = 0;
	} else {
		s->name = path;
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			lr_error_sys("%s", path);
			free(s->buf);
			free(s);
			return NULL;
		}
		s->owns_fd = 1;
	}
	s->size = -1;
	if (fstat(s->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			lr_error_sys("%s", s->name);
			lr_source_close(s);
			return NULL;
		}
		if (S_ISREG(st.st_mode))
			s->size = st.st_size;
	}
	return s;
}

/* Reads more input after the unread bytes, moving them to the front. */
static int fill(struct lr_source *s)
{
	ssize_t n;

	if (s->pos) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	do
		n = read(s->fd, s->buf + s->len, LR_STREAM_BUFSIZE - s->len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		lr_error_sys("%s", s->name);
		return -1;
	}
	if (n == 0)
		s->eof = 1;
	s->len += (size_t)n;
	return 0;
}

ssize_t lr_source_peek(struct lr_source *s, size_t want, const unsigned char **p)
{
	if (want > LR_STREAM_BUFSIZE)
		want = LR_STREAM_BUFSIZE;
	while (s->len - s->pos < want && !s->eof)
		if (fill(s) < 0)
			return -1;
	*p = s->buf + s->pos;
	return (ssize_t)(s->len - s->pos < want ? s->len - s->pos : want);
}

ssize_t lr_source_next(struct lr_source *s, const unsigned char **p)
{
	size_t n;

	if (s->pos == s->len) {
		s->pos = s->len = 0;
		if (s->eof)
			return 0;
		if (fill(s) < 0)
			return -1;
	}
	*p = s->buf + s->pos;
	n = s->len - s->pos;
	s->pos = s->len;
	return (ssize_t)n;
}

void lr_source_close(struct lr_source *s)
{
	if (!s)
		return;
	if (s->owns_fd)
		close(s->fd);
	free(s->buf);
	free(s);
}

static struct lr_sink *sink_new(const char *name, int fd)
{
	struct lr_sink *s = calloc(1, sizeof *s);

	if (!s || posix_memalign((void **)&s->buf, 4096, LR_STREAM_BUFSIZE) != 0) {
		free(s);
		lr_error_sys("out of memory");
		return NULL;
	}
	s->name = name;
	s->fd = fd;
	s->cap = LR_STREAM_BUFSIZE;
	return s;
}

struct lr_sink *lr_sink_stdout(void)
{
	return sink_new("<stdout>", 1);
}

struct lr_sink *lr_sink_atomic(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	struct lr_sink *s;
	char *tmp;
	int fd;
	mode_t mask;

	if (strlen(path) + 16 >= sizeof pending_tmp) {
		errno = ENAMETOOLONG;
		lr_error_sys("%s", path);
		return NULL;
	}
	tmp = malloc(strlen(path) + 16);
	if (!tmp) {
		lr_error_sys("out of memory");
		return NULL;
	}
	/* Same directory, so that rename() is atomic; hidden, so that
	 * globs do not pick it up half-written. */
	sprintf(tmp, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
	fd = mkstemp(tmp);
	if (fd < 0) {
		lr_error_sys("%s", path);
		free(tmp);
		return NULL;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0) {
		lr_error_sys("%s", path);
		close(fd);
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	s = sink_new(path, fd);
	if (!s) {
		close(fd);
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	s->tmp_path = tmp;
	s->final_path = strdup(path);
	strcpy(pending_tmp, tmp);
	have_pending = 1;
	return s;
}

/* Writes everything or reports. A pipe whose reader is gone ends the
 * program quietly with status 0, as a filter should. */
static int write_all(struct lr_sink *s, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			if (errno == EPIPE) {
				if (have_pending)
					unlink(pending_tmp);
				_exit(0);
			}
			lr_error_sys("%s", s->name);
			s->failed = 1;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int lr_sink_flush(struct lr_sink *s)
{
	int r;

	if (s->failed)
		return -1;
	r = write_all(s, s->buf, s->len);
	s->len = 0;
	return r;
}

int lr_sink_put_slow(struct lr_sink *s, const void *p, size_t n)
{
	if (lr_sink_flush(s) < 0)
		return -1;
	if (n >= s->cap)
		return write_all(s, p, n);
	memcpy(s->buf, p, n);
	s->len = n;
	return 0;
}

int lr_sink_close(struct lr_sink *s, int commit)
{
	int r = 0;

	if (!s)
		return 0;
	if (commit || !s->tmp_path)
		r = lr_sink_flush(s);
	if (s->tmp_path) {
		if (r == 0 && commit && fsync(s->fd) < 0 && errno != EINVAL) {
			lr_error_sys("%s", s->final_path);
			r = -1;
		}
		if (close(s->fd) < 0 && r == 0 && commit) {
			lr_error_sys("%s", s->final_path);
			r = -1;
		}
		if (r == 0 && commit && rename(s->tmp_path, s->final_path) < 0) {
			lr_error_sys("%s", s->final_path);
			r = -1;
		}
		if (r < 0 || !commit)
			unlink(s->tmp_path);
		forget_pending();
		free(s->tmp_path);
		free(s->final_path);
	}
	free(s->buf);
	free(s);
	return r;
}
