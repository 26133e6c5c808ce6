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

#include "diag.h"
#include "format.h"
#include "options.h"

/* The index's first line: its version, the format and the file it was
 * made of (size and modification time), so that a stale one is seen. */
#define INDEX_MAGIC "lrelu index 1"

ssize_t lr_part_pread(const struct lr_part_ask *q, void *p, size_t n, uint64_t off)
{
	size_t got = 0;

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
	if (is_gzip(&q)) {
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
	if (!f->part) {
		lr_error_usage("%s: %s input cannot be split into parts", path, f->name);
		goto done;
	}
	if (f->index && read_index(path, &st, &q) < 0)
		goto done;
	/* the format may say otherwise (a JSON document of one value) */
	p->rest = !q.first;
	p->more = !q.last;
	r = f->part(&q, p);
	p->exact = q.marks != NULL;
	/* the last segment holds the part's own records (after what is
	 * read for the header's sake) */
	p->start = p->nseg ? p->seg[p->nseg - 1].off : q.a;
done:
	free((void *)q.marks);
	close(q.fd);
	return r;
}
