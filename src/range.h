/*
 * range.h - the input of --range: COUNT evenly spaced x values from START
 * to STOP in exact decimal, each with the result of every mode asked
 * for, as rows of a table with a header (x, then one column per mode).
 * It stands where a decoder stands.
 */
#ifndef LR_RANGE_H
#define LR_RANGE_H

#include "block.h"
#include "calc.h"
#include "options.h"

struct lr_range;

/* NULL after reporting. calc is the run's calc; the modes come from o. */
struct lr_range *lr_range_open(const struct lr_options *o, const struct lr_calc *calc);

/* As a decoder's read: 1 with a block, 0 at the end, -1 after reporting. */
int lr_range_read(struct lr_range *r, struct lr_block **out);

void lr_range_close(struct lr_range *r);

#endif
