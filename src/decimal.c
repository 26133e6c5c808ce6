/*
 * decimal.c - exact decimal parse, multiply, divide, round and format.
 * Numbers are digit strings with a power-of-ten exponent; the slope is a
 * short decimal that fits in 64 bits, so every operation is a walk over
 * the digits with a 128-bit carry. Choosing the notation is left to calc.c.
 */
#include "decimal.h"

#include <string.h>

typedef unsigned __int128 u128;

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive match of s[0..n) against the lower-case word w. */
static int word_is(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

/* Drops trailing zeros of the significand into the exponent, and makes a
 * zero canonical. */
static void normalise(struct lr_dec *d)
{
	int32_t lead = 0;

	while (lead < d->ndig && d->dig[lead] == '0')
		lead++;
	if (lead) {
		memmove(d->dig, d->dig + lead, (size_t)(d->ndig - lead));
		d->ndig -= lead;
	}
	while (d->ndig > 0 && d->dig[d->ndig - 1] == '0') {
		d->ndig--;
		d->exp++;
	}
	if (d->ndig == 0)
		d->exp = 0;
}

/* After the sign: "nan", "inf" or "infinity" in any case, whole. */
static int parse_word(struct lr_dec *d, const char *s, size_t n)
{
	if (word_is(s, n, "nan")) {
		d->kind = LR_DEC_NAN;
		return LR_DEC_OK;
	}
	if (word_is(s, n, "inf") || word_is(s, n, "infinity")) {
		d->kind = LR_DEC_INF;
		return LR_DEC_OK;
	}
	return LR_DEC_EINVAL;
}

/* Appends the run of digits at s[*i..n) to d's significand, leading
 * zeros left out, and moves *i past it. Returns the run's length, or -1
 * when the significand would pass LR_DEC_MAXDIG digits. */
static int64_t take_digits(struct lr_dec *d, const char *s, size_t *i, size_t n)
{
	size_t j = *i;

	for (; j < n && is_digit((unsigned char)s[j]); j++) {
		if (d->ndig == 0 && s[j] == '0')
			continue;
		if (d->ndig >= LR_DEC_MAXDIG)
			return -1;
		d->dig[d->ndig++] = s[j];
	}
	j -= *i;
	*i += j;
	return (int64_t)j;
}

/* The exponent part at s[*i] == 'e' or 'E' into *e, its spelling into
 * d->nt; moves *i past it. */
static int parse_exponent(struct lr_dec *d, const char *s, size_t *i, size_t n, int64_t *e)
{
	size_t j = *i + 1, start;
	int eneg = 0;

	d->nt.sci = 1;
	d->nt.echar = (unsigned char)s[*i];
	if (j < n && (s[j] == '+' || s[j] == '-')) {
		eneg = s[j] == '-';
		d->nt.eplus = s[j] == '+';
		j++;
	}
	for (start = j, *e = 0; j < n && is_digit((unsigned char)s[j]); j++) {
		*e = *e * 10 + (s[j] - '0');
		if (*e > LR_DEC_MAXEXP)
			return LR_DEC_ERANGE;
	}
	if (j == start)
		return LR_DEC_EINVAL;
	if (eneg)
		*e = -*e;
	*i = j;
	return LR_DEC_OK;
}

int lr_dec_parse(struct lr_dec *d, const char *s, size_t n, unsigned flags)
{
	size_t i = 0;
	int64_t ni, nf = 0, e = 0;
	int json = (flags & LR_DEC_JSON) != 0, r;

	d->neg = 0;
	d->kind = LR_DEC_FINITE;
	d->nt.sci = 0;
	d->nt.echar = 'e';
	d->nt.eplus = 0;
	d->ndig = 0;
	d->exp = 0;
	if (i < n && (s[i] == '-' || (!json && s[i] == '+'))) {
		d->neg = s[i] == '-';
		i++;
	}
	if (i < n && !is_digit((unsigned char)s[i]) && s[i] != '.')
		return json ? LR_DEC_EINVAL : parse_word(d, s + i, n - i);
	if (json && i + 1 < n && s[i] == '0' && is_digit((unsigned char)s[i + 1]))
		return LR_DEC_EINVAL;
	if ((ni = take_digits(d, s, &i, n)) < 0)
		return LR_DEC_ERANGE;
	if (json && ni == 0)
		return LR_DEC_EINVAL;
	if (i < n && s[i] == '.') {
		i++;
		if ((nf = take_digits(d, s, &i, n)) < 0)
			return LR_DEC_ERANGE;
		if (json && nf == 0)
			return LR_DEC_EINVAL;
	}
	if (ni + nf == 0)
		return LR_DEC_EINVAL;
	if (i < n && (s[i] == 'e' || s[i] == 'E') && (r = parse_exponent(d, s, &i, n, &e)) != LR_DEC_OK)
		return r;
	if (i != n)
		return LR_DEC_EINVAL;
	d->exp = e - nf;
	normalise(d);
	/* The limit is on the value's own exponent (d.ddd x 10^E), which is
	 * what lr_dec_format writes: every number read can be written and
	 * read back. */
	if (d->ndig && (d->exp + d->ndig - 1 > LR_DEC_MAXEXP || d->exp + d->ndig - 1 < -LR_DEC_MAXEXP))
		return LR_DEC_ERANGE;
	return LR_DEC_OK;
}

int lr_small_parse(struct lr_small *a, const char *s, size_t n)
{
	struct lr_dec d;
	int r = lr_dec_parse(&d, s, n, 0);
	int32_t i;

	if (r != LR_DEC_OK)
		return r;
	if (d.kind != LR_DEC_FINITE)
		return LR_DEC_EINVAL;
	if (d.ndig > 19 || d.exp > LR_DEC_MAXEXP || d.exp < -LR_DEC_MAXEXP)
		return LR_DEC_ERANGE;
	a->neg = d.neg;
	a->m = 0;
	for (i = 0; i < d.ndig; i++)
		a->m = a->m * 10 + (uint64_t)(d.dig[i] - '0');
	a->exp = (int32_t)d.exp;
	return LR_DEC_OK;
}

/* Writes the decimal digits of v (no leading zeros; "" for 0) to out and
 * returns their count. */
static const char two_digits[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t pow10_u64[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
	1000000000000ull, 10000000000000ull, 100000000000000ull,
	1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull, 10000000000000000000ull
};

/* The number of decimal digits of v (1 for 0). */
static inline int u64_len(uint64_t v)
{
	/* the count from the bit length, corrected by one compare */
	int len = v ? ((64 - __builtin_clzll(v)) * 1233) >> 12 : 0;

	/* without a branch: its outcome depends on the data */
	len += len < 20 && v >= pow10_u64[len < 20 ? len : 19];
	return len + (len == 0);
}

/* Writes v in decimal, zero-padded to at least width digits; returns the
 * count. Two digits per division. */
static int u64_digits(uint64_t v, char *out, int width)
{
	int len, n;
	char *o;

	if (v == 0 && width == 0)
		return 0;
	len = u64_len(v);
	if (len < width) {
		memset(out, '0', (size_t)(width - len));
		out += width - len;
	}
	/* Fill from the last digit, two at a time. */
	o = out + len;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		*--o = two_digits[2 * r + 1];
		*--o = two_digits[2 * r];
	}
	if (v >= 10) {
		*--o = two_digits[2 * v + 1];
		*--o = two_digits[2 * v];
	} else
		*--o = (char)('0' + v);
	n = len > width ? len : width;
	return n;
}

/* The 8 digits of n < 10^8, zero-padded, as the little-endian word
 * whose bytes are their ASCII, most significant first: the number
 * split into halves, quarters and single digits in lanes of one word
 * (multiplications by 10486 / 2^20 and 103 / 2^10 divide the lanes by
 * 100 and 10 exactly in these ranges; the unit test checks every n). */
static inline uint64_t eight_digits(uint32_t n)
{
	uint64_t x = n / 10000 | (uint64_t)(n % 10000) << 32;
	uint64_t q = (x * 10486 >> 20) & 0x0000007F0000007Full;

	x = q | (x - 100 * q) << 16;
	q = (x * 103 >> 10) & 0x000F000F000F000Full;
	x = q | (x - 10 * q) << 8;
	return x | 0x3030303030303030ull;
}

/* The digits of 0 < v < 10^16 without leading or trailing zeros: at
 * *dig (16 bytes of buf[32] readable from there), their count
 * returned; *tz gets the trailing zeros dropped. */
static inline int sixteen_digits(uint64_t v, char *buf, const char **dig, int *tz)
{
	uint64_t hi = eight_digits((uint32_t)(v / 100000000)), lo = eight_digits((uint32_t)(v % 100000000));
	uint64_t zh = hi ^ 0x3030303030303030ull, zl = lo ^ 0x3030303030303030ull;
	int lead = zh ? __builtin_ctzll(zh) >> 3 : 8 + (__builtin_ctzll(zl) >> 3);

	memcpy(buf, &hi, 8);
	memcpy(buf + 8, &lo, 8);
	*tz = zl ? __builtin_clzll(zl) >> 3 : 8 + (__builtin_clzll(zh) >> 3);
	*dig = buf + lead;
	return 16 - lead - *tz;
}

int lr_dec_eight_digits_(uint32_t n, char *out)
{
	uint64_t w = eight_digits(n);

	memcpy(out, &w, 8);
	return 8;
}

static int u128_digits(u128 v, char *out)
{
	const uint64_t p19 = 10000000000000000000ull;
	uint64_t hi = (uint64_t)(v / p19), lo = (uint64_t)(v % p19);
	int n;

	/* One 128-bit division, then the digit loops run on 64-bit halves. */
	if (!hi)
		return u64_digits(lo, out, 0);
	n = u64_digits(hi, out, 0);
	return n + u64_digits(lo, out + n, 19);
}

/* The value of eight digit values, one a byte, the most significant in
 * the lowest byte: pairs, then quads by two multiplies. */
static inline uint64_t eight_values(uint64_t x)
{
	x = x * 10 + (x >> 8);
	return ((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32)) +
		((x >> 16 & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
}

static inline uint64_t load8(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

static inline uint64_t load4(const unsigned char *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

/* The lanes of x (bytes, digit values) past lane 0..k) moved down one,
 * over lane k. */
static inline uint64_t drop_lane(uint64_t x, size_t k)
{
	uint64_t low = (1ull << (8 * k)) - 1;

	return (x & low) | (x >> 8 & ~low);
}

/*
 * "digits[.digits]" of 4 to 16 bytes at p, read a word at a time (only
 * p[0..len) is read): 0 with *m and *exp set, or -1 when the text is
 * anything else, which the byte loop then judges.
 */
static inline int parse_words(const unsigned char *p, size_t len, uint64_t *m, int *exp)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t a, b = 0, va = ~0ull, vb = 0, fa, fb;
	size_t nd = len, k;

	/* the bytes in 16 lanes, zero past len */
	if (len >= 8) {
		a = load8(p);
		if (len > 8) {
			b = load8(p + len - 8) >> (8 * (16 - len));
			vb = len == 16 ? ~0ull : (1ull << (8 * (len - 8))) - 1;
		}
	} else {
		a = load4(p) | load4(p + len - 4) << (8 * (len - 4));
		va = (1ull << (8 * len)) - 1;
	}
	/* digit values; a lane over 9 (the point among them) is flagged */
	a = (a ^ 0x30 * ones) & va;
	b = (b ^ 0x30 * ones) & vb;
	fa = ((a + 0x76 * ones) | a) & 0x80 * ones & va;
	fb = ((b + 0x76 * ones) | b) & 0x80 * ones & vb;
	*exp = 0;
	if (fa | fb) {
		/* one flag, on a point: the point's lane is taken out */
		if ((fa && fb) || (fa & (fa - 1)) || (fb & (fb - 1)))
			return -1;
		k = fa ? (size_t)__builtin_ctzll(fa) >> 3 : 8 + ((size_t)__builtin_ctzll(fb) >> 3);
		if (p[k] != '.')
			return -1;
		if (k < 8) {
			a = drop_lane(a, k) | b << 56;
			b >>= 8;
		} else {
			b = drop_lane(b, k - 8);
		}
		nd--;
		*exp = -(int)(len - 1 - k);
	}
	/* right-aligned in 8 or 16 lanes: the lanes before the first
	 * digit are leading zeros */
	if (nd <= 8) {
		*m = eight_values(a << (8 * (8 - nd)));
	} else {
		unsigned sh = (unsigned)(16 - nd) * 8;

		if (sh)
			b = b << sh | a >> (64 - sh), a <<= sh;
		*m = eight_values(a) * 100000000 + eight_values(b);
	}
	return 0;
}

int lr_dec_parse_simple(const char *s, size_t n, int *neg, uint64_t *m, int *exp)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *first, *dot = end;
	uint64_t v = 0;
	unsigned d;

	*neg = 0;
	if (p < end && (*p == '-' || *p == '+')) {
		*neg = *p == '-';
		p++;
	}
	if (end - p >= 4 && end - p <= 16 && parse_words(p, (size_t)(end - p), m, exp) == 0)
		return 0;
	first = p;
	while (p < end && (d = (unsigned)*p - '0') < 10) {
		v = v * 10 + d;
		p++;
	}
	if (p < end && *p == '.') {
		dot = p++;
		while (p < end && (d = (unsigned)*p - '0') < 10) {
			v = v * 10 + d;
			p++;
		}
	}
	if (p != end || p - first == (dot < end))
		return -1;
	if (p - first - (dot < end) > 19) {
		/* more than 19 digits: fine if the leading zeros make up for
		 * them (v has wrapped otherwise). The digits from the first
		 * non-zero one are counted by position, not by v != 0: v
		 * wraps to exactly 0 at 2^64 and its multiples. */
		int sig = 0, started = 0;

		for (p = first, v = 0; p < end; p++)
			if (*p != '.') {
				v = v * 10 + (unsigned)(*p - '0');
				started |= *p != '0';
				sig += started;
			}
		if (sig > 19)
			return -1;
	}
	*m = v;
	*exp = dot < end ? -(int)(end - dot - 1) : 0;
	return 0;
}

/* For lr_dec_is_plain_positive: bit 1 an accepted byte, bit 0 a
 * non-zero digit, bit 2 the point; 0 anything else. */
static const unsigned char plain_class[256] = {
	['0'] = 2, ['1'] = 3, ['2'] = 3, ['3'] = 3, ['4'] = 3, ['5'] = 3,
	['6'] = 3, ['7'] = 3, ['8'] = 3, ['9'] = 3, ['.'] = 6,
};

int lr_dec_is_plain_positive(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned all = 2, seen = 0, dots = 0;

	if (p < end && *p == '+')
		p++;
	/* No branch per byte: the classes are and-ed and or-ed, the points
	 * counted. */
	for (; p < end; p++) {
		unsigned k = plain_class[*p];

		all &= k;
		seen |= k;
		dots += k >> 2;
	}
	return all && (seen & 1) && dots <= 1;
}

/* Copies the digits of [d0, d1) to out, leaving out the point if it is
 * at dot (NULL: there is none). Returns the count. */
static size_t copy_without_point(char *out, const char *d0, const char *d1, const char *dot)
{
	if (dot && dot > d0 && dot < d1) {
		size_t a = (size_t)(dot - d0);

		memcpy(out, d0, a);
		memcpy(out + a, dot + 1, (size_t)(d1 - dot - 1));
		return (size_t)(d1 - d0 - 1);
	}
	memcpy(out, d0, (size_t)(d1 - d0));
	return (size_t)(d1 - d0);
}

size_t lr_dec_mul_pow10(const char *s, size_t n, const struct lr_small *a, char *out)
{
	const char *p = s, *end = s + n, *ip, *fp = NULL, *d0, *d1, *dot;
	size_t ni, nf = 0, k = 0;
	int neg = 0;
	int64_t e, point, nd;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	ip = p;
	while (p < end && (unsigned)(*p - '0') < 10)
		p++;
	ni = (size_t)(p - ip);
	if (p < end && *p == '.') {
		fp = ++p;
		while (p < end && (unsigned)(*p - '0') < 10)
			p++;
		nf = (size_t)(p - fp);
	}
	if (p != end || ni + nf == 0 || ni + nf > 19)
		return 0;
	/* The significant digits run from the first non-zero one to the last
	 * non-zero one, across the point; the value is those digits times
	 * 10^e. */
	d0 = NULL;
	for (p = ip; p < ip + ni; p++)
		if (*p != '0') {
			d0 = p;
			break;
		}
	if (!d0 && fp)
		for (p = fp; p < fp + nf; p++)
			if (*p != '0') {
				d0 = p;
				break;
			}
	if (neg ^ a->neg)
		out[k++] = '-';
	if (!d0) {
		out[k++] = '0';
		return k;
	}
	d1 = fp && nf ? fp + nf : ip + ni;          /* one past the last digit */
	while (d1[-1] == '0' || d1[-1] == '.')
		d1--;
	/* e: the power of ten of the last significant digit */
	if (fp && d1 > fp)
		e = -(int64_t)(d1 - fp);
	else
		e = (int64_t)((ip + ni) - d1);
	nd = (int64_t)(d1 - d0) - (fp && d0 < fp && d1 > fp);
	e += a->exp;
	point = nd + e;
	/* The digits without the point, then the same layouts as
	 * lr_dec_mul_simple; the rest is left to it. */
	dot = fp ? fp - 1 : NULL;
	if (e >= 0 && e <= LR_DEC_PLAIN_ZEROS) {
		k += copy_without_point(out + k, d0, d1, dot);
		memset(out + k, '0', (size_t)e);
		return k + (size_t)e;
	}
	if (e < 0 && point > 0) {
		/* the digits, then the point moved in after point of them */
		copy_without_point(out + k, d0, d1, dot);
		memmove(out + k + point + 1, out + k + point, (size_t)(nd - point));
		out[k + (size_t)point] = '.';
		return k + (size_t)nd + 1;
	}
	if (point <= 0 && -point <= LR_DEC_PLAIN_ZEROS) {
		out[k++] = '0';
		out[k++] = '.';
		memset(out + k, '0', (size_t)-point);
		k += (size_t)-point;
		return k + copy_without_point(out + k, d0, d1, dot);
	}
	return 0;
}

/*
 * Lays out the nd digits at d (nd <= 16, in a buffer with 16 readable
 * bytes from d), the last of power 10^e, in plain notation at out, by
 * moves of fixed size: out has 64 bytes of room. Returns the length, or
 * 0 when the layout needs more zeros than plain notation takes.
 */
static inline size_t plain_sixteen(const char *d, int nd, int64_t e, char *out)
{
	static const char zeros[32] = "00000000000000000000000000000000";
	static const char head[32] = "0.000000000000000000000000000000";
	int64_t point = nd + e;

	if (e >= 0 && e <= LR_DEC_PLAIN_ZEROS) {
		memcpy(out, d, 16);
		memcpy(out + nd, zeros, 32);
		return (size_t)(nd + e);
	}
	if (e < 0 && point > 0) {
		memcpy(out, d, 16);
		out[point] = '.';
		memcpy(out + point + 1, d + point, 16);
		return (size_t)nd + 1;
	}
	if (point <= 0 && -point <= LR_DEC_PLAIN_ZEROS) {
		memcpy(out, head, 32);
		memcpy(out + 2 - point, d, 16);
		return 2 + (size_t)(nd - point);
	}
	return 0;
}

/*
 * As plain_sixteen for nd <= 8 digits held in a word, the first in its
 * lowest byte and zero bytes past the last, with point digits before the
 * decimal point (nd + their exponent): the stores come straight from
 * the register. The layout is chosen by point alone, which the caller
 * knows before the digits are converted, so that a layout the branch
 * predictor missed costs less.
 */
static inline size_t plain_eight(uint64_t d, int nd, int64_t point, char *out)
{
	static const char zeros[32] = "00000000000000000000000000000000";
	static const char head[32] = "0.000000000000000000000000000000";

	if (point <= 0) {
		if (-point > LR_DEC_PLAIN_ZEROS)
			return 0;
		memcpy(out, head, 32);
		memcpy(out + 2 - point, &d, 8);
		return 2 + (size_t)(nd - point);
	}
	if (point < nd) {
		uint64_t rest = d >> (8 * point);

		memcpy(out, &d, 8);
		out[point] = '.';
		memcpy(out + point + 1, &rest, 8);
		return (size_t)nd + 1;
	}
	if (point - nd > LR_DEC_PLAIN_ZEROS)
		return 0;
	memcpy(out, &d, 8);
	memcpy(out + nd, zeros, 32);
	return (size_t)point;
}

/*
 * The same for nd digits of any count, by moves of their length; when
 * the zeros are too many, scientific notation through lr_dec_format.
 */
static size_t place_digits(const char *dig, int nd, int64_t e, char *out)
{
	static const struct lr_notation sci = { 0, 'e', 0 };
	int64_t point = nd + e;
	struct lr_dec d;
	size_t n = 0;

	if (e >= 0 && e <= LR_DEC_PLAIN_ZEROS) {
		memcpy(out, dig, (size_t)nd);
		memset(out + nd, '0', (size_t)e);
		return (size_t)(nd + e);
	}
	if (e < 0 && point > 0) {
		memcpy(out, dig, (size_t)point);
		out[point] = '.';
		memcpy(out + point + 1, dig + point, (size_t)(nd - point));
		return (size_t)nd + 1;
	}
	if (point <= 0 && -point <= LR_DEC_PLAIN_ZEROS) {
		out[n++] = '0';
		out[n++] = '.';
		memset(out + n, '0', (size_t)-point);
		n += (size_t)-point;
		memcpy(out + n, dig, (size_t)nd);
		return n + (size_t)nd;
	}
	d.neg = 0;
	d.kind = LR_DEC_FINITE;
	d.ndig = nd;
	d.exp = e;
	memcpy(d.dig, dig, (size_t)nd);
	return lr_dec_format(&d, &sci, out);
}

/* m * am * 10^e (both non-zero) at out, for the products that
 * lr_dec_mul_simple does not lay out from one word: kept out of line,
 * with the buffer they need. */
static __attribute__((noinline)) size_t mul_rest(uint64_t m, uint64_t am, int64_t e, char *out)
{
	char buf[64];
	const char *d;
	uint64_t small;
	int nd, tz;
	size_t k;

	if (__builtin_mul_overflow(m, am, &small)) {
		nd = u128_digits((u128)m * am, buf);
		while (buf[nd - 1] == '0') {
			nd--;
			e++;
		}
		return place_digits(buf, nd, e, out);
	}
	if (small < 10000000000000000ull) {
		/* the digits in one go, laid out by moves of fixed size */
		nd = sixteen_digits(small, buf, &d, &tz);
		if ((k = plain_sixteen(d, nd, e + tz, out)) != 0)
			return k;
		return place_digits(d, nd, e + tz, out);
	}
	/* Trailing zeros go to the exponent before the digits are
	 * written; for most slopes there are none. */
	while (small % 10 == 0) {
		small /= 10;
		e++;
	}
	nd = u64_digits(small, buf, 0);
	return place_digits(buf, nd, e, out);
}

size_t lr_dec_mul_simple(int neg, uint64_t m, int exp, const struct lr_small *a, char *out)
{
	int64_t e = (int64_t)exp + a->exp;
	size_t n = neg ^ a->neg, k;
	uint64_t small;

	out[0] = '-';
	if (m == 0 || a->m == 0) {
		out[n] = '0';
		return n + 1;
	}
	if (!__builtin_mul_overflow(m, a->m, &small) && small < 100000000) {
		/* Most products: one word of digits, never in memory until
		 * it is stored where it goes. */
		int len = u64_len(small), lead = 8 - len, tz;
		uint64_t w = eight_digits((uint32_t)small);

		tz = __builtin_clzll(w ^ 0x3030303030303030ull) >> 3;
		if ((k = plain_eight(w << (8 * tz) >> (8 * (tz + lead)), len - tz, len + e, out + n)) != 0)
			return n + k;
	}
	return n + mul_rest(m, a->m, e, out + n);
}

void lr_dec_divisor(struct lr_divisor *dv, const struct lr_small *a)
{
	uint64_t odd = a->m, r = 1;
	int twos = 0, fives = 0, k;

	memset(dv, 0, sizeof *dv);
	if (!odd)
		return;
	for (; odd % 2 == 0; odd /= 2)
		twos++;
	for (; odd % 5 == 0; odd /= 5)
		fives++;
	dv->odd = odd;
	/* 1 / (2^twos 5^fives) = 2^(k - twos) 5^(k - fives) / 10^k */
	k = twos > fives ? twos : fives;
	for (int i = 0; i < k - twos; i++)
		if (__builtin_mul_overflow(r, 2, &r))
			return;
	for (int i = 0; i < k - fives; i++)
		if (__builtin_mul_overflow(r, 5, &r))
			return;
	dv->recip.neg = a->neg;
	dv->recip.m = r;
	dv->recip.exp = -a->exp - k;
}

/* The slope 1: lr_dec_mul_simple and lr_dec_mul_u64 then lay out a
 * quotient's digits as they are. */
static const struct lr_small unit = { 0, 1, 0 };

/*
 * m * 10^exp / a when the quotient never ends (a's odd part does not
 * divide m): 18 or 19 digits of the quotient of m * 10^s (below 10^38)
 * by a->m, then nsig <= 17 of them rounded by the next one, as a digit
 * of 5 there means more than half. *q gets the digits (up to 10^nsig
 * after a carry) and the result's exponent is returned.
 */
static int64_t endless_quotient(uint64_t m, int exp, const struct lr_small *a, int nsig, uint64_t *q)
{
	int nm = u64_len(m), na = u64_len(a->m), s = 18 + na - nm, nq;
	u128 num = (u128)m * pow10_u64[s > 19 ? 19 : s];
	uint64_t p, t;

	if (s > 19)
		num *= pow10_u64[s - 19];
	*q = (uint64_t)(num / a->m);
	nq = u64_len(*q);
	p = pow10_u64[nq - nsig];
	t = *q % p;
	*q = *q / p + (t >= p / 2);
	return (int64_t)exp - a->exp - s + nq - nsig;
}

size_t lr_dec_div_simple(int neg, uint64_t m, int exp, const struct lr_small *a,
			 const struct lr_divisor *dv, char *out)
{
	uint64_t q;
	int64_t e;

	if (!dv->recip.m)
		return 0;
	/* terminating: m / odd, then times the rest's reciprocal */
	if (m % dv->odd == 0)
		return lr_dec_mul_simple(neg, m / dv->odd, exp, &dv->recip, out);
	e = endless_quotient(m, exp, a, 17, &q);
	return lr_dec_mul_simple(neg ^ a->neg, q, (int)e, &unit, out);
}

int lr_dec_div_u64(struct lr_dec *out, int neg, uint64_t m, int exp, const struct lr_small *a,
		   const struct lr_divisor *dv, int nsig)
{
	uint64_t q;
	int64_t e;

	if (!dv->recip.m)
		return 0;
	if (m % dv->odd == 0) {
		lr_dec_mul_u64(out, neg, m / dv->odd, exp, &dv->recip);
		return 1;
	}
	if (nsig < 1 || nsig > 17)
		return 0;
	e = endless_quotient(m, exp, a, nsig, &q);
	lr_dec_mul_u64(out, neg ^ a->neg, q, 0, &unit);
	out->exp += e;
	return 1;
}

void lr_dec_from_small(struct lr_dec *d, const struct lr_small *a)
{
	d->neg = a->neg;
	d->kind = LR_DEC_FINITE;
	d->nt.sci = 0;
	d->nt.echar = 'e';
	d->nt.eplus = 0;
	d->ndig = u128_digits(a->m, d->dig);
	d->exp = a->exp;
	normalise(d);
}

void lr_dec_mul(struct lr_dec *out, const struct lr_dec *x, const struct lr_small *a)
{
	out->neg = x->neg ^ a->neg;
	out->kind = LR_DEC_FINITE;
	out->nt = x->nt;
	if (x->ndig == 0 || a->m == 0) {
		out->ndig = 0;
		out->exp = 0;
		return;
	}
	out->exp = x->exp + a->exp;
	if (x->ndig <= 19) {
		uint64_t xv = 0;
		int32_t i;

		for (i = 0; i < x->ndig; i++)
			xv = xv * 10 + (uint64_t)(x->dig[i] - '0');
		out->ndig = u128_digits((u128)xv * a->m, out->dig);
	} else {
		/* Long significand: schoolbook from the last digit, carry < 10*m. */
		u128 carry = 0;
		int32_t i, k = x->ndig + 20, j;
		char *o = out->dig;

		for (i = x->ndig - 1, j = k - 1; i >= 0; i--, j--) {
			carry += (u128)(uint64_t)(x->dig[i] - '0') * a->m;
			o[j] = (char)('0' + (int)(carry % 10));
			carry /= 10;
		}
		for (; j >= 0; j--) {
			o[j] = (char)('0' + (int)(carry % 10));
			carry /= 10;
		}
		out->ndig = k;
	}
	normalise(out);
}

void lr_dec_mul_u64(struct lr_dec *out, int neg, uint64_t m, int exp, const struct lr_small *a)
{
	out->neg = (unsigned char)(neg ^ a->neg);
	out->kind = LR_DEC_FINITE;
	out->nt.sci = 0;
	out->nt.echar = 'e';
	out->nt.eplus = 0;
	if (m == 0 || a->m == 0) {
		out->ndig = 0;
		out->exp = 0;
		return;
	}
	out->exp = (int64_t)exp + a->exp;
	out->ndig = u128_digits((u128)m * a->m, out->dig);
	normalise(out);
}

void lr_dec_div(struct lr_dec *out, const struct lr_dec *x, const struct lr_small *a, int nsig)
{
	u128 r = 0;
	int32_t i = 0, n = 0, extra = 0;
	int32_t cap = LR_DEC_MAXDIG + LR_DEC_SLACK - 2;
	int sig = 0;

	out->neg = x->neg ^ a->neg;
	out->kind = LR_DEC_FINITE;
	out->nt = x->nt;
	if (x->ndig == 0) {
		out->ndig = 0;
		out->exp = 0;
		return;
	}
	/*
	 * Long division of the digit string by m, one digit at a time. Past the
	 * dividend's digits, a quotient that terminates at all does so within
	 * 64 more digits (m < 2^64 has at most 64 factors of 2 or 5), so when
	 * the remainder is still non-zero by then the quotient never ends.
	 */
	for (;;) {
		int q;

		if (i < x->ndig)
			r = r * 10 + (u128)(x->dig[i] - '0');
		else {
			r *= 10;
			extra++;
		}
		i++;
		q = (int)(r / a->m);
		r %= a->m;
		/* Leading zeros of the quotient are not stored. */
		if (q || sig) {
			out->dig[n++] = (char)('0' + q);
			sig++;
		}
		if (i >= x->ndig && r == 0)
			break;
		if (i >= x->ndig && extra >= 64 && sig > nsig)
			break;
		if (n >= cap)
			break;
	}
	/* Value = digits * 10^(x->exp - a->exp - extra) */
	out->ndig = n;
	out->exp = x->exp - a->exp - extra;
	if (r != 0) {
		/* Not terminating: round to nsig with the remainder as sticky
		 * bit, so a digit of 5 always means more than half. */
		if (n > nsig) {
			int up = out->dig[nsig] >= '5';

			out->exp += n - nsig;
			out->ndig = nsig;
			if (up) {
				int32_t k = nsig - 1;

				while (k >= 0 && out->dig[k] == '9')
					out->dig[k--] = '0';
				if (k >= 0)
					out->dig[k]++;
				else {
					memmove(out->dig + 1, out->dig, (size_t)nsig);
					out->dig[0] = '1';
					out->ndig++;
				}
			}
		}
	}
	normalise(out);
}

void lr_dec_round(struct lr_dec *d, int nsig)
{
	int up;
	int32_t k;

	if (d->kind != LR_DEC_FINITE || d->ndig <= nsig)
		return;
	if (d->dig[nsig] > '5')
		up = 1;
	else if (d->dig[nsig] < '5')
		up = 0;
	else {
		/* Normalised, so any digit after a final 5 is non-zero. */
		if (d->ndig > nsig + 1)
			up = 1;
		else
			up = nsig > 0 ? (d->dig[nsig - 1] - '0') & 1 : 1;
	}
	d->exp += d->ndig - nsig;
	d->ndig = nsig;
	if (up) {
		k = nsig - 1;
		while (k >= 0 && d->dig[k] == '9')
			d->dig[k--] = '0';
		if (k >= 0)
			d->dig[k]++;
		else {
			memmove(d->dig + 1, d->dig, (size_t)nsig);
			d->dig[0] = '1';
			d->ndig++;
		}
	}
	normalise(d);
}

static size_t put_exp(char *o, int64_t e, const struct lr_notation *nt)
{
	char tmp[24];
	size_t n = 0, k = 0;
	uint64_t u;

	o[n++] = (char)(nt->echar ? nt->echar : 'e');
	if (e < 0) {
		o[n++] = '-';
		u = (uint64_t)(-e);
	} else {
		if (nt->eplus)
			o[n++] = '+';
		u = (uint64_t)e;
	}
	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (k)
		o[n++] = tmp[--k];
	return n;
}

size_t lr_dec_format(const struct lr_dec *d, const struct lr_notation *nt, char *out)
{
	size_t n = 0;
	int64_t point; /* digits before the decimal point */
	int32_t i;

	if (d->neg)
		out[n++] = '-';
	if (d->ndig == 0) {
		/* A zero keeps the notation too: 0e+1 gives 0e+0. */
		out[n++] = '0';
		return nt->sci ? n + put_exp(out + n, 0, nt) : n;
	}
	point = d->ndig + d->exp;
	if (!nt->sci && d->exp >= 0 && d->exp <= LR_DEC_PLAIN_ZEROS) {
		memcpy(out + n, d->dig, (size_t)d->ndig);
		n += (size_t)d->ndig;
		memset(out + n, '0', (size_t)d->exp);
		return n + (size_t)d->exp;
	}
	if (!nt->sci && d->exp < 0 && point > 0) {
		memcpy(out + n, d->dig, (size_t)point);
		n += (size_t)point;
		out[n++] = '.';
		memcpy(out + n, d->dig + point, (size_t)(d->ndig - point));
		return n + (size_t)(d->ndig - point);
	}
	if (!nt->sci && point <= 0 && -point <= LR_DEC_PLAIN_ZEROS) {
		out[n++] = '0';
		out[n++] = '.';
		memset(out + n, '0', (size_t)-point);
		n += (size_t)-point;
		memcpy(out + n, d->dig, (size_t)d->ndig);
		return n + (size_t)d->ndig;
	}
	/* Scientific: one digit before the point. */
	out[n++] = d->dig[0];
	if (d->ndig > 1) {
		out[n++] = '.';
		for (i = 1; i < d->ndig; i++)
			out[n++] = d->dig[i];
	}
	return n + put_exp(out + n, point - 1, nt);
}
