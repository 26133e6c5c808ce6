/*
 * calc.c - one number's text in, the result's text out. Exact mode works
 * on decimal digits (decimal.c); the f32/f64 modes read the text
 * correctly rounded, call the binary kernel and print the shortest text
 * that reads back (floatfmt.c). Notation follows the input.
 */
#include "calc.h"

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "floatfmt.h"
#include "readfloat.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const struct lr_notation plain = { 0, 'e', 0 };

static size_t slope_index(const struct lr_calc *c, size_t channel)
{
	return c->k.nslopes > 1 ? channel % c->k.nslopes : 0;
}

/* Writes "nan", "inf" or "-inf". */
static size_t put_special(char *out, int nan, int neg)
{
	const char *s = nan ? "nan" : neg ? "-inf" : "inf";
	size_t n = strlen(s);

	memcpy(out, s, n);
	return n;
}

static size_t put_dec(const struct lr_calc *c, struct lr_dec *d, const struct lr_notation *nt,
		      char *out)
{
	if (c->precision)
		lr_dec_round(d, c->precision);
	return lr_dec_format(d, nt, out);
}

/* Exact decimal arithmetic on a parsed number. Returns LR_CALC_COPY or
 * LR_CALC_NEW with the text in out. */
static int exact(const struct lr_calc *c, const struct lr_small *a, const struct lr_dec *x,
		 char *out, size_t *outlen)
{
	static _Thread_local struct lr_dec r; /* large: one a thread */
	enum lr_mode mode = c->k.mode;
	int positive = x->kind != LR_DEC_NAN && !x->neg && (x->kind == LR_DEC_INF || x->ndig > 0);

	if (mode == LR_MODE_IDENTITY)
		return LR_CALC_COPY;
	if (mode == LR_MODE_GRAD) {
		if (positive || (c->k.zero_grad_one && x->kind == LR_DEC_FINITE && x->ndig == 0)) {
			out[0] = '1';
			*outlen = 1;
			return LR_CALC_NEW;
		}
		lr_dec_from_small(&r, a);
		*outlen = put_dec(c, &r, &plain, out);
		return LR_CALC_NEW;
	}
	if (positive || x->kind == LR_DEC_NAN)
		return LR_CALC_COPY;
	if (x->kind == LR_DEC_INF) {
		/* -inf: times a follows IEEE (-inf * 0 is NaN); divided by a > 0
		 * it stays -inf. */
		if (mode == LR_MODE_INVERSE || (a->m != 0 && !a->neg))
			return LR_CALC_COPY;
		*outlen = put_special(out, a->m == 0, 0);
		return LR_CALC_NEW;
	}
	if (mode == LR_MODE_INVERSE)
		lr_dec_div(&r, x, a, c->precision ? c->precision : 17);
	else
		lr_dec_mul(&r, x, a);
	*outlen = put_dec(c, &r, &x->nt, out);
	return LR_CALC_NEW;
}

/* The value of the finite non-zero digits x->dig * 10^x->exp (sign
 * aside) correctly rounded to float64 (f32: float32); strtod for what
 * readfloat.c leaves. */
static double decimal_value(const struct lr_dec *x, int f32)
{
	char buf[LR_DEC_MAXDIG + 32];
	uint64_t w = 0;
	double y;
	float f;

	if (x->ndig <= 19) {
		for (int32_t i = 0; i < x->ndig; i++)
			w = w * 10 + (uint64_t)(x->dig[i] - '0');
		if (f32 ? lr_read32(w, x->exp, &f) : lr_read64(w, x->exp, &y))
			return f32 ? (double)f : y;
	}
	/* The normalised digits, so the text strtod sees is bounded. */
	memcpy(buf, x->dig, (size_t)x->ndig);
	snprintf(buf + x->ndig, sizeof buf - (size_t)x->ndig, "e%lld", (long long)x->exp);
	return f32 ? (double)strtof(buf, NULL) : strtod(buf, NULL);
}

