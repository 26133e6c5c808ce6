/*
 * format.h - the table of formats. Each row names a format, the file
 * suffixes and content that identify it, and its decoder and encoder.
 * Adding a format is one file and one row; main never looks inside.
 */
#ifndef LR_FORMAT_H
#define LR_FORMAT_H

#include <stddef.h>

#include "block.h"
#include "options.h"
#include "part.h"
#include "stream.h"

/* Formats of one family share a cell layout, so any of them can be
 * written from any other of the family. */
enum lr_family { LR_FAMILY_TABLE, LR_FAMILY_JSON, LR_FAMILY_BINARY };

struct lr_format {
	const char *name;
	const char *suffixes[3]; /* lower-case, with the dot */
	enum lr_family family;
	int delimiter;           /* table formats: the default separator */

	/* Non-zero if the first bytes of a stream look like this format. */
	int (*sniff)(const unsigned char *p, size_t n);

	/* Decoder: open returns NULL after reporting; read sets *out to the
	 * next block and returns 1, returns 0 at the end, -1 after
	 * reporting bad input; close frees. */
	void *(*dec_open)(const struct lr_format *f, struct lr_source *src,
			  const struct lr_options *o);
	int (*dec_read)(void *dec, struct lr_block **out);
	void (*dec_close)(void *dec);

	/* Encoder: write drains a computed block into the sink; finish
	 * writes what ends the stream; both return 0 or -1 after
	 * reporting. close frees. */
	void *(*enc_open)(const struct lr_format *f, struct lr_sink *sink,
			  const struct lr_options *o, const struct lr_format *from);
	int (*enc_write)(void *enc, const struct lr_block *b);
	int (*enc_finish)(void *enc);
	void (*enc_close)(void *enc);

	/* --part: where the records that start in [q->a, q->b) lie (part.h);
	 * 0, or -1 after reporting. NULL: the format cannot be split. */
	int (*part)(const struct lr_part_ask *q, struct lr_part *p);

	/* --index: reads the whole file q->fd (q->a, q->b unused) and writes
	 * a mark for its records with lr_part_index_mark; 0, or -1 after
	 * reporting. NULL: the format needs no index. */
	int (*index)(const struct lr_part_ask *q, struct lr_part_index *x);

	/* --part on BGZF: where the records a later part must read first
	 * start and end in q's text (see the CSV header), and how many
	 * they are; 0, or -1 after reporting. NULL: none. */
	int (*part_head)(const struct lr_part_ask *q, uint64_t *start, uint64_t *end, int *rows);

	/* Records are lines (so that BGZF blocks can be split): CSV, TSV,
	 * NDJSON. */
	int lines;
};

extern const struct lr_format lr_format_csv;
extern const struct lr_format lr_format_tsv;
extern const struct lr_format lr_format_json;
extern const struct lr_format lr_format_ndjson;
extern const struct lr_format lr_format_f32;
extern const struct lr_format lr_format_f64;
extern const struct lr_format lr_format_f16;
extern const struct lr_format lr_format_bf16;
extern const struct lr_format lr_format_npy;

/* The format named name ("csv"), or NULL. */
const struct lr_format *lr_format_by_name(const char *name);

/* The format a path's suffix names (a final .gz aside), or NULL. */
const struct lr_format *lr_format_by_path(const char *path);

/* The format the first bytes of a stream suggest; CSV when nothing else
 * matches. */
const struct lr_format *lr_format_sniff(const unsigned char *p, size_t n);

/* What the first bytes p[0..n) of an input that should be text look
 * like when they are not text: a sentence naming the kind of file (an
 * .npz or zip archive, a PyTorch checkpoint, an .npy, gzip inside gzip
 * when inflated says so, a zlib, bzip2, xz or zstd stream, a pickle,
 * HDF5, Parquet, or binary data in general: more than a quarter of the
 * bytes NUL, other control bytes or not UTF-8) and what to do. NULL
 * when they may be text. */
const char *lr_format_not_text(const unsigned char *p, size_t n, int inflated);

/* The names of all formats, separated by '|', for messages. */
const char *lr_format_names(void);

#endif
