/*
 * floatfmt.c - correctly rounded digits of a float64 at a given
 * precision, from the C library's %.*e (--precision with --dtype; not a
 * hot path). The shortest digits are in shortest.c.
 */
#include "floatfmt.h"

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

int lr_digits64(double v, int nsig, char *dig, int *exp)
{
	char buf[80];

	v = fabs(v);
	if (v == 0) {
		*exp = 0;
		return 0;
	}
	snprintf(buf, sizeof buf, "%.*e", nsig - 1, v);
	return split_e(buf, dig, exp);
}
