/*
 * shortest.c - the shortest decimal that reads back as the same binary
 * float, by the Schubfach method (R. Giulietti, "The Schubfach way to
 * render doubles", 2020), and for the common float32 and float64 values
 * by the Dragonbox method (J. Jeon, "Dragonbox: A new floating-point
 * binary-to-decimal conversion algorithm", 2020), which finds the same
 * digits with one product where Schubfach takes three.
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
 * Each width of float is only a different (c, q, irregular) triple to
 * Schubfach, so float64, float32, float16 and bfloat16 share one routine
 * and one table; it takes the floats Dragonbox does not (subnormals, the
 * least significand of a binade, float16 and bfloat16). make
 * check-shortest (tests/shortest_check.c) holds both to strtof, strtod and
 * the C library's %.*e for every float32 and 10^8 random float64 values;
 * the unit tests to a slow reference search.
 */
#include "floatfmt.h"

#include "half.h"
#include "paths.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "decimal.h"
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

/*
 * Dragonbox, for a normal float v = fc * 2^e whose gaps either side are
 * equal (fc is not the least of its binade).
 *
 * Scale by 10^k, k = kappa - floor(e * log10(2)), with phi(k) (pow10.h,
 * rounded up): the rounding interval's width becomes W = 2^e * 10^k in
 * [10^kappa, 10^(kappa+1)), and its upper end Z = (2fc + 1) * 2^(e-1) *
 * 10^k. Step 1 looks for the one multiple of D = 10^(kappa+1) that can
 * lie in [Z - W, Z]: with zi = floor(Z), s = zi / D and r = zi mod D,
 * s * D is in the interval when r < floor(W) (but for the upper end
 * itself, which only an even fc includes), not when r > floor(W), and
 * when r = floor(W) the parity of floor((2fc - 1) * 2^(e-1) * 10^k)
 * tells: that floor is s * D or s * D - 1, and D is even. Otherwise step
 * 2 rounds v * 10^k to the nearest multiple of d = 10^kappa: v = Z - W/2,
 * so the estimate (r - floor(W)/2 + d/2) / d is exact except when it
 * divides evenly, where the parity of floor(v * 10^k) (and whether that
 * is an integer, for ties to even) settles it. The paper proves the
 * 128-bit (float64) and 64-bit (float32) tables, kappa = 2 and 1 and the
 * fraction tests below exact for every float of the width; make
 * check-shortest confirms it for every float32.
 *
 * mul_* give floor(u * phi / 2^Q) (Q = the table's width) and whether
 * its fraction is zero; parity_* give bit 0 of floor(u * phi / 2^(Q -
 * beta)) and whether the bits below it are zero, from the low Q bits.
 */
static inline uint64_t mul_wide(uint64_t u, const uint64_t phi[2], int *is_int)
{
	u128 up = (u128)u * phi[0] + (uint64_t)(((u128)u * phi[1]) >> 64);

	*is_int = (uint64_t)up == 0;
	return (uint64_t)(up >> 64);
}

static inline int parity_wide(uint64_t u, const uint64_t phi[2], int beta, int *is_int)
{
	u128 lo = (u128)u * phi[1];
	uint64_t h = u * phi[0] + (uint64_t)(lo >> 64), l = (uint64_t)lo;

	*is_int = ((h << beta) | (l >> (64 - beta))) == 0;
	return (int)(h >> (64 - beta)) & 1;
}

static inline uint64_t mul_narrow(uint64_t u, uint64_t phi, int *is_int)
{
	u128 p = (u128)u * phi;

	*is_int = (uint32_t)(p >> 32) == 0;
	return (uint64_t)(p >> 64);
}

static inline int parity_narrow(uint64_t u, uint64_t phi, int beta, int *is_int)
{
	uint64_t p = u * phi;

	*is_int = (uint32_t)((p << beta) >> 32) == 0;
	return (int)(p >> (64 - beta)) & 1;
}