/* Emulated binary arithmetic. */
static int binary(const struct lr_calc *c, size_t si, const struct lr_dec *x, char *out,
		  size_t *outlen)
{
	static _Thread_local struct lr_dec r;
	const struct lr_notation *nt = c->k.mode == LR_MODE_GRAD ? &plain : &x->nt;
	double y;
	int e, nd;

	if (x->kind == LR_DEC_NAN)
		y = NAN;
	else if (x->kind == LR_DEC_INF)
		y = INFINITY;
	else if (x->ndig == 0)
		y = 0;
	else
		y = decimal_value(x, c->dtype == LR_DTYPE_F32);
	if (x->neg)
		y = -y;
	if (c->dtype == LR_DTYPE_F32)
		y = lr_kernel_one32(&c->k, (float)y, c->k.slope32[si]);
	else
		y = lr_kernel_one64(&c->k, y, c->k.slope64[si]);
	if (isnan(y) || isinf(y)) {
		*outlen = put_special(out, isnan(y), y < 0);
		return LR_CALC_NEW;
	}
	/* plain notation, as lr_print writes it */
	if (!c->precision && !nt->sci && !nt->eplus && nt->echar == 'e') {
		*outlen = c->dtype == LR_DTYPE_F32 ? lr_print32((float)y, out) : lr_print64(y, out);
		return LR_CALC_NEW;
	}
	r.kind = LR_DEC_FINITE;
	r.neg = signbit(y) != 0;
	if (c->dtype == LR_DTYPE_F32)
		nd = lr_shortest32((float)y, r.dig, &e);
	else
		nd = lr_shortest64(y, r.dig, &e);
	if (c->precision && nd > c->precision)
		nd = lr_digits64(y, c->precision, r.dig, &e);
	r.ndig = nd;
	r.exp = e;
	*outlen = lr_dec_format(&r, nt, out);
	return LR_CALC_NEW;
}

static int rounded_product(const struct lr_calc *c, size_t si, int neg, uint64_t m,
						 int e, char *out, size_t *outlen);

/*
 * The common shape "[-+]digits[.digits]" of at most 19 digits without
 * the general parser, in the modes and settings where that is what the
 * general path gives: exact forward and prelu (a power-of-ten slope only
 * moves the point; else the 64-bit product, rounded with --precision),
 * exact inverse (the quotient in 64-bit arithmetic), identity, exact
 * grad, and --dtype. Returns LR_CALC_COPY or LR_CALC_NEW, or -1
 * for the general path.
 */
static inline __attribute__((always_inline)) int common_shape(const struct lr_calc *c, size_t si, const char *in,
							       size_t n, char *out, size_t *outlen)
{
	const struct lr_small *a = &c->dec[si];
	int product = c->dtype == LR_DTYPE_EXACT && !c->precision &&
		      (c->k.mode == LR_MODE_FORWARD || c->k.mode == LR_MODE_PRELU);
	int neg, e;
	uint64_t m;

	if (product && a->m == 1 && in[0] == '-' &&
	    ((!a->neg && n >= 2 && (*outlen = lr_dec_shift_negative(in + 1, n - 1, a->exp, out)) != 0) ||
	     (*outlen = lr_dec_mul_pow10(in, n, a, out)) != 0))
		return LR_CALC_NEW;
	if (lr_dec_parse_simple(in, n, &neg, &m, &e) != 0)
		return -1;
	if (product) {
		if (!neg && m)
			return LR_CALC_COPY;
		*outlen = lr_dec_mul_simple(neg, m, e, a, out);
		return LR_CALC_NEW;
	}
	if (c->dtype == LR_DTYPE_EXACT && !c->precision) {
		if (c->k.mode == LR_MODE_IDENTITY || (c->k.mode == LR_MODE_INVERSE && !neg && m))
			return LR_CALC_COPY;
		if (c->k.mode == LR_MODE_INVERSE && c->div &&
		    (*outlen = lr_dec_div_simple(neg, m, e, a, &c->div[si], out)) != 0)
			return LR_CALC_NEW;
	}
	if (c->dtype == LR_DTYPE_F32 && !c->precision) {
		/* read correctly rounded, as binary() reads the general one */
		float f = 0;

		if (m && !lr_read32(m, e, &f))
			return -1;
		*outlen = lr_print32(lr_kernel_one32(&c->k, neg ? -f : f, c->k.slope32[si]), out);
		return LR_CALC_NEW;
	}
	if (c->dtype == LR_DTYPE_F64 && !c->precision) {
		double y = 0;

		if (m && !lr_read64(m, e, &y))
			return -1;
		*outlen = lr_print64(lr_kernel_one64(&c->k, neg ? -y : y, c->k.slope64[si]), out);
		return LR_CALC_NEW;
	}
	if (c->k.mode == LR_MODE_GRAD && c->dtype == LR_DTYPE_EXACT && c->slope_text) {
		if ((m && !neg) || (!m && c->k.zero_grad_one)) {
			out[0] = '1';
			*outlen = 1;
		} else {
			memcpy(out, c->slope_text[si], c->slope_len[si]);
			*outlen = c->slope_len[si];
		}
		return LR_CALC_NEW;
	}
	return rounded_product(c, si, neg, m, e, out, outlen);
}

