/*
 * span.h - runs of whole CSV rows made of plain numbers, which the CSV
 * decoder hands to the calculator as one SPAN cell (calc.h: which rows,
 * and under which options).
 */
#ifndef LR_SPAN_H
#define LR_SPAN_H

#include <stddef.h>
#include <stdint.h>

struct lr_span_scan {
	unsigned char delim;
	/* lr_span_rows for the processor's instruction set */
	size_t (*rows)(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		       size_t *weight, uint64_t *lines);
};

/* Prepares a scan of rows separated into fields by delim, which is not
 * a digit, '.' or '-'. */
void lr_span_init(struct lr_span_scan *sc, unsigned char delim);

/*
 * The length of the whole rows at the start of p[0..n) that make a
 * SPAN: every field empty, or "-" or nothing, then digits with at most
 * one point, the minus-less ones with a digit 1-9 or just "0"; every 64
 * bytes hold a separator, so no field is as long as LR_SPAN_FIELD_MAX.
 * p[0..n) is whole rows without a quote; prev_cr says the byte before
 * p was a CR. The rows' lines are added to *lines, and to *weight a
 * bound on the numbers in them that can grow (the negative ones).
 */
size_t lr_span_rows(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		    size_t *weight, uint64_t *lines);

#endif
