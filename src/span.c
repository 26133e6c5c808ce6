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
 * The carry out of one window goes into the next. With AVX-512, eight
 * windows go at a time, one in each 64-bit lane of the masks.
 *
 * The check lists where the negative numbers start, where a positive
 * number is its own result (exact forward by one slope of 0 or more),
 * or else where every number starts; computing then visits only those,
 * copying the runs between them whole.
 */
#include "span.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "decimal.h"
#include "paths.h"
/* x86-64 processors with AVX2 make the masks 32 bytes a step, those
 * with AVX-512BW 64 (LRELU_PATHS=sse2: neither, avx2: not the latter,
 * portable: byte by byte, for testing the other steps). */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SPAN_AVX2 1
#else
#define SPAN_AVX2 0
#endif

struct lr_span_masks {
	uint64_t cr, lf, delim, dig, zero, dot, minus;
};

/* The masks byte by byte: the portable loop, and the reference. */
static void span_classify_scalar(const unsigned char *p, unsigned char delim,
				 struct lr_span_masks *m)
{
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
}

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
	span_classify_scalar(p, delim, m);
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
static inline uint64_t add_carry(uint64_t a, uint64_t b, unsigned char *carry)
{
#ifdef __x86_64__
	unsigned long long r;

	*carry = _addcarry_u64(*carry, a, b, &r);
	return r;
#else
	uint64_t s, t;
	int c1 = __builtin_add_overflow(a, b, &s), c2 = __builtin_add_overflow(s, (uint64_t)*carry, &t);

	*carry = (unsigned char)(c1 | c2);
	return t;
#endif
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

/* The places a number can start at in LR_SPAN_CHUNK bytes, and the
 * room a flatten writes past them. */
#define SPAN_NEG_SLACK 32
#define SPAN_NEG_MAX ((LR_SPAN_CHUNK + 1) / 2 + SPAN_NEG_SLACK)

/* Appends off + the index of each set bit of m at *pos, moving it on.
 * Writes eight entries whatever their number, so that most windows
 * take no branch on it (there is room for SPAN_NEG_SLACK more). */
static inline __attribute__((always_inline)) void
flatten_scalar(uint16_t **pos, uint64_t m, uint16_t off, int popcnt)
{
	uint16_t *w = *pos;
	size_t count = popcnt ? (size_t)__builtin_popcountll(m) : (size_t)count_bits(m), i;

	for (i = 0; i < 8; i++) {
		w[i] = (uint16_t)(off + __builtin_ctzll(m | (uint64_t)1 << 63));
		m &= m - 1;
	}
	for (; i < count; i++) {
		w[i] = (uint16_t)(off + __builtin_ctzll(m));
		m &= m - 1;
	}
	*pos = w + count;
}

static inline __attribute__((always_inline)) void
flatten_base(uint16_t **pos, uint64_t m, uint16_t off)
{
	flatten_scalar(pos, m, off, 0);
}

#if SPAN_AVX2
__attribute__((target("popcnt"))) static inline __attribute__((always_inline)) void
flatten_popcnt(uint16_t **pos, uint64_t m, uint16_t off)
{
	flatten_scalar(pos, m, off, 1);
}

/* flatten for processors with AVX-512 VBMI2: each half of the window
 * compresses its places into one store. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static inline
	__attribute__((always_inline)) void
	flatten_vbmi2(uint16_t **pos, uint64_t m, uint16_t off)
{
	const __m512i lo = _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
					    16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	__m512i at = _mm512_add_epi16(lo, _mm512_set1_epi16((short)off));
	uint16_t *w = *pos;

	_mm512_storeu_si512((void *)w, _mm512_maskz_compress_epi16((__mmask32)m, at));
	w += __builtin_popcount((uint32_t)m);
	at = _mm512_add_epi16(at, _mm512_set1_epi16(32));
	_mm512_storeu_si512((void *)w, _mm512_maskz_compress_epi16((__mmask32)(m >> 32), at));
	*pos = w + __builtin_popcount((uint32_t)(m >> 32));
}
#endif

/* What the check carries from one window to the next. */
struct span_state {
	/* bit 63 of the last window's masks: separators, points, minus
	 * signs, CRs, rule C's q and rule D's first zeros */
	uint64_t sep63, dot63, minus63, cr63, q63, zfs63;
	unsigned char cb, cd;                 /* the carries of rules B and D */
	uint64_t nl;                          /* line ends so far */
	const unsigned char *good;            /* the end of the rows found good */
	uint16_t *neg;                        /* where the next place to visit goes */
	int all;                              /* visit every number, not the negatives */
};

/* Checks the window at base (bytes p .. base) whose masks are m, where
 * live has a bit for each byte of the rows. Returns non-zero if a byte
 * of it is bad, which ends the run. A rule on the last byte of a field
 * marks the separator after it instead, so that no rule looks ahead
 * into the next window: the rows before the bad byte are the same. */
static inline __attribute__((always_inline)) int
span_window(struct span_state *st, const unsigned char *p, const unsigned char *base,
	    const struct lr_span_masks *m, uint64_t live, int popcnt,
	    void (*flatten)(uint16_t **, uint64_t, uint16_t))
{
	uint64_t sep = m->cr | m->lf | m->delim;
	/* fs: the first byte of a field */
	uint64_t fs = sep << 1 | st->sep63;
	uint64_t nz = m->dig & ~m->zero, z, after_dot, q, zfs, bad, upto, re, lends;

	/* anything else; and a window without a separator */
	bad = ~(sep | m->dig | m->dot | m->minus) | (uint64_t)(sep == 0);
	/* A: a minus only first */
	bad |= m->minus & ~fs;
	/* B: no point after a point before the field ends */
	after_dot = m->dot << 1 | st->dot63;
	z = ~(m->dot | sep);
	bad |= (after_dot | (add_carry(z, after_dot & z, &st->cb) & ~z)) & m->dot;
	/* C: a digit in each non-empty field: "-", "." and "-." have
	 * none, so a separator may not follow a '-', nor a '.' first or
	 * after the '-' */
	q = m->minus | (m->dot & (fs | (m->minus << 1 | st->minus63)));
	bad |= sep & (q << 1 | st->q63);
	/* D: a field starting with '0' or '.' has a digit 1-9 before it
	 * ends, or is "0": the sum carries from its first byte to the
	 * next 1-9 or separator */
	z = ~(nz | sep);
	zfs = m->zero & fs;
	bad |= add_carry(z, fs & (m->zero | m->dot), &st->cd) & sep & ~(zfs << 1 | st->zfs63);
	bad &= live;
	/* the rows that end before the first bad byte; every line end in
	 * an earlier window is before it */
	upto = bad ? (bad ^ (bad - 1)) >> 1 : live;
	/* a LF right after a CR ends no line */
	lends = (m->cr | (m->lf & ~(m->cr << 1 | st->cr63))) & upto;
	re = (m->cr | m->lf) & upto;
	if (re)
		st->good = base + 64 - __builtin_clzll(re);
	st->nl += popcnt ? (uint64_t)__builtin_popcountll(lends) : count_bits(lends);
	/* the negatives, or every first byte of a non-empty field */
	flatten(&st->neg, (st->all ? fs & ~sep : m->minus) & upto, (uint16_t)(base - p));
	st->sep63 = sep >> 63;
	st->dot63 = m->dot >> 63;
	st->minus63 = m->minus >> 63;
	st->cr63 = m->cr >> 63;
	st->q63 = q >> 63;
	st->zfs63 = zfs >> 63;
	return bad != 0;
}

/*
 * The length of the whole rows at the start of p[0..n) that make a
 * SPAN (span.h), with the classifier, bit count and flatten (which
 * lists the places of a mask's bits) of an instruction set inlined.
 * Lists in neg[0..*nneg) where the minus signs before the first bad
 * byte are (in the rows taken and perhaps a little past them); neg has
 * room for SPAN_NEG_MAX. The windows past the rows, read for their
 * masks, are masked off. blocks, if not NULL, takes what it can eight
 * windows at a time first (span_blocks_avx512).
 */
static inline __attribute__((always_inline)) size_t
span_check(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr, uint16_t *neg,
	   size_t *nneg, uint64_t *lines,
	   void (*classify)(const unsigned char *, unsigned char, struct lr_span_masks *), int popcnt,
	   void (*flatten)(uint16_t **, uint64_t, uint16_t),
	   const unsigned char *(*blocks)(const struct lr_span_scan *, struct span_state *,
					   const unsigned char *, const unsigned char *, const unsigned char *))
{
	unsigned char delim = sc->delim;
	const unsigned char *end = p + n, *base = p;
	struct span_state st = { 1, 0, 0, (uint64_t)(prev_cr != 0), 0, 0, 0, 0, 0, p, neg, sc->all };
	struct lr_span_masks m;

	*nneg = 0;
	if (n == 0)
		return 0;
	if (blocks)
		base = blocks(sc, &st, p, base, end);
	for (;;) {
		size_t left = (size_t)(end - base);

		classify(base, delim, &m);
		if (left <= 64) {
			span_window(&st, p, base, &m, left < 64 ? ((uint64_t)1 << left) - 1 : ~(uint64_t)0,
				    popcnt, flatten);
			break;
		}
		if (span_window(&st, p, base, &m, ~(uint64_t)0, popcnt, flatten))
			break;
		base += 64;
	}
	*lines += st.nl;
	*nneg = (size_t)(st.neg - neg);
	return (size_t)(st.good - p);
}

/* The length of the digits and points at p, if under 16, else 16. */
static inline size_t number_run(const char *p)
{
	unsigned end;
#ifdef __SSE2__
	if (lr_simd()) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

		end = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8('.')),
							       _mm_cmpgt_epi8(x, _mm_set1_epi8('9'))));
	} else
