/*
 * shortest.c - the shortest decimal that reads back as the same binary
 * float, by the Schubfach method (R. Giulietti, "The Schubfach way to
 * render doubles", 2020).
 *
 * A positive float is v = c * 2^q. Every real in its rounding interval
 * R_v (half an ulp either side; the lower half-gap is half as wide at a
 * power of two) reads back as v. Choose k with 10^k <= width(R_v) <
 * 10^(k+1); then R_v holds at least one multiple of 10^k and at most one
 * of 10^(k+1). Scale v and both ends by 10^-k using a 126-bit
 * approximation g of 10^-k (pow10.h), rounded to odd so that the integer
 * part is exact and "is there a fraction" is kept: four times the scaled
 * value is vb, its ends are vbl and vbr. s = floor(vb / 4) and s + 1 are
 * the n-digit candidates around v; the multiples of ten around s are the
 * (n-1)-digit ones. If exactly one (n-1)-digit candidate lies in R_v it
 * is the answer; otherwise the n-digit one in R_v, or the nearer of the
 * two (even on a tie) when both are.
 *
 * Each width of float is only a different (c, q, irregular) triple here,
 * so float64, float32, float16 and bfloat16 share one routine and one
 * table. make check-shortest (tests/shortest_check.c) holds it to
 * strtof, strtod and the C library's %.*e for every float32 and 10^8
 * random float64 values; the unit tests to a slow reference search.
 */
#include "floatfmt.h"

#include "half.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pow10.h"

typedef unsigned __int128 u128;

/* floor(q * log10(2)), floor(log10(3/4 * 2^q)) and floor(k * log2(10)),
 * exact over the ranges used (mkpow10.py proves it). */
static int flog10pow2(int q) { return (int)(((int64_t)q * 661971961083) >> 41); }
static int flog10threequarterspow2(int q)
{
	return (int)(((int64_t)q * 661971961083 - 274743187321) >> 41);
}
static int flog2pow10(int k) { return (int)(((int64_t)k * 913124641741) >> 38); }

/* g * cp / 2^127 rounded to odd: the integer part, with the low bit set
 * when there is a fraction (g = g1 * 2^63 + g0, cp < 2^62). The lowest
 * 64 bits of g0 * cp are dropped, as the method prescribes: that is what
 * cancels the + 1 in g where 10^-k is exact, so exact ties stay ties. */
static inline uint64_t rop(const uint64_t g[2], uint64_t cp)
{
	const uint64_t m63 = ((uint64_t)1 << 63) - 1;
	uint64_t x1 = (uint64_t)(((u128)g[1] * cp) >> 64);
	u128 y = (u128)g[0] * cp;
	uint64_t z = ((uint64_t)y >> 1) + x1;
	uint64_t vbp = (uint64_t)(y >> 64) + (z >> 63);

	return vbp | (((z & m63) + m63) >> 63);
}

/* The same for float32 and narrower (cp < 2^30), where the paper shows
 * 63 bits of g suffice: g1p = g1 + 1 = ceil(g / 2^63). With cp moved up
 * 32 bits, the high half of one product holds the integer part over 32
 * bits of fraction. (make check-shortest checks every float32.) */
static inline uint64_t rop_narrow(uint64_t g1p, uint64_t cp)
{
	const uint64_t m32 = ((uint64_t)1 << 32) - 1;
	uint64_t x = (uint64_t)(((u128)g1p * (cp << 32)) >> 64);

	return (x >> 32) | (((x & m32) + m32) >> 32);
}

/* The shortest decimal s * 10^*k in the rounding interval of c * 2^q
 * (0 < c < 2^60; narrow: c < 2^26). lower_half: the gap below is half
 * the gap above (c is the least significand of a binade, not the least
 * of all). The result may end in zeros. The n-digit answer is picked
 * without a branch; whether the shorter one wins stays a branch, though
 * random data mispredicts it a third of the time: taken speculatively,
 * it lets the digits start before s / 10 is known, which measured
 * faster than a select (the work per value is one long dependency
 * chain, so latency, not instruction count, is what costs). */
