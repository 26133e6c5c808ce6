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
static uint64_t rop(const uint64_t g[2], uint64_t cp)
{
	const uint64_t m63 = ((uint64_t)1 << 63) - 1;
	uint64_t x1 = (uint64_t)(((u128)g[1] * cp) >> 64);
	u128 y = (u128)g[0] * cp;
	uint64_t z = ((uint64_t)y >> 1) + x1;
	uint64_t vbp = (uint64_t)(y >> 64) + (z >> 63);

	return vbp | (((z & m63) + m63) >> 63);
}

/* The shortest decimal s * 10^*k in the rounding interval of c * 2^q
 * (0 < c < 2^60). lower_half: the gap below is half the gap above (c is
 * the least significand of a binade, not the least of all). *zeros is
 * set when the result may end in zeros: a shorter candidate always does;
 * an n-digit one never does when s >= 10 (it would be the shorter one,
 * and R_v cannot hold two multiples of ten units). */
static inline __attribute__((always_inline)) uint64_t
schubfach(uint64_t c, int q, int lower_half, int *kp, int *zeros)
{
	int even = (c & 1) == 0;
	uint64_t cb = c << 2, cbr = cb + 2, cbl;
	uint64_t vb, vbl, vbr, s, t;
	const uint64_t *g;
	int k, h;

	if (lower_half) {
		cbl = cb - 1;
		k = flog10threequarterspow2(q);
	} else {
		cbl = cb - 2;
		k = flog10pow2(q);
	}
	h = q + flog2pow10(-k) + 2;          /* 1..4 */
	g = lr_pow10_g[k - LR_POW10_KMIN];
	vb = rop(g, cb << h);
	vbl = rop(g, cbl << h);
	vbr = rop(g, cbr << h);
	/* The ends belong to R_v when v's significand is even (ties to
	 * even read back as v). Hence "+ !even" in the tests below. */
	s = vb >> 2;
	if (s >= 10) {
		uint64_t sp10 = s / 10 * 10, tp10 = sp10 + 10;
		int upin = vbl + !even <= sp10 << 2;
		int wpin = (tp10 << 2) + !even <= vbr;

		if (upin != wpin) {
			*kp = k;
			*zeros = 1;
			return upin ? sp10 : tp10;
		}
	}
	t = s + 1;
	*zeros = s < 10;
	{
		int uin = vbl + !even <= s << 2;
		int win = (t << 2) + !even <= vbr;
		uint64_t mid;

		*kp = k;
		if (uin != win)
			return uin ? s : t;
		mid = (s + t) << 1;              /* 4 * (s + 1/2) */
		return vb < mid || (vb == mid && (s & 1) == 0) ? s : t;
	}
}

static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Writes the 8 digits of s < 10^8, zero-padded, at p. s * ceil(2^48 /
 * 10^6) holds s / 10^6 in 16.48 fixed point, a little high but by less
 * than the 10^-6 that separates its fractions; each further pair is the
 * integer part of the fraction times 100. (Every s below 10^8 was
 * checked so once; make check-shortest prints every integer below 10^8,
 * which passes each s without trailing zeros through here.) */
static void put8(char *p, uint32_t s)
{
	const uint64_t mask = ((uint64_t)1 << 48) - 1;
	uint64_t t = (uint64_t)s * 281474977u;
	int i;

	for (i = 0; i < 4; i++) {
		memcpy(p + 2 * i, pairs + 2 * (t >> 48), 2);
		t = (t & mask) * 100;
	}
}

static const uint64_t pow10u[17] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
	100000000u, 1000000000u, 10000000000u, 100000000000u, 1000000000000u,
	10000000000000u, 100000000000000u, 1000000000000000u, 10000000000000000u
};

/* Writes s's digits (0 < s < 10^17), dropping trailing zeros into *exp
 * if zeros is set. Returns the count. The multiples of ten come from
 * the shorter candidates, often with many zeros: strip eight, four,
 * two, one at a time. */
static inline __attribute__((always_inline)) int
put_digits(uint64_t s, int k, int zeros, char *dig, int *exp)
{
	char tmp[24];
	uint64_t hi;
	int n;

	if (zeros) {
		while (s % 100000000 == 0) {
			s /= 100000000;
			k += 8;
		}
		if (s % 10000 == 0) {
			s /= 10000;
			k += 4;
		}
		if (s % 100 == 0) {
			s /= 100;
			k += 2;
		}
		if (s % 10 == 0) {
			s /= 10;
			k += 1;
		}
	}
	*exp = k;
	if (s < 100000000) {
		n = s < 10000 ? (s < 100 ? (s < 10 ? 1 : 2) : (s < 1000 ? 3 : 4))
		    : (s < 1000000 ? (s < 100000 ? 5 : 6) : (s < 10000000 ? 7 : 8));
		put8(tmp, (uint32_t)s);
		memcpy(dig, tmp + 8 - n, (size_t)n);
		return n;
	}
	/* up to 17 digits: one, then two groups of eight */
	hi = s / 100000000;
	tmp[7] = (char)('0' + hi / 100000000);
	put8(tmp + 8, (uint32_t)(hi % 100000000));
	put8(tmp + 16, (uint32_t)(s - hi * 100000000));
	n = s >= 10000000000000000u ? 17 : 16;
	if (s < 1000000000000000u) {
		n = 9;
		while (s >= pow10u[n])
			n++;
	}
	memcpy(dig, tmp + 24 - n, (size_t)n);
	return n;
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
	uint64_t c, d;
	int q, k, zeros;

	if (bexp == 0) {
		if (frac == 0) {
			*exp = 0;
			return 0;
		}
		d = schubfach(frac, qmin, 0, &k, &zeros);
		return put_digits(d, k, zeros, dig, exp);
	}
	c = frac | (uint64_t)1 << mbits;
	q = bexp - 1 + qmin;
	/* An integer below 2^mbits+1 prints as itself. */
	if (q < 0 && q > -mbits - 1 && (c & (((uint64_t)1 << -q) - 1)) == 0)
		return put_digits(c >> -q, 0, 1, dig, exp);
	d = schubfach(c, q, frac == 0 && bexp > 1, &k, &zeros);
	return put_digits(d, k, zeros, dig, exp);
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
