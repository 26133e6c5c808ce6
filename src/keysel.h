/*
 * keysel.h - which numbers of a JSON element --columns selects. A plain
 * name selects everything below a key of that name at any depth; a key
 * path (w.b, layers[*].w, [0]) selects what is below the place it
 * names, counted from the element's root. The JSON decoder asks at each
 * key and each array item; the selector also remembers which items
 * matched, so that one that matched nothing can be reported.
 */
#ifndef LR_KEYSEL_H
#define LR_KEYSEL_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct lr_keysel;

/* A container's progress along the key paths: bit i set means the path
 * position i (keysel.c numbers them) is the next to match. */
typedef uint64_t lr_keystate;

/* Compiles o->cols. Returns NULL after reporting a usage error (a path
 * that does not parse, more path steps than a state holds) or when
 * memory runs out. */
struct lr_keysel *lr_keysel_new(const struct lr_options *o);

void lr_keysel_free(struct lr_keysel *ks);

/* Does any item have array steps ([*], [N]) or steps at all, so that
 * numbers not under a key may be selected? */
int lr_keysel_has_paths(const struct lr_keysel *ks);

/* The state of an element's root value. */
lr_keystate lr_keysel_root(const struct lr_keysel *ks);

/* A member with the key k[0..n) (the JSON text with its quotes, escapes
 * undecoded) in an object whose state is st: sets *child to the member
 * value's state and returns non-zero if the value is selected. */
int lr_keysel_key(struct lr_keysel *ks, lr_keystate st, const char *k, size_t n,
		  lr_keystate *child);

/* Item number index (from 0) of an array whose state is st: as
 * lr_keysel_key. */
int lr_keysel_index(struct lr_keysel *ks, lr_keystate st, uint32_t index, lr_keystate *child);

/* At the end of an input: reports the first item that matched nothing,
 * listing keys the input has, and returns -1 (a usage error); else 0.
 * The record is then cleared for the next input. */
int lr_keysel_finish(struct lr_keysel *ks, const char *name);

#endif