/* common_shape's number (-1)^neg * m * 10^e under --precision, exact
 * forward, prelu and inverse. */
static int rounded_product(const struct lr_calc *c, size_t si, int neg, uint64_t m, int e, char *out,
			size_t *outlen)
{
	static _Thread_local struct lr_dec r; /* large: one a thread */
	int fwd = c->k.mode == LR_MODE_FORWARD || c->k.mode == LR_MODE_PRELU;

	if (c->dtype != LR_DTYPE_EXACT || (!fwd && c->k.mode != LR_MODE_INVERSE))
		return -1; /* the general path */
	if (!neg && m)
		return LR_CALC_COPY;
	if (fwd)
		lr_dec_mul_u64(&r, neg, m, e, &c->dec[si]);
	else if (!c->div || !lr_dec_div_u64(&r, neg, m, e, &c->dec[si], &c->div[si], c->precision))
		return -1;
	lr_dec_round(&r, c->precision);
	*outlen = lr_dec_format(&r, &r.nt, out);
	return LR_CALC_NEW;
}

/* lr_calc_text for what common_shape declines: the general parser, out
 * of line so that the common shape's calls stay small. */
static __attribute__((noinline)) int general_text(const struct lr_calc *c, size_t si, const char *in,
						  size_t n, char *out, size_t *outlen)
{
	static _Thread_local struct lr_dec x;
	size_t lead = 0, trail = 0, len;
	int r;

	while (lead < n && is_blank(in[lead]))
		lead++;
	while (trail < n - lead && is_blank(in[n - 1 - trail]))
		trail++;
	r = lr_dec_parse(&x, in + lead, n - lead - trail, c->parse_flags);
	if (r != LR_DEC_OK)
		return r;
	if (c->dtype == LR_DTYPE_EXACT)
		r = exact(c, &c->dec[si], &x, out + lead, &len);
	else
		r = binary(c, si, &x, out + lead, &len);
	if (r == LR_CALC_COPY)
		return r;
	memcpy(out, in, lead);
	memcpy(out + lead + len, in + n - trail, trail);
	*outlen = lead + len + trail;
	return LR_CALC_NEW;
}

int lr_calc_text(const struct lr_calc *c, size_t channel, const char *in, size_t n, char *out,
		 size_t *outlen)
{
	size_t si = slope_index(c, channel);
	int r;

	if ((r = common_shape(c, si, in, n, out, outlen)) >= 0)
		return r;
	return general_text(c, si, in, n, out, outlen);
}

int lr_calc_is_number(const char *s, size_t n)
{
	static _Thread_local struct lr_dec x;

	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	return lr_dec_parse(&x, s, n, 0) != LR_DEC_EINVAL;
}

/* Could t[0..n) be a missing-value token rather than a number? */
static inline int may_be_missing(const char *t, size_t n)
{
	unsigned char c = (unsigned char)(t[0] == '-' && n > 1 ? t[1] : t[0]);

	return (unsigned)((c | 0x20) - 'a') < 26 || c == '#' || c == '<';
}

/* If the cell's text (blanks around aside) is one of c->na's tokens,
 * copies it as it is, marks it missing and counts it. */
