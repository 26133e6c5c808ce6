/*
 * span.c - runs of whole CSV rows made of plain numbers, found without a
 * state machine and computed in the same call: the CSV decoder puts
 * each run's results in its block as one SPAN cell instead of a cell
 * per field.
 *
 * Rows are checked 64 bytes at a time, with a bit per byte: masks of the
 * CRs, LFs and delimiters, the digits, zeros, points and minus signs;
 * any other byte ends the run before its row. The rules on fields become
 * operations on whole masks. Where a rule asks "what comes next in this
 * field", an addition answers it: adding a bit at the start of a run of
 * ones carries to the first zero after the run, so with ones where a
 * byte is not of interest, the carry lands on the next byte that is.
 * The carry out of one window goes into the next.
 */
#include "span.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "decimal.h"
/* x86-64 processors with AVX2 make the masks 32 bytes a step, those
 * with AVX-512BW 64 (-DLR_NO_AVX2=1: neither, -DLR_NO_AVX512=1: not
 * the latter, for testing the other steps). */
#ifndef LR_NO_AVX2
#define LR_NO_AVX2 0
#endif
#ifndef LR_NO_AVX512
#define LR_NO_AVX512 0
#endif
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__) && !LR_NO_AVX2
#include <immintrin.h>
#define SPAN_AVX2 1
#else
#define SPAN_AVX2 0
#endif

struct lr_span_masks {
	uint64_t cr, lf, delim, dig, zero, dot, minus;
};

static void span_classify(const unsigned char *p, unsigned char delim, struct lr_span_masks *m)
{
#ifdef __SSE2__
	const __m128i vdelim = _mm_set1_epi8((char)delim), vlf = _mm_set1_epi8('\n'),
		      vcr = _mm_set1_epi8('\r'), vdot = _mm_set1_epi8('.'),
		      vminus = _mm_set1_epi8('-'), below0 = _mm_set1_epi8('0' - 1),
		      v0 = _mm_set1_epi8('0'), above9 = _mm_set1_epi8('9' + 1);
	uint64_t cr = 0, lf = 0, de = 0, dig = 0, zero = 0, dot = 0, minus = 0;
	int i;

#pragma GCC unroll 4
	for (i = 0; i < 4; i++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
		int sh = 16 * i;

#define BITS(v) ((uint64_t)(uint16_t)_mm_movemask_epi8(v) << sh)
		cr |= BITS(_mm_cmpeq_epi8(x, vcr));
		lf |= BITS(_mm_cmpeq_epi8(x, vlf));
		de |= BITS(_mm_cmpeq_epi8(x, vdelim));
		dig |= BITS(_mm_and_si128(_mm_cmpgt_epi8(x, below0), _mm_cmplt_epi8(x, above9)));
		zero |= BITS(_mm_cmpeq_epi8(x, v0));
		dot |= BITS(_mm_cmpeq_epi8(x, vdot));
		minus |= BITS(_mm_cmpeq_epi8(x, vminus));
#undef BITS
	}
	m->cr = cr;
	m->lf = lf;
	m->delim = de;
	m->dig = dig;
	m->zero = zero;
	m->dot = dot;
	m->minus = minus;
#else
	int i;

	memset(m, 0, sizeof *m);
	for (i = 0; i < 64; i++) {
		uint64_t bit = (uint64_t)1 << i;
		unsigned char c = p[i];

		m->cr |= c == '\r' ? bit : 0;
		m->lf |= c == '\n' ? bit : 0;
		m->delim |= c == delim ? bit : 0;
		m->dig |= c >= '0' && c <= '9' ? bit : 0;
		m->zero |= c == '0' ? bit : 0;
		m->dot |= c == '.' ? bit : 0;
		m->minus |= c == '-' ? bit : 0;
	}
#endif
}

