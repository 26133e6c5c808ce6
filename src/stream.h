/*
 * stream.h - byte sources and sinks. A source hands out buffered chunks
 * and can be peeked at for format detection; a sink collects bytes in a
 * buffer and drains them to its back end (a descriptor, or an atomic
 * output file that appears only when committed). Every error is reported
 * here, naming the file, and returned as -1.
 */
#ifndef LR_STREAM_H
#define LR_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef LR_STREAM_BUFSIZE
#define LR_STREAM_BUFSIZE (128 * 1024)
#endif

/* Bytes after the end of a source's data that may be read (never used),
 * so that short copies can move whole words. */
#define LR_STREAM_PAD 64

struct lr_gzin;
struct lr_gzout;
struct lr_ahead;
struct lr_ahead_work;

/* One piece of what a source presents: bytes [off, off + len) of the
 * file, or of text when it is set (which must outlive the source). */
struct lr_segment {
	uint64_t off, len;
	const char *text;
};

struct lr_source {
	const char *name; /* for messages: the path, or "<stdin>" */
	int fd;
	int owns_fd;
	unsigned char *buf;
	size_t pos, len; /* unread bytes are buf[pos..len) */
	int eof;
	off_t size;      /* total size if known (regular file), else -1 */
	int pipe_like;   /* a pipe or a socket (its reads may wait on a writer) */
	int stop_fd;     /* while a thread reads ahead from a pipe: its reads
			  * wait on this too, which the stop makes readable;
			  * -1 otherwise */
	uint64_t consumed; /* bytes read from the file (compressed, if gzip) */
	struct lr_gzin *gz; /* set when the input is gzip: buf holds inflated bytes */
	struct lr_ahead *ahead; /* set while a thread reads ahead (stream.c) */
	int want_ahead;         /* lr_source_read_ahead was called; not yet tried */
	const struct lr_ahead_work *work; /* its work on parts, or NULL */
	/* --part: the pieces the source presents, in order, in place of the
	 * whole file (nseg 0: the file as it is) */
	int segmented;
	struct lr_segment *seg;
	size_t nseg, segi;
	uint64_t segpos;
	struct lr_window *win; /* lr_source_window's, or NULL */
};

/* A window on what a source inflates (lr_source_window). */
struct lr_window {
	const unsigned char *prefix;  /* given out first, as it is */
	size_t prefix_len, prefix_pos;
	uint64_t skip_bytes; /* drop this many first */
	int skip_line;      /* then up to the first line end */
	uint64_t limit;     /* end at the first line start at or after this
			     * many bytes (dropped ones too); UINT64_MAX: none */
	uint64_t delivered; /* bytes of the source's own, dropped or given out */
	unsigned char last; /* the last byte given out */
	int ended;
};

/* Opens path for reading ("-" is stdin). Input that starts with the gzip
 * magic is inflated on the way, every member of it; a truncated or
 * corrupt stream is a data error. Returns NULL after reporting. */
struct lr_source *lr_source_open(const char *path);

/* As lr_source_open, presenting only the segments seg[0..nseg) of the
 * file one after another, as if they were all of it (a regular file,
 * read with pread; it is not read ahead by a second thread). The
 * segments are copied; text they point to must outlive the source. */
struct lr_source *lr_source_open_segments(const char *path, const struct lr_segment *seg,
					  size_t nseg);

/* Narrows what the source hands out to lines: prefix[0..prefix_len)
 * first (copied), then its own bytes (inflated, where compressed) but
 * for the first skip_bytes of them and, when skip_line is set, a first
 * partial line after those, up to the first line
 * start at or after limit of its own bytes, the dropped ones counted
 * (UINT64_MAX: to the end). For
 * --part on BGZF input, whose parts start and end at blocks. Call right
 * after opening. Returns 0, or -1 after reporting. */
int lr_source_window(struct lr_source *s, const char *prefix, size_t prefix_len,
		     uint64_t skip_bytes, int skip_line, uint64_t limit);

