/*
 * stream.c - plain descriptor sources and sinks, gzip on either side
 * (the only user of zlib), and atomic output files: written under a
 * temporary name in the target directory, renamed into place only on
 * success, removed on failure or interruption.
 */
#define _GNU_SOURCE /* pipe2 */
#include "stream.h"

#include "helper.h"
#include "paths.h"
#include "pgzip.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>
/* gzip input inflated by ISA-L where it is built in (the Makefile
 * defines LR_HAVE_ISAL where libisal is installed) */
#ifndef LR_HAVE_ISAL
#define LR_HAVE_ISAL 0
#endif
#if LR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

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

static int detect_gzip(struct lr_source *s);

/* How much one read asks for: LR_STREAM_BUFSIZE, or a few KiB where the
 * tests want buffer edges often (LRELU_PATHS=eager). */
static size_t read_size(void)
{
	return lr_paths & LR_PATH_EAGER ? 4096 : LR_STREAM_BUFSIZE;
}

struct lr_source *lr_source_open(const char *path)
{
	return lr_source_open_segments(path, NULL, 0);
}

struct lr_source *lr_source_open_segments(const char *path, const struct lr_segment *seg,
					  size_t nseg)
{
	struct lr_source *s = calloc(1, sizeof *s);
	struct stat st;

	/* Page-aligned, as the kernel copies fastest into such buffers. */
	if (!s || posix_memalign((void **)&s->buf, 4096, LR_STREAM_BUFSIZE + LR_STREAM_PAD) != 0) {
		free(s);
		lr_error_sys("out of memory");
		return NULL;
	}
	memset(s->buf, 0, LR_STREAM_PAD);
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
		s->pipe_like = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
	}
	s->stop_fd = -1;
	if (seg) {
		uint64_t total = 0;
		size_t i;

		s->segmented = 1;
		if (!(s->seg = malloc((nseg ? nseg : 1) * sizeof *seg))) {
			lr_error_sys("out of memory");
			lr_source_close(s);
			return NULL;
		}
		memcpy(s->seg, seg, nseg * sizeof *seg);
		s->nseg = nseg;
		for (i = 0; i < nseg; i++)
			total += seg[i].len;
		s->size = (off_t)total; /* what the source presents */
	}
	if (detect_gzip(s) < 0) {
		lr_source_close(s);
		return NULL;
	}
	return s;
}

struct lr_gzin {
	z_stream z;                /* zlib's inflater, unless is is set */
#if LR_HAVE_ISAL
	struct inflate_state *is;  /* ISA-L's, where it is built in and not
				    * LRELU_PATHS=zlib */
#endif
	unsigned char *in;         /* compressed bytes read from the descriptor */
	unsigned char *next_in;    /* of which these are not inflated yet */
	size_t avail_in;
	int in_eof;
	int member_done;           /* the last member ended; more may follow */
};

/* Why a read failed, kept by the read-ahead thread for the reader to
 * report when it comes to that point of the input. */
struct read_err {
	enum { READ_SYS, READ_TRUNCATED, READ_CORRUPT } kind;
	int err;        /* READ_SYS: errno */
	char what[128]; /* READ_CORRUPT: zlib's message */
};

static void report(const struct lr_source *s, const struct read_err *e)
{
	if (e->kind == READ_SYS) {
		errno = e->err;
		lr_error_sys("%s", s->name);
	} else if (e->kind == READ_TRUNCATED)
		lr_error_at(s->name, 0, 0, "truncated gzip stream");
	else
		lr_error_at(s->name, 0, 0, "corrupt gzip stream: %s", e->what);
}

/* read(2) into p[0..n), adding what came to *count. Returns its
 * length, 0 at end of input, or -1 with e set. */
static ssize_t read_quiet(int fd, unsigned char *p, size_t n, uint64_t *count, struct read_err *e)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		e->kind = READ_SYS;
		e->err = errno;
	} else
		*count += (uint64_t)r;
	return r;
}

/* Waits until fd has something to read (or its end), or stop has:
 * then returns -1. A thread reading a pipe ahead waits here rather than
 * in read(2), so that closing the source can always stop it. */
static int wait_readable(int fd, int stop)
{
	struct pollfd p[2];

	p[0].fd = fd;
	p[0].events = POLLIN;
	p[1].fd = stop;
	p[1].events = POLLIN;
	for (;;) {
		p[0].revents = p[1].revents = 0;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 0; /* let read(2) say what is wrong */
		}
		if (p[1].revents)
			return -1;
		if (p[0].revents)
			return 0;
	}
}

/* As read_quiet, from the source's segments where it has them: each in
 * turn, read with pread (or copied from its text). */
static ssize_t read_src(struct lr_source *s, unsigned char *p, size_t n, uint64_t *count,
			struct read_err *e)
{
	const struct lr_segment *g;
	ssize_t r;

