/*
 * block.h - the bounded unit of work that flows from a decoder through
 * the kernel to an encoder: a run of cells (fields, numbers, row ends)
 * whose text lives in one arena, and an arena for computed results.
 * Memory is fixed when the block is made; decoders stop filling at the
 * high-water marks so that one more input chunk always fits.
 */
#ifndef LR_BLOCK_H
#define LR_BLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum lr_cell_kind {
	LR_CELL_TEXT,    /* passed through as it is (header, string, empty) */
	LR_CELL_NUM,     /* a number to transform */
	LR_CELL_END,     /* end of a row; term is the terminator byte */
	LR_CELL_RAW,     /* bytes written verbatim (a byte-order mark) */
	LR_CELL_PENDING, /* first-row field whose role is not known yet */
	LR_CELL_ROW,     /* end of a record (a JSON element); writes nothing */
	LR_CELL_SPAN,    /* whole rows of plain numbers, computed as one piece
			  * by the decoder (span.h); only its result is kept,
			  * and the row ends are in it */
	LR_CELL_VALUE    /* a NUM whose result the calculator gave as a
			  * double (text into binary, lr_calc's values): its
			  * 8 bytes at blk->text[out_off], unaligned */
};

struct lr_cell {
	uint32_t off, len;         /* input text: blk->text[off..off+len) */
	uint32_t out_off, out_len; /* what to write: blk->text[out_off..), which is
				    * the input text unless a result replaced it */
	uint64_t line;             /* where the cell starts, for messages */
	uint32_t col;              /* 1-based field number in its row */
	uint32_t channel;          /* 0-based index among transformed fields */
	uint8_t kind;              /* enum lr_cell_kind */
	uint8_t term;              /* END: '\n', '\r', or 0 at end of input;
				    * NUM: non-zero for a missing value (--na),
				    * which is copied, and is NaN elsewhere;
				    * TEXT from JSON: non-zero for the top-level
				    * array's punctuation, outside elements */
	uint8_t copied;            /* NUM: result is the input text unchanged */
	uint8_t plain;             /* text has no quote, CR, LF or source delimiter */
	uint8_t fixed;             /* NUM: already computed (--range); calc skips it */
	uint8_t selhead;           /* TEXT: header above a transformed column */
	uint8_t positive;          /* NUM: the decoder saw "digits[.digits]" starting
				    * with 1-9 (lr_dec_is_plain_positive holds) */
	uint8_t ext;               /* SPAN: the result is out_len bytes at
				    * blk->ext[out_off], outside the block */
};

/* What a binary block holds instead of cells. */
enum lr_vtype { LR_VALUES_NONE, LR_VALUES_F32, LR_VALUES_F64 };

#define LR_MAX_DIMS 32

/* Most values (binary) or numbers (cells) a decoder puts in one block;
 * the converter's buffers are sized by it. This and the other sizes
 * marked "#ifndef" may be set smaller at build time: the fuzzing build
 * does, so that buffer edges come often. */
#ifndef LR_BLOCK_MAX_VALUES
#define LR_BLOCK_MAX_VALUES 16384
#endif

/* Most SPAN results outside a block (struct lr_block's ext). */
#define LR_BLOCK_EXT 16

struct lr_block {
	const char *name; /* input name for messages */

	/* Binary formats: nvals values in native byte order, no cells. */
	enum lr_vtype vtype;
	void *vals;
	size_t nvals, valcap;
	uint64_t first;   /* position of vals[0] in its stream */
	size_t inner;     /* channel of value i: ((first + i) / inner) % slopes */
	int src_dtype;    /* the element type as stored (fmt_raw.c's enum) */
	int ndim;         /* shape of an .npy input; -1 for a flat stream */
	uint64_t dims[LR_MAX_DIMS];
	int fortran;
	int64_t total;    /* values in the whole input, -1 if unknown */
	uint64_t row_width; /* rows of this many values, when not ndim's (0: flat) */
	void *in_vals;    /* --with-input: the values before the kernel, else NULL */

	struct lr_cell *cell;
	size_t ncells, cellcap;
	char *text;  /* input text, then (at out) the results, in one buffer */
	size_t textlen, textcap;
	char *out;   /* text + textcap + LR_BLOCK_PAD */
	size_t outlen, outcap;
	uint64_t invalid; /* NUM cells turned to TEXT by --skip-invalid */
	uint64_t missing; /* NUM cells turned to TEXT as missing values */
	int delim;        /* CSV: the separator read (sniffed, maybe), 0 if none */
	unsigned span_skip; /* CSV: leading fields of SPAN rows that pass through as
			     * text (pandas' index column), not values */
	int na;           /* NUM cells may be missing-value tokens (CSV) */

	/* SPAN results the decoder keeps elsewhere (cells with ext set),
	 * valid until the decoder is next asked for a block. */
	const char *ext[LR_BLOCK_EXT];
	size_t next;
};

/* Allocates a block able to hold cellcap cells and textcap bytes of
 * input text, with room for their results and extra bytes more (for
 * results a decoder writes itself). Returns NULL after reporting. */
struct lr_block *lr_block_new(size_t cellcap, size_t textcap, size_t extra);
void lr_block_free(struct lr_block *b);

/* Empties the block; the name and the invalid count stay. */
void lr_block_reset(struct lr_block *b);

/* Bytes past textcap that the text arena has for word-sized copies;
 * the result arena has as many past outcap, so LR_BLOCK_PAD bytes may be
 * read from the start of any cell's text or result. */
#define LR_BLOCK_PAD 32

static inline __attribute__((always_inline)) struct lr_cell *
block_add(struct lr_block *b, enum lr_cell_kind kind, const void *p, size_t n, int padded)
{
	struct lr_cell *c;

	if (b->ncells == b->cellcap || b->textcap - b->textlen < n)
		return NULL;
	c = &b->cell[b->ncells++];
	memset(c, 0, sizeof *c);
	c->off = c->out_off = (uint32_t)b->textlen;
	c->len = c->out_len = (uint32_t)n;
	c->kind = (uint8_t)kind;
	if (padded && n <= 16)
		memcpy(b->text + b->textlen, p, 16);
	else if (n)
		memcpy(b->text + b->textlen, p, n);
	b->textlen += n;
	return c;
}

/* Appends a cell whose text is copied from p[0..n); returns it, or NULL
 * when the block has no room (the caller's high-water marks should make
 * that impossible). The cell's other fields are zero. */
static inline struct lr_cell *lr_block_add(struct lr_block *b, enum lr_cell_kind kind,
					   const void *p, size_t n)
{
	return block_add(b, kind, p, n, 0);
}

/* As lr_block_add, where p[n..16) may be read as well (a source buffer
 * with LR_STREAM_PAD bytes after its data): short text is then copied as
 * one fixed-size move. */
static inline struct lr_cell *lr_block_add_padded(struct lr_block *b, enum lr_cell_kind kind,
						  const void *p, size_t n)
{
	return block_add(b, kind, p, n, 1);
}

/* The text to write for a cell: its result, or its input unchanged. */
static inline const char *lr_cell_out(const struct lr_block *b, const struct lr_cell *c)
{
	return b->text + c->out_off;
}

/* The same for a SPAN cell, whose result may be outside the block. */
static inline const char *lr_span_out(const struct lr_block *b, const struct lr_cell *c)
{
	return c->ext ? b->ext[c->out_off] : b->text + c->out_off;
}

#endif
