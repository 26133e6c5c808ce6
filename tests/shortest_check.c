/*
 * shortest_check.c - the long check of shortest.c (make check-shortest;
 * not part of make check). For every float32 bit pattern (all 2^32, in
 * two processes), and for random float64 bit patterns, the digits must
 *   1. read back as the same value through strtof/strtod (sign included);
 *   2. be shortest: neither multiple of ten units around the digits,
 *      the only shorter candidates, reads back;
 *   3. be the nearest of their length: when the C library's correctly
 *      rounded %.*e of that length reads back, it is the same string;
 *   4. come out of lr_print32/lr_print64 as the text lrelu prints: the
 *      sign, then the digits in plain notation (up to 20 zeros added
 *      after them or after "0."), else in scientific notation.
 * And every integer below 10^8 prints as its own digits (shortest.c
 * writes digits eight at a time by a fixed-point method).
 * Usage: shortest_check f32 | f64 COUNT [SEED] | ints. Prints a summary line
 * and the first few failures; exit status 1 on any failure.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "floatfmt.h"

/* "[-]DIGITSeEXP" */
static void text(char *buf, size_t sz, int neg, const char *dig, int n, int e)
{
	snprintf(buf, sz, "%s%.*se%d", neg ? "-" : "", n, dig, e);
}

/* d's n digits cut to n - 1 and rounded down (up = 0) or up; the result
 * is in out (n - 1 digits or fewer after a carry), returns its count. */
static int cut(const char *dig, int n, int e, int up, char *out, int *oe)
{
	int m = n - 1, k;

	memcpy(out, dig, (size_t)m);
	*oe = e + 1;
	if (!up)
		return m;
	for (k = m - 1; k >= 0 && out[k] == '9'; k--)
		out[k] = '0';
	if (k < 0) {
		out[0] = '1';
		(*oe) += m;   /* 99.. -> 1 followed by zeros */
		return 1;
	}
	out[k]++;
	return m;
}