	if (!s->segmented) {
		if (s->stop_fd >= 0 && wait_readable(s->fd, s->stop_fd) < 0) {
			e->kind = READ_SYS;
			e->err = ECANCELED;
			return -1;
		}
		return read_quiet(s->fd, p, n, count, e);
	}
	while (s->segi < s->nseg && s->segpos == s->seg[s->segi].len) {
		s->segi++;
		s->segpos = 0;
	}
	if (s->segi == s->nseg)
		return 0;
	g = &s->seg[s->segi];
	if (n > g->len - s->segpos)
		n = (size_t)(g->len - s->segpos);
	if (g->text) {
		memcpy(p, g->text + s->segpos, n);
		r = (ssize_t)n;
	} else {
		do
			r = pread(s->fd, p, n, (off_t)(g->off + s->segpos));
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			e->kind = READ_SYS;
			e->err = errno;
			return -1;
		}
		if (r == 0) {
			/* the file shrank under us */
			e->kind = READ_SYS;
			e->err = EIO;
			return -1;
		}
	}
	s->segpos += (uint64_t)r;
	*count += (uint64_t)r;
	return r;
}

static ssize_t read_fd(struct lr_source *s, unsigned char *p, size_t n)
{
	struct read_err e;
	ssize_t r = read_src(s, p, n, &s->consumed, &e);

	if (r < 0)
		report(s, &e);
	return r;
}

#if LR_HAVE_ISAL
/* What an ISA-L error code means, in zlib's words. */
static const char *isal_why(int r)
{
	switch (r) {
	case ISAL_INVALID_BLOCK:
		return "invalid block type";
	case ISAL_INVALID_SYMBOL:
		return "invalid code";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	case ISAL_INVALID_WRAPPER:
		return "incorrect header check";
	case ISAL_UNSUPPORTED_METHOD:
		return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "incorrect data check";
	default:
		return "invalid data";
	}
}
#endif

/*
 * One step of g's inflater from g->next_in[0..g->avail_in) into
 * p[0..n), starting a new member after one that ended. Sets *made to
 * the bytes made. Returns 1 when a member ended, 0 when more is to come,
 * -1 on corrupt data with *why set.
 */
static int inflate_step(struct lr_gzin *g, unsigned char *p, size_t n, size_t *made,
			const char **why)
{
	int r;

#if LR_HAVE_ISAL
	if (g->is) {
		struct inflate_state *st = g->is;

		if (g->member_done) {
			/* bytes after a member that cannot start one are
			 * corrupt at once, as zlib finds them, not when
			 * ISA-L has a whole header's worth */
			if (g->next_in[0] != 0x1f || (g->avail_in > 1 && g->next_in[1] != 0x8b)) {
				*made = 0;
				*why = "incorrect header check";
				return -1;
			}
			isal_inflate_reset(st);
			st->crc_flag = ISAL_GZIP;
			g->member_done = 0;
		}
		st->next_in = g->next_in;
		st->avail_in = (uint32_t)g->avail_in;
		st->next_out = p;
		st->avail_out = (uint32_t)n;
		r = isal_inflate(st);
		*made = n - st->avail_out;
		g->next_in = st->next_in;
		g->avail_in = st->avail_in;
		if (r < 0) {
			*why = isal_why(r);
			return -1;
		}
		return g->member_done = st->block_state == ISAL_BLOCK_FINISH;
	}
#endif
	if (g->member_done) {
		if (inflateReset(&g->z) != Z_OK) {
			*why = "invalid data";
			return -1;
		}
		g->member_done = 0;
	}
	g->z.next_in = g->next_in;
	g->z.avail_in = (uInt)g->avail_in;
	g->z.next_out = p;
	g->z.avail_out = (uInt)n;
	r = inflate(&g->z, Z_NO_FLUSH);
	*made = n - g->z.avail_out;
	g->next_in = g->z.next_in;
	g->avail_in = g->z.avail_in;
	if (r != Z_OK && r != Z_BUF_ERROR && r != Z_STREAM_END) {
		*why = g->z.msg ? g->z.msg : "invalid data";
		return -1;
	}
	return g->member_done = r == Z_STREAM_END;
}

/* Inflates into p[0..n): returns bytes made, 0 at the end of the last
 * member, -1 with e set. *count as for read_quiet. Concatenated members
 * (cat a.gz b.gz, pigz, lrelu -z) follow one another. The input ends
 * truncated where, with all of it given, the inflater makes nothing more
 * and no member ends. */
static ssize_t inflate_quiet(struct lr_source *s, unsigned char *p, size_t n, uint64_t *count,
			     struct read_err *e)
{
	struct lr_gzin *g = s->gz;
	size_t made = 0;

	while (made == 0) {
		const char *why;
		int r;

		if (g->avail_in == 0 && !g->in_eof) {
			ssize_t k = read_src(s, g->in, read_size(), count, e);

			if (k < 0)
				return -1;
			if (k == 0)
				g->in_eof = 1;
			g->next_in = g->in;
			g->avail_in = (size_t)k;
		}
		if (g->member_done && g->avail_in == 0)
			return 0;
		r = inflate_step(g, p, n, &made, &why);
		if (r < 0) {
			e->kind = READ_CORRUPT;
			snprintf(e->what, sizeof e->what, "%s", why);
			return -1;
		}
		if (r == 0 && made == 0 && g->avail_in == 0 && g->in_eof) {
			e->kind = READ_TRUNCATED;
			return -1;
		}
	}
	return (ssize_t)made;
}