/* The shortest decimal s * 10^*kp in the rounding interval of fc * 2^e;
 * narrow: a float32, whose exponent field is e + 150. The result may end
 * in zeros. Which step answers is a branch, though random data
 * mispredicts it about a third of the time: a select, which has to wait
 * for both steps, measured slower. */
static inline __attribute__((always_inline)) uint64_t
dragonbox(uint64_t fc, int e, int narrow, int *kp)
{
	const int kappa = narrow ? 1 : 2;
	const uint64_t D = narrow ? 100 : 1000, d = D / 10;
	const struct lr_dbox32 *t32 = &lr_dbox32[narrow ? e + 149 : 0];
	int minus_k = narrow ? t32->minus_k : flog10pow2(e) - kappa;
	int beta = narrow ? t32->beta : e + flog2pow10(-minus_k);
	const uint64_t *phi = narrow ? &t32->phi : lr_dbox64[-minus_k - LR_DBOX64_KMIN];
	uint64_t u = (2 * fc + 1) << beta, delta = phi[0] >> (63 - beta);
	int zint, pint, par, even = (fc & 1) == 0;
	uint64_t zi = narrow ? (uint64_t)(((u128)u * phi[0]) >> 64) : mul_wide(u, phi, &zint);
	/* narrow: zi < 2^32, where 32-bit division by a constant is cheaper */
	uint64_t s = narrow ? (uint32_t)zi / (uint32_t)D : zi / D;
	uint64_t r = zi - s * D, y;
	uint32_t dist;

	if (r < delta) {
		if (r != 0 || even)
			goto found;
		/* r = 0: whether zi is the upper end exactly */
		if (narrow)
			mul_narrow(u, phi[0], &zint);
		else
			mul_wide(u, phi, &zint);
		if (!zint)
			goto found;
		s--;                 /* the upper end itself, excluded */
		r = D;
	} else if (r == delta) {
		par = narrow ? parity_narrow(2 * fc - 1, phi[0], beta, &pint)
			     : parity_wide(2 * fc - 1, phi, beta, &pint);
		if (par | (pint & even))
			goto found;
	}
	*kp = minus_k + kappa;
	dist = (uint32_t)(r - (delta >> 1) + d / 2);   /* r <= D: small */
	y = s * 10 + dist / (uint32_t)d;
	if (dist % (uint32_t)d == 0) {
		par = narrow ? parity_narrow(2 * fc, phi[0], beta, &pint)
			     : parity_wide(2 * fc, phi, beta, &pint);
		if (par != (int)((dist ^ (d / 2)) & 1) || (pint & (int)(y & 1)))
			y--;
	}
	return y;
found:
	*kp = minus_k + kappa + 1;
	return s;
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
	if (lr_simd()) {
		_mm_storeu_si128((__m128i *)(void *)p,
				 _mm_set_epi64x((long long)(hi + ascii), (long long)(lo + ascii)));
	} else
#endif
	{
		for (int i = 0; i < 8; i++) {
			p[i] = (char)((lo + ascii) >> 8 * i);
			p[8 + i] = (char)((hi + ascii) >> 8 * i);
		}
	}
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
 * put9 and put17 write the digits of s without trailing zeros (those go
 * into *exp) and return their count; no length decides a branch or a
 * loop. put9 takes 0 < s < 10^9 and writes 16 bytes: a lead digit and a
 * word of eight, shifted down past the leading zeros (the digit count
 * comes from the bit length, beside the digits, not after them). put17
 * takes 10^16 <= s < 10^17, exactly 17 digits, so nothing moves: a lead
 * digit and sixteen, 17 bytes. Either way the trailing zeros are the
 * zero bytes at the end.
 */
static inline int put9n(uint64_t s, int n, int k, char *dig, int *exp)
{
	int z;
	uint32_t h0 = (uint32_t)s / 100000000u;
	uint64_t t = digits8((uint32_t)s - h0 * 100000000u);
	uint64_t v = n == 9 ? h0 | t << 8 : t >> 8 * (8 - n);

	z = t ? __builtin_clzll(t) / 8 : 8;
	store16(dig, v, n == 9 ? t >> 56 : 0);
	*exp = k + z;
	return n - z;
}

static inline int put9(uint64_t s, int k, char *dig, int *exp)
{
	return put9n(s, ndigits(s), k, dig, exp);
}

static inline __attribute__((always_inline)) int put17(uint64_t s, int k, char *dig, int *exp)
{
	uint64_t h0 = s / 10000000000000000u, hi, lo;
	int z;

	s -= h0 * 10000000000000000u;
	hi = s / 100000000u;
	lo = s - hi * 100000000u;
#if defined(__SSE2__)
	if (lr_simd()) {
		/* The sixteen digits of hi and lo in the bytes of one vector:
		 * the four 4-digit groups in 32-bit lanes (/ 10^4 by a
		 * multiply exact for any 32-bit lane), each split into two
		 * 2-digit groups in 16-bit lanes (/ 100, exact below 2^16 /
		 * 5243 * 100 > 10^4), then into digits in bytes (/ 10, exact
		 * below 100); the quotients are small enough not to reach into
		 * the next lane. */
		__m128i x = _mm_set_epi64x((long long)lo, (long long)hi);
		__m128i q = _mm_srli_epi64(_mm_mul_epu32(x, _mm_set1_epi32((int)0xd1b71759)), 45);
		__m128i r = _mm_sub_epi32(x, _mm_mul_epu32(q, _mm_set1_epi32(10000)));
		__m128i v = _mm_or_si128(q, _mm_slli_epi64(r, 32));
		__m128i c = _mm_srli_epi16(_mm_mulhi_epu16(v, _mm_set1_epi32(5243)), 3);

		v = _mm_or_si128(c, _mm_slli_epi32(_mm_sub_epi16(v, _mm_mullo_epi16(c, _mm_set1_epi32(100))), 16));
		c = _mm_mulhi_epu16(v, _mm_set1_epi16(6554));
		v = _mm_or_si128(c, _mm_slli_epi16(_mm_sub_epi16(v, _mm_mullo_epi16(c, _mm_set1_epi16(10))), 8));
		/* trailing zeros: the zero bytes at the top; 0x8000 stands for
		 * the lead digit, never zero */
		z = __builtin_clz((unsigned)(~_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) & 0xffff) << 16 | 0x8000u);
		dig[16] = (char)('0' + (_mm_extract_epi16(v, 7) >> 8));
		v = _mm_or_si128(_mm_slli_si128(v, 1), _mm_cvtsi32_si128((int)h0));
		_mm_storeu_si128((__m128i *)(void *)dig, _mm_add_epi8(v, _mm_set1_epi8('0')));
	} else
#endif
	{
		uint64_t th = digits8((uint32_t)hi), tl = digits8((uint32_t)lo);

		z = lo ? __builtin_clzll(tl) / 8 : hi ? 8 + __builtin_clzll(th) / 8 : 16;
		store16(dig, h0 | th << 8, th >> 56 | tl << 8);
		dig[16] = (char)('0' + (tl >> 56));
	}
	*exp = k + z;
	return 17 - z;
}

