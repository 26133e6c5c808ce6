/*
 * range.c - rows for plotting. x_i = START + (STOP - START) * i / (N - 1),
 * computed on integers scaled to a common power of ten and divided
 * exactly (17 significant digits where the quotient does not end), so
 * that no step accumulates binary round-off. Each y is the mode's result
 * for the text of x, by the same calc as any input: one column per mode
 * and slope, so that several slopes plot side by side.
 */
#include "range.h"

#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "diag.h"
#include <stdio.h>

#define RANGE_ROWS 1024   /* rows per block, at most */
#define RANGE_CELLS 65536 /* cells per block, at most */

typedef __int128 i128;

struct lr_range {
	const struct lr_options *o;
	struct lr_calc calcs[LR_MAX_MODES];
	struct lr_block *blk;
	uint64_t next;   /* index of the next x */
	size_t ycols;    /* y columns: modes times slopes */
	size_t rows;     /* rows per block */
	i128 start, stop; /* START and STOP scaled by 10^-exp */
	int32_t exp;
	int header_done;
};

static i128 scaled(const struct lr_small *a, int32_t exp)
{
	i128 v = (i128)a->m;
	int32_t k;

	for (k = exp; k < a->exp; k++)
		v *= 10;
	return a->neg ? -v : v;
}

struct lr_range *lr_range_open(const struct lr_options *o, const struct lr_calc *calc)
{
	struct lr_range *r = calloc(1, sizeof *r);
	size_t i;

	if (!r) {
		lr_error_sys("out of memory");
		return NULL;
	}
	r->o = o;
	for (i = 0; i < o->nmodes; i++) {
		r->calcs[i] = *calc;
		r->calcs[i].k.mode = o->modes[i];
		r->calcs[i].stats = NULL;
	}
	r->exp = o->range_start.exp < o->range_stop.exp ? o->range_start.exp : o->range_stop.exp;
	if ((o->range_start.m && o->range_start.exp - r->exp > 18) ||
	    (o->range_stop.m && o->range_stop.exp - r->exp > 18)) {
		lr_error_usage("--range: START and STOP are too far apart in scale");
		free(r);
		return NULL;
	}
	if (o->range_start.m == 0)
		r->exp = o->range_stop.exp;
	if (o->range_stop.m == 0 && o->range_start.m)
		r->exp = o->range_start.exp;
	r->start = scaled(&o->range_start, r->exp);
	r->stop = scaled(&o->range_stop, r->exp);
	r->ycols = o->nmodes * o->nslopes;
	r->rows = RANGE_CELLS / (r->ycols + 2);
	if (r->rows > RANGE_ROWS)
		r->rows = RANGE_ROWS;
	if (r->rows == 0)
		r->rows = 1;
	/* the header row has as many cells, and its names are short */
	r->blk = lr_block_new((r->rows + 1) * (r->ycols + 2),
			      (r->rows + 1) * (r->ycols + 1) * (LR_DEC_MAXDIG + LR_CALC_SLACK + 64), 0);
	if (!r->blk) {
		free(r);
		return NULL;
	}
	r->blk->name = "--range";
	return r;
}