/* The next bytes of input, inflated if need be, into p[0..n). Returns
 * their length, 0 at the end, or -1 with e set. */
static ssize_t read_more(struct lr_source *s, unsigned char *p, size_t n, uint64_t *count,
			 struct read_err *e)
{
	struct lr_window *w = s->win;
	ssize_t r;

	if (!w)
		return s->gz ? inflate_quiet(s, p, n, count, e) : read_src(s, p, n, count, e);
	if (w->prefix_pos < w->prefix_len) {
		size_t k = w->prefix_len - w->prefix_pos < n ? w->prefix_len - w->prefix_pos : n;

		memcpy(p, w->prefix + w->prefix_pos, k);
		w->prefix_pos += k;
		return (ssize_t)k;
	}
	while (!w->ended) {
		size_t at;

		r = s->gz ? inflate_quiet(s, p, n, count, e) : read_src(s, p, n, count, e);
		if (r <= 0)
			return r;
		if (w->skip_bytes) {
			size_t k = w->skip_bytes < (uint64_t)r ? (size_t)w->skip_bytes : (size_t)r;

			w->skip_bytes -= k;
			w->delivered += k; /* the limit counts what is dropped too */
			memmove(p, p + k, (size_t)r - k);
			r -= (ssize_t)k;
			if (r == 0)
				continue;
		}
		if (w->skip_line) {
			/* the end of a line that began before the window */
			unsigned char *nl = memchr(p, '\n', (size_t)r);
			size_t k = nl ? (size_t)(nl + 1 - p) : (size_t)r;

			w->delivered += k;
			w->last = p[k - 1];
			if (!nl)
				continue;
			w->skip_line = 0;
			memmove(p, nl + 1, (size_t)r - k);
			r -= (ssize_t)k;
			if (r == 0)
				continue;
		}
		/* the first line start at or after the limit ends it */
		at = w->limit > w->delivered ? (size_t)(w->limit - w->delivered) : 0;
		if (w->limit != UINT64_MAX && at <= (size_t)r) {
			unsigned char *nl;

			if (at == 0 ? w->delivered == 0 || w->last == '\n' : p[at - 1] == '\n')
				r = (ssize_t)at, w->ended = 1;
			else if ((nl = memchr(p + at, '\n', (size_t)r - at)) != NULL)
				r = nl + 1 - p, w->ended = 1;
		}
		if (r > 0)
			w->last = p[r - 1];
		w->delivered += (uint64_t)r;
		if (r > 0)
			return r;
	}
	return 0;
}

int lr_source_window(struct lr_source *s, const char *prefix, size_t prefix_len,
		     uint64_t skip_bytes, int skip_line, uint64_t limit)
{
	struct lr_window *w = calloc(1, sizeof *w + prefix_len);

	if (!w) {
		lr_error_sys("out of memory");
		return -1;
	}
	memcpy(w + 1, prefix, prefix_len);
	w->prefix = (const unsigned char *)(w + 1);
	w->prefix_len = prefix_len;
	w->skip_bytes = skip_bytes;
	w->skip_line = skip_line;
	w->limit = limit;
	s->win = w;
	return 0;
}

/* Reads more input after the unread bytes, moving them to the front. */
static int fill(struct lr_source *s)
{
	struct read_err e;
	ssize_t n;

	if (s->pos) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	n = read_more(s, s->buf + s->len,
		      LR_STREAM_BUFSIZE - s->len < read_size() ? LR_STREAM_BUFSIZE - s->len : read_size(),
		      &s->consumed, &e);
	if (n < 0) {
		report(s, &e);
		return -1;
	}
	if (n == 0)
		s->eof = 1;
	s->len += (size_t)n;
	/* the padding past the data is read, never used */
	memset(s->buf + s->len, 0, LR_STREAM_PAD);
	return 0;
}

/* Looks at the first bytes; on the gzip magic, moves them into the
 * compressed-side buffer and inflates from then on. */
static int detect_gzip(struct lr_source *s)
{
	struct lr_gzin *g;
	ssize_t n = read_fd(s, s->buf, read_size());

	if (n < 0)
		return -1;
	if (n == 0)
		s->eof = 1;
	s->len = (size_t)n;
	memset(s->buf + s->len, 0, LR_STREAM_PAD);
	if (n < 2 || s->buf[0] != 0x1f || s->buf[1] != 0x8b)
		return 0;
	g = calloc(1, sizeof *g);
	if (!g || !(g->in = malloc(LR_STREAM_BUFSIZE))) {
		free(g);
		lr_error_sys("out of memory");
		return -1;
	}
	memcpy(g->in, s->buf, (size_t)n);
	g->next_in = g->in;
	g->avail_in = (size_t)n;
#if LR_HAVE_ISAL
	if (!(lr_paths & LR_PATH_ZLIB)) {
		if (!(g->is = calloc(1, sizeof *g->is))) {
			free(g->in);
			free(g);
			lr_error_sys("out of memory");
			return -1;
		}
		isal_inflate_init(g->is);
		g->is->crc_flag = ISAL_GZIP;
	}
#endif
	/* 15 + 16: a gzip wrapper, the largest window */
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		free(g->in);
		free(g);
		lr_error_sys("%s: zlib", s->name);
		return -1;
	}
	s->gz = g;
	s->len = 0;
	s->eof = 0;
	return 0;
}

