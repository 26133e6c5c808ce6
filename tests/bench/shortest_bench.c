/*
 * shortest_bench.c - time to print N doubles (and floats) as text: the
 * C library's %.17g and %.9g, lrelu's text (lr_print64 and lr_print32,
 * the shortest digits in the notation lrelu writes them), and the slow
 * search it replaced (tests/shortest_ref.c, its digits made into text). Values are products of
 * random six-decimal numbers in [-10, 10] and 0.01, as forward makes
 * them. Each of RUNS rounds times every contestant once, one after
 * another, so that a slow spell of a shared machine falls on both sides
 * of a ratio; prints nanoseconds per value (the median of the rounds)
 * and the median of the rounds' ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "floatfmt.h"
#include "shortest_ref.h"

enum { RUNS = 11 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* digits and exponent into a "d.ddde-x" string, for the old search */
static size_t text(char *out, const char *dig, int n, int e)
{
	size_t k = 0;

	out[k++] = dig[0];
	if (n > 1) {
		out[k++] = '.';
		memcpy(out + k, dig + 1, (size_t)n - 1);
		k += (size_t)n - 1;
	}
	e += n - 1;
	out[k++] = 'e';
	if (e < 0) {
		out[k++] = '-';
		e = -e;
	}
	if (e >= 100)
		out[k++] = (char)('0' + e / 100);
	if (e >= 10)
		out[k++] = (char)('0' + e / 10 % 10);
	out[k++] = (char)('0' + e % 10);
	return k;
}

static volatile size_t sink;

#define TIME(slot, n, body) do { \
	double t0 = now(); \
	size_t acc = 0; \
	for (size_t i = 0; i < (n); i++) { body; } \
	sink += acc; \
	t[slot][r] = (now() - t0) * 1e9 / (double)(n); \
} while (0)

static double median(double *x)
{
	qsort(x, RUNS, sizeof x[0], cmpd);
	return x[RUNS / 2];
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000, nref = n / 20;
	double *v = malloc(n * sizeof *v);
	float *f = malloc(n * sizeof *f);
	char buf[LR_PRINT_ROOM], dig[32];
	int e;

	srand(42);
	for (size_t i = 0; i < n; i++) {
		double x = (double)(rand() % 20000001 - 10000000) / 1e6;

		v[i] = x * 0.01;
		f[i] = (float)x * 0.01f;
	}
	static const char *label[6] = {
		"float64 printf %.17g", "float64 lrelu (shortest text)", "float64 old search",
		"float32 printf %.17g", "float32 printf %.9g", "float32 lrelu (shortest text)",
	};
	double t[6][RUNS], ratio[3][RUNS];

	printf("%zu values (the slow search on %zu), %d rounds\n", n, nref, RUNS);
	for (int r = 0; r < RUNS; r++) {
		TIME(0, n, acc += (size_t)snprintf(buf, sizeof buf, "%.17g", v[i]));
		TIME(1, n, acc += lr_print64(v[i], buf));
		TIME(2, nref, { int k = ref_shortest64(v[i], dig, &e); acc += text(buf, dig, k, e); });
		TIME(3, n, acc += (size_t)snprintf(buf, sizeof buf, "%.17g", (double)f[i]));
		TIME(4, n, acc += (size_t)snprintf(buf, sizeof buf, "%.9g", (double)f[i]));
		TIME(5, n, acc += lr_print32(f[i], buf));
		ratio[0][r] = t[0][r] / t[1][r];
		ratio[1][r] = t[3][r] / t[5][r];
		ratio[2][r] = t[4][r] / t[5][r];
	}
	for (int i = 0; i < 6; i++)
		printf("%-34s %8.1f ns/value\n", label[i], median(t[i]));
	printf("float64: %.1fx faster than %%.17g; float32: %.1fx faster than %%.17g, %.1fx faster than %%.9g\n"
	       "(medians of the rounds' ratios)\n",
	       median(ratio[0]), median(ratio[1]), median(ratio[2]));
	free(v);
	free(f);
	return 0;
}
