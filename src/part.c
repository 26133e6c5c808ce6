/*
 * part.c - --part and --byte-range (part.h): the file opened and sized,
 * the byte range worked out, and the format's part function asked
 * where its records start near the range's ends. Nothing is read from
 * the start of the file but what a format needs there (a header).
 */
#include "part.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <inttypes.h>
#include <stdio.h>

#include <zlib.h>

#include "diag.h"
#include "format.h"
#include "options.h"

/* The index's first line: its version, the format and the file it was
 * made of (size and modification time), so that a stale one is seen. */
#define INDEX_MAGIC "lrelu index 1"

ssize_t lr_part_pread(const struct lr_part_ask *q, void *p, size_t n, uint64_t off)
{
	size_t got = 0;

	if (q->head) {
		/* the decompressed start of a BGZF file */
		if (off >= q->size)
			return 0;
		if (n > q->size - off)
			n = (size_t)(q->size - off);
		memcpy(p, q->head + off, n);
		return (ssize_t)n;
	}
	while (got < n) {
		ssize_t r = pread(q->fd, (char *)p + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			lr_error_sys("%s", q->name);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int lr_part_line_start(const struct lr_part_ask *q, uint64_t x, uint64_t *at)
{
	unsigned char buf[65536];
	uint64_t off;

	if (x == 0 || x >= q->size) {
		*at = x < q->size ? x : q->size;
		return 0;
	}
	/* from the byte before x: is x a line start already? */
	for (off = x - 1; off < q->size;) {
		ssize_t n = lr_part_pread(q, buf, sizeof buf, off);
		ssize_t i;

		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			uint64_t pos = off + (uint64_t)i;
			unsigned char next;

			if (buf[i] == '\n') {
				*at = pos + 1;
				return 0;
			}
			if (buf[i] != '\r')
				continue;
			/* a CR ends a line unless a LF follows */
			if (i + 1 < n)
				next = buf[i + 1];
			else if (pos + 1 >= q->size)
				next = 0;
			else if (lr_part_pread(q, &next, 1, pos + 1) < 0)
				return -1;
			if (next != '\n') {
				*at = pos + 1;
				return 0;
			}
		}
		off += (uint64_t)n;
	}
	*at = q->size;
	return 0;
}

size_t lr_part_mark_at(const struct lr_part_ask *q, uint64_t x)
{
	size_t lo = 0, hi = q->nmarks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (q->marks[mid].start < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int lr_part_index_mark(struct lr_part_index *x, uint64_t start, uint64_t prev_end)
{
	char line[48];
	int n;

	if (start < x->next)
		return 0;
	x->next = (start / LR_PART_GRAIN + 1) * LR_PART_GRAIN;
	n = snprintf(line, sizeof line, "%" PRIu64 " %" PRIu64 "\n", start, prev_end);
	return lr_sink_put(x->s, line, (size_t)n);
}

static int is_gzip(const struct lr_part_ask *q)
{
	unsigned char magic[2];

	return lr_part_pread(q, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

static int open_ask(const char *path, const struct lr_format *f, const struct lr_options *o,
		    struct lr_part_ask *q, struct stat *st)
{
	memset(q, 0, sizeof *q);
	q->name = path;
	q->o = o;
	q->f = f;
	if (strcmp(path, "-") == 0) {
		lr_error_usage("--part, --byte-range and --index read a file in place: give a "
			       "file, not standard input");
		return -1;
	}
	q->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (q->fd < 0) {
		lr_error_sys("%s", path);
		return -1;
	}
	if (fstat(q->fd, st) < 0) {
		lr_error_sys("%s", path);
		close(q->fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		lr_error_usage("%s: --part, --byte-range and --index need a regular file, which "
			       "can be read in place",
			       path);
		close(q->fd);
		return -1;
	}
	q->size = (uint64_t)st->st_size;
	return 0;
}

int lr_part_write_index(const char *path, const struct lr_format *f, const struct lr_options *o,
			struct lr_sink *s)
{
	struct lr_part_ask q;
	struct stat st;
	char head[256];
	int n, r;

	if (!f->index) {
		lr_error_usage("%s: %s input needs no index: --part finds its records itself", path,
			       f->name);
		return -1;
	}
	if (open_ask(path, f, o, &q, &st) < 0)
		return -1;
	if (is_gzip(&q)) {
		lr_error_usage("%s: a gzip file has no index: its records can only be read from its "
			       "start (decompress it first)",
			       path);
		close(q.fd);
		return -1;
	}
	n = snprintf(head, sizeof head, INDEX_MAGIC " %s %" PRIu64 " %lld %ld\n", f->name, q.size,
		     (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	{
		struct lr_part_index x = { s, 0 };

		r = lr_sink_put(s, head, (size_t)n) < 0 ? -1 : f->index(&q, &x);
	}
	close(q.fd);
	return r;
}

/* Reads PATH.idx into q's marks when it is there. Returns 0 (also when
 * there is none), or -1 after reporting one that is stale or bad. */
static int read_index(const char *path, const struct stat *st, struct lr_part_ask *q)
{
	char *name = malloc(strlen(path) + 5), head[256], fmt[32];
	FILE *fp;
	uint64_t size, start, prev_end;
	long long sec;
	long nsec;
	size_t cap = 0;
	int r = -1;

	if (!name) {
		lr_error_sys("out of memory");
		return -1;
	}
	strcpy(name, path);
	strcat(name, ".idx");
	fp = fopen(name, "re");
	if (!fp) {
		free(name);
		return 0;
	}
	if (!fgets(head, sizeof head, fp) || strncmp(head, INDEX_MAGIC " ", sizeof INDEX_MAGIC) != 0 ||
	    sscanf(head + sizeof INDEX_MAGIC, "%31s %" SCNu64 " %lld %ld", fmt, &size, &sec, &nsec) != 4) {
		lr_error_data("%s: not an index lrelu wrote", name);
		goto done;
	}
	if (strcmp(fmt, q->f->name) != 0 || size != q->size || sec != (long long)st->st_mtim.tv_sec ||
	    nsec != (long)st->st_mtim.tv_nsec) {
		lr_error_usage("%s is stale (it was made of another %s, or of %s before it changed): "
			       "write it again with lrelu --index",
			       name, strcmp(fmt, q->f->name) ? "format" : "file", path);
		goto done;
	}
	while (fscanf(fp, "%" SCNu64 " %" SCNu64, &start, &prev_end) == 2) {
		if (q->nmarks == cap) {
			struct lr_part_mark *m;

			cap = cap ? 2 * cap : 1024;
			if (!(m = realloc((void *)q->marks, cap * sizeof *m))) {
				lr_error_sys("out of memory");
				goto done;
			}
			q->marks = m;
		}
		((struct lr_part_mark *)q->marks)[q->nmarks].start = start;
		((struct lr_part_mark *)q->marks)[q->nmarks++].prev_end = prev_end;
	}
	if (!feof(fp)) {
		lr_error_data("%s: not an index lrelu wrote", name);
		goto done;
	}
	if (!q->marks)
		q->marks = calloc(1, sizeof *q->marks); /* an index of no records */
	r = q->marks ? 0 : -1;
done:
	fclose(fp);
	free(name);
	return r;
}

void lr_part_range(struct lr_part *p, uint64_t from, uint64_t to)
{
	p->nseg = 0;
	if (to > from) {
		p->seg[0].off = from;
		p->seg[0].len = to - from;
		p->seg[0].text = NULL;
		p->nseg = 1;
	}
}

/* ---- BGZF: gzip members of at most 64 KiB with their size inside ---- */

#define BGZF_MAX 65536
#define BGZF_HEAD_MAX (1024 * 1024) /* decompressed start read for the header rows */

/* The block that starts at off: its length (*len) and the size of its
 * data (*isize). 1 if a BGZF block header is there, 0 if not, -1 after
 * reporting a read error. */
static int bgzf_block(const struct lr_part_ask *q, uint64_t off, uint64_t *len, uint32_t *isize)
{
	unsigned char h[18], t[4];
	ssize_t n = lr_part_pread(q, h, sizeof h, off);

	if (n < 0)
		return -1;
	/* gzip, deflate, FEXTRA; XLEN 6; the 'BC' field of 2 bytes */
	if (n < 18 || h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || !(h[3] & 4) || h[10] != 6 ||
	    h[11] != 0 || h[12] != 'B' || h[13] != 'C' || h[14] != 2 || h[15] != 0)
		return 0;
	*len = (uint64_t)(h[16] | h[17] << 8) + 1;
	if (*len < 26 || off + *len > q->size)
		return 0;
	if (lr_part_pread(q, t, 4, off + *len - 4) != 4)
		return -1;
	*isize = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
	return 1;
}

/* Is a block that the next one follows, or the file's end, at off? */
static int bgzf_at(const struct lr_part_ask *q, uint64_t off)
{
	uint64_t len, len2;
	uint32_t isize;
	int r = bgzf_block(q, off, &len, &isize);

	if (r <= 0)
		return r;
	return off + len == q->size ? 1 : bgzf_block(q, off + len, &len2, &isize);
}

/* The first block start at or after x (q->size if none). */
static int bgzf_next(const struct lr_part_ask *q, uint64_t x, uint64_t *at)
{
	unsigned char buf[4096];
	uint64_t off = x;

	while (off < q->size) {
		ssize_t n = lr_part_pread(q, buf, sizeof buf, off), i;

		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			if (buf[i] == 0x1f) {
				int r = bgzf_at(q, off + (uint64_t)i);

				if (r < 0)
					return -1;
				if (r) {
					*at = off + (uint64_t)i;
					return 0;
				}
			}
		off += (uint64_t)n;
	}
	*at = q->size;
	return 0;
}

/* Inflates the block at off into out (BGZF_MAX bytes); returns the
 * bytes made, or -1 after reporting. */
static ssize_t bgzf_inflate(const struct lr_part_ask *q, uint64_t off, uint64_t len,
			    unsigned char *out)
{
	unsigned char in[BGZF_MAX];
	z_stream z;
	ssize_t n;
	int r;

	if (lr_part_pread(q, in, (size_t)len, off) != (ssize_t)len)
		return -1;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		lr_error_sys("%s: zlib", q->name);
		return -1;
	}
	z.next_in = in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = BGZF_MAX;
	r = inflate(&z, Z_FINISH);
	n = (ssize_t)(BGZF_MAX - z.avail_out);
	inflateEnd(&z);
	if (r != Z_STREAM_END) {
		lr_error_at(q->name, 0, 0, "corrupt BGZF block at byte %llu", (unsigned long long)off);
		return -1;
	}
	return n;
}

/* The BGZF blocks of the part: [*bi, *bj) by byte offset, the first
 * block's start always in part 1 where the format asks (keep_first).
 * Returns 0, or -1 after reporting. */
static int bgzf_bounds(struct lr_part_ask *q, uint64_t *bi, uint64_t *bj)
{
	if (!q->f->lines) {
		lr_error_usage("%s: --part splits BGZF files of lines (CSV, TSV, NDJSON) only, not %s",
			       q->name, q->f->name);
		return -1;
	}
	if (q->marks) {
		lr_error_usage("%s: an index is of a file's own bytes: a BGZF file is split at its "
			       "blocks without one",
			       q->name);
		return -1;
	}
	if ((q->first ? (*bi = 0, 0) : bgzf_next(q, q->a, bi)) < 0 ||
	    (q->last ? (*bj = q->size, 0) : bgzf_next(q, q->b, bj)) < 0)
		return -1;
	if (q->keep_first) {
		/* the first record (in the first block) is the first part's */
		uint64_t len0;
		uint32_t isize0;

		if (bgzf_block(q, 0, &len0, &isize0) == 1) {
			if (q->first && *bj < len0)
				*bj = len0;
			if (!q->first && *bi < len0)
				*bi = len0;
		}
	}
	if (*bj < *bi)
		*bj = *bi;
	return 0;
}

/* The decompressed size of the blocks [bi, bj) into *data. Returns 0,
 * or -1 after reporting. */
static int bgzf_data(struct lr_part_ask *q, uint64_t bi, uint64_t bj, uint64_t *data)
{
	uint64_t off, len;
	uint32_t isize;
	int r;

	*data = 0;
	for (off = bi; off < bj; off += len) {
		if ((r = bgzf_block(q, off, &len, &isize)) <= 0) {
			if (r == 0)
				lr_error_at(q->name, 0, 0, "corrupt BGZF block at byte %llu",
					    (unsigned long long)off);
			return -1;
		}
		*data += isize;
	}
	return 0;
}

/* The decompressed start of the file (up to BGZF_HEAD_MAX bytes, a
 * malloc'd *head of *head_len), where the data of the block at bi
 * starts in it (*at, UINT64_MAX if past it), and the header rows the
 * format finds there ([*start, *end), *rows of them). Returns 0, or -1
 * after reporting. */
static int bgzf_head(struct lr_part_ask *q, uint64_t bi, unsigned char **head, uint64_t *head_len,
		     uint64_t *at, uint64_t *start, uint64_t *end, int *rows)
{
	struct lr_part_ask h = *q;
	uint64_t off, len, u = 0;
	uint32_t isize;

	if (!(*head = malloc(BGZF_HEAD_MAX + BGZF_MAX))) {
		lr_error_sys("out of memory");
		return -1;
	}
	for (off = 0; off < q->size && *head_len < BGZF_HEAD_MAX; off += len) {
		ssize_t k;

		if (bgzf_block(q, off, &len, &isize) <= 0)
			break;
		if (off == bi)
			*at = u;
		if ((k = bgzf_inflate(q, off, len, *head + *head_len)) < 0)
			return -1;
		*head_len += (uint64_t)k;
		u += (uint64_t)k;
	}
	h.head = *head;
	h.size = *head_len;
	return q->f->part_head ? q->f->part_head(&h, start, end, rows) : 0;
}

/* Whether the block before bi ends inside a line, which is then the
 * earlier part's: 1 or 0, or -1 after reporting. */
static int bgzf_line_before(struct lr_part_ask *q, uint64_t bi)
{
	unsigned char buf[BGZF_MAX];
	uint64_t s0 = bi > BGZF_MAX ? bi - BGZF_MAX : 0, k, len;
	uint32_t isize;
	ssize_t n = -1;

	for (k = bi; k-- > s0;)
		if (bgzf_block(q, k, &len, &isize) == 1 && k + len == bi) {
			n = bgzf_inflate(q, k, len, buf);
			break;
		}
	if (n < 0) {
		if (n == -1 && k + 1 == s0)
			lr_error_at(q->name, 0, 0, "corrupt BGZF block before byte %llu",
				    (unsigned long long)bi);
		return -1;
	}
	return n > 0 && buf[n - 1] != '\n';
}

/*
 * --part on a BGZF file (bgzip's blocks) of a line-based format: the
 * part takes the blocks that start in its byte range, and of their
 * data the lines that start there (a line that began in the block
 * before is the earlier part's; one that goes on past the last block is
 * read to its end). A later part first reads the header rows, from the
 * file's decompressed start.
 */
static int bgzf_plan(struct lr_part_ask *q, struct lr_part *p)
{
	uint64_t bi, bj, head_len = 0, start = 0, end = 0, data, at = UINT64_MAX;
	unsigned char *head = NULL;
	int rows = 0, r;

	if (bgzf_bounds(q, &bi, &bj) < 0 || bgzf_data(q, bi, bj, &data) < 0)
		return -1;
	if ((q->f->part_head || bi > 0) &&
	    bgzf_head(q, bi, &head, &head_len, &at, &start, &end, &rows) < 0)
		goto fail;
	if (bi > 0) {
		if ((r = bgzf_line_before(q, bi)) < 0)
			goto fail;
		p->skip_line = r;
	}
	p->window = 1;
	p->limit = q->last ? UINT64_MAX : data;
	if (!q->first && at < end) {
		/* the part's data starts among the header rows, which are the
		 * first part's: its lines from their end */
		p->skip_line = 0;
		p->skip_bytes = end - at;
	}
	p->nseg = 0;
	if (bi < q->size) {
		p->seg[0].off = bi;
		p->seg[0].len = q->size - bi;
		p->nseg = 1;
	}
	if (q->first && end > p->limit)
		p->limit = end; /* the header rows are the first part's */
	if (!q->first && rows) {
		if (!(p->prefix = malloc((size_t)(end - start)))) {
			lr_error_sys("out of memory");
			goto fail;
		}
		memcpy(p->prefix, head + start, (size_t)(end - start));
		p->prefix_len = (size_t)(end - start);
		p->preamble_rows = (uint64_t)rows;
	}
	free(head);
	return 0;
fail:
	free(head);
	return -1;
}

int lr_part_plan(const char *path, const struct lr_format *f, const struct lr_options *o,
		 struct lr_part *p)
{
	struct lr_part_ask q;
	struct stat st;
	int r = -1;

	memset(p, 0, sizeof *p);
	p->values = -1;
	if (open_ask(path, f, o, &q, &st) < 0)
		return -1;
	if (is_gzip(&q) && bgzf_at(&q, 0) != 1) {
		lr_error_usage("%s: a gzip file cannot be split into parts (it can only be read "
			       "from its start): decompress it, or recompress it with bgzip",
			       path);
		goto done;
	}
	if (o->part_n) {
		q.a = (uint64_t)((unsigned __int128)q.size * (o->part_k - 1) / o->part_n);
		q.b = (uint64_t)((unsigned __int128)q.size * o->part_k / o->part_n);
		q.first = o->part_k == 1;
		q.last = o->part_k == o->part_n;
	} else {
		q.a = o->range_a < q.size ? o->range_a : q.size;
		q.b = o->range_b < q.size ? o->range_b : q.size;
		q.first = q.a == 0;
		q.last = q.b == q.size;
	}
	q.keep_first = o->to == &lr_format_json && f != &lr_format_json;
	if (!f->part) {
		lr_error_usage("%s: %s input cannot be split into parts", path, f->name);
		goto done;
	}
	if (f->index && read_index(path, &st, &q) < 0)
		goto done;
	/* the format may say otherwise (a JSON document of one value) */
	p->rest = !q.first;
	p->more = !q.last;
	r = is_gzip(&q) ? bgzf_plan(&q, p) : f->part(&q, p);
	p->exact = q.marks != NULL;
	/* the last segment holds the part's own records (after what is
	 * read for the header's sake) */
	p->start = p->nseg ? p->seg[p->nseg - 1].off : q.a;
done:
	free((void *)q.marks);
	close(q.fd);
	return r;
}