#endif
	{
		end = 0;
		for (int i = 0; i < 16; i++)
			end |= (unsigned)(p[i] < '.' || p[i] > '9') << i;
	}
	return (size_t)__builtin_ctz(end | 1u << 16);
}

/* Copies n bytes in 64-byte moves (up to 64 more are read and
 * written); most runs take one, without a branch on their length. */
static inline __attribute__((always_inline)) void copy_run(char *d, const char *s, size_t n)
{
	memcpy(d, s, 64);
	for (size_t i = 64; i < n; i += 64)
		memcpy(d + i, s + i, 64);
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

/* Bit i of *num set where s[i] is a digit or a point, of *zs where it
 * is '0', of *pts where it is '.', for 16 bytes ('/' is in no SPAN). */
static inline __attribute__((always_inline)) void
number_masks(const char *s, unsigned *num, unsigned *zs, unsigned *pts)
{
#ifdef __SSE2__
	if (lr_simd()) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i d = _mm_sub_epi8(x, _mm_set1_epi8('.'));

		*num = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(11)), d));
		*zs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('0')));
		*pts = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
	} else
#endif
	{
		unsigned a = 0, b = 0, c = 0;

		for (int i = 0; i < 16; i++) {
			a |= (unsigned)(s[i] >= '.' && s[i] <= '9') << i;
			b |= (unsigned)(s[i] == '0') << i;
			c |= (unsigned)(s[i] == '.') << i;
		}
		*num = a;
		*zs = b;
		*pts = c;
	}
}