static inline __attribute__((always_inline)) uint64_t
schubfach(uint64_t c, int q, int lower_half, int narrow, int *kp)
{
	uint64_t odd = c & 1;
	uint64_t cb = c << 2, cbr = cb + 2, cbl;
	uint64_t vb, vbl, vbr, s, s10, d, mid;
	const uint64_t *g;
	int k, h, uin, win, upin, wpin, up, eq;

	if (lower_half) {
		cbl = cb - 1;
		k = flog10threequarterspow2(q);
	} else {
		cbl = cb - 2;
		k = flog10pow2(q);
	}
	h = q + flog2pow10(-k) + 2;          /* 1..4 */
	g = lr_pow10_g[k - LR_POW10_KMIN];
	if (narrow) {
		uint64_t g1p = g[0] + 1;

		vb = rop_narrow(g1p, cb << h);
		vbl = rop_narrow(g1p, cbl << h);
		vbr = rop_narrow(g1p, cbr << h);
	} else {
		vb = rop(g, cb << h);
		vbl = rop(g, cbl << h);
		vbr = rop(g, cbr << h);
	}
	/* The ends belong to R_v when v's significand is even (ties to
	 * even read back as v). Hence "+ odd" in the tests below. */
	s = vb >> 2;
	/* n digits: s or s + 1, whichever is in R_v, else the nearer (even
	 * on a tie); at least one of them is in R_v */
	uin = vbl + odd <= s << 2;
	win = ((s + 1) << 2) + odd <= vbr;
	mid = (2 * s + 1) << 1;              /* 4 * (s + 1/2) */
	eq = uin == win;
	up = (eq & ((vb > mid) | ((vb == mid) & (int)(s & 1)))) | ((eq ^ 1) & win);
	d = s + (uint64_t)up;
	/* n - 1 digits: the one multiple of ten units in R_v, if there is
	 * exactly one */
	s10 = narrow ? (uint32_t)s / 10u : s / 10;
	upin = vbl + odd <= (s10 * 10) << 2;
	wpin = ((s10 * 10 + 10) << 2) + odd <= vbr;
	if (s >= 10 && upin != wpin) {
		*kp = k + 1;
		return s10 + (uint64_t)wpin;
	}
	*kp = k;
	return d;
}

/* pair[i]: the two decimal digits of i < 100 as byte values, the tens
 * in the low byte. */
static const uint16_t pair[100] = {
#define P(t) (t) | 0 << 8, (t) | 1 << 8, (t) | 2 << 8, (t) | 3 << 8, (t) | 4 << 8, \
	(t) | 5 << 8, (t) | 6 << 8, (t) | 7 << 8, (t) | 8 << 8, (t) | 9 << 8
	P(0), P(1), P(2), P(3), P(4), P(5), P(6), P(7), P(8), P(9)
#undef P
};

/* The eight decimal digits of s < 10^8, zero-padded, as byte values
 * 0..9 in one word, the most significant in the lowest byte. The four
 * pairs are found side by side, not one after another, to keep the
 * chain of dependent steps short: s / 10^4 and s / 100 by
 * multiply-and-shift, then a table. The two quotients are exact below
 * 10^8 and 10^4; make check-shortest prints every integer below 10^8,
 * which passes each s without trailing zeros through here. */
static inline uint64_t digits8(uint32_t s)
{
	uint32_t hi = (uint32_t)((uint64_t)s * 109951163u >> 40);   /* s / 10^4 */
	uint32_t lo = s - hi * 10000u;
	uint32_t hh = hi * 10486u >> 20, lh = lo * 10486u >> 20;       /* / 100 */

	return (uint64_t)pair[hh] | (uint64_t)pair[hi - hh * 100u] << 16 |
	       (uint64_t)pair[lh] << 32 | (uint64_t)pair[lo - lh * 100u] << 48;
}

/* Stores the two words' bytes as ASCII digits at p[0..16), lo's lowest
 * byte first: one 16-byte store where there is one, so that any load of
 * the digits that follows finds them in a single store. */
static inline void store16(char *p, uint64_t lo, uint64_t hi)
{
	const uint64_t ascii = 0x3030303030303030u;
#if defined(__SSE2__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	_mm_storeu_si128((__m128i *)(void *)p,
			 _mm_set_epi64x((long long)(hi + ascii), (long long)(lo + ascii)));
#else
	for (int i = 0; i < 8; i++) {
		p[i] = (char)((lo + ascii) >> 8 * i);
		p[8 + i] = (char)((hi + ascii) >> 8 * i);
	}
#endif
}

static const uint64_t pow10u[18] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
	100000000u, 1000000000u, 10000000000u, 100000000000u, 1000000000000u,
	10000000000000u, 100000000000000u, 1000000000000000u,
	10000000000000000u, 100000000000000000u
};