#if SPAN_AVX2
/* span_classify for processors with AVX2 (lr_span_init asks). */
__attribute__((target("avx2"))) static inline void
span_classify_avx2(const unsigned char *p, unsigned char delim, struct lr_span_masks *m)
{
	const __m256i vdelim = _mm256_set1_epi8((char)delim), vlf = _mm256_set1_epi8('\n'),
		      vcr = _mm256_set1_epi8('\r'), vdot = _mm256_set1_epi8('.'),
		      vminus = _mm256_set1_epi8('-'), below0 = _mm256_set1_epi8('0' - 1),
		      v0 = _mm256_set1_epi8('0'), above9 = _mm256_set1_epi8('9' + 1);
	uint64_t cr = 0, lf = 0, de = 0, dig = 0, zero = 0, dot = 0, minus = 0;
	int i;

#pragma GCC unroll 2
	for (i = 0; i < 2; i++) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * i));
		int sh = 32 * i;

#define BITS(v) ((uint64_t)(uint32_t)_mm256_movemask_epi8(v) << sh)
		cr |= BITS(_mm256_cmpeq_epi8(x, vcr));
		lf |= BITS(_mm256_cmpeq_epi8(x, vlf));
		de |= BITS(_mm256_cmpeq_epi8(x, vdelim));
		dig |= BITS(_mm256_and_si256(_mm256_cmpgt_epi8(x, below0), _mm256_cmpgt_epi8(above9, x)));
		zero |= BITS(_mm256_cmpeq_epi8(x, v0));
		dot |= BITS(_mm256_cmpeq_epi8(x, vdot));
		minus |= BITS(_mm256_cmpeq_epi8(x, vminus));
#undef BITS
	}
	m->cr = cr;
	m->lf = lf;
	m->delim = de;
	m->dig = dig;
	m->zero = zero;
	m->dot = dot;
	m->minus = minus;
}
#endif

#if SPAN_AVX2
/* span_classify for processors with AVX-512BW: each comparison gives
 * its mask directly. */
__attribute__((target("avx512f,avx512bw"))) static inline void
span_classify_avx512(const unsigned char *p, unsigned char delim, struct lr_span_masks *m)
{
	__m512i x = _mm512_loadu_si512((const void *)p);
	__m512i d = _mm512_sub_epi8(x, _mm512_set1_epi8('0'));

	m->cr = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\r'));
	m->lf = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\n'));
	m->delim = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)delim));
	m->dig = _mm512_cmplt_epu8_mask(d, _mm512_set1_epi8(10));
	m->zero = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('0'));
	m->dot = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('.'));
	m->minus = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('-'));
}
#endif

/* a + b + *carry, the carry out in *carry. */
static inline uint64_t add_carry(uint64_t a, uint64_t b, uint64_t *carry)
{
	uint64_t s, t;
	int c1 = __builtin_add_overflow(a, b, &s), c2 = __builtin_add_overflow(s, *carry, &t);

	*carry = (uint64_t)(c1 | c2);
	return t;
}

/* The set bits of x (without the popcnt instruction, which not every
 * x86-64 has, the compiler calls a library routine). */
static inline uint64_t count_bits(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555u;
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (x * 0x0101010101010101u) >> 56;
}

/* The positions a minus sign can be at in LR_SPAN_CHUNK bytes, and the
 * room put_positions writes past them. */
#define SPAN_NEG_MAX ((LR_SPAN_CHUNK + 2) / 3 + 8)

/* Appends off + the index of each set bit of m to pos[0..*n). Writes
 * eight entries whatever their number, so that most windows take no
 * branch on it (pos has room for eight past the last). */
static inline void put_positions(uint16_t *pos, size_t *n, uint64_t m, uint16_t off)
{
	uint16_t *w = pos + *n;
	size_t count = (size_t)__builtin_popcountll(m), i;

	for (i = 0; i < 8; i++) {
		w[i] = (uint16_t)(off + __builtin_ctzll(m | (uint64_t)1 << 63));
		m &= m - 1;
	}
	for (; i < count; i++) {
		w[i] = (uint16_t)(off + __builtin_ctzll(m));
		m &= m - 1;
	}
	*n += count;
}