/* Where the results go, and the input not yet written. */
struct span_out {
	char *o;
	const char *run;
};

/*
 * Computes the negatives at t + neg[i], t + neg[i + 1], ... (i < nneg)
 * while they have the common shape by 10^-k (1 <= k <= 16): at most k
 * integer digits and under 16 bytes, so that the result is "-0.", k
 * minus that many zeros, and the digits without the point up to the
 * last non-zero one ("-1.50" by 10^-2: "-0.015"), within the zeros
 * plain notation takes (few says k is too small to need more). Each
 * run before a negative is copied as it is. Returns the index of the
 * first negative of another shape, or nneg; *so is brought up to it.
 * Writes up to 64 bytes past a result.
 */
static inline __attribute__((always_inline)) size_t
common_shape(const struct lr_span_scan *sc, const char *t, const uint16_t *neg, size_t i, size_t nneg,
	     int few, struct span_out *so)
{
	unsigned k = sc->k;
	static const char head[32] = "-0.00000000000000000000000000000";
	char *o = so->o;
	const char *run = so->run;

	for (; i < nneg; i++) {
		const char *q = t + neg[i], *s = q + 1;
		unsigned num, zs, pts, end, nz, dot, last, at;
		char *oq = o + (q - run);

		copy_run(o, run, (size_t)(q - run));
		number_masks(s, &num, &zs, &pts);
		end = (unsigned)__builtin_ctz(~num);            /* 16 if as long */
		dot = (unsigned)__builtin_ctz(pts | 1u << end); /* the integer digits */
		nz = num & ~(zs | pts) & ((1u << end) - 1);
		if (end >= 16 || dot > k || !nz) {
			o = oq;
			run = q;
			break;
		}
		last = 31 - (unsigned)__builtin_clz(nz);
		if (!few) {
			unsigned first = (unsigned)__builtin_ctz(nz);

			if (k - dot + first - (first > dot) > LR_DEC_PLAIN_ZEROS) {
				o = oq;
				run = q;
				break;
			}
		}
		at = 3 + k - dot;
		memcpy(oq, head, 32);
		memcpy(oq + at, s, 16);
		/* the digits after the point, over it (past the end if none) */
		memcpy(oq + at + dot, s + dot + 1, 16);
		o = oq + at + last + 1 - (last > dot);
		run = s + end;
	}
	so->o = o;
	so->run = run;
	return i;
}

/* The length of the number at q, a SPAN's (its bytes are digits, '.'
 * and a leading '-'). */
static inline size_t span_number_length(const char *q)
{
	size_t n = (*q == '-') + number_run(q + (*q == '-'));

	if (n >= 16)
		while ((unsigned char)(q[n] - '.') < 12)
			n++;
	return n;
}

/*
 * span_compute when every number is visited: start[0..nstart) are where
 * the numbers of the checked rows p[0..*n) start. Each goes through the
 * calculator in the channel of its column; a result other than a copy
 * replaces it (with_input: follows it, as a copy does), and the runs
 * between are copied whole; the first sc->skip fields of each row pass
 * through. Where the slopes are per column (sc->columns), a row that is
 * not blank must have as many fields as there are slopes (and skipped
 * fields): the rows end before the first that has not (*n is cut back
 * to its start), which the field-by-field path then reports. Returns the length written, or SIZE_MAX if the
 * calculator refused a number.
 */