static int missing_value(const struct lr_calc *c, struct lr_block *b, struct lr_cell *cell,
			 const char *t)
{
	if (!lr_calc_is_missing(c, t, cell->len))
		return 0;
	cell->copied = 1;
	cell->term = 1; /* missing: NaN to a converter */
	b->missing++;
	if (c->stats)
		c->stats->missing++;
	return 1;
}

const char *lr_calc_delimiter_hint(const char *s, size_t n, int delim)
{
	static const struct {
		char c;
		const char *hint;
	} seps[] = {
		{ '\t', " (the file looks tab-separated: give -d tab)" },
		{ ';', " (the file looks ';'-separated: give -d ';')" },
		{ '|', " (the file looks '|'-separated: give -d '|')" },
		{ ',', " (the file looks comma-separated: give -d ,)" },
		{ ' ', " (the file looks space-separated: give -d space)" },
	};
	size_t i;

	if (!delim || n < 3)
		return "";
	for (i = 0; i < sizeof seps / sizeof seps[0]; i++) {
		const char *p = memchr(s + 1, seps[i].c, n - 2);

		if (seps[i].c != delim && p && p[-1] != seps[i].c && p[1] != ' ')
			return seps[i].hint;
	}
	return "";
}

int lr_calc_is_missing(const struct lr_calc *c, const char *t, size_t n)
{
	size_t i;

	while (n && is_blank(*t)) {
		t++;
		n--;
	}
	while (n && is_blank(t[n - 1]))
		n--;
	for (i = 0; i < c->nna; i++)
		if (strlen(c->na[i]) == n && memcmp(c->na[i], t, n) == 0)
			return 1;
	return 0;
}

int lr_calc_spans(const struct lr_calc *c)
{
	return !c->stats;
}

int lr_calc_spans_kept(const struct lr_calc *c)
{
	size_t i;

	if (c->dtype != LR_DTYPE_EXACT)
		return 0;
	if (c->k.mode == LR_MODE_INVERSE || c->k.mode == LR_MODE_IDENTITY)
		return 1; /* inverse takes slopes over 0 only */
	if (c->k.mode != LR_MODE_FORWARD && c->k.mode != LR_MODE_PRELU)
		return 0;
	for (i = 0; i < c->k.nslopes; i++)
		if (c->dec[i].neg)
			return 0;
	return 1;
}

int lr_calc_spans_negatives_only(const struct lr_calc *c)
{
	return c->k.nslopes == 1 && !c->precision && lr_calc_spans_kept(c) &&
	       (c->k.mode == LR_MODE_FORWARD || c->k.mode == LR_MODE_PRELU);
}

/*
 * Text into binary (c->values): the exact result of the common shape
 * (forward, prelu or grad, exact arithmetic, "[-+]digits[.digits]" of at
 * most 19 significant digits, a product that fits 64 bits) as a number
 * rounded once to the target's width, as reading the result's text
 * would give, without writing the text. Returns 1 with *out set, or 0
 * for the text path.
 */
static int result_value(const struct lr_calc *c, size_t channel, const char *in, size_t n,
			double *out)
{
	const struct lr_small *a = &c->dec[slope_index(c, channel)];
	int neg, e, rneg;
	uint64_t m, rm;
	int64_t re;
	double y = 0;
	float f = 0;

	if (lr_dec_parse_simple(in, n, &neg, &m, &e) < 0)
		return 0;
	if (m && !neg) {
		/* x > 0: x itself, or a gradient of 1 */
		rneg = 0;
		rm = c->k.mode == LR_MODE_GRAD ? 1 : m;
		re = c->k.mode == LR_MODE_GRAD ? 0 : e;
	} else if (c->k.mode == LR_MODE_GRAD) {
		/* x <= 0: the slope, or 1 at zero with --zero-grad one */
		int one = !m && c->k.zero_grad_one;

		rneg = one ? 0 : a->neg;
		rm = one ? 1 : a->m;
		re = one ? 0 : a->exp;
	} else {
		/* a * x, with the sign lr_dec_mul_simple gives (also of 0) */
		rneg = neg ^ a->neg;
		re = (int64_t)e + a->exp;
		if (__builtin_mul_overflow(m, a->m, &rm))
			return 0;
	}
	if (rm && !(c->values == 32 ? lr_read32(rm, re, &f) : lr_read64(rm, re, &y)))
		return 0; /* undecided or subnormal: the text path's reader */
	if (c->values == 32)
		y = (double)f;
	*out = rneg ? -y : y;
	return 1;
}