ssize_t lr_source_peek(struct lr_source *s, size_t want, const unsigned char **p)
{
	if (s->ahead) {
		lr_error_at(s->name, 0, 0, "internal error: a look at input already read ahead");
		return -1;
	}
	if (want > LR_STREAM_BUFSIZE)
		want = LR_STREAM_BUFSIZE;
	while (s->len - s->pos < want && !s->eof)
		if (fill(s) < 0)
			return -1;
	*p = s->buf + s->pos;
	return (ssize_t)(s->len - s->pos < want ? s->len - s->pos : want);
}

static int ahead_would_wait(const struct lr_ahead *a);

int lr_source_would_block(struct lr_source *s)
{
	struct pollfd pfd;

	if (s->ahead)
		return s->pipe_like && ahead_would_wait(s->ahead);
	if (s->size >= 0 || s->eof || s->len > s->pos)
		return 0;
	if (s->gz && (s->gz->avail_in > 0 || s->gz->in_eof))
		return 0;
	pfd.fd = s->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 0;
}

ssize_t lr_source_peek_some(struct lr_source *s, const unsigned char **p)
{
	if (s->len == s->pos && !s->eof)
		return lr_source_peek(s, 1, p) < 0 ? -1 : (ssize_t)(s->len - s->pos);
	*p = s->buf + s->pos;
	return (ssize_t)(s->len - s->pos);
}

/*
 * Read-ahead: a thread fills a ring of buffers with the input (inflated,
 * if gzip) while the caller works on the one handed out last, so that
 * the kernel's copy of a large file overlaps the work on it. For regular
 * files, whose reads do not wait on anyone, and for pipes and sockets,
 * whose reads the thread waits for in poll(2) on the source and on a
 * pipe of its own, which the stop writes to, so that closing can always
 * stop the thread. A buffer is handed out with what one read gave, so
 * that a slow writer's lines go on as they come. The thread keeps the
 * first error and stops; the caller reports it when it has taken every
 * buffer before it.
 * With work (stream.h), the thread spends the time it would wait for a
 * free buffer on parts of the full ones: the last free part of the
 * newest buffer first, which is the one the caller comes to last.
 */
#define AHEAD_BUFS 3
/* When the caller comes to a buffer the thread is still filling, it
 * waits for it spinning, for up to this many pause instructions (about
 * 100 microseconds), before it sleeps: a thread that is computing has
 * the buffer ready within that far more often than not, and waking a
 * sleeping thread can take longer than the wait itself (on a virtual
 * machine, up to hundreds of microseconds each time). Each spin in
 * vain halves the next one's limit, down to a sixteenth (about 6
 * microseconds), so that a file read slower than the caller works
 * (from a disk, say) costs little spinning, while one spin that ends
 * in time, after a slow start, say, brings the whole limit back. */
#define AHEAD_SPIN 4096
#define AHEAD_SPIN_MIN (AHEAD_SPIN / 16)
/* With LRELU_PATHS=eager, the thread does every part of each buffer
 * before handing it out, and reads in small pieces (read_size): for
 * tests, which then see each part's results used wherever they can be,
 * and buffer edges often. */
#define LR_AHEAD_EAGER (lr_paths & LR_PATH_EAGER)
#ifndef AHEAD_BUFSIZE
#define AHEAD_BUFSIZE (2 * LR_STREAM_BUFSIZE)
#endif

enum part_state {
	PART_FREE,   /* nobody's yet */
	PART_CLAIMED, /* the caller's (lr_source_claim) */
	PART_BUSY,   /* the thread is at it */
	PART_DONE    /* the thread's results are in out */
};

struct lr_ahead {
	struct lr_source *s;
	const struct lr_ahead_work *work; /* or NULL */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *buf[AHEAD_BUFS];
	size_t len[AHEAD_BUFS];
	uint64_t consumed[AHEAD_BUFS]; /* bytes of the file read by then */
	int full[AHEAD_BUFS];
	unsigned char part[AHEAD_BUFS][LR_AHEAD_PARTS]; /* enum part_state */
	unsigned char *out[AHEAD_BUFS]; /* work: results, out_size a part */
	unsigned filling, taking; /* the ring positions of each side */
	int held;                 /* buf[taking] is handed out */
	unsigned spin;            /* the caller's limit on spinning */
	int busy;                 /* the thread is at a part */
	int wake[2];              /* a pipe's: the stop writes to wake[1] */
	int done, failed, stop;
	struct read_err err;
	uint64_t count;           /* bytes of the file read (the thread's) */
};