static size_t span_compute_all(const struct lr_span_scan *sc, const unsigned char *p, size_t *n,
			       const uint16_t *start, size_t nstart, char *out)
{
	const char *t = (const char *)p, *run = t, *at = t, *end = t + *n, *row = t;
	char *o = out, *o_row = out;
	size_t i = 0, col = 0, nslopes = sc->calc->k.nslopes;
	int filled = 0; /* the row has a byte other than its line end */

	for (;;) {
		const char *q = i < nstart ? t + start[i] : end, *pre;
		size_t len, r;

		if (sc->columns || sc->skip) {
			/* the separators up to the number; at a line end the
			 * row is checked, and written out so far */
			for (; at < q; at++) {
				if (*at != '\n' && *at != '\r') {
					col += (unsigned char)*at == sc->delim;
					filled = 1;
					continue;
				}
				if (sc->columns && filled && col + 1 != nslopes + sc->skip) {
					*n = (size_t)(row - t);
					return (size_t)(o_row - out);
				}
				col = 0;
				filled = 0;
				copy_run(o, run, (size_t)(at + 1 - run));
				o += at + 1 - run;
				run = row = at + 1;
				o_row = o;
			}
			filled = 1;
		}
		if (q == end)
			break;
		len = span_number_length(q);
		at = q + len;
		i++;
		if (col < sc->skip || (*q != '-' && sc->kept && !sc->with_input))
			continue; /* passed through, or its own result */
		/* the run up to the number (with_input: past it, and a
		 * separator), then the result written where it goes: read
		 * back from elsewhere, it would wait for the calculator's
		 * stores */
		pre = sc->with_input ? at : q;
		copy_run(o, run, (size_t)(pre - run));
		o += pre - run;
		if (sc->with_input)
			*o++ = (char)sc->delim;
		switch (*q != '-' && sc->kept ? LR_CALC_COPY :
			lr_calc_text(sc->calc, col - sc->skip, q, len, o, &r)) {
		case LR_CALC_COPY:
			if (!sc->with_input) {
				run = q; /* the number starts the next run */
				continue;
			}
			copy_run(o, q, len); /* with_input: the number again */
			r = len;
			break;
		case LR_CALC_NEW:
			break;
		default:
			return SIZE_MAX;
		}
		o += r;
		run = at;
	}
	copy_run(o, run, (size_t)(end - run));
	o += end - run;
	return (size_t)(o - out);
}

/*
 * Writes the results of the checked rows p[0..n) to out and returns
 * their length: each negative number replaced, the runs between them
 * copied whole, as a positive number and "0" are their own results
 * under lr_calc_spans. neg[0..nneg) are where the negatives start. A
 * number ends at the first byte that is neither a digit nor the point
 * ('/' is in neither, and no SPAN holds it). The moves read up to 64
 * bytes past the rows, and write up to 64 past a result: within the
 * room of LR_SPAN_ROOM. common is common_shape for the instruction set.
 * Returns SIZE_MAX if the calculator refused a number.
 */
static inline __attribute__((always_inline)) size_t
span_compute(const struct lr_span_scan *sc, const unsigned char *p, size_t *np,
	     const uint16_t *neg, size_t nneg, char *out,
	     size_t (*common)(const struct lr_span_scan *, const char *, const uint16_t *, size_t,
			      size_t, int, struct span_out *))
{
	const char *t = (const char *)p;
	struct span_out so = { out, t };
	unsigned k = sc->k;
	/* k - dot + first - (first > dot) <= k + 14: no result of under
	 * 16 bytes needs too many zeros */
	int few = k + 14 <= LR_DEC_PLAIN_ZEROS;
	size_t i = 0, n = *np;

	if (sc->all)
		return span_compute_all(sc, p, np, neg, nneg, out);
	for (;;) {
		const char *q;
		size_t r, len;

		if (k)
			i = common(sc, t, neg, i, nneg, few, &so);
		if (i == nneg)
			break;
		q = t + neg[i++];
		copy_run(so.o, so.run, (size_t)(q - so.run));
		so.o += q - so.run;
		if ((r = other_negative(sc, q, so.o, &len)) == 0)
			return SIZE_MAX;
		so.o += r;
		so.run = q + 1 + len;
	}
	copy_run(so.o, so.run, (size_t)(t + n - so.run));
	so.o += t + n - so.run;
	return (size_t)(so.o - out);
}

