/*
 * stats.h - the --stats summary of one input: how many values, how many
 * negative, zero and NaN, the smallest and the largest. It counts the
 * input values, before the activation.
 */
#ifndef LR_STATS_H
#define LR_STATS_H

#include <stddef.h>
#include <stdint.h>

struct lr_stats {
	uint64_t count, negatives, zeros, nans;
	uint64_t missing; /* missing-value tokens (CSV's NA, null, ...) */
	double min, max; /* over the values that are not NaN */
};

void lr_stats_reset(struct lr_stats *s);

/* Counts one value. */
void lr_stats_add(struct lr_stats *s, double v);

/* Counts the number written as text t[0..n) (blanks around allowed). */
void lr_stats_add_text(struct lr_stats *s, const char *t, size_t n);

/* Writes the summary for the input called name to stderr, as a line of
 * text or (json) one JSON object. */
void lr_stats_print(const struct lr_stats *s, const char *name, int json);

#endif
