/*
 * shortest_ref.c - a slow, independent reference for src/shortest.c, used
 * by the unit tests. It searches for the shortest length by printing
 * with the C library's correctly rounded %.*e and reading back with strtod/strtof (a binary search over the
 * length), trying also the neighbours of the nearest string, which
 * matter where a power of two makes the rounding interval lopsided.
 */
#include "shortest_ref.h"

#include "half.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits "d.ddde+XX" (as printed by %.*e for a positive finite value)
 * into digits and exponent; trailing zeros dropped. */
static int split_e(const char *s, char *dig, int *exp)
{
	int n = 0, e;
	const char *p = s;

	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			dig[n++] = *p;
	e = atoi(p + 1);
	/* dig[0] is before the point: value = dig * 10^(e - (n - 1)) */
	*exp = e - (n - 1);
	while (n > 0 && dig[n - 1] == '0') {
		n--;
		(*exp)++;
	}
	if (n == 0)
		*exp = 0;
	return n;
}

/* Adds delta (+1 or -1) in the last place of the n-digit string; returns
 * the new length (a carry out of the top adds a digit and bumps *exp so
 * the string keeps n digits). Returns 0 if the result would be zero. */
static int step_last(char *dig, int n, int *exp, int delta)
{
	int k = n - 1;

	if (delta > 0) {
		while (k >= 0 && dig[k] == '9')
			dig[k--] = '0';
		if (k < 0) {
			dig[0] = '1';
			(*exp)++;
			return n;
		}
		dig[k]++;
		return n;
	}
	while (k >= 0 && dig[k] == '0')
		dig[k--] = '9';
	if (k < 0)
		return 0;
	dig[k]--;
	if (dig[0] == '0') {
		if (n == 1)
			return 0;
		memmove(dig, dig + 1, (size_t)(n - 1));
		dig[n - 1] = '9';
		(*exp)--;
	}
	return n;
}

/* The widths: is32 is one of these. */
enum { W64 = 0, W32 = 1, W16 = 2, WB16 = 3 };

/* Reads d * 10^exp back in the target width. */
static int reads_back(const char *dig, int n, int exp, double v, int is32)
{
	char buf[64];

	memcpy(buf, dig, (size_t)n);
	snprintf(buf + n, sizeof buf - (size_t)n, "e%d", exp);
	switch (is32) {
	case W32:
		return strtof(buf, NULL) == (float)v;
	case W16:
		return lr_f64_to_f16(strtod(buf, NULL)) == lr_f32_to_f16((float)v);
	case WB16:
		return lr_f64_to_bf16(strtod(buf, NULL)) == lr_f32_to_bf16((float)v);
	default:
		return strtod(buf, NULL) == v;
	}
}

/* The nearest p-digit string to v; its digit count, or 0 if it does not
 * read back. */
static int nearest(double v, int is32, int p, char *dig, int *exp)
{
	char buf[64];
	int n;

	snprintf(buf, sizeof buf, "%.*e", p - 1, v);
	n = split_e(buf, dig, exp);
	return reads_back(dig, n, *exp, v, is32) ? n : 0;
}

/* A p-digit neighbour of the nearest string that reads back; 0 if none. */
static int neighbour(double v, int is32, int p, char *dig, int *exp)
{
	char buf[64], full[24];
	int n, k, m, e, d;

	snprintf(buf, sizeof buf, "%.*e", p - 1, v);
	n = split_e(buf, dig, exp);
	for (d = 1; d >= -1; d -= 2) {
		memcpy(full, dig, (size_t)n);
		for (k = n; k < p; k++)
			full[k] = '0';
		e = *exp - (p - n);
		m = step_last(full, p, &e, d);
		if (m && reads_back(full, m, e, v, is32)) {
			while (m > 0 && full[m - 1] == '0') {
				m--;
				e++;
			}
			memcpy(dig, full, (size_t)m);
			*exp = e;
			return m;
		}
	}
	return 0;
}

static int shortest(double v, int is32, char *dig, int *exp)
{
	int lo = 1, hi = is32 == W64 ? 17 : is32 == W32 ? 9 : 5, n, e2;
	int last_ok = 0; /* the last probe read back: dig holds lo's digits */

	v = fabs(v);
	if (v == 0) {
		*exp = 0;
		return 0;
	}
	/* If the nearest p-digit string reads back, so does the nearest
	 * (p+1)-digit one, which is at least as close: search for the
	 * least such p. Most doubles that come out of arithmetic need 16 or
	 * 17 digits, so for them the search looks at 15 first. */
	if (is32 == W64) {
		if ((n = nearest(v, is32, 15, dig, exp)) != 0)
			hi = 15;
		else
			lo = 16;
	}
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if ((n = nearest(v, is32, mid, dig, exp)) != 0) {
			hi = mid;
			last_ok = n;
		} else {
			lo = mid + 1;
			last_ok = 0;
		}
	}
	/* One digit fewer may still do where a power of two makes the
	 * rounding interval wider above than below; elsewhere it cannot. */
	if (lo > 1 && frexp(v, &e2) == 0.5) {
		if ((n = neighbour(v, is32, lo - 1, dig, exp)) != 0)
			return n;
		last_ok = 0; /* neighbour() wrote over dig */
	}
	/* A search that ended on a success left lo's digits in dig. */
	if (last_ok)
		return last_ok;
	return nearest(v, is32, lo, dig, exp);
}

int ref_shortest64(double v, char *dig, int *exp)
{
	return shortest(v, W64, dig, exp);
}

int ref_shortest32(float v, char *dig, int *exp)
{
	return shortest((double)v, W32, dig, exp);
}

int ref_shortest_narrow(float v, int bf16, char *dig, int *exp)
{
	return shortest((double)v, bf16 ? WB16 : W16, dig, exp);
}
