/*
 * part.h - --part K/N and --byte-range A:B: of a file too big for one
 * job, the records that start in a byte range, read in place. Each
 * format says where its records start (its row's part function); this
 * module opens the file, works out the range and hands the segments to
 * read to the source. The parts' outputs, joined in order, are the
 * whole run's: only the first part writes what comes before the first
 * record (a CSV header, an .npy header), only the last what comes after.
 */
#ifndef LR_PART_H
#define LR_PART_H

#include <stdint.h>

#include "stream.h"

struct lr_format;
struct lr_options;

#define LR_PART_SEGS 4

/* What a part reads and what it leaves to the others. */
struct lr_part {
	struct lr_segment seg[LR_PART_SEGS]; /* read in turn, as one input */
	size_t nseg;
	int rest;                /* not the part that holds the file's start */
	int more;                /* not the part that holds the file's end */
	uint64_t preamble_rows;  /* CSV: rows at the start of seg read for the
				  * header's sake, not written */
	int64_t values;          /* .npy: values in the part; -1 if not .npy */
	uint64_t start;          /* the byte of the file its own records start at */
	int exact;               /* the file's index placed the boundaries */
	/* BGZF input: the segments are the compressed blocks from the
	 * part's first on; of what they inflate to, the part reads prefix
	 * first (the header rows, decompressed; owned, free it), then drops
	 * a first partial line (skip_line) and ends at the first line start
	 * at or after limit bytes (lr_source_window) */
	int window;
	char *prefix;
	size_t prefix_len;
	int skip_line;
	uint64_t skip_bytes; /* dropped before that */
	uint64_t limit;
};

/* A part function's question: the open file, its size, and the byte
 * range [a, b) whose records are asked for (b <= size). */
/* One entry of an index (lrelu --index): where a record starts, and
 * where the record before it ended (for JSON, before the comma). */
struct lr_part_mark {
	uint64_t start, prev_end;
};

struct lr_part_ask {
	int fd;
	const char *name;
	uint64_t size, a, b;
	/* the file's index (FILE.idx), when there is one: every so many
	 * records, in order; NULL if none */
	const struct lr_part_mark *marks;
	size_t nmarks;
	int first, last;            /* the first part, which holds the file's
				     * start (what comes before its records);
				     * the last, which holds its end */
	int keep_first;             /* the file's first record is the first
				     * part's, wherever the range puts it (a
				     * JSON array made from it: the later parts
				     * write a comma before each record) */
	/* set when the reads are of the decompressed start of a BGZF file
	 * held here (size is then its length), not of the file */
	const unsigned char *head;
	const struct lr_format *f;
	const struct lr_options *o;
};

/* Plans the part of the file at path that o asks for (--part or
 * --byte-range), read as format f. Returns 0, or -1 after reporting: a
 * usage error for input that is not a regular file, or compressed, or a
 * format that cannot be split; a data error from the format. */
int lr_part_plan(const char *path, const struct lr_format *f, const struct lr_options *o,
		 struct lr_part *p);

/* Helpers for the part functions. */

/* Reads up to n bytes at off; returns how many (fewer at the end of
 * the file), or -1 after reporting. */
ssize_t lr_part_pread(const struct lr_part_ask *q, void *p, size_t n, uint64_t off);

/* The first line start at or after x: x itself when it is 0 or follows
 * a line end (LF, or a CR not followed by LF), else just past the next
 * line end; q->size when there is none. Returns 0, or -1 after
 * reporting. */
int lr_part_line_start(const struct lr_part_ask *q, uint64_t x, uint64_t *at);

/* Sets p to read [from, to) of the file as the whole part. */
void lr_part_range(struct lr_part *p, uint64_t from, uint64_t to);

/* The first mark of q's index that starts at or after x, or the
 * number of marks if none does. */
size_t lr_part_mark_at(const struct lr_part_ask *q, uint64_t x);

/* An index being written: a mark for the first record that starts at
 * or after every LR_PART_GRAIN bytes. */
#define LR_PART_GRAIN 4096
struct lr_part_index {
	struct lr_sink *s;
	uint64_t next; /* the next mark is for a record starting here or after */
};

/* An index writer's: the record at start (the one before it ending at
 * prev_end) gets a mark if it is the first past the next grain. Returns
 * 0, or -1 after reporting. */
int lr_part_index_mark(struct lr_part_index *x, uint64_t start, uint64_t prev_end);

/* Writes the index of the file at path, read as format f, to s (the
 * format's index function does the reading). Returns 0, or -1 after
 * reporting. */
int lr_part_write_index(const char *path, const struct lr_format *f, const struct lr_options *o,
			struct lr_sink *s);

#endif