/* The %.*e digits of |v| at p digits, trailing zeros dropped. */
static int printf_digits(double v, int p, char *dig, int *e)
{
	char buf[64], *s = buf;
	int n = 0, x;

	snprintf(buf, sizeof buf, "%.*e", p - 1, fabs(v));
	for (; *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			dig[n++] = *s;
	x = atoi(s + 1) - (n - 1);
	while (n > 1 && dig[n - 1] == '0') {
		n--;
		x++;
	}
	*e = x;
	return n;
}

static long failures;

static void fail(const char *what, const char *val, const char *got)
{
	if (++failures <= 10)
		fprintf(stderr, "FAIL %s: %s -> %s\n", what, val, got);
}

/* The text of property 4, written here independently of shortest.c. */
static void plain(char *buf, int neg, const char *dig, int n, int e)
{
	int point = n + e, i;
	char *p = buf;

	if (neg)
		*p++ = '-';
	if (e >= 0 && e <= 20) {
		memcpy(p, dig, (size_t)n);
		memset(p + n, '0', (size_t)e);
		p += n + e;
	} else if (e < 0 && point > 0) {
		memcpy(p, dig, (size_t)point);
		p[point] = '.';
		memcpy(p + point + 1, dig + point, (size_t)(n - point));
		p += n + 1;
	} else if (point <= 0 && -point <= 20) {
		*p++ = '0';
		*p++ = '.';
		for (i = 0; i < -point; i++)
			*p++ = '0';
		memcpy(p, dig, (size_t)n);
		p += n;
	} else
		p += sprintf(p, "%c%s%.*se%d", dig[0], n > 1 ? "." : "", n - 1, dig + 1, point - 1);
	*p = '\0';
}

/* One value; is32 picks the width. */
static void check(double v, int is32)
{
	char dig[32], alt[32], buf[64], vb[40];
	int e, ae, n, m, up, neg = signbit(v) != 0;

	if (!isfinite(v) || v == 0)
		return;
	n = is32 ? lr_shortest32((float)v, dig, &e) : lr_shortest64(v, dig, &e);
	snprintf(vb, sizeof vb, "%a", v);
	{
		char want[64], got[LR_PRINT_ROOM + 1];
		size_t k = is32 ? lr_print32((float)v, got) : lr_print64(v, got);

		got[k] = '\0';
		plain(want, neg, dig, n, e);
		if (strcmp(got, want) != 0)
			fail("printed text", vb, got);
	}
	text(buf, sizeof buf, neg, dig, n, e);
#define READS(s) (is32 ? strtof((s), NULL) == (float)v : strtod((s), NULL) == v)
	if (!READS(buf)) {
		fail("does not read back", vb, buf);
		return;
	}
	for (up = 0; up <= 1 && n > 1; up++) {
		m = cut(dig, n, e, up, alt, &ae);
		text(buf, sizeof buf, neg, alt, m, ae);
		if (READS(buf))
			fail("a shorter string reads back", vb, buf);
	}
	m = printf_digits(v, n, alt, &ae);
	text(buf, sizeof buf, neg, alt, m, ae);
	if (READS(buf) && (m != n || ae != e || memcmp(alt, dig, (size_t)n) != 0)) {
		char mine[64];

		text(mine, sizeof mine, neg, dig, n, e);
		fprintf(stderr, "  (nearest of the length is %s)\n", buf);
		fail("not the nearest of its length", vb, mine);
	}
#undef READS
}

static int run_f32(uint64_t lo, uint64_t hi)
{
	uint64_t i;

	for (i = lo; i < hi; i++) {
		uint32_t b = (uint32_t)i;
		float f;

		memcpy(&f, &b, sizeof f);
		check((double)f, 1);
	}
	printf("float32 0x%08" PRIx64 "..0x%08" PRIx64 ": %" PRIu64 " patterns, %ld failures\n",
	    lo, hi - 1, hi - lo, failures);
	return failures != 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "f32") == 0) {
		uint64_t lo = 0, hi = (uint64_t)1 << 32;
		int status, bad = 0;
		pid_t pid;

		if (argc >= 4) {
			lo = strtoull(argv[2], NULL, 0);
			hi = strtoull(argv[3], NULL, 0);
			return run_f32(lo, hi);
		}
		/* Two halves at once on two cores. */
		pid = fork();
		if (pid == 0)
			return run_f32(lo, hi / 2);
		bad |= run_f32(hi / 2, hi);
		waitpid(pid, &status, 0);
		bad |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
		return bad;
	}
	if (argc >= 3 && strcmp(argv[1], "f64") == 0) {
		uint64_t n = strtoull(argv[2], NULL, 0), i;
		uint64_t x = argc >= 4 ? strtoull(argv[3], NULL, 0) : 88172645463325252u;

		for (i = 0; i < n; i++) {
			double d;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(&d, &x, sizeof d);
			check(d, 0);
		}
		printf("float64: %" PRIu64 " random patterns, %ld failures\n", n, failures);
		return failures != 0;
	}
	if (argc >= 2 && strcmp(argv[1], "ints") == 0) {
		uint32_t i;

		for (i = 1; i < 100000000; i++) {
			char dig[32], want[16];
			int e, n = lr_shortest64((double)i, dig, &e), m;

			/* i's digits without its trailing zeros, those in e */
			m = snprintf(want, sizeof want, "%u", (unsigned)i);
			while (want[m - 1] == '0')
				m--;
			if (n != m || memcmp(dig, want, (size_t)m) != 0 || e != (int)strlen(want) - m) {
				snprintf(want, sizeof want, "%u", (unsigned)i);
				fail("integer digits", want, "wrong");
			}
		}
		printf("integers 1..99999999: %ld failures\n", failures);
		return failures != 0;
	}
	fprintf(stderr, "usage: shortest_check f32 [LO HI] | f64 COUNT [SEED] | ints\n");
	return 2;
}
