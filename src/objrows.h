/*
 * objrows.h - JSON objects to CSV rows, as Miller's --ijson --ocsv
 * writes them: the first object's keys, in its order, are the header,
 * nested keys flattened with '.' (w.b) and array items numbered from 1
 * (w.1); every later object must have the same keys, in any order.
 * Strings are written decoded, true and false as they are, null as an
 * empty field; numbers as computed.
 */
#ifndef LR_OBJROWS_H
#define LR_OBJROWS_H

#include "block.h"

struct lr_objrows;

/* A converter of one input; write_header: the header row goes out
 * (not when an earlier input's is already there). NULL after
 * reporting. */
struct lr_objrows *lr_objrows_new(int write_header);

void lr_objrows_free(struct lr_objrows *r);

/* Takes the next token cell c of the JSON block in (punctuation of the
 * top-level array aside: the caller skips it). At the end of an element
 * (a ROW cell) its row goes into out, after the header for the first.
 * Returns 0, or -1 after reporting an object with other keys than the
 * first, an element that is not an object, or a row too wide. */
int lr_objrows_cell(struct lr_objrows *r, const struct lr_block *in, const struct lr_cell *c,
		    struct lr_block *out);

#endif
