/*
 * unit.c - unit tests for the number code: decimal.c (parse, multiply,
 * divide, round, format), kernel.c (PyTorch's edges), floatfmt.c
 * (shortest round-trip digits) and calc.c (one number's text in and
 * out). Prints one line per failure and a closing "N passed, N failed".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calc.h"
#include "decimal.h"
#include "floatfmt.h"
#include "half.h"
#include "helper.h"
#include "shortest_ref.h"
#include "kernel.h"
#include "readfloat.h"
#include "span.h"

static int passed, failed;

/* UNIT_SAMPLE=N runs one Nth of each random test's cases (make
 * check-valgrind, where the whole takes a minute). */
static int sample = 1;

static void check(int ok, const char *what, const char *detail)
{
	if (ok)
		passed++;
	else {
		failed++;
		printf("FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	}
}

static void check_str(const char *what, const char *got, const char *want)
{
	char detail[512];

	snprintf(detail, sizeof detail, "got \"%s\", want \"%s\"", got, want);
	check(strcmp(got, want) == 0, what, detail);
}

static struct lr_dec x, y, quot;

/* Parses s, then formats it back in its own notation. */
static const char *roundtrip(const char *s)
{
	static char out[2048];
	size_t n;

	if (lr_dec_parse(&x, s, strlen(s), 0) != LR_DEC_OK)
		return "<error>";
	n = lr_dec_format(&x, &x.nt, out);
	out[n] = '\0';
	return out;
}

static struct lr_small slope(const char *s)
{
	struct lr_small a;

	if (lr_small_parse(&a, s, strlen(s)) != LR_DEC_OK) {
		printf("bad slope in test: %s\n", s);
		exit(2);
	}
	return a;
}

static const char *mul(const char *s, const char *a_text)
{
	static char out[4096];
	struct lr_small a = slope(a_text);
	size_t n;

	if (lr_dec_parse(&x, s, strlen(s), 0) != LR_DEC_OK)
		return "<error>";
	lr_dec_mul(&y, &x, &a);
	n = lr_dec_format(&y, &y.nt, out);
	out[n] = '\0';
	return out;
}

static const char *divide(const char *s, const char *a_text, int nsig)
{
	static char out[4096];
	struct lr_small a = slope(a_text);
	size_t n;

	if (lr_dec_parse(&x, s, strlen(s), 0) != LR_DEC_OK)
		return "<error>";
	lr_dec_div(&y, &x, &a, nsig);
	n = lr_dec_format(&y, &y.nt, out);
	out[n] = '\0';
	return out;
}

static const char *rounded(const char *s, int nsig)
{
	static char out[2048];
	size_t n;

	if (lr_dec_parse(&x, s, strlen(s), 0) != LR_DEC_OK)
		return "<error>";
	lr_dec_round(&x, nsig);
	n = lr_dec_format(&x, &x.nt, out);
	out[n] = '\0';
	return out;
}

static void test_parse(void)
{
	static const char *bad[] = { "", "-", "+", ".", "e5", "1e", "1e+", "abc", "1.2.3", "--1",
				     "1 2", "0x10", "nanx", "in", "1,5", NULL };
	static const char *json_bad[] = { "+1", ".5", "1.", "01", "-", "nan", "inf", "1.e5", NULL };
	int i;

	check_str("parse plain", roundtrip("1.50"), "1.5");
	check_str("parse leading zeros", roundtrip("007"), "7");
	check_str("parse negative zero", roundtrip("-0.000"), "-0");
	check_str("parse exponent", roundtrip("-3e5"), "-3e5");
	check_str("parse exponent keeps case and plus", roundtrip("2.50E+03"), "2.5E+3");
	check_str("parse point only fraction", roundtrip(".5"), "0.5");
	check_str("parse trailing point", roundtrip("5."), "5");
	check(lr_dec_parse(&x, "NaN", 3, 0) == 0 && x.kind == LR_DEC_NAN, "parse NaN", NULL);
	check(lr_dec_parse(&x, "-Infinity", 9, 0) == 0 && x.kind == LR_DEC_INF && x.neg,
	      "parse -Infinity", NULL);
	for (i = 0; bad[i]; i++)
		check(lr_dec_parse(&x, bad[i], strlen(bad[i]), 0) == LR_DEC_EINVAL, "rejects", bad[i]);
	for (i = 0; json_bad[i]; i++)
		check(lr_dec_parse(&x, json_bad[i], strlen(json_bad[i]), LR_DEC_JSON) ==
			      LR_DEC_EINVAL,
		      "JSON grammar rejects", json_bad[i]);
	check(lr_dec_parse(&x, "-0.5e-3", 7, LR_DEC_JSON) == 0, "JSON grammar accepts -0.5e-3",
	      NULL);
	check(lr_dec_parse(&x, "1e9999999999", 12, 0) == LR_DEC_ERANGE, "huge exponent is ERANGE",
	      NULL);
	{
		char big[LR_DEC_MAXDIG + 10];

		memset(big, '1', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		check(lr_dec_parse(&x, big, strlen(big), 0) == LR_DEC_ERANGE,
		      "too many digits is ERANGE", NULL);
	}
}

static void test_simple_parse(void)
{
	static const char *ok[] = { "0", "-0", "1.5", "-.25", "+3.", "000.0100",
				    "1234567890123456789", "-0.000000000000000000001234567890123456789",
				    "0000000000000000000001234567890123456789", "-00.10", NULL };
	static const char *no[] = { "", ".", "-", "1e5", "12345678901234567890", "1.2.3", "nan",
				    " 1", "-.", "1234567890.1234567890", "1-",
				    /* 2^64 and multiples: the digits wrap the
				     * 64-bit value to exactly 0 */
				    "18446744073709551616", "-00018446744073709551616",
				    "36893488147419103232", "1844674407370955161.6",
				    "184467440737095516160", NULL };
	int i, neg, e;
	uint64_t m;

	for (i = 0; ok[i]; i++) {
		char in[96] = "";
		int r = lr_dec_parse_simple(strcpy(in, ok[i]), strlen(ok[i]), &neg, &m, &e);
		char buf[64];

		snprintf(buf, sizeof buf, "%s%llue%d", neg ? "-" : "", (unsigned long long)m, e);
		check(r == 0, "simple parse accepts", ok[i]);
		/* Same value as the general parser. */
		if (r == 0) {
			lr_dec_parse(&x, ok[i], strlen(ok[i]), 0);
			lr_dec_parse(&y, buf, strlen(buf), 0);
			check(x.ndig == y.ndig && x.exp == y.exp && x.neg == y.neg &&
				      memcmp(x.dig, y.dig, (size_t)x.ndig) == 0,
			      "simple parse agrees with the general one", ok[i]);
		}
	}
	for (i = 0; no[i]; i++) {
		char in[96] = "";

		check(lr_dec_parse_simple(strcpy(in, no[i]), strlen(no[i]), &neg, &m, &e) < 0,
		      "simple parse leaves to the general parser", no[i]);
	}
}

/* Whether the simple parser takes in[0..n) exactly when it is the plain
 * shape ("[-+]digits[.digits]", up to 19 significant digits), with the
 * general parser's value; the first text it gets wrong goes to
 * first_bad (size bytes) if that is still empty. */
static int simple_parse_agrees(const char *in, size_t n, char *first_bad, size_t size)
{
	size_t k, digits = 0, points = 0, sig = 0, others = 0;
	int neg, e, r, want;
	uint64_t m;
	char buf[64];

	for (k = 0; k < n; k++) {
		if (in[k] >= '0' && in[k] <= '9') {
			digits++;
			sig += sig || in[k] != '0';
		} else if (in[k] == '.')
			points++;
		else if (k > 0 || (in[k] != '-' && in[k] != '+'))
			others++;
	}
	want = digits && points <= 1 && !others && sig <= 19;
	r = lr_dec_parse_simple(in, n, &neg, &m, &e);
	if ((r == 0) != want) {
		if (!first_bad[0])
			snprintf(first_bad, size, "\"%.*s\": %s", (int)n, in, r == 0 ? "taken" : "refused");
		return 0;
	}
	if (r != 0)
		return 1;
	snprintf(buf, sizeof buf, "%s%llue%d", neg ? "-" : "", (unsigned long long)m, e);
	lr_dec_parse(&x, in, n, 0);
	lr_dec_parse(&y, buf, strlen(buf), 0);
	if (x.ndig == y.ndig && x.exp == y.exp && x.neg == y.neg && memcmp(x.dig, y.dig, (size_t)x.ndig) == 0)
		return 1;
	if (!first_bad[0])
		snprintf(first_bad, size, "\"%.*s\": read as %s", (int)n, in, buf);
	return 0;
}

/* The simple parser on random text of digits, points, signs and other
 * bytes, with random bytes after it (which it may read and must not
 * heed). */
static void test_simple_parse_random(void)
{
	static const char alphabet[] = "0000123456789...-+e x";
	uint64_t state = 0x2545F4914F6CDD1Du;
	char in[64], first_bad[96] = "";
	int i, bad = 0;

	for (i = 0; i < 300000 / sample; i++) {
		size_t n, k;

		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		n = (size_t)(state % 24);
		for (k = 0; k < sizeof in; k++) {
			state = state * 6364136223846793005u + 1442695040888963407u;
			/* after the text, digits and points as often as not */
			in[k] = k < n || (state >> 60) & 1 ? alphabet[(state >> 33) % (sizeof alphabet - 1)]
							 : (char)(state >> 40);
		}
		if (n && (state >> 20) % 3 == 0)
			in[0] = '-'; /* signs mostly first */
		bad += !simple_parse_agrees(in, n, first_bad, sizeof first_bad);
	}
	check(bad == 0, "the simple parser takes the plain shapes, with their values", first_bad);
}

/* Every byte value at every place of numbers of 1 to 20 bytes (the
 * simple parser reads 4 to 16 of them a word at a time), each in a
 * buffer of its exact size, so that a read past it is seen. */
static void test_simple_parse_bytes(void)
{
	static const char base[] = "98765432.10123456789";
	char first_bad[96] = "";
	int bad = 0;

	for (size_t n = 1; n <= 20; n++)
		for (size_t at = 0; at < n; at++)
			for (int b = 0; b < 256; b++) {
				char *in = malloc(n);

				if (!in)
					abort();
				/* a point in the middle, or none when it is the byte tried */
				memcpy(in, base + (n >= 16 ? 0 : 8 - n / 2), n);
				in[at] = (char)b;
				bad += !simple_parse_agrees(in, n, first_bad, sizeof first_bad);
				free(in);
			}
	check(bad == 0, "the simple parser judges every byte at every place", first_bad);
}

static void test_plain_positive(void)
{
	static const char *yes[] = { "1", "+2.5", "0.001", "007", "5.", ".5",
				     "123456789012345678901234567890", NULL };
	static const char *no[] = { "0", "0.000", "+0", "-1", "1e5", "1.2.3", ".", "", "+", "nan",
				    " 1", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		check(lr_dec_is_plain_positive(yes[i], strlen(yes[i])), "plain positive", yes[i]);
	for (i = 0; no[i]; i++)
		check(!lr_dec_is_plain_positive(no[i], strlen(no[i])), "not a plain positive", no[i]);
}

static void test_mul(void)
{
	check_str("-1.5 * 0.2", mul("-1.5", "0.2"), "-0.3");
	check_str("-1.234567 * 0.01", mul("-1.234567", "0.01"), "-0.01234567");
	check_str("-0.000001 * 0.2", mul("-0.000001", "0.2"), "-0.0000002");
	check_str("-3e5 * 0.2", mul("-3e5", "0.2"), "-6e4");
	check_str("-0 * 0.01 keeps the sign", mul("-0", "0.01"), "-0");
	check_str("0 * -0.5 is -0", mul("0", "-0.5"), "-0");
	check_str("-2 * -0.5", mul("-2", "-0.5"), "1");
	check_str("-1.5 * 2", mul("-1.5", "2"), "-3");
	check_str("-7 * 0", mul("-7", "0"), "-0");
	check_str("long significand",
		  mul("-123456789012345678901234567890.5", "0.01"), "-1234567890123456789012345678.905");
	check_str("long slope", mul("-9999999999999999999", "9999999999999999999"),
		  "-99999999999999999980000000000000000001");
	check_str("tiny plain result turns scientific", mul("-0.00000000000000000001", "0.001"),
		  "-1e-23");
	check_str("big plain result turns scientific", mul("-1000000000000000000000", "1000"),
		  "-1e24");
	check_str("scientific stays scientific", mul("-1.5E-3", "0.01"), "-1.5E-5");
}

/* The direct product text of simple numbers must equal the general
 * multiply-and-format path, for random numbers, slopes and exponents. */
static void test_mul_simple_property(void)
{
	static const char *slopes[] = { "0.01", "0.2", "-0.5", "2", "0", "-0", "9999999999999999999",
					"0.000000000000000000001234", "1e25", "0.123456789" };
	uint64_t state = 88172645463325252ull;
	int i, bad = 0;
	char first_bad[256] = "";

	for (i = 0; i < 200000 / sample; i++) {
		struct lr_small a = slope(slopes[i % 10]);
		uint64_t m;
		int e, neg;
		char in[64], want[4096], got[128];
		size_t nw, ng;

		/* xorshift64 */
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		m = state % 2 ? state >> (state % 60) : state % 1000;
		e = -(int)((state >> 8) % 30);
		neg = (state >> 20) & 1;
		snprintf(in, sizeof in, "%s%llue%d", neg ? "-" : "", (unsigned long long)m, e);
		lr_dec_parse(&x, in, strlen(in), 0);
		lr_dec_mul(&y, &x, &a);
		y.nt.sci = 0;
		nw = lr_dec_format(&y, &y.nt, want);
		want[nw] = '\0';
		ng = lr_dec_mul_simple(neg, m, e, &a, got);
		got[ng] = '\0';
		if (strcmp(want, got) != 0 && !bad++)
			snprintf(first_bad, sizeof first_bad, "%s * %s: got %.60s, want %.60s", in,
				 slopes[i % 10], got, want);
	}
	check(bad == 0, "direct product text agrees with the general path", first_bad);
}

/* The quotient of the common shape by a slope, in 64-bit arithmetic,
 * against the long division of the general path (17 digits), on random
 * numbers, some of them multiples of the slope's odd part (quotients
 * that terminate after all). Most take the quick path. */
static void test_div_simple_property(void)
{
	static const char *slopes[] = { "0.3", "0.2", "0.25", "3", "0.1234", "0.96", "7e-30",
					"9999999999999999999", "1152921504606846976", "0.0000001",
					"123456789.123", "1e25" };
	const size_t ns = sizeof slopes / sizeof slopes[0];
	uint64_t state = 0x9E3779B97F4A7C15ull;
	int i, bad = 0, quick = 0, n = 240000 / sample;
	char first_bad[256] = "";

	for (i = 0; i < n; i++) {
		struct lr_small a = slope(slopes[i % ns]);
		struct lr_divisor dv;
		uint64_t m;
		int e, neg;
		char in[64], want[4096], got[128];
		size_t nw, ng;

		lr_dec_divisor(&dv, &a);
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		m = state % 2 ? state >> (state % 60) : state % 1000;
		if ((state >> 30) % 3 == 0 && dv.odd > 1 && m / dv.odd)
			m -= m % dv.odd; /* a multiple of the odd part */
		if (m > 9999999999999999999ull)
			m /= 10;
		e = 10 - (int)((state >> 8) % 40);
		neg = (state >> 20) & 1;
		snprintf(in, sizeof in, "%s%llue%d", neg ? "-" : "", (unsigned long long)m, e);
		/* into a decimal, to nsig digits (the digits of --precision) */
		if (lr_dec_div_u64(&quot, neg, m, e, &a, &dv, 1 + i % 17)) {
			lr_dec_parse(&x, in, strlen(in), 0);
			lr_dec_div(&y, &x, &a, 1 + i % 17);
			if (!(quot.ndig == y.ndig && quot.exp == y.exp && quot.neg == y.neg &&
			      memcmp(quot.dig, y.dig, (size_t)quot.ndig) == 0) &&
			    !bad++)
				snprintf(first_bad, sizeof first_bad, "%s / %s to %d digits", in,
					 slopes[i % ns], 1 + i % 17);
		}
		ng = lr_dec_div_simple(neg, m, e, &a, &dv, got);
		if (!ng)
			continue;
		quick++;
		got[ng] = '\0';
		lr_dec_parse(&x, in, strlen(in), 0);
		lr_dec_div(&y, &x, &a, 17);
		y.nt.sci = 0;
		nw = lr_dec_format(&y, &y.nt, want);
		want[nw] = '\0';
		if (strcmp(want, got) != 0 && !bad++)
			snprintf(first_bad, sizeof first_bad, "%s / %s: got %.60s, want %.60s", in,
				 slopes[i % ns], got, want);
	}
	check(bad == 0, "direct quotient text agrees with the general path", first_bad);
	check(quick > n * 3 / 4, "most quotients take the direct path", "");
}

/* The 8-digit formatter of the product path, on every n below 10^5 and
 * a stride through the rest (the method was checked on all 10^8). */
static void test_eight_digits(void)
{
	char got[16], want[16], first_bad[64] = "";
	uint32_t n;
	int bad = 0;

	for (n = 0; n < 100000000; n += n < 100000 ? 1 : 997) {
		lr_dec_eight_digits_(n, got);
		snprintf(want, sizeof want, "%08u", n);
		if (memcmp(got, want, 8) != 0 && !bad++)
			snprintf(first_bad, sizeof first_bad, "%u: %.8s", n, got);
	}
	lr_dec_eight_digits_(99999999, got);
	check(bad == 0 && memcmp(got, "99999999", 8) == 0, "eight digits at once", first_bad);
}

/* readfloat.c against strtod and strtof: random significands of 1-19
 * digits over the whole exponent range, floats printed to 17 and 9
 * digits, halfway cases, the ends of the range. */
static void test_readfloat(void)
{
	static const struct {
		uint64_t w;
		int q;
	} edges[] = {
		{ 9007199254740993u, 0 },   /* 2^53 + 1: halfway, to even */
		{ 9007199254740995u, 0 },   /* halfway, up to even */
		{ 16777217u, 0 },           /* 2^24 + 1 for float32 */
		{ 17976931348623157u, 292 }, /* the largest float64 */
		{ 17976931348623159u, 292 }, /* just past it: infinity */
		{ 22250738585072014u, -324 }, /* the least normal float64 */
		{ 34028235u, 31 },          /* the largest float32 */
		{ 1, -400 },                /* zero */
		{ 1, 400 },                 /* infinity */
		{ 5, -1 }, { 1, 23 }, { 7, 22 }, { 123456789012345678u, -5 },
	};
	uint64_t state = 0x9E3779B97F4A7C15u;
	char text[64], first_bad[128] = "";
	int i, bad = 0, undecided = 0;

	for (i = 0; i < 200000 / sample + (int)(sizeof edges / sizeof edges[0]); i++) {
		uint64_t w = 0;
		int64_t q;
		double d, want;
		float f, wantf;

		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		if (i < (int)(sizeof edges / sizeof edges[0])) {
			w = edges[i].w;
			q = edges[i].q;
		} else {
			int nd = 1 + (int)(state % 19), k;
			uint64_t r = state;

			for (k = 0; k < nd; k++) {
				r = r * 6364136223846793005u + 1442695040888963407u;
				w = w * 10 + (r >> 33) % 10;
			}
			q = (int64_t)((state >> 20) % 700) - 360;
			if (state >> 63)
				q = (int64_t)((state >> 30) % 60) - 30;
		}
		snprintf(text, sizeof text, "%llue%lld", (unsigned long long)w, (long long)q);
		want = strtod(text, NULL);
		wantf = strtof(text, NULL);
		if (lr_read64(w, q, &d)) {
			if (memcmp(&d, &want, sizeof d) != 0 && !bad++)
				snprintf(first_bad, sizeof first_bad, "float64 of %s: %a, not %a", text, d, want);
		} else
			undecided++;
		if (lr_read32(w, q, &f)) {
			if (memcmp(&f, &wantf, sizeof f) != 0 && !bad++)
				snprintf(first_bad, sizeof first_bad, "float32 of %s: %a, not %a", text,
					 (double)f, (double)wantf);
		} else
			undecided++;
	}
	check(bad == 0, "correctly rounded reading agrees with strtod and strtof", first_bad);
	/* what is left to strtod: subnormal results, nearly nothing else */
	check(undecided < 20000, "few values are left to strtod", NULL);
}

static void test_div(void)
{
	check_str("-1 / 0.25 exact", divide("-1", "0.25", 17), "-4");
	check_str("-1 / 1024 exact, long", divide("-1", "1024", 17), "-0.0009765625");
	check_str("-1 / 3 to 17 digits", divide("-1", "3", 17), "-0.33333333333333333");
	check_str("-2 / 3 rounds up", divide("-2", "3", 17), "-0.66666666666666667");
	check_str("-1 / 0.3", divide("-1", "0.3", 17), "-3.3333333333333333");
	check_str("-3 / 3 terminates though 3 is not 2^p5^q", divide("-3", "3", 17), "-1");
	check_str("-1 / 7 at 5 digits", divide("-1", "7", 5), "-0.14286");
	check_str("-0 / 0.5", divide("-0", "0.5", 17), "-0");
	check_str("exact quotient longer than 17 digits",
		  divide("-1", "0.0000000000000000000000000000000000000000000000000000000001", 17),
		  "-1e58");
	check_str("-123456789123456789123 / 2 exact", divide("-123456789123456789123", "2", 17),
		  "-61728394561728394561.5");
}

static void test_round(void)
{
	check_str("half-even down", rounded("1.25", 2), "1.2");
	check_str("half-even up", rounded("1.35", 2), "1.4");
	check_str("above half", rounded("1.251", 2), "1.3");
	check_str("carry", rounded("9.99", 2), "10");
	check_str("no change", rounded("1.5", 5), "1.5");
	check_str("negative", rounded("-0.012345", 3), "-0.0123");
}

static int same_bits32(float a, float b)
{
	return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static void test_kernel(void)
{
	double s64[1] = { 0 };
	float s32[1] = { 0 };
	struct lr_kernel k = { LR_MODE_FORWARD, 0, 1, s64, s32 };
	float v[4] = { -2.0f, 3.0f, -0.0f, 0.0f };
	double three[3] = { 0.1, 0.2, 0.3 };
	float three32[3] = { 0.1f, 0.2f, 0.3f };
	double w[4] = { -1, -1, -1, -1 };

	/* slope 0: -inf * 0 is NaN, -0 * 0 is -0, +0 stays +0 */
	check(isnan(lr_kernel_one32(&k, -INFINITY, 0.0f)), "forward(-inf, 0) is NaN", NULL);
	check(same_bits32(lr_kernel_one32(&k, -0.0f, 0.0f), -0.0f), "forward(-0, 0) is -0", NULL);
	check(same_bits32(lr_kernel_one32(&k, 0.0f, 0.01f), 0.0f), "forward(+0, 0.01) is +0",
	      NULL);
	check(same_bits32(lr_kernel_one32(&k, 0.0f, -0.5f), -0.0f), "forward(+0, -0.5) is -0",
	      NULL);
	check(isnan(lr_kernel_one32(&k, NAN, 2.0f)), "forward(NaN) is NaN", NULL);
	check(lr_kernel_one32(&k, INFINITY, 0.0f) == INFINITY, "forward(inf) is inf", NULL);
	check(lr_kernel_one32(&k, -INFINITY, -0.5f) == INFINITY, "forward(-inf, -0.5) is inf",
	      NULL);
	check(lr_kernel_one32(&k, -1.5f, 2.0f) == -3.0f, "slope > 1 is select, not max", NULL);
	check(lr_kernel_one32(&k, 0.1f, 0.01f) == 0.1f, "positive passes", NULL);
	s32[0] = 0.5f;
	lr_kernel_run32(&k, v, 4, 0, 1);
	check(v[0] == -1.0f && v[1] == 3.0f && same_bits32(v[2], -0.0f) && same_bits32(v[3], 0.0f),
	      "run32 forward", NULL);

	k.mode = LR_MODE_GRAD;
	check(lr_kernel_one64(&k, 0.0, 0.01) == 0.01, "grad at +0 is the slope", NULL);
	check(lr_kernel_one64(&k, -0.0, 0.01) == 0.01, "grad at -0 is the slope", NULL);
	check(lr_kernel_one64(&k, NAN, 0.01) == 0.01, "grad at NaN is the slope", NULL);
	check(lr_kernel_one64(&k, INFINITY, 0.01) == 1, "grad at inf is 1", NULL);
	k.zero_grad_one = 1;
	check(lr_kernel_one64(&k, -0.0, 0.01) == 1, "--zero-grad one: grad at -0 is 1", NULL);
	check(lr_kernel_one64(&k, -1.0, 0.01) == 0.01, "--zero-grad one: grad at -1 is the slope",
	      NULL);
	k.zero_grad_one = 0;

	k.mode = LR_MODE_INVERSE;
	check(lr_kernel_one64(&k, -0.3, 0.1) == -0.3 / 0.1, "inverse divides", NULL);
	check(lr_kernel_one64(&k, -INFINITY, 0.1) == -INFINITY, "inverse(-inf) is -inf", NULL);

	k.mode = LR_MODE_PRELU;
	k.nslopes = 3;
	k.slope64 = three;
	k.slope32 = three32;
	lr_kernel_run64(&k, w, 4, 1, 1);
	check(w[0] == -0.2 && w[1] == -0.3 && w[2] == -0.1 && w[3] == -0.2,
	      "prelu channels wrap from the first channel", NULL);
	{
		/* axis 1 of a (2, 3, 2) array: channel = (i / 2) % 3 */
		double u[12];
		int i, ok = 1;

		for (i = 0; i < 12; i++)
			u[i] = -1;
		lr_kernel_run64(&k, u + 1, 11, 1, 2);
		u[0] = -0.1;
		for (i = 0; i < 12; i++)
			ok &= u[i] == -three[(i / 2) % 3];
		check(ok, "prelu channels on axis 1 with a stride", NULL);
	}
	k.mode = LR_MODE_IDENTITY;
	check(lr_kernel_one32(&k, -2.0f, 0.5f) == -2.0f, "identity leaves values alone", NULL);
}

static const char *short64(double v)
{
	static char out[64];
	char dig[32];
	int e, n = lr_shortest64(v, dig, &e);

	snprintf(out, sizeof out, "%.*se%d", n, dig, e);
	return out;
}

static const char *short32(float v)
{
	static char out[64];
	char dig[32];
	int e, n = lr_shortest32(v, dig, &e);

	snprintf(out, sizeof out, "%.*se%d", n, dig, e);
	return out;
}

static void test_shortest(void)
{
	/* Values as numpy's repr prints them. */
	check_str("f64 0.1", short64(0.1), "1e-1");
	check_str("f64 0.3", short64(0.1 + 0.2), "30000000000000004e-17");
	check_str("f64 1e23", short64(1e23), "1e23");
	check_str("f64 min subnormal", short64(5e-324), "5e-324");
	check_str("f64 max", short64(1.7976931348623157e308), "17976931348623157e292");
	check_str("f64 2^53+1 rounds", short64(9007199254740993.0), "9007199254740992e0");
	check_str("f32 0.1", short32(0.1f), "1e-1");
	check_str("f32 min subnormal", short32(1e-45f), "1e-45");
	check_str("f32 max", short32(3.4028235e38f), "34028235e31");
	check_str("f32 2^-24", short32(5.9604645e-08f), "59604645e-15");
	check_str("f32 16777217 rounds", short32(16777217.0f), "16777216e0");
	check_str("f32 -1.5*0.01", short32(-1.5f * 0.01f), "15e-3");
	check_str("zero", short64(0.0), "e0");
	/* Every float32 that is a power of two reads back from its digits. */
	{
		int e, bad = 0;

		for (e = -149; e <= 127; e++) {
			float f = ldexpf(1.0f, e);
			char dig[32], buf[64];
			int ex, n = lr_shortest32(f, dig, &ex);

			snprintf(buf, sizeof buf, "%.*se%d", n, dig, ex);
			bad += strtof(buf, NULL) != f;
		}
		check(bad == 0, "powers of two read back in float32", NULL);
	}
}

/* The same digits and exponent from shortest.c and the reference search. */
static int same_digits(int n1, const char *d1, int e1, int n2, const char *d2, int e2)
{
	return n1 == n2 && (n1 == 0 || (e1 == e2 && memcmp(d1, d2, (size_t)n1) == 0));
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int cmp64(double v)
{
	char a[32], b[32];
	int ea, eb, na = lr_shortest64(v, a, &ea), nb = ref_shortest64(v, b, &eb);

	return same_digits(na, a, ea, nb, b, eb);
}

static int cmp32(float v)
{
	char a[32], b[32];
	int ea, eb, na = lr_shortest32(v, a, &ea), nb = ref_shortest32(v, b, &eb);

	return same_digits(na, a, ea, nb, b, eb);
}

/* shortest.c against the slow search over %.*e and strtod: every
 * float16 and bfloat16, random float32 and float64 bit patterns, and the
 * places where the method has special cases (binade edges, subnormals
 * with few bits, integers). */
static void test_shortest_vs_reference(void)
{
	int bad16 = 0, badb16 = 0, bad32 = 0, bad64 = 0, badedge = 0, i;

	for (i = 0; i < 0x7c00; i++) {
		float f = lr_f16_to_f32((uint16_t)i), fb = lr_bf16_to_f32((uint16_t)(i * 2 + 1));
		char a[32], b[32];
		int ea, eb, na, nb;

		na = lr_shortest_narrow(f, 0, a, &ea);
		nb = ref_shortest_narrow(f, 0, b, &eb);
		bad16 += !same_digits(na, a, ea, nb, b, eb);
		if (i * 2 + 1 < 0x7f80) {
			na = lr_shortest_narrow(fb, 1, a, &ea);
			nb = ref_shortest_narrow(fb, 1, b, &eb);
			badb16 += !same_digits(na, a, ea, nb, b, eb);
		}
	}
	for (i = 0; i < 200000 / sample; i++) {
		uint64_t r = rng();
		uint32_t b32 = (uint32_t)r & 0x7fffffffu;
		double d;
		float f;

		memcpy(&f, &b32, sizeof f);
		if (isfinite(f))
			bad32 += !cmp32(f);
		r = rng() & 0x7fffffffffffffffu;
		memcpy(&d, &r, sizeof d);
		if (isfinite(d))
			bad64 += !cmp64(d);
	}
	for (i = -1074; i <= 1023; i++) {
		double p = ldexp(1.0, i);

		badedge += !cmp64(p) + !cmp64(nextafter(p, 0)) + !cmp64(nextafter(p, INFINITY));
	}
	for (i = 1; i < 3000; i++) {
		badedge += !cmp64(ldexp((double)i, -1074)) + !cmp32(ldexpf((float)i, -149));
		badedge += !cmp64((double)i * 1e15) + !cmp32((float)i * 1e5f);
	}
	badedge += !cmp64(1.7976931348623157e308) + !cmp32(3.4028235e38f);
	/* Values that take each rare turn of the Dragonbox path (found by a
	 * search over the method's quantities, outside this project): the
	 * interval's upper end is the candidate and is excluded; r equals
	 * the scaled width; step 2's estimate divides evenly; and, of those,
	 * the exact tie. Random patterns meet the first two about once in
	 * 10^4 to 10^6 values. */
	{
		static const double d64[] = {
			2.0299835759943508e+16, 4.2165346662440237e+17, 9.069999999999999e+21,
			1.8770316210875628e+16, 1.1403487819564719e+18,             /* upper end */
			8.022e+21, 5383.599999999999, 3.032810737353335e+24,
			5.450000000000001e+21, 3.6650000000000003e+21,              /* r == width */
			1846759999999999.8, 1755631623239498.2, 190223424854388.88,
			2.3570000000000007, 1733300000000000.2, 1817000000000000.2, /* divides, ties */
		};
		static const uint32_t b32[] = {
			0x50002665, 0x4f585d67, 0x4f218751, 0x4cea1fb1,  /* upper end */
			0x3c9bb1d8, 0x3536893f, 0x65e482ab, 0x4fac8b25,  /* r == width */
			0x2b52ae2f, 0x482e307f, 0x3882c1e6, 0x5a2c89ea,  /* divides */
			0x4a6e0981, 0x4a6d915d, 0x4a5b8871, 0x49e54c8e,  /* ties */
		};
		int rare = 0;

		for (i = 0; i < (int)(sizeof d64 / sizeof d64[0]); i++)
			rare += !cmp64(d64[i]) + !cmp64(-d64[i]);
		for (i = 0; i < (int)(sizeof b32 / sizeof b32[0]); i++) {
			float f;

			memcpy(&f, &b32[i], sizeof f);
			rare += !cmp32(f);
		}
		check(rare == 0, "Dragonbox's rare turns agree with the reference", NULL);
	}
	check(bad16 == 0, "float16 digits agree with the reference", NULL);
	check(badb16 == 0, "bfloat16 digits agree with the reference", NULL);
	check(bad32 == 0, "float32 digits agree with the reference", NULL);
	check(bad64 == 0, "float64 digits agree with the reference", NULL);
	check(badedge == 0, "binade edges, subnormals and integers agree", NULL);
}

/* lr_print64/32 write what lr_dec_format writes, in plain notation, for
 * the digits of lr_shortest64/32. */
static int print_agrees(double v, int f32)
{
	static struct lr_dec d;
	static const struct lr_notation plain = { 0, 'e', 0 };
	char a[LR_PRINT_ROOM], b[LR_DEC_MAXDIG + 64];
	size_t na, nb;
	int e;

	if (f32)
		v = (float)v;
	na = f32 ? lr_print32((float)v, a) : lr_print64(v, a);

	if (isnan(v) || isinf(v))
		nb = (size_t)snprintf(b, sizeof b, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
	else {
		d.kind = LR_DEC_FINITE;
		d.neg = signbit(v) != 0;
		d.ndig = f32 ? lr_shortest32((float)v, d.dig, &e) : lr_shortest64(v, d.dig, &e);
		d.exp = e;
		nb = lr_dec_format(&d, &plain, b);
	}
	return na == nb && memcmp(a, b, na) == 0;
}

static const char *print64(double v)
{
	static char out[LR_PRINT_ROOM + 1];

	out[lr_print64(v, out)] = '\0';
	return out;
}

static void test_print(void)
{
	int i, bad64 = 0, bad32 = 0, badedge = 0;

	check_str("print 0.01", print64(0.01), "0.01");
	check_str("print -1.5*0.01", print64(-1.5 * 0.01), "-0.015");
	check_str("print -0", print64(-0.0), "-0");
	check_str("print 0", print64(0.0), "0");
	check_str("print 1e20", print64(1e20), "100000000000000000000");
	check_str("print 1e21", print64(1e21), "1e21");
	check_str("print 1.5e-21", print64(1.5e-21), "0.0000000000000000000015");
	check_str("print 1.5e-22", print64(1.5e-22), "1.5e-22");
	check_str("print 123.25", print64(123.25), "123.25");
	check_str("print 0.1+0.2", print64(0.1 + 0.2), "0.30000000000000004");
	check_str("print max", print64(-1.7976931348623157e308), "-1.7976931348623157e308");
	check_str("print nan", print64(NAN), "nan");
	check_str("print -inf", print64(-INFINITY), "-inf");
	for (i = 0; i < 300000 / sample; i++) {
		uint64_t r = rng();
		uint32_t b32 = (uint32_t)r;
		double d;
		float f;

		memcpy(&d, &r, sizeof d);
		memcpy(&f, &b32, sizeof f);
		bad64 += !print_agrees(d, 0);
		bad32 += !print_agrees(f, 1);
		/* every notation: a significand of 1 to 17 digits, scaled */
		d = (double)(rng() >> (11 + rng() % 50)) * pow(10, (double)(int)(rng() % 61) - 30);
		bad64 += !print_agrees(rng() & 1 ? -d : d, 0);
		bad32 += !print_agrees(d, 1);
	}
	for (i = -1074; i <= 1023; i++) {
		double p = ldexp(1.0, i);

		badedge += !print_agrees(p, 0) + !print_agrees(nextafter(p, 0), 0) + !print_agrees(-p, 1);
	}
	for (i = -40; i <= 40; i++) {
		double p = pow(10, i);

		badedge += !print_agrees(p, 0) + !print_agrees(nextafter(p, 0), 0) + !print_agrees(p, 1) +
			   !print_agrees(nextafter(p, INFINITY), 0) + !print_agrees(1.5 * p, 0);
	}
	check(bad64 == 0, "float64 text agrees with the digits formatted", NULL);
	check(bad32 == 0, "float32 text agrees with the digits formatted", NULL);
	check(badedge == 0, "powers of two and ten print as their digits format", NULL);
}

/* A random "sign digits[.digits]" (up to maxint and 11 digits, zeros
 * favoured, the point in three of four) at s; returns its length. */
static size_t random_number(char *s, char sign, int maxint)
{
	static const char alphabet[] = "0000123456789";
	int nint = (int)(rng() % (unsigned)maxint), nfrac = (int)(rng() % 12), j;
	size_t n = 0;

	s[n++] = sign;
	for (j = 0; j < nint; j++)
		s[n++] = alphabet[rng() % (sizeof alphabet - 1)];
	if (rng() % 4) {
		s[n++] = '.';
		for (j = 0; j < nfrac; j++)
			s[n++] = alphabet[rng() % (sizeof alphabet - 1)];
	}
	return n;
}

/* lr_dec_mul_pow10 moves the point in the text; it must write what
 * parse_simple + mul_simple write, on random number shapes and for
 * slopes 10^-25 .. 10^25 of both signs. */
static void test_mul_pow10(void)
{
	int i, bad = 0, handled = 0;

	for (i = 0; i < 300000 / sample; i++) {
		char s[40], a1[128], a2[128];
		size_t n = random_number(s, rng() % 8 ? '-' : '+', 12), k1, k2;
		int neg, e;
		struct lr_small a;
		uint64_t m;

		a.neg = (unsigned char)(rng() % 2);
		a.m = 1;
		a.exp = (int32_t)(rng() % 51) - 25;
		k1 = lr_dec_mul_pow10(s, n, &a, a1);
		if (k1 == 0)
			continue;
		handled++;
		if (lr_dec_parse_simple(s, n, &neg, &m, &e) != 0) {
			bad++;
			continue;
		}
		k2 = lr_dec_mul_simple(neg, m, e, &a, a2);
		if (k1 != k2 || memcmp(a1, a2, k1) != 0) {
			if (bad++ < 5)
				fprintf(stderr, "mul_pow10(%.*s, %se%d): %.*s, mul_simple: %.*s\n", (int)n, s,
					a.neg ? "-1" : "1", a.exp, (int)k1, a1, (int)k2, a2);
		}
	}
	check(bad == 0 && handled > 100000 / sample, "moving the point agrees with multiplying", NULL);
}

/* lr_dec_shift_negative writes what lr_dec_mul_pow10 writes, for every
 * shape it takes, in buffers with garbage around the number; so does
 * lr_dec_shift_negative_plain, which does not check the shape. */
static void test_shift_negative(void)
{
	int i, bad = 0, handled = 0;

	for (i = 0; i < 400000 / sample; i++) {
		char s[64], a1[128], a2[128];
		size_t n, k1, k2;
		struct lr_small a;

		memset(s, "0123456789.-,x"[rng() % 14], sizeof s);
		n = random_number(s, '-', 10);
		if (n > 17 || n == 1 || (n == 2 && s[1] == '.'))
			continue;
		a.neg = 0;
		a.m = 1;
		a.exp = (int32_t)(rng() % 51) - 25;
		memset(a1, 'y', sizeof a1);
		k1 = lr_dec_shift_negative(s + 1, n - 1, a.exp, a1);
		if (k1 != lr_dec_shift_negative_plain(s + 1, n - 1, a.exp, a2) || memcmp(a1, a2, k1))
			bad++;
		if (k1 == 0)
			continue;
		handled++;
		k2 = lr_dec_mul_pow10(s, n, &a, a2);
		if (k1 != k2 || memcmp(a1, a2, k1) != 0) {
			if (bad++ < 5)
				fprintf(stderr, "shift_negative(%.*s, e%d): %.*s, mul_pow10: %.*s\n", (int)n, s,
					a.exp, (int)k1, a1, (int)k2, a2);
		}
	}
	check(bad == 0 && handled > 200000 / sample, "moving the point without a scan agrees", NULL);
	/* any other text: 0, or what lr_dec_mul_pow10 writes */
	bad = 0;
	for (i = 0; i < 200000 / sample; i++) {
		static const char junk[] = "0123456789..-+eE x";
		char s[64], a1[128], a2[128];
		size_t n = 1 + rng() % 17, j, k1;
		struct lr_small a = { 0, 1, (int32_t)(rng() % 51) - 25 };

		memset(s, junk[rng() % (sizeof junk - 1)], sizeof s);
		s[0] = '-';
		for (j = 1; j < n; j++)
			s[j] = junk[rng() % (sizeof junk - 1)];
		k1 = lr_dec_shift_negative(s + 1, n - 1, a.exp, a1);
		if (k1 && (k1 != lr_dec_mul_pow10(s, n, &a, a2) || memcmp(a1, a2, k1) != 0) && bad++ < 5)
			fprintf(stderr, "shift_negative(%.*s): %.*s\n", (int)n, s, (int)k1, a1);
	}
	check(bad == 0, "moving the point without a scan refuses other text", NULL);
}

static const char *calc(struct lr_calc *c, const char *s);

/* c as exact forward by the one slope a (a64, a32 in binary). */
static void forward_calc(struct lr_calc *c, const struct lr_small *a, const double *a64,
			 const float *a32)
{
	memset(c, 0, sizeof *c);
	c->k.mode = LR_MODE_FORWARD;
	c->k.nslopes = 1;
	c->k.slope64 = a64;
	c->k.slope32 = a32;
	c->dec = a;
}

/* What the rows r[0..n) become field by field under c: the expected
 * result of lr_span_rows. */
static size_t span_expect(struct lr_calc *c, const char *r, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		size_t j = i;
		char field[256];

		while (j < n && r[j] != ',' && r[j] != '\n' && r[j] != '\r')
			j++;
		memcpy(field, r + i, j - i);
		field[j - i] = '\0';
		if (field[0] == '-') {
			const char *res = calc(c, field);

			memcpy(out + o, res, strlen(res));
			o += strlen(res);
		} else {
			memcpy(out + o, field, j - i);
			o += j - i;
		}
		if (j < n)
			out[o++] = r[j];
		i = j + 1;
	}
	return o;
}

/* lr_span_rows: how much of some rows is a run of plain numbers, the
 * lines counted in it, and their results under several slopes. Returns
 * 1 if all is as expected, else 0 with what differs in detail. */
static int span_try(const char *rows, int prev_cr, size_t want, uint64_t want_lines, char *detail,
		    size_t cap)
{
	static const char *const slopes[] = { "0.01", "0.001", "0.2", "0", "1e-5", "1e-16",
					      "1e-17", "1e-30", "25", "0.1" };
	static char buf[LR_SPAN_CHUNK + 64], out[LR_SPAN_ROOM(LR_SPAN_CHUNK)], exp[LR_SPAN_ROOM(LR_SPAN_CHUNK)];
	size_t n = strlen(rows), got, outlen = 0, explen, i;
	uint64_t lines;

	memset(buf, 'x', sizeof buf);
	memcpy(buf, rows, n);
	for (i = 0; i < sizeof slopes / sizeof slopes[0]; i++) {
		struct lr_small a = slope(slopes[i]);
		double a64 = atof(slopes[i]);
		float a32 = (float)a64;
		struct lr_calc c;
		struct lr_span_scan sc;

		forward_calc(&c, &a, &a64, &a32);
		lines = 0;
		lr_span_init(&sc, ',', &c, 0);
		got = lr_span_rows(&sc, (const unsigned char *)buf, n, prev_cr, out, &outlen, &lines);
		if (got != want || lines != want_lines) {
			snprintf(detail, cap, "\"%.400s\": %zu bytes and %llu lines, want %zu and %llu",
				 rows, got, (unsigned long long)lines, want, (unsigned long long)want_lines);
			return 0;
		}
		explen = span_expect(&c, rows, got, exp);
		if (outlen != explen || memcmp(out, exp, explen) != 0) {
			snprintf(detail, cap, "\"%.200s\" by %s: \"%.*s\", want \"%.*s\"", rows,
				 slopes[i], (int)(outlen < 200 ? outlen : 200), out,
				 (int)(explen < 200 ? explen : 200), exp);
			return 0;
		}
	}
	return 1;
}

static void span_case(const char *rows, int prev_cr, size_t want, uint64_t want_lines)
{
	char detail[640];

	check(span_try(rows, prev_cr, want, want_lines, detail, sizeof detail), "span rows", detail);
}

/* Whether f[0..n) is a field a SPAN takes (calc.h), written plainly. */
static int span_field(const char *f, size_t n)
{
	size_t i = f[0] == '-', digits = 0, points = 0, nonzero = 0;

	if (n == 0)
		return 1;
	for (; i < n; i++) {
		if (f[i] == '.')
			points++;
		else if (f[i] >= '0' && f[i] <= '9')
			digits++, nonzero += f[i] != '0';
		else
			return 0;
	}
	if (points > 1 || digits == 0)
		return 0;
	return f[0] == '-' || nonzero || (n == 1 && f[0] == '0');
}

/* Random rows of numbers of every shape, some fields not numbers, LF,
 * CRLF and CR line ends: lr_span_rows takes the rows before the first
 * bad one, counts their lines and computes them as field by field. */
static void test_span_random(void)
{
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	static const char *const odd[] = { "x", "1e5", " 1", "0.0", "00", "-", ".", "1.2.3", "+1", "-.", "1-",
					   "1-2", "--1", "0-", ".-5", "5.-", "1..2", "..5" };
	char rows[LR_SPAN_CHUNK], detail[640] = "";
	int round, bad = 0;

	for (round = 0; round < 3000 / sample; round++) {
		size_t n = 0, want = 0;
		uint64_t want_lines = 0;
		int bad_seen = 0, odds = (int)(rng() % 4);

		while (n < sizeof rows - 200) {
			size_t nf = 1 + rng() % 8, f;
			int row_bad = 0;
			const char *end = ends[rng() % 20 == 0 ? 1 + rng() % 2 : 0];

			for (f = 0; f < nf; f++) {
				size_t fs = n, id = rng() % 12, fd = rng() % 12, j;

				if (f)
					rows[n++] = ',';
				if (odds && rng() % 300 == 0) {
					const char *t = odd[rng() % (sizeof odd / sizeof odd[0])];

					memcpy(rows + n, t, strlen(t));
					n += strlen(t);
				} else if (rng() % 10 == 0) {
					/* empty */
				} else {
					if (rng() % 2)
						rows[n++] = '-';
					for (j = 0; j < id; j++)
						rows[n++] = (char)('0' + (rng() % 3 ? rng() % 10 : 0));
					if (rng() % 3) {
						rows[n++] = '.';
						for (j = 0; j < fd; j++)
							rows[n++] = (char)('0' + (rng() % 3 ? rng() % 10 : 0));
					}
				}
				row_bad |= !span_field(rows + fs + (f != 0), n - fs - (f != 0));
			}
			memcpy(rows + n, end, strlen(end));
			n += strlen(end);
			if (!row_bad && !bad_seen)
				want = n;
			bad_seen |= row_bad;
		}
		rows[n] = '\0';
		/* a LF right after a CR ends no line of its own */
		for (size_t i = 0; i < want; i++)
			want_lines += rows[i] == '\r' || (rows[i] == '\n' && (i == 0 || rows[i - 1] != '\r'));
		if (!span_try(rows, 0, want, want_lines, detail, sizeof detail) && bad++ == 0)
			printf("%s\n", detail);
	}
	check(bad == 0, "span rows, 3000 random runs of rows", NULL);
}

static void test_span_rows(void)
{
	static const char *const not_plain[] = {
		"00", "0.0", ".0", "0.", "-", ".", "-.", "--1", "1-2", "1..2", "1.2.3", "+1",
		"1e5", " 1", "nan", "1 ", "0x1", "000.000",
	};
	char row[128], many[300];
	size_t i;

	span_case("1,-2.5\n3,4\n", 0, 11, 2);
	span_case("1,-2.5\n3,x\n5\n", 0, 7, 1);
	span_case("0,-0,-0.0,5.,.5,-.5,-5.,,\n", 0, 26, 1);
	span_case("\r\n1\r\n\n", 0, 6, 3);
	span_case("\n1\n", 1, 3, 1);
	span_case("\r1\r", 0, 3, 2);
	/* a piece that ends inside a row, or before a quoted field */
	span_case("1,-2\n3,-4", 0, 5, 1);
	span_case("1,-2\n-3,-", 0, 5, 1);
	span_case("1,-2\n3,\"4\"\n", 0, 5, 1);
	for (i = 0; i < sizeof not_plain / sizeof not_plain[0]; i++) {
		snprintf(row, sizeof row, "1,2\n3,%s,4\n", not_plain[i]);
		span_case(row, 0, 4, 1);
	}
	/* rows across 64-byte windows, a field across one, and a bad field
	 * and a too long one at the edges */
	snprintf(many, sizeof many, "%s\n%s\n",
		 "-1.25,2.5,-3.75,4.125,-5.0625,6.03125,-7.015625,8.0078125,-9.00390625",
		 "10.5,-11.25,12.125,-13.0625,0,-14.03125,15.015625,-16.0078125,17.5,18");
	span_case(many, 0, strlen(many), 2);
	snprintf(many, sizeof many, "%s\n%s\n", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,222,0.0",
		 "1");
	span_case(many, 0, 0, 0);
	/* a field over a whole window ends the run; one over two does not */
	memset(row, '7', 127);
	snprintf(many, sizeof many, "1\n%.100s\n2\n", row);
	span_case(many, 0, strlen(many), 3);
	snprintf(many, sizeof many, "1\n%.127s\n2\n", row);
	span_case(many, 0, 2, 1);
	snprintf(many, sizeof many, "1\n%.100s\n-%.127s\n", row, row);
	span_case(many, 0, 103, 2);
	/* the same after rows of every length up to 1300 bytes, where
	 * whole blocks of windows are checked at a time */
	for (i = 0; i < 260; i += 7) {
		static char big[1600];
		size_t pre = 0, j;

		for (j = 0; j < i; j++)
			pre += (size_t)sprintf(big + pre, "-1,2\n");
		snprintf(big + pre, sizeof big - pre, "%.40s\n%.127s\n2\n", row, row);
		span_case(big, 0, pre + 41, i + 1);
	}
	test_span_random();
}

static const char *calc(struct lr_calc *c, const char *s)
{
	static char in[4096], out[4096];
	size_t n = 0;
	int r;

	/* lr_calc_text reads 16 bytes past the text */
	memset(in, 'x', sizeof in);
	memcpy(in, s, strlen(s));
	r = lr_calc_text(c, 0, in, strlen(s), out, &n);
	if (r == LR_CALC_COPY)
		return s;
	if (r != LR_CALC_NEW)
		return "<error>";
	out[n] = '\0';
	return out;
}

static void test_calc(void)
{
	struct lr_small a = slope("0.01");
	double a64 = 0.01;
	float a32 = 0.01f;
	struct lr_calc c;

	forward_calc(&c, &a, &a64, &a32);
	check_str("calc copies positives byte for byte", calc(&c, "1.50"), "1.50");
	check_str("calc keeps blanks", calc(&c, " -2 "), " -0.02 ");
	check_str("calc nan copied", calc(&c, "NaN"), "NaN");
	check_str("calc -inf", calc(&c, "-inf"), "-inf");
	check_str("calc rejects", calc(&c, "abc"), "<error>");
	c.precision = 2;
	check_str("calc precision", calc(&c, "-1.2345"), "-0.012");
	c.precision = 0;
	c.k.mode = LR_MODE_GRAD;
	check_str("calc grad negative", calc(&c, "-5"), "0.01");
	check_str("calc grad positive", calc(&c, "5"), "1");
	c.k.mode = LR_MODE_FORWARD;
	c.dtype = LR_DTYPE_F32;
	check_str("calc f32 rounds the input", calc(&c, "16777217"), "16777216");
	check_str("calc f32 product", calc(&c, "-0.1"), "-0.001");
	c.dtype = LR_DTYPE_F64;
	a = slope("0.2");
	a64 = 0.2;
	check_str("calc f64 shows binary round-off", calc(&c, "-1.5"), "-0.30000000000000004");
	c.dtype = LR_DTYPE_EXACT;
	check_str("calc exact has none", calc(&c, "-1.5"), "-0.3");
	/* --dtype reads numbers as strtod and strtof do, whether by one
	 * operation (short digits, small exponents) or not: random plain
	 * numbers of 1 to 20 digits with up to 12 zeros before or after */
	{
		int bad64 = 0, bad32 = 0;

		c.k.mode = LR_MODE_IDENTITY;
		for (int i = 0; i < 200000 / sample; i++) {
			char s[80], want[LR_PRINT_ROOM + 1];
			int nd = 1 + (int)(rng() % 20), z = (int)(rng() % 13), k = 0, point;

			if (rng() & 1)
				s[k++] = '-';
			if (rng() & 1) {
				memcpy(s + k, "0.", 2);
				k += 2;
				memset(s + k, '0', (size_t)z);
				k += z;
				for (int j = 0; j < nd; j++)
					s[k++] = (char)('0' + (j == 0 ? 1 + rng() % 9 : rng() % 10));
			} else {
				point = (int)(rng() % (unsigned)(nd + 1));
				for (int j = 0; j < nd; j++) {
					if (j == point && j > 0)
						s[k++] = '.';
					s[k++] = (char)('0' + (j == 0 ? 1 + rng() % 9 : rng() % 10));
				}
				if (point == nd || point == 0) {
					memset(s + k, '0', (size_t)z);
					k += z;
				}
			}
			s[k] = '\0';
			c.dtype = LR_DTYPE_F64;
			want[lr_print64(strtod(s, NULL), want)] = '\0';
			bad64 += strcmp(calc(&c, s), want) != 0;
			c.dtype = LR_DTYPE_F32;
			want[lr_print32(strtof(s, NULL), want)] = '\0';
			bad32 += strcmp(calc(&c, s), want) != 0;
		}
		check(bad64 == 0, "--dtype f64 reads numbers as strtod does", NULL);
		check(bad32 == 0, "--dtype f32 reads numbers as strtof does", NULL);
	}
}

/* A share of the helper test: adds its number to a total of its own. */
struct share {
	unsigned long add, total;
};

static void add_share(void *arg)
{
	struct share *s = arg;

	s->total += s->add;
}

/* The helper thread: many tiny shares, so that a share ends at every
 * moment of the caller's wait, and none is lost. A hang ends the run
 * (SIGALRM). */
static void test_helper(void)
{
	struct lr_helper *h = lr_helper_new();
	struct share s = { 0, 0 };
	/* (under Valgrind, which runs one thread at a time, a few) */
	unsigned long i, n = sample > 1 ? 1000 : 300000, mine = 0;

	if (!h) {
		printf("helper: one processor to run on; not tested\n");
		return;
	}
	alarm(60);
	for (i = 1; i <= n; i++) {
		volatile unsigned long k;

		s.add = i;
		lr_helper_start(h, add_share, &s);
		/* the caller's share takes from nothing to a few
		 * microseconds, so that the helper's ends before, during
		 * and after the caller's first look */
		for (k = 0; k < i * 37 % 1024; k++)
			;
		mine += i;
		lr_helper_wait(h);
	}
	alarm(0);
	lr_helper_free(h);
	check(s.total == mine, "helper: every share done once", NULL);
}

int main(void)
{
	const char *env = getenv("UNIT_SAMPLE");

	if (env && atoi(env) > 1)
		sample = atoi(env);
	test_parse();
	test_simple_parse();
	test_simple_parse_random();
	test_simple_parse_bytes();
	test_plain_positive();
	test_mul();
	test_mul_simple_property();
	test_div_simple_property();
	test_eight_digits();
	test_readfloat();
	test_div();
	test_round();
	test_kernel();
	test_shortest();
	test_shortest_vs_reference();
	test_print();
	test_mul_pow10();
	test_shift_negative();
	test_span_rows();
	test_calc();
	test_helper();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
