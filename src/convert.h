/*
 * convert.h - the stage between kernel and encoder when the input and
 * output formats are of different families (table, JSON, binary). Rows
 * of numbers cross; headers, strings and keys do not.
 */
#ifndef LR_CONVERT_H
#define LR_CONVERT_H

#include "block.h"
#include "format.h"
#include "options.h"

struct lr_convert;

/* A converter from format from to format to; NULL after reporting. */
struct lr_convert *lr_convert_open(const struct lr_format *from, const struct lr_format *to,
				   const struct lr_options *o);

/* Lays the computed block in out again for the target family. *out is
 * the converter's block, valid until the next call. Returns 0, or -1
 * after reporting (a ragged row for .npy, a row too wide for binary). */
int lr_convert_block(struct lr_convert *cv, const struct lr_block *in, struct lr_block **out);

/* Where a binary block goes that fills before the input block is done
 * (the encoder's write, and its first argument): a CSV block of rows
 * computed whole (SPAN cells) holds more numbers than one binary block.
 * Without it, that is an internal error. */
void lr_convert_spill(struct lr_convert *cv, int (*write)(void *ctx, const struct lr_block *b),
		      void *ctx);

/* Ends the stream: the last row, JSON's closing bracket. *out gets a
 * last block to write. Returns 0, or -1 after reporting. */
int lr_convert_finish(struct lr_convert *cv, struct lr_block **out);

void lr_convert_close(struct lr_convert *cv);

#endif