/* lr_span_rows with the steps of an instruction set. */
static inline __attribute__((always_inline)) size_t
span_rows(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr, char *out,
	  size_t *outlen, uint64_t *lines,
	  void (*classify)(const unsigned char *, unsigned char, struct lr_span_masks *), int popcnt,
	  void (*flatten)(uint16_t **, uint64_t, uint16_t),
	  size_t (*common)(const struct lr_span_scan *, const char *, const uint16_t *, size_t,
			   size_t, int, struct span_out *),
	  const unsigned char *(*blocks)(const struct lr_span_scan *, struct span_state *,
					  const unsigned char *, const unsigned char *, const unsigned char *))
{
	uint16_t neg[SPAN_NEG_MAX];
	size_t good, r, nneg, checked;
	uint64_t nl = 0;

	if (n > LR_SPAN_CHUNK)
		n = LR_SPAN_CHUNK;
	good = span_check(sc, p, n, prev_cr, neg, &nneg, &nl, classify, popcnt, flatten, blocks);
	while (nneg && neg[nneg - 1] >= good)
		nneg--;
	checked = good;
	r = span_compute(sc, p, &good, neg, nneg, out, common);
	if (r == SIZE_MAX)
		return SIZE_MAX;
	if (good < checked) {
		/* cut back to a row start: count the line ends again */
		const unsigned char *q;

		nl = 0;
		for (q = p; q < p + good; q++)
			nl += *q == '\r' || (*q == '\n' && !(q == p ? prev_cr : q[-1] == '\r'));
	}
	*lines += nl;
	*outlen = r;
	return good;
}

static __attribute__((noinline)) size_t
common_base(const struct lr_span_scan *sc, const char *t, const uint16_t *neg, size_t i, size_t nneg,
	    int few, struct span_out *so)
{
	return common_shape(sc, t, neg, i, nneg, few, so);
}

static size_t span_rows_base(const struct lr_span_scan *sc, const unsigned char *p, size_t n,
			     int prev_cr, char *out, size_t *outlen, uint64_t *lines)
{
	return span_rows(sc, p, n, prev_cr, out, outlen, lines, span_classify, 0, flatten_base,
			 common_base, NULL);
}

static size_t span_rows_portable(const struct lr_span_scan *sc, const unsigned char *p, size_t n,
				 int prev_cr, char *out, size_t *outlen, uint64_t *lines)
{
	return span_rows(sc, p, n, prev_cr, out, outlen, lines, span_classify_scalar, 0,
			 flatten_base, common_base, NULL);
}

#if SPAN_AVX2
__attribute__((target("avx2"), noinline)) static size_t
common_avx2(const struct lr_span_scan *sc, const char *t, const uint16_t *neg, size_t i, size_t nneg,
	    int few, struct span_out *so)
{
	return common_shape(sc, t, neg, i, nneg, few, so);
}

__attribute__((target("avx2"))) static size_t
span_rows_avx2(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
	       char *out, size_t *outlen, uint64_t *lines)
{
	return span_rows(sc, p, n, prev_cr, out, outlen, lines, span_classify_avx2, 0,
			 flatten_popcnt, common_avx2, NULL);
}

/* common_shape for processors with AVX-512 VBMI: masks straight from
 * the compares, and each result one permutation of "-0.000..." and
 * the number's bytes (sc->perm). */
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,bmi,bmi2"), noinline)) static size_t
common_avx512(const struct lr_span_scan *sc, const char *t, const uint16_t *neg, size_t i, size_t nneg,
	      int few, struct span_out *so)
{
	static const char head[32] = "-0.00000000000000000000000000000";
	const __m256i h = _mm256_loadu_si256((const __m256i *)(const void *)head);
	const __m128i vdot = _mm_set1_epi8('.'), v1 = _mm_set1_epi8('1'), v9 = _mm_set1_epi8(9),
		      v12 = _mm_set1_epi8(12);
	unsigned k = sc->k;
	char *o = so->o;
	const char *run = so->run;

	if (!few)
		return common_shape(sc, t, neg, i, nneg, few, so);
	for (; i < nneg; i++) {
		const char *q = t + neg[i], *s = q + 1;
		char *oq = o + (q - run);
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)s);
		__m128i x16 = _mm256_castsi256_si128(x);
		unsigned num, pts, nz, end, dot, last;

		copy_run(o, run, (size_t)(q - run));
		num = _mm_cmplt_epu8_mask(_mm_sub_epi8(x16, vdot), v12);
		pts = _mm_cmpeq_epi8_mask(x16, vdot);
		nz = _mm_cmplt_epu8_mask(_mm_sub_epi8(x16, v1), v9);
		/* in general registers: else the compiler moves the masks
		 * to and fro for the mask registers' logic */
		__asm__("" : "+r"(num), "+r"(pts), "+r"(nz));
		end = _tzcnt_u32(~num);            /* 16 if as long */
		dot = _tzcnt_u32(pts | 1u << end); /* the integer digits */
		nz &= _bzhi_u32(~0u, end);
		/* one branch for the three ways out */
		if ((end >= 16) | (dot > k) | (nz == 0)) {
			o = oq;
			run = q;
			break;
		}
		last = 31 - (unsigned)__builtin_clz(nz);
		_mm256_storeu_si256((__m256i *)(void *)oq,
				    _mm256_permutex2var_epi8(
					    h, _mm256_loadu_si256((const __m256i *)(const void *)sc->perm[dot]), x));
		o = oq + 3 + k - dot + last + 1 - (last > dot);
		run = s + end;
	}
	so->o = o;
	so->run = run;
	return i;
}