/* For float64: s (0 < s < 10^17) * 10^k scaled to exactly 17 digits. */
static inline uint64_t scale17(uint64_t s, int *k)
{
	int sc = 17 - ndigits(s);

	*k -= sc;
	return s * pow10u[sc];
}

/* Every float of a width by Schubfach, and integers directly: a binary
 * float with mbits fraction bits and the given exponent field width,
 * from its bits (sign ignored). */
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
	if (narrow)
		return put9(d, k, dig, exp);
	d = scale17(d, &k);
	return put17(d, k, dig, exp);
}

/* The floats Dragonbox does not take, out of line, so that their code
 * does not crowd the common path's registers. */
static __attribute__((noinline)) int other64(uint64_t b, char *dig, int *exp)
{
	return shortest_bits(b, 52, 11, dig, exp);
}

static __attribute__((noinline)) int other32(uint64_t b, char *dig, int *exp)
{
	return shortest_bits(b, 23, 8, dig, exp);
}

/* float64 (mbits 52) or float32 (23): Dragonbox where it applies. A
 * float64 result has 15 to 17 digits (step 1's s is at least 10^(52 *
 * log10(2) + 2 - 3) > 10^14.6), so two comparisons tell the power of ten
 * that scales it to 17, without a branch. */
static inline __attribute__((always_inline)) int
shortest_common(uint64_t bits, int mbits, int ebits, char *dig, int *exp)
{
	uint64_t frac = bits & (((uint64_t)1 << mbits) - 1);
	int bexp = (int)((bits >> mbits) & ((1u << ebits) - 1));
	int q = bexp - ((1 << (ebits - 1)) - 1) - mbits, k, lz, narrow = mbits == 23;
	uint64_t c = frac | (uint64_t)1 << mbits, d;

	if (bexp == 0 || frac == 0 || (q < 0 && q > -mbits - 1 && (c & (((uint64_t)1 << -q) - 1)) == 0))
		return narrow ? other32(bits, dig, exp) : other64(bits, dig, exp);
	d = dragonbox(c, q, narrow, &k);
	if (narrow)
		return put9(d, k, dig, exp);
	lz = (d < 10000000000000000u) + (d < 1000000000000000u);
	return put17(d * pow10u[lz], k - lz, dig, exp);
}

