/*
 * floatfmt.h - decimal digits of binary floating-point values: the
 * shortest digit string that reads back to the same float32 or float64,
 * and correctly rounded digits at a given precision. Signs, NaN and
 * infinities are the caller's business.
 */
#ifndef LR_FLOATFMT_H
#define LR_FLOATFMT_H

/* For finite v: writes the shortest digits d (no leading or trailing
 * zeros) such that d * 10^*exp reads back as v with round-to-nearest,
 * and returns their count; 0 (and *exp = 0) for a zero. Ties between
 * equally short strings go to the one nearest v. dig needs 18 bytes. */
int lr_shortest64(double v, char *dig, int *exp);
int lr_shortest32(float v, char *dig, int *exp);

/* The same for a float16 (bf16 == 0) or bfloat16 value held in a float. */
int lr_shortest_narrow(float v, int bf16, char *dig, int *exp);

/* For finite v: the exact value of |v| correctly rounded (ties to even)
 * to nsig significant digits (1..40), trailing zeros dropped. dig needs
 * nsig + 1 bytes. Returns the digit count, 0 for a zero. */
int lr_digits64(double v, int nsig, char *dig, int *exp);

#endif