/* a << 1 by lanes of eight windows, bit 0 of each lane from bit 63 of
 * the lane before, the first lane's from the last of prev */
__attribute__((target("avx512f"))) static inline __m512i shift_in(__m512i a, __m512i prev)
{
	return _mm512_or_si512(_mm512_slli_epi64(a, 1),
			       _mm512_srli_epi64(_mm512_alignr_epi64(a, prev, 7), 63));
}

/* a + b by lanes of eight windows, as one 512-bit number: the carry
 * into each lane is found from the masks of the lanes that overflow (g)
 * and of those all ones (pass one on), added as numbers; *carry is the
 * carry into the first lane, and then out of the last. */
__attribute__((target("avx512f"))) static inline __m512i add_lanes(__m512i a, __m512i b,
								   unsigned *carry)
{
	__m512i sum = _mm512_add_epi64(a, b);
	unsigned g = _mm512_cmplt_epu64_mask(sum, a);
	unsigned pass = _mm512_cmpeq_epi64_mask(sum, _mm512_set1_epi64(-1));
	unsigned in = ((g << 1 | *carry) + pass) ^ pass;

	*carry = in >> 8 & 1;
	return _mm512_mask_sub_epi64(sum, (__mmask8)in, sum, _mm512_set1_epi64(-1));
}

/* A vector whose last lane has bit 63 set as bit is (0 or 1), the
 * rest clear: a window's bit 63 as shift_in takes it from prev. */
__attribute__((target("avx512f"))) static inline __m512i in_top_bit(uint64_t bit)
{
	return _mm512_set_epi64((long long)(bit << 63), 0, 0, 0, 0, 0, 0, 0);
}

/* Bit 63 of the last lane of v: in_top_bit undone. */
__attribute__((target("avx512f"))) static inline uint64_t top_bit(__m512i v)
{
	return (uint64_t)_mm_extract_epi64(_mm512_extracti32x4_epi32(v, 3), 1) >> 63;
}

/* One step of transpose_lanes: lanes of a and b, d apart, swapped. */
#define SWAP_LANES(a, b, d)                                                                      \
	do {                                                                                     \
		const __m512i lo_ = _mm512_set_epi64(7 & (d) ? 15 - (d) : 7, 6 & (d) ? 14 - (d) : 6, \
						     5 & (d) ? 13 - (d) : 5, 4 & (d) ? 12 - (d) : 4, \
						     3 & (d) ? 11 - (d) : 3, 2 & (d) ? 10 - (d) : 2, \
						     1 & (d) ? 9 - (d) : 1, 0);                       \
		const __m512i hi_ = _mm512_set_epi64(7 & (d) ? 15 : 7 + (d), 6 & (d) ? 14 : 6 + (d), \
						     5 & (d) ? 13 : 5 + (d), 4 & (d) ? 12 : 4 + (d), \
						     3 & (d) ? 11 : 3 + (d), 2 & (d) ? 10 : 2 + (d), \
						     1 & (d) ? 9 : 1 + (d), (d));                     \
		__m512i t_ = _mm512_permutex2var_epi64(a, lo_, b);                               \
		(b) = _mm512_permutex2var_epi64(a, hi_, b);                                      \
		(a) = t_;                                                                        \
	} while (0)

/* Transposes the 8 x 8 words r: r[i] lane j becomes r[j] lane i. */
#define TRANSPOSE_LANES(r)                                                                        \
	do {                                                                                      \
		SWAP_LANES(r[0], r[1], 1);                                                        \
		SWAP_LANES(r[2], r[3], 1);                                                        \
		SWAP_LANES(r[4], r[5], 1);                                                        \
		SWAP_LANES(r[6], r[7], 1);                                                        \
		SWAP_LANES(r[0], r[2], 2);                                                        \
		SWAP_LANES(r[1], r[3], 2);                                                        \
		SWAP_LANES(r[4], r[6], 2);                                                        \
		SWAP_LANES(r[5], r[7], 2);                                                        \
		SWAP_LANES(r[0], r[4], 4);                                                        \
		SWAP_LANES(r[1], r[5], 4);                                                        \
		SWAP_LANES(r[2], r[6], 4);                                                        \
		SWAP_LANES(r[3], r[7], 4);                                                        \
	} while (0)