int lr_shortest64(double v, char *dig, int *exp)
{
	uint64_t b;

	memcpy(&b, &v, sizeof b);
	return shortest_common(b, 52, 11, dig, exp);
}

int lr_shortest32(float v, char *dig, int *exp)
{
	uint32_t b;

	memcpy(&b, &v, sizeof b);
	return shortest_common(b, 23, 8, dig, exp);
}

int lr_shortest_narrow(float v, int bf16, char *dig, int *exp)
{
	if (bf16)
		return shortest_bits(lr_f32_to_bf16(v), 7, 8, dig, exp);
	return shortest_bits(lr_f32_to_f16(v), 10, 5, dig, exp);
}

/* ---- text ---- */

/* 32 zeros after "0.": the start of every plain number below one. */
static const char zeros[34] = "0.00000000000000000000000000000000";

/* Scientific notation, which plain_text leaves out of line: the lead
 * digit, the others after a point, 'e' and the exponent point - 1. */
static __attribute__((noinline)) size_t sci_text(char *o, const char *t, int n, int point)
{
	int x = point - 1, k = 0;
	char *p = o;

	*p++ = t[0];
	if (n > 1) {
		*p++ = '.';
		memcpy(p, t + 1, (size_t)n - 1);
		p += n - 1;
	}
	*p++ = 'e';
	if (x < 0) {
		*p++ = '-';
		x = -x;
	}
	k = x >= 100 ? 3 : x >= 10 ? 2 : 1;
	for (int i = k - 1; i >= 0; i--, x /= 10)
		p[i] = (char)('0' + x % 10);
	return (size_t)(p + k - o);
}

/*
 * The text of the digits t[0..n) (n >= 1) with point digits before the
 * decimal point, as lr_dec_format writes it in plain notation: integers
 * padded with up to LR_DEC_PLAIN_ZEROS zeros, numbers below one with up
 * to as many after "0.", else scientific. t holds 48 readable bytes. The
 * copies are of fixed size, into the room past the text; the number
 * below one is the zeros and the digits stored over them.
 */
static inline __attribute__((always_inline)) size_t
plain_text(char *o, const char *t, int n, int point)
{
	if (point <= 0 && point >= -LR_DEC_PLAIN_ZEROS) {
		memcpy(o, zeros, 32);
		memcpy(o + 2 - point, t, 17);
		return (size_t)(2 - point + n);
	}
	memcpy(o, t, 17);
	if (point < n && point > 0) {
		o[point] = '.';
		memcpy(o + point + 1, t + point, 17);
		return (size_t)n + 1;
	}
	if (point >= n && point - n <= LR_DEC_PLAIN_ZEROS) {
		memcpy(o + n, zeros + 2, 32);
		return (size_t)point;
	}
	return sci_text(o, t, n, point);
}

/* "nan", "inf" or "-inf" for the bits of a float whose exponent field is
 * all ones (frac: the fraction bits). */