/* Makes up to want bytes of the unread input visible without consuming
 * them: *p points to them. Returns how many (fewer only at end of input),
 * or -1 after reporting. */
ssize_t lr_source_peek(struct lr_source *s, size_t want, const unsigned char **p);

/* As lr_source_peek, for what is at hand: the bytes already read, or if
 * none, those of one more read (a pipe is not waited on for more than
 * it has). Returns how many, 0 at the end, or -1 after reporting. */
ssize_t lr_source_peek_some(struct lr_source *s, const unsigned char **p);

/* Non-zero when the next read would wait for the writer: nothing is
 * buffered and the descriptor (a pipe, terminal or socket) has no data
 * ready. Always 0 for regular files, which never make a reader wait.
 * Decoders hand on what is complete before such a read, so that output
 * keeps pace with a slow writer (tail -f). */
int lr_source_would_block(struct lr_source *s);

/* Hands out the next chunk of input, consuming it: *p stays valid until
 * the next call, and the caller may rewrite those bytes in place until
 * then (the binary decoder computes in them); LR_STREAM_PAD bytes after
 * it may be read. Returns its length, 0 at end of input, -1 after
 * reporting. */
ssize_t lr_source_next(struct lr_source *s, const unsigned char **p);

/*
 * Work a decoder can do on a chunk before it comes to it: each chunk
 * read ahead is cut into nparts parts, which the read-ahead thread
 * works on whenever it has nothing to read (the ring of buffers is
 * full), from the last part of the newest chunk back. The decoder
 * claims each part when it comes to it (lr_source_claim) and takes the
 * thread's results, or does the part itself if the thread has not.
 */
#define LR_AHEAD_PARTS 16

struct lr_ahead_work {
	unsigned nparts;  /* 1..LR_AHEAD_PARTS */
	size_t out_size;  /* bytes of results for one part */
	/* Works on part i of chunk p[0..n) (LR_STREAM_PAD bytes after it
	 * may be read), writing to out; runs on the read-ahead thread, so
	 * it may read ctx but not change it. */
	void (*run)(const void *ctx, const unsigned char *p, size_t n, unsigned i, void *out);
	const void *ctx;
};

/* Asks that the input be read (and inflated) ahead by a second thread,
 * from the second buffer on, if it is a regular file larger than one:
 * for decoders whose work on a byte costs well above the kernel's copy
 * of it, which the thread then takes off their hands, at the price of
 * more processor time in all (the data moves between cores). With w
 * (NULL: none), which must stay valid until lr_source_end_work, the
 * thread also works on parts of the chunks (above). Peek only before
 * that. */
void lr_source_read_ahead(struct lr_source *s, const struct lr_ahead_work *w);

/* Claims part i of the chunk lr_source_next handed out last, so that
 * the read-ahead thread leaves it alone: claim a chunk's parts in
 * order, each before working on any byte of it. Returns the thread's
 * results for it (waiting if the thread is at it now), valid as long as
 * the chunk is, or NULL when the caller is to do it itself: the thread
 * has not, or the chunk was not read ahead with work. */
const void *lr_source_claim(struct lr_source *s, unsigned i);

/* Ends the work asked for by lr_source_read_ahead, waiting for the part
 * the thread may be at: call before freeing what the work reads. */
void lr_source_end_work(struct lr_source *s);

void lr_source_close(struct lr_source *s);

struct lr_sink {
	const char *name; /* for messages */
	int fd;
	unsigned char *buf;
	size_t len, cap;
	int failed;
	char *tmp_path;   /* atomic file: where it is written */
	char *final_path; /* atomic file: where it goes on commit */
	int owns_fd;      /* a device or FIFO opened for the sink: closed with it */
	struct lr_gzout *gz; /* set when the output is gzip-compressed */
};

/* A sink on standard output. */
struct lr_sink *lr_sink_stdout(void);

