/*
 * floatfmt.h - decimal digits of binary floating-point values: the
 * shortest digit string that reads back to the same float32 or float64,
 * and correctly rounded digits at a given precision. Signs, NaN and
 * infinities are the caller's business.
 */
#ifndef LR_FLOATFMT_H
#define LR_FLOATFMT_H

#include <stddef.h>

/* For finite v: writes the shortest digits d (no leading or trailing
 * zeros) such that d * 10^*exp reads back as v with round-to-nearest,
 * and returns their count; 0 (and *exp = 0) for a zero. Ties between
 * equally short strings go to the one nearest v. dig needs 18 bytes. */
int lr_shortest64(double v, char *dig, int *exp);
int lr_shortest32(float v, char *dig, int *exp);

/* The same for a float16 (bf16 == 0) or bfloat16 value held in a float. */
int lr_shortest_narrow(float v, int bf16, char *dig, int *exp);

/* The room lr_print64 and lr_print32 need at out: the text is at most
 * 41 bytes, and stores of fixed size may write past it. */
#define LR_PRINT_ROOM 64

/* Writes the text lrelu prints for v and returns its length: "-" for a
 * negative or -0, then the shortest digits in plain notation ("0.0125",
 * "3", "1500"), or scientific ("1.5e-30") where plain would need more
 * than LR_DEC_PLAIN_ZEROS zeros, exactly as lr_dec_format writes the
 * digits of lr_shortest64/32 in plain notation; "nan", "inf" or "-inf"
 * for the others. out needs LR_PRINT_ROOM bytes. */
size_t lr_print64(double v, char *out);
size_t lr_print32(float v, char *out);

/* For finite v: the exact value of |v| correctly rounded (ties to even)
 * to nsig significant digits (1..40), trailing zeros dropped. dig needs
 * nsig + 1 bytes. Returns the digit count, 0 for a zero. */
int lr_digits64(double v, int nsig, char *dig, int *exp);

#endif