/* The length of the whole rows at the start of p[0..n) that make a
 * SPAN (span.h), with the classifier and the bit count of an
 * instruction set inlined. Lists in neg[0..*nneg) where the minus signs
 * before the first bad byte are (in the rows taken and perhaps a little
 * past them); neg has room for SPAN_NEG_MAX. */
static inline __attribute__((always_inline)) size_t
span_check(const unsigned char *p, size_t n, int prev_cr, uint16_t *neg, size_t *nneg, uint64_t *lines,
	   unsigned char delim, void (*classify)(const unsigned char *, unsigned char, struct lr_span_masks *),
	   int popcnt)
{
	const unsigned char *end = p + n, *base, *good = p;
	unsigned char tail[64];
	/* bit 63 of the last window's masks, and the carries of rules B, D */
	uint64_t sep63 = 1, dot63 = 0, minus63 = 0, cr63 = (uint64_t)(prev_cr != 0), cb = 0, cd = 0;
	uint64_t nl = 0;
	size_t nn = 0;

	for (base = p; base < end; base += 64) {
		struct lr_span_masks m;
		size_t left = (size_t)(end - base);
		uint64_t live = left < 64 ? ((uint64_t)1 << left) - 1 : ~(uint64_t)0;
		uint64_t sep, fs, last, nz, z, after_dot, bad, upto, re, crbefore, lends;

		if (left < 64) {
			/* the source's padding covers 16 bytes, not 64 */
			memcpy(tail, base, left);
			memset(tail + left, '\n', 64 - left);
			classify(tail, delim, &m);
		} else
			classify(base, delim, &m);
		sep = m.cr | m.lf | m.delim;
		/* fs: the first byte of a field; last: the last of a non-empty
		 * one (the byte after the window is read only when in p) */
		fs = sep << 1 | sep63;
		last = ~sep & (sep >> 1 | (uint64_t)(left <= 64 || base[64] == delim ||
						    base[64] == '\n' || base[64] == '\r') << 63);
		nz = m.dig & ~m.zero;
		/* anything else; and a window without a separator */
		bad = ~(sep | m.dig | m.dot | m.minus) | (sep ? 0 : 1);
		/* A: a minus only first */
		bad |= m.minus & ~fs;
		/* B: no point after a point before the field ends */
		after_dot = m.dot << 1 | dot63;
		z = ~(m.dot | sep);
		bad |= (after_dot | (add_carry(z, after_dot & z, &cb) & ~z)) & m.dot;
		/* C: a digit in each non-empty field: "-", "." and "-." have none */
		bad |= last & (m.minus | (m.dot & (fs | (m.minus << 1 | minus63))));
		/* D: a field starting with '0' or '.' has a digit 1-9 before it
		 * ends, or is "0" */
		z = ~(nz | sep);
		bad |= add_carry(z, fs & (m.zero | m.dot) & ~(m.zero & last), &cd) & sep;
		bad &= live;
		/* the rows that end before the first bad byte; every line end
		 * in an earlier window is before it */
		upto = bad ? (bad & -bad) - 1 : live;
		crbefore = m.cr << 1 | cr63;
		lends = (m.cr | (m.lf & ~crbefore)) & upto; /* a LF right after a CR ends no line */
		re = (m.cr | m.lf) & upto;
		if (re)
			good = base + 64 - __builtin_clzll(re);
		nl += popcnt ? (uint64_t)__builtin_popcountll(lends) : count_bits(lends);
		put_positions(neg, &nn, m.minus & upto, (uint16_t)(base - p));
		if (bad)
			break;
		sep63 = sep >> 63;
		dot63 = m.dot >> 63;
		minus63 = m.minus >> 63;
		cr63 = m.cr >> 63;
	}
	*lines += nl;
	*nneg = nn;
	return (size_t)(good - p);
}


