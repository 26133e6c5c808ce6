/*
 * readfloat.c - w * 10^q to the nearest float, the way D. Lemire's
 * "Number Parsing at a Gigabyte per Second" (2021) describes after M.
 * Eisel: with w normalised to 64 bits, one 64x64-bit product by the
 * high half of a 128-bit approximation of 5^q gives the float's
 * significand with bits to spare; only when the spare bits are all ones
 * does the low half of the approximation take part. The power of two
 * comes from q alone. Exact halfway cases can only occur for a few q,
 * where the product shows them exactly. Values that would be
 * subnormal, and products still undecided, go back to the caller.
 * Small integers times small powers of ten take one correctly rounded
 * multiply or divide first (W. D. Clinger, 1990).
 */
#include "readfloat.h"

#include <string.h>

#include "pow5.h"

typedef unsigned __int128 u128;

struct binary_format {
	int mbits;            /* stored significand bits */
	int bias;             /* exponent bias */
	int even_qmin, even_qmax; /* the q where exact halfway cases can occur */
	int qmin, qmax;       /* below: zero; above: infinity (for w < 2^64) */
};

static const struct binary_format f64 = { 52, 1023, -4, 23, -342, 308 };
static const struct binary_format f32 = { 23, 127, -17, 10, -65, 38 };

/* The bits of w * 10^q in format f; 0 if undecided (a return of 1). */
static int eisel_lemire(const struct binary_format *f, uint64_t w, int64_t q, uint64_t *bits)
{
	const uint64_t *t;
	const uint64_t mask = ~(uint64_t)0 >> (f->mbits + 3);
	uint64_t hi, lo, m;
	int lz, upper, shift;
	int64_t p2;
	u128 z;

	if (w == 0 || q < f->qmin) {
		*bits = 0;
		return 1;
	}
	if (q > f->qmax) {
		*bits = (uint64_t)(2 * f->bias + 1) << f->mbits;
		return 1;
	}
	lz = __builtin_clzll(w);
	w <<= lz;
	t = lr_pow5[q - LR_POW5_QMIN];
	z = (u128)w * t[0];
	hi = (uint64_t)(z >> 64);
	lo = (uint64_t)z;
	if ((hi & mask) == mask) {
		/* the spare bits do not decide: bring in the low half */
		uint64_t add = (uint64_t)(((u128)w * t[1]) >> 64);

		lo += add;
		hi += lo < add;
		if ((hi & mask) == mask && lo == ~(uint64_t)0)
			return 0;
	}
	upper = (int)(hi >> 63);
	shift = upper + 64 - f->mbits - 3;
	m = hi >> shift;
	/* floor(q * log2(10)) + 63, exact over the range of q */
	p2 = ((217706 * q) >> 16) + 63 + upper - lz + f->bias;
	if (p2 <= 0)
		return 0; /* subnormal: strtod decides */
	if (lo <= 1 && q >= f->even_qmin && q <= f->even_qmax && (m & 3) == 1 && (m << shift) == hi)
		m &= ~(uint64_t)1; /* exactly halfway: to even */
	m += m & 1;
	m >>= 1;
	if (m >= (uint64_t)2 << f->mbits) {
		m = (uint64_t)1 << f->mbits;
		p2++;
	}
	if (p2 >= 2 * f->bias + 1) {
		*bits = (uint64_t)(2 * f->bias + 1) << f->mbits;
		return 1;
	}
	*bits = (m & ~((uint64_t)1 << f->mbits)) | (uint64_t)p2 << f->mbits;
	return 1;
}

int lr_read64(uint64_t w, int64_t q, double *out)
{
	static const double p10[23] = {
		1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	};
	uint64_t bits;

	if (w <= (uint64_t)1 << 53 && q >= -22 && q <= 22) {
		/* both exact: one correctly rounded operation */
		*out = q < 0 ? (double)w / p10[-q] : (double)w * p10[q];
		return 1;
	}
	if (!eisel_lemire(&f64, w, q, &bits))
		return 0;
	memcpy(out, &bits, sizeof bits);
	return 1;
}

int lr_read32(uint64_t w, int64_t q, float *out)
{
	static const float p10[11] = { 1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f,
				       1e6f, 1e7f, 1e8f, 1e9f, 1e10f };
	uint64_t bits;
	uint32_t b32;

	if (w <= (uint64_t)1 << 24 && q >= -10 && q <= 10) {
		*out = q < 0 ? (float)w / p10[-q] : (float)w * p10[q];
		return 1;
	}
	if (!eisel_lemire(&f32, w, q, &bits))
		return 0;
	b32 = (uint32_t)bits;
	memcpy(out, &b32, sizeof b32);
	return 1;
}
