/*
 * readfloat.h - decimal numbers to float64 and float32, correctly
 * rounded (to nearest, ties to even), for the common case of at most 19
 * significant digits, without strtod. The rare values the fast method
 * cannot decide are left to the caller, which asks strtod.
 */
#ifndef LR_READFLOAT_H
#define LR_READFLOAT_H

#include <stdint.h>

/* The value w * 10^q (sign aside) correctly rounded to float64 in *out.
 * Returns 1, or 0 when the caller must ask strtod (*out untouched). */
int lr_read64(uint64_t w, int64_t q, double *out);

/* The same, rounded once to float32 (never through float64). */
int lr_read32(uint64_t w, int64_t q, float *out);

#endif