/* With the lock held: finds the part the thread is to work on next.
 * Returns 0 if there is none: every part of the full buffers is taken,
 * or lies behind the caller. */
static int pick_part(const struct lr_ahead *a, unsigned *b, unsigned *j)
{
	unsigned k, n;

	for (k = a->filling; k != a->taking; k--) {
		unsigned i = (k - 1) % AHEAD_BUFS;

		for (n = a->work->nparts; n > 0; n--) {
			if (a->part[i][n - 1] == PART_CLAIMED)
				return 0; /* the caller is in this buffer */
			if (a->part[i][n - 1] == PART_FREE) {
				*b = i;
				*j = n - 1;
				return 1;
			}
		}
	}
	return 0;
}

/* With the lock held, which it lets go of meanwhile: works on a part,
 * if there is one to work on. Returns whether there was. */
static int help(struct lr_ahead *a)
{
	const struct lr_ahead_work *w = a->work;
	unsigned b, j;

	if (!w || !pick_part(a, &b, &j))
		return 0;
	a->part[b][j] = PART_BUSY;
	a->busy = 1;
	pthread_mutex_unlock(&a->mu);
	w->run(w->ctx, a->buf[b], a->len[b], j, a->out[b] + j * w->out_size);
	pthread_mutex_lock(&a->mu);
	a->part[b][j] = PART_DONE;
	a->busy = 0;
	pthread_cond_broadcast(&a->cv);
	return 1;
}