static size_t special_text(char *out, int neg, uint64_t frac)
{
	const char *s = frac ? "nan" : neg ? "-inf" : "inf";
	size_t n = strlen(s);

	memcpy(out, s, n);
	return n;
}

/* The rare floats' text: digits from other64/other32 into t; "0" for a
 * zero. */
static __attribute__((noinline)) size_t
other_text(uint64_t bits, int narrow, char *o)
{
	char t[48] = { 0 };
	int e, n = narrow ? other32(bits, t, &e) : other64(bits, t, &e);

	if (n == 0) {
		o[0] = '0';
		return 1;
	}
	return plain_text(o, t, n, n + e);
}

/* The text of the digits of d * 10^k (n of them for float32) with the
 * point after point digits, where that is not a number below one: the
 * digits go through t, out of line, so that the common path keeps no
 * array (which a stack protector would guard). */
static __attribute__((noinline)) size_t
point_text(uint64_t d, int n, int k, int narrow, int point, char *o)
{
	char t[48];
	int e;

	n = narrow ? put9n(d, n, k, t, &e) : put17(d, k, t, &e);
	return plain_text(o, t, n, point);
}

/*
 * lr_print64 and lr_print32: as shortest_common, but the text. The point
 * goes after point digits, known before the digits are: 17 + k for
 * float64, which is scaled to 17 digits; for float32, from its binade in
 * the table (mkpow10.py). A number below one, the common case, has its
 * digits written straight into place over the zeros; the others go
 * through t.
 */
static inline __attribute__((always_inline)) size_t
print_common(uint64_t bits, int mbits, int ebits, char *out)
{
	uint64_t frac = bits & (((uint64_t)1 << mbits) - 1);
	int bexp = (int)((bits >> mbits) & ((1u << ebits) - 1));
	int q = bexp - ((1 << (ebits - 1)) - 1) - mbits, k, lz, e, n, point, narrow = mbits == 23;
	int neg = (int)(bits >> (mbits + ebits)) & 1;
	uint64_t c = frac | (uint64_t)1 << mbits, d;
	char *o = out + neg;

	out[0] = '-';
	if (bexp == (1 << ebits) - 1)
		return special_text(out, neg, frac);
	bits &= ((uint64_t)1 << (mbits + ebits)) - 1;
	if (bexp == 0 || frac == 0 || (q < 0 && q > -mbits - 1 && (c & (((uint64_t)1 << -q) - 1)) == 0))
		return (size_t)neg + other_text(bits, narrow, o);
	d = dragonbox(c, q, narrow, &k);
	if (narrow) {
		/* d * 10^k has the point digits of its binade's floats below
		 * ten, or one more where the digits rounded up to 10^point */
		const struct lr_dbox32 *t32 = &lr_dbox32[bexp - 1];
		int up;

		point = t32->point + (frac >= t32->ten);
		n = point - k;
		up = d >= pow10u[n];
		point += up;
		n += up;
		if (point <= 0 && point >= -LR_DEC_PLAIN_ZEROS) {
			memcpy(o, zeros, 32);
			n = put9n(d, n, k, o + 2 - point, &e);
			return (size_t)(neg + 2 - point + n);
		}
	} else {
		lz = (d < 10000000000000000u) + (d < 1000000000000000u);
		d *= pow10u[lz];
		k -= lz;
		point = 17 + k;
		if (point <= 0 && point >= -LR_DEC_PLAIN_ZEROS) {
			memcpy(o, zeros, 32);
			n = put17(d, k, o + 2 - point, &e);
			return (size_t)(neg + 2 - point + n);
		}
		n = 17;
	}
	return (size_t)neg + point_text(d, n, k, narrow, point, o);
}

size_t lr_print64(double v, char *out)
{
	uint64_t b;

	memcpy(&b, &v, sizeof b);
	return print_common(b, 52, 11, out);
}

size_t lr_print32(float v, char *out)
{
	uint32_t b;

	memcpy(&b, &v, sizeof b);
	return print_common(b, 23, 8, out);
}
