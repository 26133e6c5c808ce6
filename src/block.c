/*
 * block.c - allocation and filling of blocks. The result arena is sized
 * from the input arena so that no number can outgrow it (see calc.h).
 */
#include "block.h"

#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "diag.h"

struct lr_block *lr_block_new(size_t cellcap, size_t textcap, size_t extra)
{
	struct lr_block *b = calloc(1, sizeof *b);

	if (!b) {
		lr_error_sys("out of memory");
		return NULL;
	}
	b->ndim = -1;
	b->total = -1;
	b->inner = 1;
	b->cellcap = cellcap;
	b->textcap = textcap;
	b->outcap = textcap + cellcap * LR_CALC_SLACK + extra;
	b->cell = malloc(cellcap * sizeof *b->cell);
	/* One buffer, so that a cell's output is an offset whichever arena
	 * it is in and the encoder needs no branch to find it. */
	b->text = malloc(textcap + LR_BLOCK_PAD + b->outcap + LR_BLOCK_PAD);
	if (!b->cell || !b->text) {
		lr_block_free(b);
		lr_error_sys("out of memory");
		return NULL;
	}
	b->out = b->text + textcap + LR_BLOCK_PAD;
	return b;
}

void lr_block_free(struct lr_block *b)
{
	if (!b)
		return;
	free(b->cell);
	free(b->text);
	free(b);
}

void lr_block_reset(struct lr_block *b)
{
	b->ncells = 0;
	b->textlen = 0;
	b->outlen = 0;
	b->next = 0;
}
