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
	LR_CELL_PENDING  /* first-row field whose role is not known yet */
};

struct lr_cell {
	uint32_t off, len;         /* input text: blk->text[off..off+len) */
	uint32_t out_off, out_len; /* result of a NUM cell in blk->out */
	uint64_t line;             /* where the cell starts, for messages */
	uint32_t col;              /* 1-based field number in its row */
	uint32_t channel;          /* 0-based index among transformed fields */
	uint8_t kind;              /* enum lr_cell_kind */
	uint8_t term;              /* END: '\n', '\r', or 0 at end of input */
	uint8_t copied;            /* NUM: result is the input text unchanged */
	uint8_t plain;             /* text has no quote, CR, LF or source delimiter */
};

struct lr_block {
	const char *name; /* input name for messages */
	struct lr_cell *cell;
	size_t ncells, cellcap;
	char *text;
	size_t textlen, textcap;
	char *out;
	size_t outlen, outcap;
	uint64_t invalid; /* NUM cells turned to TEXT by --skip-invalid */
};

/* Allocates a block able to hold cellcap cells and textcap bytes of
 * input text. Returns NULL after reporting. */
struct lr_block *lr_block_new(size_t cellcap, size_t textcap);
void lr_block_free(struct lr_block *b);

/* Empties the block; the name and the invalid count stay. */
void lr_block_reset(struct lr_block *b);

/* Appends a cell whose text is copied from p[0..n); returns it, or NULL
 * when the block has no room (the caller's high-water marks should make
 * that impossible). The cell's other fields are zero. */
static inline struct lr_cell *lr_block_add(struct lr_block *b, enum lr_cell_kind kind,
					   const void *p, size_t n)
{
	struct lr_cell *c;

	if (b->ncells == b->cellcap || b->textcap - b->textlen < n)
		return NULL;
	c = &b->cell[b->ncells++];
	memset(c, 0, sizeof *c);
	c->off = (uint32_t)b->textlen;
	c->len = (uint32_t)n;
	c->kind = (uint8_t)kind;
	if (n)
		memcpy(b->text + b->textlen, p, n);
	b->textlen += n;
	return c;
}

/* The input and result text of a cell. */
static inline const char *lr_cell_text(const struct lr_block *b, const struct lr_cell *c)
{
	return b->text + c->off;
}

#endif
