/*
 * fuzz_decimal.c - libFuzzer harness for decimal.c, the exact arithmetic
 * on text numbers. The input is "SLOPE\nNUMBER" (or just NUMBER, with
 * slope 0.01). Properties:
 *   - a number that parses formats to text that parses to the same
 *     value and formats to the same text again (a fixed point);
 *   - the fast path lr_dec_parse_simple agrees with lr_dec_parse;
 *   - lr_dec_mul is exact: it equals schoolbook multiplication of the
 *     digit strings done here, slowly and independently;
 *   - lr_dec_mul_simple writes the same text as lr_dec_format of the
 *     general product, in plain notation, and so does lr_dec_mul_pow10
 *     (moving the point) when the slope is a power of ten, and
 *     lr_dec_shift_negative (the same without a scan, refusing the
 *     rest).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lr_dec x, y, p;
static char t1[LR_DEC_MAXDIG + LR_DEC_SLACK + 64], t2[sizeof t1];
static char padded[4096 + 16];

static int same(const struct lr_dec *a, const struct lr_dec *b)
{
	return a->neg == b->neg && a->kind == b->kind && a->ndig == b->ndig &&
	    (a->kind != LR_DEC_FINITE ||
	     (a->exp == b->exp && memcmp(a->dig, b->dig, (size_t)a->ndig) == 0));
}

/* Schoolbook product of x's digits and m, compared with p. */
static void check_product(const struct lr_dec *xd, const struct lr_small *a, const struct lr_dec *pd)
{
	static unsigned acc[LR_DEC_MAXDIG + 64];
	char md[24];
	int nm = 0, i, j, n, lo, hi;
	uint64_t m = a->m;
	int64_t e;

	if (pd->neg != (xd->neg ^ a->neg))
		abort();
	if (xd->ndig == 0 || m == 0) {
		if (pd->ndig != 0)
			abort();
		return;
	}
	for (; m; m /= 10)
		md[nm++] = (char)(m % 10); /* least significant first */
	n = xd->ndig + nm;
	memset(acc, 0, sizeof acc[0] * (size_t)n);
	for (i = 0; i < xd->ndig; i++)          /* digit i of x has weight ndig-1-i */
		for (j = 0; j < nm; j++)
			acc[(xd->ndig - 1 - i) + j] += (unsigned)(xd->dig[i] - '0') * (unsigned)md[j];
	for (i = 0; i < n - 1; i++) {
		acc[i + 1] += acc[i] / 10;
		acc[i] %= 10;
	}
	/* acc[0..n) least significant first; value = acc * 10^(x.exp + a.exp) */
	lo = 0;
	while (acc[lo] == 0)
		lo++;
	hi = n - 1;
	while (acc[hi] == 0)
		hi--;
	e = xd->exp + a->exp + lo;
	if (pd->ndig != hi - lo + 1 || pd->exp != e)
		abort();
	for (i = 0; i < pd->ndig; i++)
		if (pd->dig[i] != (char)('0' + acc[hi - i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl = memchr(data, '\n', size);
	const char *num = s, *slope = "0.01";
	size_t nnum = size, nslope = 4, n1, n2;
	struct lr_small a;
	struct lr_notation plain = { 0, 'e', 0 };
	int neg, e, flags;
	uint64_t m;

	if (nl) {
		slope = s;
		nslope = (size_t)(nl - s);
		num = nl + 1;
		nnum = size - nslope - 1;
	}
	/* the number with the 16 readable bytes after it that the simple
	 * parser may read */
	if (nnum > sizeof padded - 16)
		return 0;
	memset(padded, 'x', sizeof padded);
	memcpy(padded, num, nnum);
	num = padded;
	for (flags = 0; flags <= LR_DEC_JSON; flags++) {
		if (lr_dec_parse(&x, num, nnum, (unsigned)flags) != LR_DEC_OK)
			continue;
		if (x.kind != LR_DEC_FINITE)
			continue;
		n1 = lr_dec_format(&x, &x.nt, t1);
		if (lr_dec_parse(&y, t1, n1, 0) != LR_DEC_OK || !same(&x, &y))
			abort();
		n2 = lr_dec_format(&y, &y.nt, t2);
		if (n1 != n2 || memcmp(t1, t2, n1) != 0)
			abort();
	}
	if (lr_dec_parse(&x, num, nnum, 0) != LR_DEC_OK)
		return 0;
	if (lr_dec_parse_simple(num, nnum, &neg, &m, &e) == 0 && x.kind == LR_DEC_FINITE) {
		struct lr_small xs = { (unsigned char)neg, m, e };

		/* the simple parse keeps trailing zeros in m; compare values */
		while (xs.m && xs.m % 10 == 0) {
			xs.m /= 10;
			xs.exp++;
		}
		lr_dec_from_small(&y, &xs);
		y.nt = x.nt;
		if (!same(&x, &y))
			abort();
	}
	if (lr_small_parse(&a, slope, nslope) != LR_DEC_OK || x.kind != LR_DEC_FINITE)
		return 0;
	lr_dec_mul(&p, &x, &a);
	check_product(&x, &a, &p);
	if (lr_dec_parse_simple(num, nnum, &neg, &m, &e) == 0) {
		char o[64];

		n1 = lr_dec_mul_simple(neg, m, e, &a, o);
		n2 = lr_dec_format(&p, &plain, t2);
		if (n1 != n2 || memcmp(o, t2, n1) != 0)
			abort();
	}
	if (a.m == 1 && nnum < 64) {
		char o[64];

		n1 = lr_dec_mul_pow10(num, nnum, &a, o);
		n2 = lr_dec_format(&p, &plain, t2);
		if (n1 && (n1 != n2 || memcmp(o, t2, n1) != 0))
			abort();
		/* and without a scan (which refuses other shapes) */
		if (!a.neg && nnum >= 2 && nnum <= 17 && num[0] == '-') {
			char padded[64], o2[64];

			memset(padded, '.', sizeof padded);
			memcpy(padded, num + 1, nnum - 1);
			n2 = lr_dec_shift_negative(padded, nnum - 1, a.exp, o2);
			if (n2 && (n1 != n2 || memcmp(o, o2, n1) != 0))
				abort();
		}
	}
	return 0;
}