int lr_calc_block(const struct lr_calc *c, struct lr_block *b)
{
	size_t i, len = 0;
	int r, fast, values;
	double v;

	if (c->stats && b->vtype != LR_VALUES_NONE)
		for (i = 0; i < b->nvals; i++)
			lr_stats_add(c->stats, b->vtype == LR_VALUES_F64 ? ((double *)b->vals)[i]
									 : ((float *)b->vals)[i]);
	if (b->in_vals && b->vtype != LR_VALUES_NONE)
		memcpy(b->in_vals, b->vals,
		       b->nvals * (b->vtype == LR_VALUES_F64 ? sizeof(double) : sizeof(float)));
	/* Binary values are computed in their own width, as PyTorch does. */
	if (b->vtype == LR_VALUES_F32) {
		lr_kernel_run32(&c->k, b->vals, b->nvals, b->first, b->inner);
		return 0;
	}
	if (b->vtype == LR_VALUES_F64) {
		lr_kernel_run64(&c->k, b->vals, b->nvals, b->first, b->inner);
		return 0;
	}

	/* Exact forward without rounding: positives are copies, which a
	 * scan without arithmetic can tell; negatives of the common shape go
	 * straight to the product. Everything else takes lr_calc_text. */
	fast = c->dtype == LR_DTYPE_EXACT && !c->precision &&
	       (c->k.mode == LR_MODE_FORWARD || c->k.mode == LR_MODE_PRELU);
	values = c->values && c->dtype == LR_DTYPE_EXACT && !c->precision &&
		 (fast || c->k.mode == LR_MODE_GRAD);
	for (i = 0; i < b->ncells; i++) {
		struct lr_cell *cell = &b->cell[i];
		char *out = b->out + b->outlen;
		const char *t = b->text + cell->off;

		if (cell->kind != LR_CELL_NUM || cell->fixed)
			continue;
		/* NA, null, nan...: a letter or sign first, so numbers pay nothing */
		if (b->na && may_be_missing(t, cell->len) && missing_value(c, b, cell, t))
			continue;
		if (c->stats && lr_calc_is_number(t, cell->len))
			lr_stats_add_text(c->stats, t, cell->len);
		if (values && result_value(c, cell->channel, t, cell->len, &v)) {
			cell->kind = LR_CELL_VALUE;
			cell->out_off = (uint32_t)(b->out - b->text + b->outlen);
			cell->out_len = sizeof v;
			memcpy(out, &v, sizeof v);
			b->outlen += sizeof v;
			continue;
		}
		if (fast && (cell->positive ||
			     (t[0] != '-' && lr_dec_is_plain_positive(t, cell->len)))) {
			cell->copied = 1;
			continue;
		}
		r = lr_calc_text(c, cell->channel, t, cell->len, out, &len);
		if (r == LR_CALC_NEW) {
			cell->copied = 0;
			cell->out_off = (uint32_t)(b->out - b->text + b->outlen);
			cell->out_len = (uint32_t)len;
			b->outlen += len;
		} else if (r == LR_CALC_COPY) {
			cell->copied = 1;
		} else if (b->na && missing_value(c, b, cell, t)) {
			continue;
		} else if (c->skip_invalid) {
			cell->kind = LR_CELL_TEXT;
			b->invalid++;
		} else {
			const char *q = lr_quote_bytes(b->text + cell->off, cell->len);

			if (r == LR_DEC_ERANGE)
				lr_error_at(b->name, cell->line, cell->col,
					    "number out of range: \"%s\" (at most %d digits and exponents "
					    "up to %d)",
					    q, LR_DEC_MAXDIG, LR_DEC_MAXEXP);
			else
				lr_error_at(b->name, cell->line, cell->col, "not a number: \"%s\"%s", q,
					    lr_calc_delimiter_hint(t, cell->len, b->delim));
			return -1;
		}
	}
	return 0;
}