static void *ahead_main(void *arg)
{
	struct lr_ahead *a = arg;

	for (;;) {
		unsigned i = a->filling % AHEAD_BUFS;
		const struct lr_ahead_work *w;
		struct read_err e;
		ssize_t n;
		int stop;

		pthread_mutex_lock(&a->mu);
		while (a->full[i] && !a->stop)
			if (!help(a))
				pthread_cond_wait(&a->cv, &a->mu);
		stop = a->stop;
		w = LR_AHEAD_EAGER && !stop ? a->work : NULL;
		a->busy = w != NULL;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			return NULL;
		n = read_more(a->s, a->buf[i], 2 * read_size(), &a->count, &e);
		if (n > 0)
			/* the padding past the data is read, never used */
			memset(a->buf[i] + n, 0, LR_STREAM_PAD);
		if (w && n > 0) {
			unsigned j;

			for (j = 0; j < w->nparts; j++)
				w->run(w->ctx, a->buf[i], (size_t)n, j, a->out[i] + j * w->out_size);
		}
		pthread_mutex_lock(&a->mu);
		a->busy = 0;
		if (n > 0) {
			a->len[i] = (size_t)n;
			a->consumed[i] = a->count;
			memset(a->part[i], w ? PART_DONE : PART_FREE, sizeof a->part[i]);
			a->filling++;
			/* the caller may be spinning on it, without the lock */
			__atomic_store_n(&a->full[i], 1, __ATOMIC_RELEASE);
		} else {
			__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
			a->failed = n < 0;
			a->err = e;
		}
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (n <= 0)
			break;
	}
	/* Nothing more to read: parts are left. */
	pthread_mutex_lock(&a->mu);
	while (!a->stop && help(a))
		;
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

static void ahead_free(struct lr_ahead *a)
{
	size_t i;

	if (a->wake[0] >= 0) {
		close(a->wake[0]);
		close(a->wake[1]);
		a->s->stop_fd = -1;
	}
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	for (i = 0; i < AHEAD_BUFS; i++) {
		free(a->buf[i]);
		free(a->out[i]);
	}
	free(a);
}

/* Starts reading s ahead. Returns 0, or -1 if it cannot or should not
 * (the caller then reads as before). */
static int ahead_start(struct lr_source *s)
{
	struct lr_ahead *a = calloc(1, sizeof *a);
	sigset_t all, old;
	size_t i;
	int r;

	if (!a)
		return -1;
	if (!lr_processors_to_share() || pthread_mutex_init(&a->mu, NULL) != 0) {
		free(a);
		return -1;
	}
	if (pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		free(a);
		return -1;
	}
	a->s = s;
	a->wake[0] = a->wake[1] = -1;
	if (s->pipe_like) {
		if (pipe2(a->wake, O_CLOEXEC) != 0) {
			a->wake[0] = a->wake[1] = -1;
			ahead_free(a);
			return -1;
		}
		s->stop_fd = a->wake[0];
	}
	a->work = s->work;
	a->spin = AHEAD_SPIN;
	a->count = s->consumed;
	for (i = 0; i < AHEAD_BUFS; i++) {
		if (posix_memalign((void **)&a->buf[i], 4096, AHEAD_BUFSIZE + LR_STREAM_PAD) != 0) {
			a->buf[i] = NULL;
			ahead_free(a);
			return -1;
		}
		if (a->work && !(a->out[i] = malloc(a->work->nparts * a->work->out_size))) {
			ahead_free(a);
			return -1;
		}
	}
	/* Signals are the main thread's to handle. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&a->thread, NULL, ahead_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		ahead_free(a);
		return -1;
	}
	s->ahead = a;
	return 0;
}

static ssize_t ahead_next(struct lr_source *s, const unsigned char **p)
{
	struct lr_ahead *a = s->ahead;
	unsigned i;

	pthread_mutex_lock(&a->mu);
	if (a->held) {
		a->full[a->taking % AHEAD_BUFS] = 0;
		a->taking++;
		a->held = 0;
		pthread_cond_broadcast(&a->cv);
	}
	i = a->taking % AHEAD_BUFS;
	if (!a->full[i] && !a->done && a->spin > 0) {
		unsigned k = 0;

		pthread_mutex_unlock(&a->mu);
		while (k < a->spin && !__atomic_load_n(&a->full[i], __ATOMIC_ACQUIRE) &&
		       !__atomic_load_n(&a->done, __ATOMIC_ACQUIRE)) {
			lr_pause();
			k++;
		}
		a->spin = k < a->spin ? AHEAD_SPIN : a->spin > AHEAD_SPIN_MIN ? a->spin / 2 : AHEAD_SPIN_MIN;
		pthread_mutex_lock(&a->mu);
	}
	while (!a->full[i] && !a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	if (a->full[i]) {
		ssize_t n = (ssize_t)a->len[i];

		a->held = 1;
		*p = a->buf[i];
		s->consumed = a->consumed[i];
		pthread_mutex_unlock(&a->mu);
		return n;
	}
	pthread_mutex_unlock(&a->mu);
	if (a->failed) {
		report(s, &a->err);
		return -1;
	}
	return 0;
}

/* Whether the caller's next buffer is still to come: the thread is
 * waiting for a slow writer or reading. held and taking are the
 * caller's own. */
static int ahead_would_wait(const struct lr_ahead *a)
{
	unsigned i = (a->taking + (a->held ? 1u : 0u)) % AHEAD_BUFS;

	return !__atomic_load_n(&a->full[i], __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&a->done, __ATOMIC_ACQUIRE);
}

static void ahead_stop(struct lr_source *s)
{
	struct lr_ahead *a = s->ahead;

	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	if (a->wake[1] >= 0) {
		ssize_t w;

		do /* a pipe's thread may be waiting for input */
			w = write(a->wake[1], "", 1);
		while (w < 0 && errno == EINTR);
	}
	pthread_join(a->thread, NULL);
	ahead_free(a);
	s->ahead = NULL;
}

ssize_t lr_source_next(struct lr_source *s, const unsigned char **p)
{
	size_t n;

	if (s->ahead)
		return ahead_next(s, p);
	if (s->pos == s->len) {
		s->pos = s->len = 0;
		if (s->eof)
			return 0;
		/* the second buffer of a file larger than one, or of a pipe */
		if (s->want_ahead && !s->segmented &&
		    (s->size > (off_t)read_size() || s->pipe_like) && s->consumed > 0) {
			s->want_ahead = 0; /* one try */
			if (ahead_start(s) == 0)
				return ahead_next(s, p);
		}
		if (fill(s) < 0)
			return -1;
	}
	*p = s->buf + s->pos;
	n = s->len - s->pos;
	s->pos = s->len;
	return (ssize_t)n;
}

void lr_source_read_ahead(struct lr_source *s, const struct lr_ahead_work *w)
{
	s->want_ahead = 1;
	s->work = w;
}

void lr_source_end_work(struct lr_source *s)
{
	struct lr_ahead *a = s->ahead;

	s->work = NULL;
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->work = NULL;
	while (a->busy)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
}

const void *lr_source_claim(struct lr_source *s, unsigned i)
{
	struct lr_ahead *a = s->ahead;
	const void *r = NULL;
	unsigned b;

	/* held and taking are this side's own */
	if (!a || !a->work || !a->held)
		return NULL;
	b = a->taking % AHEAD_BUFS;
	pthread_mutex_lock(&a->mu);
	while (a->part[b][i] == PART_BUSY)
		pthread_cond_wait(&a->cv, &a->mu);
	if (a->part[b][i] == PART_DONE)
		r = a->out[b] + i * a->work->out_size;
	a->part[b][i] = PART_CLAIMED;
	pthread_mutex_unlock(&a->mu);
	return r;
}

void lr_source_close(struct lr_source *s)
{
	if (!s)
		return;
	if (s->ahead)
		ahead_stop(s);
	if (s->gz) {
		inflateEnd(&s->gz->z);
#if LR_HAVE_ISAL
		free(s->gz->is);
#endif
		free(s->gz->in);
		free(s->gz);
	}
	if (s->owns_fd)
		close(s->fd);
	free(s->seg);
	free(s->win);
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

static struct lr_sink *atomic(const char *path, int keep_fd);

/* Opens the socket at path for writing, as a client. */
static int connect_socket(const char *path)
{
	struct sockaddr_un a;
	int fd;

	if (strlen(path) >= sizeof a.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)&a, sizeof a) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

/* The file a chain of symbolic links at path ends in, existing or not:
 * a malloc'd path, or NULL with errno set. Relative targets are taken
 * from the directory of the link. */
static char *link_target(const char *path)
{
	char *cur = strdup(path);
	int hops;

	for (hops = 0; cur && hops < 40; hops++) {
		struct stat st;
		char target[4096], *next;
		const char *slash;
		ssize_t n;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, target, sizeof target - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash)
			next = strdup(target);
		else if ((next = malloc((size_t)(slash - cur) + 2 + (size_t)n)) != NULL)
			sprintf(next, "%.*s/%s", (int)(slash - cur), cur, target);
		free(cur);
		cur = next;
	}
	if (cur && hops == 40)
		errno = ELOOP;
	free(cur);
	return NULL;
}

struct lr_sink *lr_sink_spool(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	struct lr_sink *s;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof path, "%s/lrelu.XXXXXX", dir) >= sizeof path) {
		errno = ENAMETOOLONG;
		lr_error_sys("%s", dir);
		return NULL;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		lr_error_sys("%s: a temporary file", dir);
		return NULL;
	}
	unlink(path); /* gone with the descriptor, whatever happens */
	s = sink_new("<temporary file>", fd);
	if (!s) {
		close(fd);
		return NULL;
	}
	s->owns_fd = 1;
	return s;
}