/* The number of decimal digits of 0 < s < 10^17: from its bit length,
 * bits * 1233 / 4096 (log10(2) from below) is the digit count of 2^bits
 * or one less, and one comparison settles it. */
static inline int ndigits(uint64_t s)
{
	int t = (64 - __builtin_clzll(s)) * 1233 >> 12;

	return t + (s >= pow10u[t]);
}

/*
 * put_digits9 and put_digits17 write the digits of s without trailing
 * zeros (those go into *exp) and return their count. s is laid out as
 * a lead digit h0 and a tail of one or two words of eight digits. The
 * digits are shifted down past the leading zeros and stored from dig[0]
 * with one 16-byte store (and a byte for a 17th digit). The trailing
 * zeros are the zero bytes at the top of the tail. No length decides a
 * branch or a loop; the single store means an encoder's loads of the
 * digits right after are forwarded from it, not stalled on a mix of
 * smaller stores.
 */

/* 0 < s < 10^9; writes 16 bytes. */
static inline int put_digits9(uint64_t s, int k, char *dig, int *exp)
{
	int n = ndigits(s), z;
	uint32_t h0 = (uint32_t)s / 100000000u;
	uint64_t t = digits8((uint32_t)s - h0 * 100000000u);
	uint64_t v = n == 9 ? h0 | t << 8 : t >> 8 * (8 - n);

	z = t ? __builtin_clzll(t) / 8 : 8;
	store16(dig, v, n == 9 ? t >> 56 : 0);
	*exp = k + z;
	return n - z;
}

/* 0 < s < 10^17; writes 17 bytes. */
static inline int put_digits17(uint64_t s, int k, char *dig, int *exp)
{
	int n = ndigits(s), z;
	uint64_t hi = s / 100000000u, lo = s - hi * 100000000u;
	uint32_t h0 = (uint32_t)(hi / 100000000u);
	u128 t = digits8((uint32_t)(hi - h0 * 100000000u)) | (u128)digits8((uint32_t)lo) << 64;
	u128 v = n == 17 ? h0 | t << 8 : t >> 8 * (16 - n);
	uint64_t th = (uint64_t)(t >> 64), tl = (uint64_t)t;

	z = th ? __builtin_clzll(th) / 8 : tl ? 8 + __builtin_clzll(tl) / 8 : 16;
	store16(dig, (uint64_t)v, (uint64_t)(v >> 64));
	dig[16] = (char)('0' + (th >> 56));
	*exp = k + z;
	return n - z;
}

/* A binary float with mbits fraction bits and the given exponent field
 * width, from its bits (sign ignored). */
static inline __attribute__((always_inline)) int
shortest_bits(uint64_t bits, int mbits, int ebits, char *dig, int *exp)
{
	uint64_t frac = bits & (((uint64_t)1 << mbits) - 1);
	int bexp = (int)((bits >> mbits) & ((1u << ebits) - 1));
	int bias = (1 << (ebits - 1)) - 1;
	int qmin = 1 - bias - mbits;         /* the exponent of subnormals */
	int narrow = mbits <= 23;
	uint64_t c, d;
	int q, k;

	if (bexp == 0) {
		if (frac == 0) {
			*exp = 0;
			return 0;
		}
		d = schubfach(frac, qmin, 0, narrow, &k);
	} else {
		c = frac | (uint64_t)1 << mbits;
		q = bexp - 1 + qmin;
		if (q < 0 && q > -mbits - 1 && (c & (((uint64_t)1 << -q) - 1)) == 0) {
			d = c >> -q;         /* an integer below 2^(mbits+1) */
			k = 0;
		} else
			d = schubfach(c, q, frac == 0 && bexp > 1, narrow, &k);
	}
	return narrow ? put_digits9(d, k, dig, exp) : put_digits17(d, k, dig, exp);
}

int lr_shortest64(double v, char *dig, int *exp)
{
	uint64_t b;

	memcpy(&b, &v, sizeof b);
	return shortest_bits(b, 52, 11, dig, exp);
}

int lr_shortest32(float v, char *dig, int *exp)
{
	uint32_t b;

	memcpy(&b, &v, sizeof b);
	return shortest_bits(b, 23, 8, dig, exp);
}

int lr_shortest_narrow(float v, int bf16, char *dig, int *exp)
{
	if (bf16)
		return shortest_bits(lr_f32_to_bf16(v), 7, 8, dig, exp);
	return shortest_bits(lr_f32_to_f16(v), 10, 5, dig, exp);
}
