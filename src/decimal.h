/*
 * decimal.h - exact decimal numbers for text input: parse a number's text
 * into sign, digits and exponent, multiply or divide it by a short decimal
 * (the slope) exactly, round, and write it back. No I/O, no malloc.
 */
#ifndef LR_DECIMAL_H
#define LR_DECIMAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "paths.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Most significant digits a text number may carry (leading zeros and
 * trailing zeros of the significand do not count). */
#define LR_DEC_MAXDIG 1024

/* Largest magnitude of a number's exponent E, written d.ddd x 10^E, accepted
 * in number text. */
#define LR_DEC_MAXEXP 999999999

/* Room a result may need beyond the input's digits: slope digits, the
 * quotient's extra digits, padding zeros, sign, point and exponent. */
#define LR_DEC_SLACK 192

enum lr_dec_kind { LR_DEC_FINITE, LR_DEC_INF, LR_DEC_NAN };

/* Parse flags. */
#define LR_DEC_JSON 1 /* RFC 8259 grammar only: no '+', no '.5', no nan/inf */

/* Parse results. */
#define LR_DEC_OK 0
#define LR_DEC_EINVAL -1 /* not a number */
#define LR_DEC_ERANGE -2 /* too many digits or exponent too large */

/* How a number was written, so that a result can be written alike. */
struct lr_notation {
	unsigned char sci;   /* had an exponent */
	unsigned char echar; /* 'e' or 'E' */
	unsigned char eplus; /* exponent written with an explicit '+' */
};

/* A decimal number: value = (-1)^neg * dig * 10^exp, where dig is the
 * ASCII digit string dig[0..ndig). Normalised: no leading or trailing
 * zeros in dig; zero has ndig == 0 and exp == 0 but keeps its sign. */
struct lr_dec {
	unsigned char neg;
	unsigned char kind; /* enum lr_dec_kind */
	struct lr_notation nt;
	int32_t ndig;
	int64_t exp;
	char dig[LR_DEC_MAXDIG + LR_DEC_SLACK];
};

/* A short decimal such as a slope: (-1)^neg * m * 10^exp with m < 10^19
 * and no trailing zeros in m (m == 0 for zero). */
struct lr_small {
	unsigned char neg;
	uint64_t m;
	int32_t exp;
};

/* Parses s[0..n) (no surrounding space) into *d. Returns LR_DEC_OK,
 * LR_DEC_EINVAL or LR_DEC_ERANGE; *d is meaningful only on LR_DEC_OK. */
int lr_dec_parse(struct lr_dec *d, const char *s, size_t n, unsigned flags);

/* The common shape "[-+]digits[.digits]" with at most 19 significant
 * digits, read without the general parser: sets *neg, and *m and *exp
 * with value = m * 10^exp. Returns 0, or -1 for any other text (which
 * lr_dec_parse then judges). s[n..n + 16) must be readable too. */
int lr_dec_parse_simple(const char *s, size_t n, int *neg, uint64_t *m, int *exp);

/* Non-zero if s[0..n) is "[+]digits[.digits]" with a non-zero digit:
 * a positive number in the common shape, of any length. Zero otherwise,
 * which says nothing either way. */
int lr_dec_is_plain_positive(const char *s, size_t n);

/* Writes (-1)^neg * m * 10^exp * a exactly, in plain notation as
 * lr_dec_format would, to out (at least 64 bytes); returns the length. */
size_t lr_dec_mul_simple(int neg, uint64_t m, int exp, const struct lr_small *a, char *out);

/* What dividing by a slope a > 0 needs, made once (lr_dec_divisor):
 * a->m's odd part (its factors other than 2 and 5), and 1 / (a->m /
 * odd) as a short decimal when that is below 2^64 (recip.m 0 if not). */
struct lr_divisor {
	uint64_t odd;
	struct lr_small recip; /* 10^-a->exp / (a->m / odd), exactly */
};

void lr_dec_divisor(struct lr_divisor *dv, const struct lr_small *a);