/* A sink that writes a temporary file in the directory of path and
 * renames it over path in lr_sink_close(s, 1); on lr_sink_close(s, 0),
 * on a fatal signal or at an early exit it is removed. */
struct lr_sink *lr_sink_atomic(const char *path);

/* The sink for -o path: standard output for "-"; an existing character
 * or block device, FIFO or socket opened and written directly (nothing
 * is renamed over it); otherwise an atomic file (lr_sink_atomic) at
 * path, or, when path is a symbolic link, at the file it points to,
 * which is replaced and the link kept. Returns NULL after reporting. */
struct lr_sink *lr_sink_output(const char *path);

/* A sink on an unlinked temporary file in $TMPDIR (or /tmp), for data
 * that must wait for what is written before it: an .npy whose length is
 * known only at the end, bound for a pipe. Returns NULL after
 * reporting. */
struct lr_sink *lr_sink_spool(void);

/* Writes everything put into spool so far to to, in bounded pieces, and
 * closes spool. Returns 0, or -1 after reporting. */
int lr_sink_unspool(struct lr_sink *spool, struct lr_sink *to);

/* Makes the sink compress what it is given, as one gzip stream at the
 * given level (1-9), finished by lr_sink_close; with threads > 1, that
 * many threads deflate chunks of it in parallel (pgzip.h). Call before
 * the first write. Returns 0, or -1 after reporting. */
int lr_sink_gzip(struct lr_sink *s, int level, int threads);

/* Sends the buffer to the back end. Returns 0, or -1 after reporting. */
int lr_sink_flush(struct lr_sink *s);

/* The path of lr_sink_put for data that does not fit the buffer. */
int lr_sink_put_slow(struct lr_sink *s, const void *p, size_t n);

/* Appends p[0..n) to the sink. Returns 0, or -1 after reporting. */
static inline int lr_sink_put(struct lr_sink *s, const void *p, size_t n)
{
	if (n > s->cap - s->len)
		return lr_sink_put_slow(s, p, n);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

/* As lr_sink_put, where p[0..16) may be read whatever n is (text in a
 * block, see LR_BLOCK_PAD): short text is then copied as one fixed-size
 * move instead of a call. */
static inline int lr_sink_put_padded(struct lr_sink *s, const void *p, size_t n)
{
	if (n > 16 || s->cap - s->len < 16)
		return lr_sink_put(s, p, n);
	memcpy(s->buf + s->len, p, 16);
	s->len += n;
	return 0;
}

/* As lr_sink_put for long runs (a block of binary values): what is
 * buffered goes first, then p itself to the file or the compressor,
 * without the copy into the buffer. */
int lr_sink_put_large(struct lr_sink *s, const void *p, size_t n);

/* Most pieces lr_sink_put_iov writes in one call. */
#define LR_SINK_IOV 64

/* As lr_sink_put_large for the pieces v[0..n) in a row, in one write
 * where the back end is a file. */
int lr_sink_put_iov(struct lr_sink *s, const struct iovec *v, int n);

static inline int lr_sink_putc(struct lr_sink *s, int c)
{
	unsigned char ch = (unsigned char)c;

	return lr_sink_put(s, &ch, 1);
}

/* As lr_sink_atomic, for replacing the input open on fd: the new file
 * gets its permission bits. The rename replaces a symbolic link at path
 * itself, never the file it points to. */
struct lr_sink *lr_sink_atomic_over(const char *path, int fd);

/* Flushes and closes. For an atomic file, commit says whether to rename
 * it into place (after fsync) or to remove it. Returns 0, or -1 after
 * reporting (the file is then removed). */
int lr_sink_close(struct lr_sink *s, int commit);

/* Installs the handlers that remove an unfinished atomic file when the
 * process is interrupted, and makes a vanished pipe reader a quiet
 * exit 0. */
void lr_stream_signals(void);

#endif