int lr_sink_unspool(struct lr_sink *spool, struct lr_sink *to)
{
	int r = lr_sink_flush(spool);

	if (r == 0 && lseek(spool->fd, 0, SEEK_SET) < 0) {
		lr_error_sys("%s", spool->name);
		r = -1;
	}
	/* the spool's own buffer carries the pieces */
	while (r == 0) {
		ssize_t n = read(spool->fd, spool->buf, spool->cap);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lr_error_sys("%s", spool->name);
			r = -1;
		}
		if (n <= 0)
			break;
		r = lr_sink_put_large(to, spool->buf, (size_t)n);
	}
	spool->len = 0;
	if (lr_sink_close(spool, 0) < 0)
		r = -1;
	return r;
}

struct lr_sink *lr_sink_output(const char *path)
{
	struct lr_sink *s;
	struct stat st;
	char *target;
	int fd;

	if (strcmp(path, "-") == 0)
		return lr_sink_stdout();
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		/* Whoever reads a FIFO or a device expects the bytes there. */
		fd = S_ISSOCK(st.st_mode) ? connect_socket(path)
					  : open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			lr_error_sys("%s", path);
			return NULL;
		}
		s = sink_new(path, fd);
		if (!s) {
			close(fd);
			return NULL;
		}
		s->owns_fd = 1;
		return s;
	}
	target = link_target(path);
	if (!target) {
		lr_error_sys("%s", path);
		return NULL;
	}
	s = atomic(target, -1);
	if (s && strcmp(target, path) != 0)
		s->name = path; /* messages speak of what the user named */
	free(target);
	return s;
}

struct lr_sink *lr_sink_atomic(const char *path)
{
	return atomic(path, -1);
}

struct lr_sink *lr_sink_atomic_over(const char *path, int fd)
{
	return atomic(path, fd);
}

static struct lr_sink *atomic(const char *path, int keep_fd)
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
	/* The usual mode of a new file, or the mode of the file replaced. */
	mask = umask(0);
	umask(mask);
	{
		struct stat st;
		mode_t mode = 0666 & ~mask;

		if (keep_fd >= 0 && fstat(keep_fd, &st) == 0)
			mode = st.st_mode & 07777;
		if (fchmod(fd, mode) < 0) {
			lr_error_sys("%s", path);
			close(fd);
			unlink(tmp);
			free(tmp);
			return NULL;
		}
	}
	s = sink_new(path, fd);
	if (!s) {
		close(fd);
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	s->tmp_path = tmp;
	/* The sink's own copy: the caller's path may not outlive it. */
	s->final_path = strdup(path);
	if (!s->final_path) {
		lr_error_sys("out of memory");
		s->final_path = NULL;
		close(fd);
		unlink(tmp);
		free(tmp);
		free(s->buf);
		free(s);
		return NULL;
	}
	s->name = s->final_path;
	strcpy(pending_tmp, tmp);
	have_pending = 1;
	return s;
}

/* A write to s failed with errno. A pipe whose reader is gone ends the
 * program quietly with status 0, as a filter should; anything else is
 * reported. Returns -1. */
static int write_failed(struct lr_sink *s)
{
	if (errno == EPIPE) {
		if (have_pending)
			unlink(pending_tmp);
		_exit(0);
	}
	lr_error_sys("%s", s->name);
	s->failed = 1;
	return -1;
}