/* The length of the digits and points at p, if under 16, else 16. */
static inline size_t number_run(const char *p)
{
	unsigned end;
#ifdef __SSE2__
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

	end = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8('.')),
						       _mm_cmpgt_epi8(x, _mm_set1_epi8('9'))));
#else
	end = 0;
	for (int i = 0; i < 16; i++)
		end |= (unsigned)(p[i] < '.' || p[i] > '9') << i;
#endif
	return (size_t)__builtin_ctz(end | 1u << 16);
}

/*
 * The common negative number by 10^-k (1 <= k <= 16): at most k integer
 * digits, so its result is "-0.", k minus that many zeros, and its
 * digits without the point up to the last non-zero one ("-1.50" by
 * 10^-2: "-0.015"). s[0..32) holds what follows the '-' (a SPAN's
 * number: digits and at most one point). Returns the result's length
 * and the number's in *len, or 0 for another shape, a number of 16
 * bytes or more, or a result with more zeros after "0." than plain
 * notation takes. Writes o[0..64) whatever the length.
 */
static inline size_t small_shift(const char *s, unsigned k, char *o, size_t *len)
{
	static const char head[32] = "-0.00000000000000000000000000000";
	unsigned digs, zs, pts, end, nz, dot, first, last, at;
#ifdef __SSE2__
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));

	digs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
	zs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('0')));
	pts = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
#else
	digs = zs = pts = 0;
	for (int i = 0; i < 16; i++) {
		digs |= (unsigned)(s[i] >= '0' && s[i] <= '9') << i;
		zs |= (unsigned)(s[i] == '0') << i;
		pts |= (unsigned)(s[i] == '.') << i;
	}
#endif
	end = (unsigned)__builtin_ctz(~(digs | pts) | 1u << 16);
	nz = digs & ~zs & ((1u << end) - 1);
	pts &= (1u << end) - 1;
	dot = pts ? (unsigned)__builtin_ctz(pts) : end;   /* the integer digits */
	if (end == 16 || dot > k || !nz)
		return 0;
	first = (unsigned)__builtin_ctz(nz);
	last = 31 - (unsigned)__builtin_clz(nz);
	if (k - dot + first - (first > dot) > LR_DEC_PLAIN_ZEROS)
		return 0;
	at = 3 + k - dot;
	memcpy(o, head, 32);
	memcpy(o + at, s, 16);
	/* the digits after the point, over it (past the end if none) */
	memcpy(o + at + dot, s + dot + 1, 16);
	*len = end;
	return at + last + 1 - (last > dot);
}

/* Copies n bytes in 32-byte moves (up to 32 more are read and
 * written); most runs take one, without a branch on their length. */
static inline void copy_run(char *d, const char *s, size_t n)
{
	memcpy(d, s, 32);
	for (size_t i = 32; i < n; i += 32)
		memcpy(d + i, s + i, 32);
}

/* The result of the negative number at q, a SPAN's, of another shape
 * than small_shift takes: written to o, its length returned and the
 * number's (without the '-') in *len; 0 if the calculator refuses it. */
static size_t other_negative(const struct lr_span_scan *sc, const char *q, char *o, size_t *len)
{
	const struct lr_small *a = &sc->calc->dec[0];
	size_t n = number_run(q + 1), r = 0;

	if (n == 16)
		while ((unsigned char)(q[1 + n] - '.') < 12)
			n++;
	*len = n;
	if (a->m == 1)
		r = lr_dec_shift_negative_plain(q + 1, n, a->exp, o);
	if (r == 0 && lr_calc_text(sc->calc, 0, q, n + 1, o, &r) != LR_CALC_NEW)
		return 0;
	return r;
}