/* Writes (-1)^neg * m * 10^exp / a as lr_dec_div with 17 digits and
 * lr_dec_format in plain notation would: exact when the quotient
 * terminates, else correctly rounded to 17 significant digits. dv is
 * a's, a > 0. Returns the length, or 0 for a quotient it leaves to
 * lr_dec_div (one that terminates past 64-bit arithmetic). out needs 64
 * bytes. */
size_t lr_dec_div_simple(int neg, uint64_t m, int exp, const struct lr_small *a,
			 const struct lr_divisor *dv, char *out);

/* The same quotient into *out (as lr_dec_div(out, x, a, nsig) gives it
 * for x = (-1)^neg * m * 10^exp): exact when it terminates, else
 * correctly rounded to nsig <= 17 digits. Returns 1, or 0 for a
 * quotient it leaves to lr_dec_div. */
int lr_dec_div_u64(struct lr_dec *out, int neg, uint64_t m, int exp, const struct lr_small *a,
		   const struct lr_divisor *dv, int nsig);

/* For a slope a that is a power of ten (a->m == 1): writes s[0..n) * a
 * as lr_dec_mul_simple would, by moving the decimal point in the text,
 * when s is "[-+]digits[.digits]" with at most 19 digits; returns the
 * length, or 0 (nothing written that counts) for any other text. out
 * needs 64 bytes. */
size_t lr_dec_mul_pow10(const char *s, size_t n, const struct lr_small *a, char *out);

/* For the unit test: the 8 digits of n < 10^8, zero-padded, to out;
 * returns 8. */
int lr_dec_eight_digits_(uint32_t n, char *out);

/* Parses a slope-like number into *a: finite, at most 19 significant
 * digits. Returns LR_DEC_OK, LR_DEC_EINVAL or LR_DEC_ERANGE. */
int lr_small_parse(struct lr_small *a, const char *s, size_t n);

/* Sets *d to the value of *a. */
void lr_dec_from_small(struct lr_dec *d, const struct lr_small *a);

/* *out = x * a exactly. x must be finite; out must not alias x. */
void lr_dec_mul(struct lr_dec *out, const struct lr_dec *x, const struct lr_small *a);

/* The same for x = (-1)^neg * m * 10^exp as lr_dec_parse_simple reads
 * it (plain notation), without the digits of x. */
void lr_dec_mul_u64(struct lr_dec *out, int neg, uint64_t m, int exp, const struct lr_small *a);

/* *out = x / a for a != 0. Exact when the quotient terminates; otherwise
 * correctly rounded to nsig significant digits. x must be finite; out
 * must not alias x. */
void lr_dec_div(struct lr_dec *out, const struct lr_dec *x, const struct lr_small *a, int nsig);

/* Rounds *d in place to nsig significant digits, ties to even. */
void lr_dec_round(struct lr_dec *d, int nsig);

/* Writes finite *d in notation nt (plain unless nt->sci; plain falls back
 * to scientific when it would need more than LR_DEC_PLAIN_ZEROS padding
 * zeros). out needs d->ndig + 48 bytes; no NUL is written. Returns the
 * length written. */
#define LR_DEC_PLAIN_ZEROS 20
size_t lr_dec_format(const struct lr_dec *d, const struct lr_notation *nt, char *out);

/* ---- inline: the hot path of rows of numbers (calc.c) ---- */

/* Sixteen bytes, fixed-size: one move where the target has them. */
static inline void lr_dec_copy16_(char *d, const char *s)
{
	memcpy(d, s, 16);
}

/* Writes the significant digits of s from the i-th on (no point; first
 * is the first one's place, dot the point's, inside whether the point
 * is between the first and the last) to o, in 16-byte moves straight
 * from s: no load of what was just stored, which would wait for it. */
static inline void lr_dec_digits_from_(char *o, const char *s, size_t first, size_t dot, int inside,
				   size_t i)
{
	size_t j = first + i;

	if (inside && j >= dot) {
		lr_dec_copy16_(o, s + j + 1);
		return;
	}
	lr_dec_copy16_(o, s + j);
	if (inside)
		lr_dec_copy16_(o + (dot - j), s + dot + 1);
}