/* Writes everything or reports. */
static int write_all(struct lr_sink *s, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return write_failed(s);
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* write_all of v[0..n), which it may change, in as few calls as the
 * file takes. */
static int writev_all(struct lr_sink *s, struct iovec *v, int n)
{
	while (n > 0) {
		ssize_t w = writev(s->fd, v, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return write_failed(s);
		for (; n > 0 && (size_t)w >= v->iov_len; v++, n--)
			w -= (ssize_t)v->iov_len;
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return 0;
}

struct lr_gzout {
	z_stream z;
	unsigned char *out; /* compressed bytes on their way to the descriptor */
	struct lr_pgz *pz;  /* instead, when compressing with threads */
};

static int pgz_out(void *ctx, const unsigned char *p, size_t n)
{
	return write_all(ctx, p, n);
}

/* Deflates p[0..n) (flush: Z_NO_FLUSH or Z_FINISH) and writes what comes
 * out. */
static int write_gzip(struct lr_sink *s, const unsigned char *p, size_t n, int flush)
{
	struct lr_gzout *g = s->gz;
	int r;

	if (g->pz) {
		r = flush == Z_FINISH ? lr_pgz_finish(g->pz) : lr_pgz_write(g->pz, p, n);
		if (r < 0)
			s->failed = 1;
		return r;
	}
	g->z.next_in = (unsigned char *)(uintptr_t)p;
	g->z.avail_in = (uInt)n;
	do {
		g->z.next_out = g->out;
		g->z.avail_out = LR_STREAM_BUFSIZE;
		r = deflate(&g->z, flush);
		if (r == Z_STREAM_ERROR) {
			lr_error_data("%s: zlib deflate failed", s->name);
			s->failed = 1;
			return -1;
		}
		if (write_all(s, g->out, LR_STREAM_BUFSIZE - g->z.avail_out) < 0)
			return -1;
	} while (g->z.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
	return 0;
}

int lr_sink_gzip(struct lr_sink *s, int level, int threads)
{
	struct lr_gzout *g = calloc(1, sizeof *g);

	/* with libdeflate, always in pieces: faster and smaller than zlib */
	if (g && (threads > 1 || LR_HAVE_LIBDEFLATE)) {
		g->pz = lr_pgz_open(level, threads, pgz_out, s, s->name);
		if (!g->pz) {
			free(g);
			return -1;
		}
		s->gz = g;
		return 0;
	}
	if (!g || !(g->out = malloc(LR_STREAM_BUFSIZE))) {
		free(g);
		lr_error_sys("out of memory");
		return -1;
	}
	if (deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g->out);
		free(g);
		lr_error_sys("zlib");
		return -1;
	}
	s->gz = g;
	return 0;
}

int lr_sink_flush(struct lr_sink *s)
{
	int r;

	if (s->failed)
		return -1;
	if (s->gz)
		r = s->len ? write_gzip(s, s->buf, s->len, Z_NO_FLUSH) : 0;
	else
		r = write_all(s, s->buf, s->len);
	s->len = 0;
	return r;
}

/* p[0..n) to the file or the compressor, past the (empty) buffer. */
static int write_through(struct lr_sink *s, const void *p, size_t n)
{
	return s->gz ? write_gzip(s, p, n, Z_NO_FLUSH) : write_all(s, p, n);
}

int lr_sink_put_slow(struct lr_sink *s, const void *p, size_t n)
{
	if (lr_sink_flush(s) < 0)
		return -1;
	if (n >= s->cap)
		return write_through(s, p, n);
	memcpy(s->buf, p, n);
	s->len = n;
	return 0;
}

int lr_sink_put_large(struct lr_sink *s, const void *p, size_t n)
{
	if (n < LR_STREAM_BUFSIZE / 8)
		return lr_sink_put(s, p, n);
	if (lr_sink_flush(s) < 0)
		return -1;
	return write_through(s, p, n);
}

int lr_sink_put_iov(struct lr_sink *s, const struct iovec *v, int n)
{
	struct iovec all[LR_SINK_IOV + 1];
	size_t total = 0;
	int i, k = 0;

	for (i = 0; i < n; i++)
		total += v[i].iov_len;
	if (n > LR_SINK_IOV || total < LR_STREAM_BUFSIZE / 8 || s->gz) {
		for (i = 0; i < n; i++)
			if (lr_sink_put_large(s, v[i].iov_base, v[i].iov_len) < 0)
				return -1;
		return 0;
	}
	if (s->failed)
		return -1;
	/* what is buffered goes first, in the same call */
	if (s->len) {
		all[k].iov_base = s->buf;
		all[k++].iov_len = s->len;
	}
	for (i = 0; i < n; i++)
		if (v[i].iov_len)
			all[k++] = v[i];
	s->len = 0;
	return writev_all(s, all, k);
}

int lr_sink_close(struct lr_sink *s, int commit)
{
	int r = 0;

	if (!s)
		return 0;
	if (commit || !s->tmp_path)
		r = lr_sink_flush(s);
	if (s->gz) {
		/* The gzip trailer, unless the output is being thrown away. */
		if (r == 0 && (commit || !s->tmp_path))
			r = write_gzip(s, NULL, 0, Z_FINISH);
		if (s->gz->pz)
			lr_pgz_free(s->gz->pz);
		else
			deflateEnd(&s->gz->z);
		free(s->gz->out);
		free(s->gz);
		s->gz = NULL;
	}
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
	} else if (s->owns_fd && close(s->fd) < 0 && r == 0) {
		lr_error_sys("%s", s->name);
		r = -1;
	}
	free(s->buf);
	free(s);
	return r;
}
