/*
 * stats.c - counting for --stats and writing the summary. Values are
 * read as doubles, which is exact enough for a summary; min and max are
 * printed as the shortest text that reads back.
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "floatfmt.h"

void lr_stats_reset(struct lr_stats *s)
{
	memset(s, 0, sizeof *s);
	s->min = INFINITY;
	s->max = -INFINITY;
}

void lr_stats_add(struct lr_stats *s, double v)
{
	s->count++;
	if (isnan(v)) {
		s->nans++;
		return;
	}
	s->negatives += v < 0;
	s->zeros += v == 0;
	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
}

void lr_stats_add_text(struct lr_stats *s, const char *t, size_t n)
{
	char buf[LR_DEC_MAXDIG + 64];

	while (n && (*t == ' ' || *t == '\t')) {
		t++;
		n--;
	}
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	lr_stats_add(s, strtod(buf, NULL));
}

/* The shortest text of v, or null when there is none. */
static void number(FILE *fp, double v, int json)
{
	char out[LR_PRINT_ROOM];

	if (isinf(v)) {
		fputs(json ? "null" : v < 0 ? "-inf" : "inf", fp);
		return;
	}
	fwrite(out, 1, lr_print64(v, out), fp);
}

void lr_stats_print(const struct lr_stats *s, const char *name, int json)
{
	int none = s->count == s->nans; /* no min or max */

	if (json) {
		fputs("{\"file\":\"", stderr);
		for (; *name; name++) {
			if (*name == '"' || *name == '\\')
				fputc('\\', stderr);
			if ((unsigned char)*name >= 0x20)
				fputc(*name, stderr);
		}
		fprintf(stderr, "\",\"values\":%llu,\"negatives\":%llu,\"zeros\":%llu,\"nan\":%llu,"
				"\"missing\":%llu,\"min\":",
			(unsigned long long)s->count, (unsigned long long)s->negatives,
			(unsigned long long)s->zeros, (unsigned long long)s->nans,
			(unsigned long long)s->missing);
		if (none)
			fputs("null", stderr);
		else
			number(stderr, s->min, 1);
		fputs(",\"max\":", stderr);
		if (none)
			fputs("null", stderr);
		else
			number(stderr, s->max, 1);
		fputs("}\n", stderr);
		return;
	}
	fprintf(stderr, "lrelu: %s: %llu values, %llu negative, %llu zero, %llu NaN", name,
		(unsigned long long)s->count, (unsigned long long)s->negatives,
		(unsigned long long)s->zeros, (unsigned long long)s->nans);
	if (s->missing)
		fprintf(stderr, ", %llu missing", (unsigned long long)s->missing);
	if (!none) {
		fputs(", min ", stderr);
		number(stderr, s->min, 0);
		fputs(", max ", stderr);
		number(stderr, s->max, 0);
	}
	fputc('\n', stderr);
}