/*
 * Writes the results of the checked rows p[0..n) to out and returns
 * their length: each negative number replaced, the runs between them
 * copied whole, as a positive number and "0" are their own results
 * under lr_calc_spans. neg[0..nneg) are where the negatives start. A number
 * ends at the first byte that is neither a digit nor the point ('/' is
 * in neither, and no SPAN holds it). The moves read up to 64 bytes past
 * the rows, and write up to 64 past a result: within the room of
 * LR_SPAN_ROOM. Returns SIZE_MAX if the calculator refused a number.
 */
static inline __attribute__((always_inline)) size_t
span_compute(const struct lr_span_scan *sc, const unsigned char *p, size_t n,
	     const uint16_t *neg, size_t nneg, char *out)
{
	const char *t = (const char *)p, *run = t;
	char *o = out;
	unsigned k = sc->k;
	size_t i;

	for (i = 0; i < nneg; i++) {
		const char *q = t + neg[i];
		size_t r, len;

		copy_run(o, run, (size_t)(q - run));
		o += q - run;
		r = k ? small_shift(q + 1, k, o, &len) : 0;
		if (r == 0 && (r = other_negative(sc, q, o, &len)) == 0)
			return SIZE_MAX;
		o += r;
		run = q + 1 + len;
	}
	copy_run(o, run, (size_t)(t + n - run));
	o += t + n - run;
	return (size_t)(o - out);
}

/* lr_span_rows with the steps of an instruction set. */
static inline __attribute__((always_inline)) size_t
span_rows(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr, char *out,
	  size_t *outlen, uint64_t *lines,
	  void (*classify)(const unsigned char *, unsigned char, struct lr_span_masks *), int popcnt)
{
	uint16_t neg[SPAN_NEG_MAX];
	size_t good, r, nneg;

	if (n > LR_SPAN_CHUNK)
		n = LR_SPAN_CHUNK;
	good = span_check(p, n, prev_cr, neg, &nneg, lines, sc->delim, classify, popcnt);
	while (nneg && neg[nneg - 1] >= good)
		nneg--;
	r = span_compute(sc, p, good, neg, nneg, out);
	if (r == SIZE_MAX)
		return SIZE_MAX;
	*outlen = r;
	return good;
}

static size_t span_rows_base(const struct lr_span_scan *sc, const unsigned char *p, size_t n,
			     int prev_cr, char *out, size_t *outlen, uint64_t *lines)
{
	return span_rows(sc, p, n, prev_cr, out, outlen, lines, span_classify, 0);
}

#if SPAN_AVX2
__attribute__((target("avx2"))) static size_t
span_rows_avx2(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
	       char *out, size_t *outlen, uint64_t *lines)
{
	return span_rows(sc, p, n, prev_cr, out, outlen, lines, span_classify_avx2, 0);
}

__attribute__((target("avx512f,avx512bw,popcnt"))) static size_t
span_rows_avx512(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		 char *out, size_t *outlen, uint64_t *lines)
{
	return span_rows(sc, p, n, prev_cr, out, outlen, lines, span_classify_avx512, 1);
}
#endif

void lr_span_init(struct lr_span_scan *sc, unsigned char delim, const struct lr_calc *c)
{
	const struct lr_small *a = lr_calc_spans(c) ? &c->dec[0] : NULL;

	sc->delim = delim;
	sc->calc = c;
	sc->k = a && a->m == 1 && a->exp < 0 && a->exp >= -16 ? (unsigned)-a->exp : 0;
	sc->rows = span_rows_base;
#if SPAN_AVX2
	if (__builtin_cpu_supports("avx2"))
		sc->rows = span_rows_avx2;
	if (!LR_NO_AVX512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
		sc->rows = span_rows_avx512;
#endif
}

size_t lr_span_rows(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		    char *out, size_t *outlen, uint64_t *lines)
{
	*outlen = 0;
	return sc->rows(sc, p, n, prev_cr, out, outlen, lines);
}
