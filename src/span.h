/*
 * span.h - runs of whole CSV rows made of plain numbers, which the CSV
 * decoder checks and computes in one piece (a SPAN cell) instead of a
 * cell per field. Which rows, and under which options: calc.h.
 */
#ifndef LR_SPAN_H
#define LR_SPAN_H

#include <stddef.h>
#include <stdint.h>

#include "calc.h"

struct lr_span_scan {
	unsigned char delim;
	unsigned k;                 /* the slope is 10^-k, 1 <= k <= 16; else 0 */
	int all;                    /* every number is computed, not the negatives only */
	int columns;                /* the channel is the column: several slopes */
	int with_input;             /* each number is kept, its result after it */
	int kept;                   /* a number without '-' is its own result */
	unsigned skip;              /* the first fields of each row pass through */
	const struct lr_calc *calc; /* what the rows are computed under */
	unsigned char perm[17][32]; /* result bytes by integer digits (span.c) */
	unsigned char classes[128]; /* each byte's classes, a bit each (span.c) */
	/* lr_span_rows for the processor's instruction set */
	size_t (*rows)(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		       char *out, size_t *outlen, uint64_t *lines);
};

/* Most bytes lr_span_rows takes in one call. */
#define LR_SPAN_CHUNK 4096

/* Bytes out must have for the rows of n input bytes: a number and its
 * separator take two bytes or more, each result is at most
 * LR_CALC_SLACK bytes longer than its number, and with_input writes
 * each number and a separator once more (a separator or line end
 * follows every number of the rows taken). A multiple of 64 for a
 * multiple of 64. */
#define LR_SPAN_ROOM(n) (2 * (n) + ((n) + 1) / 2 * LR_CALC_SLACK + 64)

/* Prepares a scan of rows separated into fields by delim, which is not
 * a digit, '.' or '-', computed under c (lr_calc_spans(c) holds; c must
 * outlive the scan). With with_input (--with-input) each number is
 * written, then delim, then its result. */
void lr_span_init(struct lr_span_scan *sc, unsigned char delim, const struct lr_calc *c,
		  int with_input);

/* Makes the first n fields of each row pass through as they are (an
 * index column): the fields after them are the channels. */
void lr_span_pass_first(struct lr_span_scan *sc, unsigned n);

/*
 * Takes the whole rows at the start of p[0..n) that make a SPAN (n at
 * most LR_SPAN_CHUNK): every field empty, or "-" or nothing, then
 * digits with at most one point, the minus-less ones with a digit 1-9
 * or just "0"; every 64 bytes hold a separator, so no field is as long
 * as LR_SPAN_FIELD_MAX. The rows taken end in a line end; p[0..n) may
 * end inside a row, and 64 bytes past it are read (and have no say);
 * prev_cr says the byte before p was a CR.
 * Writes the rows' results to out, which has LR_SPAN_ROOM(n) bytes, and
 * their length to *outlen; adds the rows' lines to *lines. Returns the
 * length of the rows taken (0 if the first is not plain numbers), or
 * SIZE_MAX if the calculator refused a number (an internal error).
 */
size_t lr_span_rows(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		    char *out, size_t *outlen, uint64_t *lines);

#endif