/*
 * span_check's windows eight at a time, for processors with AVX-512
 * VBMI, VPOPCNTDQ and GFNI: each mask of eight windows is one vector,
 * a window a lane, so that each of span_window's operations is one
 * instruction for all eight. A window's masks come from the classes of
 * its bytes (sc->classes, a bit each), by a bit-matrix transpose per
 * eight bytes (GFNI) and a byte gather, then go into lanes by a
 * transpose of 8 x 8 words. Takes whole blocks of eight windows while
 * none has a bad byte, keeping *st as span_window does; returns where
 * it stopped (a block with a bad byte, or one that is not whole), for
 * span_window to go on from.
 *
 * Kept as one function of 110 lines on purpose: the masks carried from
 * one block to the next (sep_p ... zfs_p, cb, cd) stay in vector
 * registers across the loop, and the rules A to D read in the same
 * order and with the same letters as span_window's scalar version of
 * them, which is what a reader checks this against.
 */
__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,avx512vpopcntdq,gfni,popcnt"))) static const
	unsigned char *
	span_blocks_avx512(const struct lr_span_scan *sc, struct span_state *st, const unsigned char *p,
			   const unsigned char *base, const unsigned char *end)
{
	const __m512i t0 = _mm512_loadu_si512((const void *)sc->classes),
		      t1 = _mm512_loadu_si512((const void *)(sc->classes + 64));
	/* reverses each word's bytes */
	const __m512i rev = _mm512_set4_epi32(0x08090a0b, 0x0c0d0e0f, 0x00010203, 0x04050607);
	/* byte c of each word: 1 << c, which picks class c */
	const __m512i pick = _mm512_set1_epi64((long long)0x8040201008040201u);
	/* byte 8c + w of the result: byte 8w + c */
	const __m512i gather = _mm512_set_epi64(0x3f372f271f170f07, 0x3e362e261e160e06, 0x3d352d251d150d05,
						0x3c342c241c140c04, 0x3b332b231b130b03, 0x3a322a221a120a02,
						0x3931292119110901, 0x3830282018100800);
	__m512i sep_p = in_top_bit(st->sep63);
	__m512i dot_p = in_top_bit(st->dot63);
	__m512i minus_p = in_top_bit(st->minus63);
	__m512i cr_p = in_top_bit(st->cr63);
	__m512i q_p = in_top_bit(st->q63);
	__m512i zfs_p = in_top_bit(st->zfs63);
	__m512i nl = _mm512_setzero_si512();
	unsigned cb = st->cb, cd = st->cd;

	while (end - base >= 512) {
		__m512i r[8], sep, nz, fs, bad, after_dot, z, q, zfs, lends, re;
		uint64_t minus[8];
		unsigned b2 = cb, d2 = cd, j;
		__mmask8 any;

		for (j = 0; j < 8; j++) {
			__m512i x = _mm512_loadu_si512((const void *)(base + 64 * j));
			__m512i c = _mm512_maskz_permutex2var_epi8(
				_mm512_testn_epi8_mask(x, _mm512_set1_epi8((char)0x80)), t0, x, t1);

			c = _mm512_gf2p8affine_epi64_epi8(pick, _mm512_shuffle_epi8(c, rev), 0);
			r[j] = _mm512_permutexvar_epi8(gather, c);
		}
		/* r[c] lane j: class c's mask of window j */
		TRANSPOSE_LANES(r);
#define CR r[0]
#define LF r[1]
#define DELIM r[2]
#define DIG r[3]
#define ZERO r[4]
#define DOT r[5]
#define MINUS r[6]
		sep = _mm512_ternarylogic_epi64(CR, LF, DELIM, 0xfe);
		nz = _mm512_andnot_si512(ZERO, DIG);
		fs = shift_in(sep, sep_p);
		/* anything else; and a window without a separator */
		bad = _mm512_ternarylogic_epi64(sep, DIG, _mm512_or_si512(DOT, MINUS), 0x01);
		bad = _mm512_mask_or_epi64(bad, _mm512_testn_epi64_mask(sep, sep), bad, _mm512_set1_epi64(1));
		/* A */
		bad = _mm512_or_si512(bad, _mm512_andnot_si512(fs, MINUS));
		/* B */
		after_dot = shift_in(DOT, dot_p);
		z = _mm512_ternarylogic_epi64(DOT, sep, sep, 0x01); /* ~(DOT | sep) */
		z = _mm512_andnot_si512(z, add_lanes(z, _mm512_and_si512(after_dot, z), &b2));
		bad = _mm512_or_si512(bad, _mm512_and_si512(_mm512_or_si512(after_dot, z), DOT));
		/* C */
		q = _mm512_or_si512(MINUS, _mm512_and_si512(DOT, _mm512_or_si512(fs, shift_in(MINUS, minus_p))));
		bad = _mm512_or_si512(bad, _mm512_and_si512(sep, shift_in(q, q_p)));
		/* D */
		z = _mm512_ternarylogic_epi64(nz, sep, sep, 0x01); /* ~(nz | sep) */
		zfs = _mm512_and_si512(ZERO, fs);
		z = add_lanes(z, _mm512_and_si512(fs, _mm512_or_si512(ZERO, DOT)), &d2);
		bad = _mm512_or_si512(bad, _mm512_andnot_si512(shift_in(zfs, zfs_p), _mm512_and_si512(z, sep)));
		if (_mm512_test_epi64_mask(bad, bad))
			break;
		/* a LF right after a CR ends no line */
		lends = _mm512_or_si512(CR, _mm512_andnot_si512(shift_in(CR, cr_p), LF));
		nl = _mm512_add_epi64(nl, _mm512_popcnt_epi64(lends));
		re = _mm512_or_si512(CR, LF);
		any = _mm512_test_epi64_mask(re, re);
		if (any) {
			unsigned last = 31 - (unsigned)__builtin_clz(any);
			uint64_t m = (uint64_t)_mm_cvtsi128_si64(_mm512_castsi512_si128(
				_mm512_permutexvar_epi64(_mm512_set1_epi64(last), re)));

			st->good = base + 64 * last + 64 - __builtin_clzll(m);
		}
		_mm512_storeu_si512((void *)minus, st->all ? _mm512_andnot_si512(sep, fs) : MINUS);
		for (j = 0; j < 8; j++)
			flatten_vbmi2(&st->neg, minus[j], (uint16_t)(base + 64 * j - p));
		sep_p = sep;
		dot_p = DOT;
		minus_p = MINUS;
		cr_p = CR;
		q_p = q;
		zfs_p = zfs;
#undef CR
#undef LF
#undef DELIM
#undef DIG
#undef ZERO
#undef DOT
#undef MINUS
		cb = b2;
		cd = d2;
		base += 512;
	}
	st->nl += (uint64_t)_mm512_reduce_add_epi64(nl);
	st->sep63 = top_bit(sep_p);
	st->dot63 = top_bit(dot_p);
	st->minus63 = top_bit(minus_p);
	st->cr63 = top_bit(cr_p);
	st->q63 = top_bit(q_p);
	st->zfs63 = top_bit(zfs_p);
	st->cb = (unsigned char)cb;
	st->cd = (unsigned char)cd;
	return base;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,avx512vpopcntdq,gfni,popcnt"))) static size_t
span_rows_avx512(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		 char *out, size_t *outlen, uint64_t *lines)
{
	return span_rows(sc, p, n, prev_cr, out, outlen, lines, span_classify_avx512, 1,
			 flatten_vbmi2, common_avx512, span_blocks_avx512);
}
#endif

void lr_span_init(struct lr_span_scan *sc, unsigned char delim, const struct lr_calc *c,
		  int with_input)
{
	const struct lr_small *a =
		lr_calc_spans_negatives_only(c) && !with_input ? &c->dec[0] : NULL;

	sc->delim = delim;
	sc->calc = c;
	sc->with_input = with_input;
	sc->kept = lr_calc_spans_kept(c);
	sc->all = !a;
	sc->skip = 0;
	sc->columns = c->k.nslopes > 1;
	sc->k = a && a->m == 1 && a->exp < 0 && a->exp >= -16 ? (unsigned)-a->exp : 0;
	/* result byte j of a common shape with d integer digits: "-0."
	 * and zeros (from head, 0-31), the d digits, then the digits
	 * after the point (from the number, 32 on) */
	for (unsigned d = 0; d <= sc->k; d++)
		for (unsigned j = 0, at = 3 + sc->k - d; j < 32; j++)
			sc->perm[d][j] = (unsigned char)(j < at ? j : 32 + j - at + (j >= 3 + sc->k));
	/* each byte's classes, for span_blocks_avx512 */
	for (unsigned v = 0; v < 128; v++)
		sc->classes[v] = (unsigned char)((v == '\r') | (v == '\n') << 1 | (v == delim) << 2 |
						 (v >= '0' && v <= '9') << 3 | (v == '0') << 4 |
						 (v == '.') << 5 | (v == '-') << 6);
	sc->rows = lr_simd() ? span_rows_base : span_rows_portable;
#if SPAN_AVX2
	if (!(lr_paths & LR_PATH_SSE2) && __builtin_cpu_supports("avx2"))
		sc->rows = span_rows_avx2;
	if (!(lr_paths & LR_PATH_AVX2) && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("avx512vbmi") &&
	    __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("bmi") &&
	    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("avx512vpopcntdq") &&
	    __builtin_cpu_supports("gfni"))
		sc->rows = span_rows_avx512;
#endif
}

void lr_span_pass_first(struct lr_span_scan *sc, unsigned n)
{
	/* every number visited, to know its column */
	sc->skip = n;
	sc->all = 1;
	sc->k = 0;
}

size_t lr_span_rows(const struct lr_span_scan *sc, const unsigned char *p, size_t n, int prev_cr,
		    char *out, size_t *outlen, uint64_t *lines)
{
	*outlen = 0;
	return sc->rows(sc, p, n, prev_cr, out, outlen, lines);
}