/* lr_dec_shift_negative's work; checked says whether s's shape is to
 * be checked or is known. */
static inline __attribute__((always_inline)) size_t
lr_dec_shift_(const char *s, size_t n, int k, char *out, int checked)
{
	static const char zeros[32] = "-0.00000000000000000000000000000";
	unsigned valid, pts, nzs, digs;
	size_t dot, first, last, nd;
	long e, point;
	int inside;

	if (n > 16)
		return 0;
	valid = (1u << n) - 1;
#ifdef __SSE2__
	if (lr_simd()) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i below10 = _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1));

		pts = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
		digs = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)), below10));
		nzs = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpgt_epi8(x, _mm_set1_epi8('0')), below10));
	} else
#endif
	{
		pts = nzs = digs = 0;
		for (int i = 0; i < 16; i++) {
			pts |= (unsigned)(s[i] == '.') << i;
			digs |= (unsigned)(s[i] >= '0' && s[i] <= '9') << i;
			nzs |= (unsigned)(s[i] > '0' && s[i] <= '9') << i;
		}
	}
	pts &= valid;
	nzs &= valid;
	/* digits and at most one point; and not a zero */
	if ((checked && (((pts | digs) & valid) != valid || (pts & (pts - 1)))) || !nzs)
		return 0;
	/* The significant digits run from first to last, across the point
	 * if it is inside; the value is those digits times 10^e. */
	dot = pts ? (size_t)__builtin_ctz(pts) : n;
	first = (size_t)__builtin_ctz(nzs);
	last = (size_t)(31 - __builtin_clz(nzs));
	inside = first < dot && dot < last;
	nd = last - first + 1 - (size_t)inside;
	e = (long)k + (long)dot - (long)last - (last < dot);
	point = (long)nd + e;                    /* digits before the point */
	/* lr_dec_mul_pow10's layouts */
	if (e >= 0) {
		if (e > LR_DEC_PLAIN_ZEROS)
			return 0;
		out[0] = '-';
		lr_dec_digits_from_(out + 1, s, first, dot, inside, 0);
		memcpy(out + 1 + nd, zeros + 3, 29);
		return 1 + nd + (size_t)e;
	}
	if (point > 0) {
		out[0] = '-';
		lr_dec_digits_from_(out + 1, s, first, dot, inside, 0);
		out[1 + point] = '.';
		lr_dec_digits_from_(out + 2 + point, s, first, dot, inside, (size_t)point);
		return nd + 2;
	}
	if (-point > LR_DEC_PLAIN_ZEROS)
		return 0;
	memcpy(out, zeros, sizeof zeros);
	lr_dec_digits_from_(out + 3 - point, s, first, dot, inside, 0);
	return (size_t)(3 - point) + nd;
}

/* The common case of lr_dec_mul_pow10, a negative number times 10^k
 * (|k| <= LR_DEC_MAXEXP), without a scan: s[0..n) is the text after the
 * number's '-'. Writes what lr_dec_mul_pow10 writes for the slope 10^k
 * and returns the length, if s is at most 16 digits with at most one
 * point, a digit is not zero, and the result needs at most
 * LR_DEC_PLAIN_ZEROS zeros; else returns 0. Reads s[0..n + 16) and may
 * write out[0..64) whatever the length. Inline: it runs for each
 * negative number by a power of ten. */
static inline __attribute__((always_inline)) size_t
lr_dec_shift_negative(const char *s, size_t n, int k, char *out)
{
	return lr_dec_shift_(s, n, k, out, 1);
}

/* The same where s is known to be digits with at most one point (a
 * number of a SPAN cell): the shape is not checked again. */
static inline __attribute__((always_inline)) size_t
lr_dec_shift_negative_plain(const char *s, size_t n, int k, char *out)
{
	return lr_dec_shift_(s, n, k, out, 0);
}

#endif