/* Writes the i128 v (>= 0) as digits; returns their count. */
static int i128_digits(i128 v, char *out)
{
	char tmp[48];
	int n = 0, k;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	for (k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	return n;
}

/* The text of x_i into out; returns its length. */
static size_t x_text(struct lr_range *r, uint64_t i, char *out)
{
	static struct lr_dec num, q;
	static const struct lr_notation plain = { 0, 'e', 0 };
	uint64_t n = r->o->range_count;
	i128 v;
	struct lr_small div;

	if (n == 1)
		v = r->start;
	else
		v = r->start * (i128)(n - 1) + (r->stop - r->start) * (i128)i;
	num.kind = LR_DEC_FINITE;
	num.neg = v < 0;
	num.nt = plain;
	num.ndig = i128_digits(v < 0 ? -v : v, num.dig);
	num.exp = r->exp;
	/* normalise: no leading zeros (i128_digits has none but for 0) */
	if (num.ndig == 1 && num.dig[0] == '0')
		num.ndig = 0, num.exp = 0;
	div.neg = 0;
	div.m = n == 1 ? 1 : n - 1;
	div.exp = 0;
	lr_dec_div(&q, &num, &div, 17);
	q.neg = num.neg && q.ndig; /* no -0 for an x of zero */
	return lr_dec_format(&q, &plain, out);
}

/* Adds a cell of column col (1-based): a header name (TEXT, which keys
 * the column in JSON output) or a value (fixed). */
static int add(struct lr_block *b, enum lr_cell_kind kind, const char *t, size_t n, int fixed,
	       size_t col)
{
	struct lr_cell *c = lr_block_add(b, kind, t, n);

	if (!c) {
		lr_error_data("internal error: range block overflow");
		return -1;
	}
	c->fixed = (uint8_t)fixed;
	c->copied = 1;
	c->col = (uint32_t)col;
	c->selhead = kind == LR_CELL_TEXT;
	return 0;
}

static int end_row(struct lr_block *b)
{
	struct lr_cell *c = lr_block_add(b, LR_CELL_END, NULL, 0);

	if (!c)
		return -1;
	c->term = '\n';
	return 0;
}

/* The header name of y column i (mode i / nslopes, slope i % nslopes):
 * "y" for one of each, else the mode, "y_SLOPE" or "MODE_SLOPE", the
 * slope as it was written. */
static void column_name(const struct lr_options *o, size_t i, char *out, size_t cap)
{
	static const struct lr_notation plain = { 0, 'e', 0 };
	static struct lr_dec d;
	const char *mode = o->nmodes == 1 ? "y" : lr_mode_name(o->modes[i / o->nslopes]);
	char slope[LR_DEC_MAXDIG + 32];
	size_t n;

	if (o->nslopes == 1) {
		snprintf(out, cap, "%s", mode);
		return;
	}
	lr_dec_from_small(&d, &o->slope_dec[i % o->nslopes]);
	n = lr_dec_format(&d, &plain, slope);
	snprintf(out, cap, "%s_%.*s", mode, (int)n, slope);
}

int lr_range_read(struct lr_range *r, struct lr_block **out)
{
	struct lr_block *b = r->blk;
	const struct lr_options *o = r->o;
	char x[LR_DEC_MAXDIG + 64], y[LR_DEC_MAXDIG + LR_CALC_SLACK + 64];
	size_t i, rows = 0;

	lr_block_reset(b);
	*out = b;
	if (!r->header_done) {
		r->header_done = 1;
		if (add(b, LR_CELL_TEXT, "x", 1, 0, 1) < 0)
			return -1;
		for (i = 0; i < r->ycols; i++) {
			char name[96];

			column_name(o, i, name, sizeof name);
			if (add(b, LR_CELL_TEXT, name, strlen(name), 0, i + 2) < 0)
				return -1;
		}
		if (end_row(b) < 0)
			return -1;
	}
	if (r->next >= o->range_count)
		return b->ncells > 0;
	for (; r->next < o->range_count && rows < r->rows; r->next++, rows++) {
		size_t xn = x_text(r, r->next, x);

		if (add(b, LR_CELL_NUM, x, xn, 1, 1) < 0)
			return -1;
		for (i = 0; i < r->ycols; i++) {
			size_t yn;
			/* the slope as a channel: calc takes that slope for it */
			int res = lr_calc_text(&r->calcs[i / o->nslopes], i % o->nslopes, x, xn, y, &yn);

			if (res == LR_CALC_COPY) {
				memcpy(y, x, xn);
				yn = xn;
			} else if (res != LR_CALC_NEW) {
				lr_error_data("--range: cannot compute %.*s", (int)xn, x);
				return -1;
			}
			if (add(b, LR_CELL_NUM, y, yn, 1, i + 2) < 0)
				return -1;
		}
		if (end_row(b) < 0)
			return -1;
	}
	return 1;
}

void lr_range_close(struct lr_range *r)
{
	if (!r)
		return;
	lr_block_free(r->blk);
	free(r);
}
