/*
 * block.c - allocation and filling of blocks. The result arena is sized
 * from the input arena so that no number can outgrow it (see calc.h).
 */
#include "block.h"

#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "diag.h"

struct lr_block *lr_block_new(size_t cellcap, size_t textcap)
{
	struct lr_block *b = calloc(1, sizeof *b);

	if (!b) {
		lr_error_sys("out of memory");
		return NULL;
	}
	b->cellcap = cellcap;
	b->textcap = textcap;
	b->outcap = textcap + cellcap * LR_CALC_SLACK;
	b->cell = malloc(cellcap * sizeof *b->cell);
	b->text = malloc(textcap);
	b->out = malloc(b->outcap);
	if (!b->cell || !b->text || !b->out) {
		lr_block_free(b);
		lr_error_sys("out of memory");
		return NULL;
	}
	return b;
}

void lr_block_free(struct lr_block *b)
{
	if (!b)
		return;
	free(b->cell);
	free(b->text);
	free(b->out);
	free(b);
}

void lr_block_reset(struct lr_block *b)
{
	b->ncells = 0;
	b->textlen = 0;
	b->outlen = 0;
}
