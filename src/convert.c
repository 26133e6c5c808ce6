/*
 * convert.c - between format families. A computed block is read as rows
 * of numbers (a CSV row, a JSON element, a slice of an array's first
 * axis) and laid out again for the target: cells for CSV/TSV, token
 * cells for JSON/NDJSON, native values for the binary formats. What is
 * not a number (strings, keys) does not cross families, but for a CSV
 * header, whose names key the JSON objects the rows become.
 */
#include "convert.h"

#include <cjson/cJSON.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "diag.h"
#include "floatfmt.h"
#include "helper.h"
#include "objrows.h"
#include "readfloat.h"

#ifndef CONV_VALUES
#define CONV_VALUES 16384 /* the widest row to binary */
#endif

/* An input block holds at most LR_BLOCK_MAX_VALUES numbers, and a CSV
 * block a few more (its cell high-water mark plus one chunk); a binary
 * output block also takes a row held back from the block before. */
#define CONV_IN_MAX (LR_BLOCK_MAX_VALUES + 64)
#define CONV_OUT_VALUES (CONV_IN_MAX + CONV_VALUES)

struct lr_convert {
	const struct lr_format *from, *to;
	const struct lr_options *o;
	struct lr_block *out;
	int to_binary, to_json, ndjson;
	int src_dtype;          /* binary source: fmt_raw's element type */
	uint64_t rows;          /* rows completed */
	size_t in_row;          /* values in the current row */
	size_t width;           /* width of the first row (binary target) */
	int opened;             /* JSON: the top-level "[" is out */
	/* binary target: values of the unfinished row */
	double *pending;
	size_t npending;
	const char *name;
	/* CSV with a header to JSON: rows as objects keyed by the header
	 * (JSON-quoted names by 1-based column; NULL where none) */
	int objects;
	char **keys;
	size_t nkeys;
	int row_object;         /* the open row is an object */
	/* JSON to CSV: objects become rows under a header of their keys
	 * (objrows.c), decided by the first element: -1 until it is seen */
	int keyed;
	struct lr_objrows *objrows;
	/* binary to CSV or TSV: the rows' text written whole, one SPAN
	 * cell a block (two when the helper wrote a share), fields
	 * separated by delim; 0 if not */
	int delim;
	struct lr_helper *helper; /* or NULL: text_rows writes every value */
	int values;             /* binary target of float64 or float32 (64, 32);
				 * 0: float16 or bfloat16 */
	/* binary target: where a full block goes (lr_convert_spill) */
	int (*spill)(void *ctx, const struct lr_block *b);
	void *spill_ctx;
};

struct lr_convert *lr_convert_open(const struct lr_format *from, const struct lr_format *to,
				   const struct lr_options *o)
{
	struct lr_convert *cv = calloc(1, sizeof *cv);

	if (!cv) {
		lr_error_sys("out of memory");
		return NULL;
	}
	cv->from = from;
	cv->to = to;
	cv->o = o;
	cv->to_binary = to->family == LR_FAMILY_BINARY;
	cv->to_json = to->family == LR_FAMILY_JSON;
	cv->ndjson = to == &lr_format_ndjson;
	cv->objects = cv->to_json && from->family == LR_FAMILY_TABLE && !o->json.json_arrays;
	/* --part: a later part's rows go on the first's array, each after a
	 * comma (the first record is always the first part's, part.h) */
	cv->opened = o->part_rest;
	cv->keyed = from->family == LR_FAMILY_JSON && to->family == LR_FAMILY_TABLE && !o->json.json_arrays
			    ? -1
			    : 0;
	if (from->family == LR_FAMILY_BINARY && to->family == LR_FAMILY_TABLE && !o->with_input) {
		/* the encoder's separator (csv_enc_open); a number never
		 * needs quoting unless it could hold it */
		int d = o->csv.delimiter && !o->to ? o->csv.delimiter : to->delimiter;

		if (!strchr("+-.", d) && !(d >= '0' && d <= '9') && !((d | 0x20) >= 'a' && (d | 0x20) <= 'z'))
			cv->delim = d;
		/* printing takes most of the time: a second thread prints
		 * half of each block (-j 1: one thread) */
		if (cv->delim && !o->one_thread)
			cv->helper = lr_helper_new();
	}
	if (cv->to_binary) {
		cv->values = to == &lr_format_f64 ? 64
			     : to == &lr_format_f32 ? 32
			     : to == &lr_format_npy ? (o->dtype == LR_DTYPE_F32 ? 32 : 64)
						    : 0;
		cv->out = lr_block_new(1, 16, 0);
		cv->pending = malloc(CONV_VALUES * sizeof *cv->pending);
		if (cv->out)
			cv->out->vals = malloc(CONV_OUT_VALUES * sizeof(double));
		if (!cv->out || !cv->pending || !cv->out->vals) {
			lr_error_sys("out of memory");
			lr_convert_close(cv);
			return NULL;
		}
		cv->out->valcap = CONV_OUT_VALUES;
	} else {
		/* a value is at most 64 bytes of text and four cells; a row of
		 * an object's values, strings among them, may hold more */
		size_t text = cv->keyed ? 4u << 20 : 64 * CONV_IN_MAX + 64;

		cv->out = lr_block_new(4 * CONV_IN_MAX + 8, text, 0);
		if (!cv->out) {
			free(cv);
			return NULL;
		}
	}
	return cv;
}

void lr_convert_spill(struct lr_convert *cv, int (*write)(void *ctx, const struct lr_block *b),
		      void *ctx)
{
	cv->spill = write;
	cv->spill_ctx = ctx;
}

void lr_convert_close(struct lr_convert *cv)
{
	if (!cv)
		return;
	lr_helper_free(cv->helper);
	if (cv->out) {
		free(cv->out->vals);
		cv->out->vals = NULL;
		lr_block_free(cv->out);
	}
	free(cv->pending);
	lr_objrows_free(cv->objrows);
	while (cv->nkeys)
		free(cv->keys[--cv->nkeys]);
	free(cv->keys);
	free(cv);
}

/* Keeps the header name t[0..n) of column col as a JSON string, written
 * by cJSON (quotes, escapes). Returns 0, or -1 after reporting. */
static int keep_key(struct lr_convert *cv, uint32_t col, const char *t, size_t n)
{
	char *name, *quoted = NULL;
	cJSON *s;

	if (col == 0)
		return 0;
	if (col > cv->nkeys) {
		char **k = realloc(cv->keys, col * sizeof *k);

		if (!k) {
			lr_error_sys("out of memory");
			return -1;
		}
		memset(k + cv->nkeys, 0, (col - cv->nkeys) * sizeof *k);
		cv->keys = k;
		cv->nkeys = col;
	}
	name = malloc(n + 1);
	if (name) {
		memcpy(name, t, n);
		name[n] = '\0';
		s = cJSON_CreateString(name);
		free(name);
		if (s)
			quoted = cJSON_PrintUnformatted(s);
		cJSON_Delete(s);
	}
	if (!quoted) {
		lr_error_sys("out of memory");
		return -1;
	}
	free(cv->keys[col - 1]);
	cv->keys[col - 1] = quoted;
	return 0;
}

/* ---- numbers to the target ---- */

/* The decimal text as a float32 rounded to odd: toward zero, with the
 * last bit set if the text is not exactly that float. The encoder's
 * rounding to float16 or bfloat16 (nearest even) then gives the value
 * nearest to the text, with no double rounding. The text is read twice,
 * toward zero and upward, to know whether it was exact. */
static float odd_float_from_text(const char *t)
{
	volatile double down, up;
	volatile float f;
	uint32_t u;
	int old = fegetround();

	fesetround(FE_TOWARDZERO);
	down = strtod(t, NULL);
	f = (float)down;
	fesetround(FE_UPWARD);
	up = strtod(t, NULL);
	fesetround(old);
	if (isnan(f) || (down == up && (double)f == down))
		return f;
	memcpy(&u, (const void *)&f, 4);
	u |= 1;
	memcpy((void *)&f, &u, 4);
	return f;
}

/* Text for a value of the source's binary type: the shortest digits that
 * read back to it in that type. out has LR_PRINT_ROOM bytes. */
static size_t value_text(double v, int src_dtype, char *out)
{
	static _Thread_local struct lr_dec d; /* large: one a thread */
	static const struct lr_notation plain = { 0, 'e', 0 };
	int e;

	if (src_dtype == 1) /* float64 */
		return lr_print64(v, out);
	if (src_dtype == 0)
		return lr_print32((float)v, out);
	if (isnan(v)) {
		memcpy(out, "nan", 3);
		return 3;
	}
	if (isinf(v)) {
		memcpy(out, v < 0 ? "-inf" : "inf", v < 0 ? 4 : 3);
		return v < 0 ? 4 : 3;
	}
	d.ndig = lr_shortest_narrow((float)v, src_dtype == 3, d.dig, &e);
	d.neg = signbit(v) != 0;
	d.kind = LR_DEC_FINITE;
	d.exp = e;
	return lr_dec_format(&d, &plain, out);
}

/* A text number as JSON writes it: canonical digits, nan/inf kept for the
 * JSON encoder to turn into null. */
static size_t json_text(const char *t, size_t n, char *out)
{
	static struct lr_dec d;
	size_t lead = 0;

	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	while (lead < n && (t[lead] == ' ' || t[lead] == '\t'))
		lead++;
	if (lr_dec_parse(&d, t + lead, n - lead, 0) != LR_DEC_OK)
		return 0;
	if (d.kind == LR_DEC_NAN) {
		memcpy(out, "nan", 3);
		return 3;
	}
	if (d.kind == LR_DEC_INF) {
		memcpy(out, d.neg ? "-inf" : "inf", d.neg ? 4 : 3);
		return d.neg ? 4 : 3;
	}
	return lr_dec_format(&d, &d.nt, out);
}

/* ---- building the output ---- */

static int add_text(struct lr_convert *cv, enum lr_cell_kind kind, const char *t, size_t n)
{
	struct lr_cell *c = lr_block_add(cv->out, kind, t, n);

	if (!c) {
		lr_error_data("internal error: conversion block overflow");
		return -1;
	}
	c->copied = 1;
	return 0;
}

static int end_line(struct lr_convert *cv)
{
	struct lr_cell *c = lr_block_add(cv->out, LR_CELL_END, NULL, 0);

	if (!c)
		return -1;
	c->term = '\n';
	return 0;
}

/* JSON: what goes before an element of the top-level array ("[" for
 * the first, "," after it; nothing for NDJSON). */
static int element_punct(struct lr_convert *cv)
{
	const char *punct = cv->opened ? "," : "[";

	if (cv->ndjson)
		return 0;
	cv->opened = 1;
	return add_text(cv, LR_CELL_TEXT, punct, 1);
}

/* Starts a row for a text target. */
static int row_open(struct lr_convert *cv)
{
	if (!cv->to_json)
		return 0;
	cv->row_object = cv->objects && cv->nkeys;
	if (element_punct(cv) < 0)
		return -1;
	return add_text(cv, LR_CELL_TEXT, cv->row_object ? "{" : "[", 1);
}

/* The key of column col in an object row: the header's name, or the
 * column's number where the header has none. */
static int put_key(struct lr_convert *cv, uint32_t col)
{
	char num[24];
	const char *k = col && col <= cv->nkeys ? cv->keys[col - 1] : NULL;

	if (!k) {
		snprintf(num, sizeof num, "\"%u\"", (unsigned)col);
		k = num;
	}
	return add_text(cv, LR_CELL_TEXT, k, strlen(k)) < 0 ? -1 : add_text(cv, LR_CELL_TEXT, ":", 1);
}

/* A value of an object row: "key":text (text may be null). */
static int row_keyed(struct lr_convert *cv, uint32_t col, enum lr_cell_kind kind, const char *t,
		     size_t n)
{
	if (cv->in_row == 0 && row_open(cv) < 0)
		return -1;
	if (cv->in_row > 0 && add_text(cv, LR_CELL_TEXT, ",", 1) < 0)
		return -1;
	cv->in_row++;
	if (cv->row_object && put_key(cv, col) < 0)
		return -1;
	return add_text(cv, kind, t, n);
}

/* One value of a row; text is what the target should say. */
static int row_value(struct lr_convert *cv, const char *t, size_t n)
{
	if (cv->in_row == 0 && row_open(cv) < 0)
		return -1;
	if (cv->in_row > 0 && cv->to_json && add_text(cv, LR_CELL_TEXT, ",", 1) < 0)
		return -1;
	cv->in_row++;
	return add_text(cv, LR_CELL_NUM, t, n);
}

/* --with-input on binary input: the input and the result as two values
 * of the row (CSV) or as an [input, result] pair (JSON). */
static int pair_value(struct lr_convert *cv, double x, double y, int src_dtype, size_t width)
{
	char a[LR_PRINT_ROOM], b[LR_PRINT_ROOM];
	size_t na = value_text(x, src_dtype, a), nb = value_text(y, src_dtype, b);

	/* rows of one value: the pair is the row */
	if (!cv->to_json || width == 1)
		return row_value(cv, a, na) < 0 ? -1 : row_value(cv, b, nb);
	if (cv->in_row == 0 && row_open(cv) < 0)
		return -1;
	if (cv->in_row > 0 && add_text(cv, LR_CELL_TEXT, ",", 1) < 0)
		return -1;
	cv->in_row++;
	if (add_text(cv, LR_CELL_TEXT, "[", 1) < 0 || add_text(cv, LR_CELL_NUM, a, na) < 0 ||
	    add_text(cv, LR_CELL_TEXT, ",", 1) < 0 || add_text(cv, LR_CELL_NUM, b, nb) < 0)
		return -1;
	return add_text(cv, LR_CELL_TEXT, "]", 1);
}

static int row_close_text(struct lr_convert *cv)
{
	if (cv->in_row == 0)
		return 0;
	cv->in_row = 0;
	cv->rows++;
	if (cv->to_json && add_text(cv, LR_CELL_TEXT, cv->row_object ? "}" : "]", 1) < 0)
		return -1;
	if (!cv->to_json || cv->ndjson)
		return end_line(cv);
	return 0;
}

/* Binary target: the row is complete; its values join the output. */
static int row_close_binary(struct lr_convert *cv)
{
	struct lr_block *b = cv->out;
	size_t i;

	if (cv->npending == 0)
		return 0;
	if (cv->rows == 0)
		cv->width = cv->npending;
	else if (cv->to == &lr_format_npy && cv->npending != cv->width) {
		lr_error_at(cv->name, 0, 0,
			    "row %llu has %zu value%s, but the first row has %zu: an .npy array "
			    "needs rows of one width",
			    (unsigned long long)cv->rows + 1, cv->npending,
			    cv->npending == 1 ? "" : "s", cv->width);
		return -1;
	}
	if (cv->npending > b->valcap - b->nvals) {
		if (!cv->spill) {
			lr_error_data("internal error: conversion block overflow");
			return -1;
		}
		b->row_width = cv->width;
		if (cv->spill(cv->spill_ctx, b) < 0)
			return -1;
		b->nvals = 0;
	}
	for (i = 0; i < cv->npending; i++) {
		if (b->vtype == LR_VALUES_F64)
			((double *)b->vals)[b->nvals++] = cv->pending[i];
		else
			((float *)b->vals)[b->nvals++] = (float)cv->pending[i];
	}
	cv->npending = 0;
	cv->rows++;
	return 0;
}

static int pend(struct lr_convert *cv, double v)
{
	if (cv->npending == CONV_VALUES) {
		lr_error_at(cv->name, 0, 0, "a row wider than %d values cannot be written as binary",
			    CONV_VALUES);
		return -1;
	}
	cv->pending[cv->npending++] = v;
	return 0;
}

static int row_end(struct lr_convert *cv)
{
	return cv->to_binary ? row_close_binary(cv) : row_close_text(cv);
}

static void prepare_out(struct lr_convert *cv, const struct lr_block *in)
{
	struct lr_block *b = cv->out;

	cv->name = in->name;
	b->name = in->name;
	if (cv->to_binary) {
		b->nvals = 0;
		/* .npy from text is float64, or float32 with --dtype f32 */
		int npy64 = cv->to == &lr_format_npy && cv->o->dtype != LR_DTYPE_F32;

		b->vtype = cv->to == &lr_format_f64 || npy64 ? LR_VALUES_F64 : LR_VALUES_F32;
		b->src_dtype = b->vtype == LR_VALUES_F64 ? 1 : 0;
		b->ndim = -1;
		b->total = -1;
	} else
		lr_block_reset(b);
}

/* The value of a number's result text in the binary target's type. */
static double text_value(const struct lr_convert *cv, const char *t, size_t n)
{
	char buf[LR_DEC_MAXDIG + 64];
	static struct lr_dec d;
	int narrow = cv->to == &lr_format_f16 || cv->to == &lr_format_bf16;
	int f32 = cv->to == &lr_format_f32 || (cv->to == &lr_format_npy && cv->o->dtype == LR_DTYPE_F32);
	int neg, e;
	uint64_t m;
	double y = 0;
	float f = 0;

	/* the common shape, correctly rounded without strtod */
	if (!narrow && lr_dec_parse_simple(t, n, &neg, &m, &e) == 0 &&
	    (m == 0 || (f32 ? lr_read32(m, e, &f) : lr_read64(m, e, &y)))) {
		y = f32 ? (double)f : y;
		return neg ? -y : y;
	}
	if (lr_dec_parse(&d, t, n, 0) != LR_DEC_OK) {
		/* trim blanks kept around CSV numbers */
		while (n && (*t == ' ' || *t == '\t')) {
			t++;
			n--;
		}
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		if (lr_dec_parse(&d, t, n, 0) != LR_DEC_OK)
			return NAN;
	}
	if (d.kind == LR_DEC_NAN)
		return NAN;
	if (d.kind == LR_DEC_INF)
		return d.neg ? -INFINITY : INFINITY;
	if (d.ndig == 0)
		return d.neg ? -0.0 : 0.0;
	snprintf(buf, sizeof buf, "%s%.*se%lld", d.neg ? "-" : "", (int)d.ndig, d.dig,
		 (long long)d.exp);
	if (cv->to == &lr_format_f32)
		return strtof(buf, NULL);
	if (cv->to == &lr_format_f16 || cv->to == &lr_format_bf16)
		return odd_float_from_text(buf);
	if (cv->to == &lr_format_npy && cv->o->dtype == LR_DTYPE_F32)
		return strtof(buf, NULL);
	return strtod(buf, NULL);
}

/* A share of text_rows: values [from, to) of in as text at t, in_row
 * values of a row before the first; then the text's length, and the
 * rows ended. */
struct rows_share {
	const struct lr_block *in;
	size_t from, to, width, in_row;
	int delim;
	char *t;
	size_t len;
	uint64_t rows;
};

static void rows_text(void *arg)
{
	struct rows_share *s = arg;
	const struct lr_block *in = s->in;
	/* in locals: the two shares' structs may share a cache line */
	size_t i, k = 0, in_row = s->in_row, width = s->width;
	uint64_t rows = 0;
	char *t = s->t;

	for (i = s->from; i < s->to; i++) {
		double v = in->vtype == LR_VALUES_F64 ? ((const double *)in->vals)[i]
						      : ((const float *)in->vals)[i];

		if (in_row)
			t[k++] = (char)s->delim;
		k += value_text(v, in->src_dtype, t + k);
		in_row++;
		if ((in->first + i + 1) % width == 0) {
			t[k++] = '\n';
			in_row = 0;
			rows++;
		}
	}
	s->len = k;
	s->in_row = in_row;
	s->rows = rows;
}

/* The fewest values of a block worth a share for the helper. */
#define CONV_SHARE_MIN 4096

/* Binary values to CSV or TSV rows of width values, their text written
 * straight into one SPAN cell: a separator before every value but a
 * row's first, a line end after its last. With a helper, it writes the
 * second half of a large block into a second SPAN cell meanwhile. */
static int text_rows(struct lr_convert *cv, const struct lr_block *in, size_t width)
{
	struct lr_block *b = cv->out;
	size_t n = in->nvals, m = cv->helper && n >= CONV_SHARE_MIN ? n / 2 : n;
	struct rows_share s[2] = {
		{ in, 0, m, width, cv->in_row, cv->delim, b->text, 0, 0 },
		{ in, m, n, width, (size_t)((in->first + m) % width), cv->delim,
		  b->text + m * 43 + LR_PRINT_ROOM, 0, 0 },
	};
	int k, shares = m < n ? 2 : 1;

	/* a value's text is at most 41 bytes, with a separator and a line
	 * end; the last of a share may store LR_PRINT_ROOM bytes */
	if (n * 43 + 2 * LR_PRINT_ROOM > b->textcap) {
		lr_error_data("internal error: conversion block overflow");
		return -1;
	}
	if (shares == 2)
		lr_helper_start(cv->helper, rows_text, &s[1]);
	rows_text(&s[0]);
	if (shares == 2)
		lr_helper_wait(cv->helper);
	b->textlen = (size_t)(s[shares - 1].t - b->text) + s[shares - 1].len;
	for (k = 0; k < shares; k++) {
		struct lr_cell *c = lr_block_add(b, LR_CELL_SPAN, NULL, 0);

		if (!c)
			return -1;
		c->out_off = (uint32_t)(s[k].t - b->text);
		c->out_len = (uint32_t)s[k].len;
		cv->rows += s[k].rows;
	}
	cv->in_row = s[shares - 1].in_row;
	return 0;
}

/* The values of a row: the product of an .npy array's later dimensions
 * (C order), --channels for raw input, else 1. */
static size_t values_width(const struct lr_convert *cv, const struct lr_block *in)
{
	size_t width = 1;
	int k;

	if (in->ndim >= 2 && !in->fortran)
		for (k = 1; k < in->ndim; k++)
			width *= (size_t)in->dims[k];
	else if (in->ndim < 0 && cv->o->raw.channels)
		width = cv->o->raw.channels;
	return width;
}

/* One scalar of a flat array (width 1) into JSON: an element of the
 * array, or a line of NDJSON; not a row of one. */
static int json_scalar(struct lr_convert *cv, const char *text, size_t n)
{
	if (element_punct(cv) < 0 || add_text(cv, LR_CELL_NUM, text, n) < 0)
		return -1;
	return cv->ndjson ? end_line(cv) : 0;
}

/* The values of a binary block as text rows (CSV through text_rows),
 * JSON, or another binary format. */
static int convert_values(struct lr_convert *cv, const struct lr_block *in)
{
	char text[LR_DEC_MAXDIG + LR_DEC_SLACK];
	size_t width = values_width(cv, in), i;

	cv->src_dtype = in->src_dtype;
	if (cv->delim)
		return text_rows(cv, in, width);
	for (i = 0; i < in->nvals; i++) {
		double v = in->vtype == LR_VALUES_F64 ? ((const double *)in->vals)[i]
						      : ((const float *)in->vals)[i];

		if (cv->to_binary) {
			if (pend(cv, v) < 0)
				return -1;
		} else if (in->in_vals) {
			/* --with-input: input and result side by side */
			double x = in->vtype == LR_VALUES_F64 ? ((const double *)in->in_vals)[i]
							      : ((const float *)in->in_vals)[i];

			if (pair_value(cv, x, v, in->src_dtype, width) < 0)
				return -1;
		} else {
			size_t n = value_text(v, in->src_dtype, text);

			if (width == 1 && cv->to_json) {
				if (json_scalar(cv, text, n) < 0)
					return -1;
				continue;
			}
			if (row_value(cv, text, n) < 0)
				return -1;
			if (width == 1) {
				if (row_end(cv) < 0)
					return -1;
				continue;
			}
		}
		if ((in->first + i + 1) % width == 0 && row_end(cv) < 0)
			return -1;
	}
	cv->out->row_width = cv->width;
	return 0;
}

/* The value of the plain number at *pp ("-"? digits ("." digits)?, at
 * most 19 digits) that ends at a delimiter or line end, rounded to the
 * binary target: 1 with *pp past it, or 0 for text_value. */
static inline int plain_value(const struct lr_convert *cv, const char **pp, char delim,
			      double *v)
{
	const char *p = *pp;
	int neg = *p == '-', nd = 0, e = 0;
	uint64_t m = 0;
	float f;

	p += neg;
	for (; (unsigned)(*p - '0') < 10; p++, nd++)
		m = m * 10 + (uint64_t)(*p - '0');
	if (*p == '.')
		for (p++; (unsigned)(*p - '0') < 10; p++, nd++, e--)
			m = m * 10 + (uint64_t)(*p - '0');
	if (nd == 0 || nd > 19 || (*p != delim && *p != '\n' && *p != '\r'))
		return 0;
	if (m == 0)
		*v = 0;
	else if (cv->values == 64) {
		if (!lr_read64(m, e, v))
			return 0;
	} else if (cv->values == 32 && lr_read32(m, e, &f))
		*v = f;
	else
		return 0;
	*v = neg ? -*v : *v;
	*pp = p;
	return 1;
}

/* A SPAN cell of CSV rows of numbers (their results, fields separated
 * by the block's delimiter, rows ended by LF, CR or both) into binary
 * rows: a value for each field but the empty ones, which pass through
 * as cells would, and the first in->span_skip of each row (an index
 * column), and a row's end for each line end (the text ends in one, so
 * the scans stop there). */
static int span_values(struct lr_convert *cv, const struct lr_block *in, const struct lr_cell *c)
{
	const char *p = lr_span_out(in, c), *end = p + c->out_len, *f;
	char delim = (char)in->delim;
	unsigned field = 0;
	double v;

	while (p < end) {
		if (field < in->span_skip) {
			/* a field passed through (an index column): no value */
			while (*p != delim && *p != '\n' && *p != '\r')
				p++;
		} else if (plain_value(cv, &p, delim, &v)) {
			if (pend(cv, v) < 0)
				return -1;
		} else {
			for (f = p; *p != delim && *p != '\n' && *p != '\r'; p++)
				;
			if (p > f && pend(cv, text_value(cv, f, (size_t)(p - f))) < 0)
				return -1;
		}
		/* (the empty row between CR and LF is none) */
		field++;
		if (*p++ != delim) {
			field = 0;
			if (row_end(cv) < 0)
				return -1;
		}
	}
	return 0;
}

/* A CSV TEXT cell on the way to JSON objects: a header name keys its
 * column; an empty field under one is a missing value. */
static int keyed_text(struct lr_convert *cv, const struct lr_block *in, const struct lr_cell *c)
{
	if (c->selhead)
		return keep_key(cv, c->col, in->text + c->off, c->len);
	if (c->len == 0 && c->col && c->col <= cv->nkeys && cv->keys[c->col - 1])
		return row_keyed(cv, c->col, LR_CELL_TEXT, "null", 4);
	return 0;
}

/* A NUM cell's result text t[0..n) into the other family. */
static int cell_number(struct lr_convert *cv, const struct lr_cell *c, const char *t, size_t n)
{
	char text[LR_DEC_MAXDIG + LR_DEC_SLACK];
	size_t k;

	if (c->term) {
		/* a missing value (NA, null...) is a NaN elsewhere; padded,
		 * as the block's text is (LR_BLOCK_PAD) */
		static const char nan_text[LR_BLOCK_PAD] = "nan";

		t = nan_text;
		n = 3;
	}
	if (cv->to_binary)
		return pend(cv, text_value(cv, t, n));
	if (!cv->to_json)
		return row_value(cv, t, n);
	k = json_text(t, n, text);
	if (!k)
		return 0;
	return cv->objects ? row_keyed(cv, c->col, LR_CELL_NUM, text, k) : row_value(cv, text, k);
}

/* The cells of a text block into the other family: rows of numbers,
 * JSON objects keyed by a CSV header, or CSV rows from JSON objects
 * (objrows.c). */
static int convert_cells(struct lr_convert *cv, const struct lr_block *in)
{
	size_t i;

	for (i = 0; i < in->ncells; i++) {
		const struct lr_cell *c = &in->cell[i];
		const char *t = lr_cell_out(in, c);

		if (cv->keyed && c->kind == LR_CELL_TEXT && c->term)
			continue; /* the top-level array's punctuation */
		if (cv->keyed < 0 && c->kind != LR_CELL_END && c->kind != LR_CELL_ROW) {
			cv->keyed = c->kind == LR_CELL_TEXT && *t == '{';
			if (cv->keyed && !(cv->objrows = lr_objrows_new(!cv->o->csv.skip_header)))
				return -1;
		}
		if (cv->keyed > 0) {
			if (lr_objrows_cell(cv->objrows, in, c, cv->out) < 0)
				return -1;
		} else if (c->kind == LR_CELL_END || c->kind == LR_CELL_ROW) {
			if (row_end(cv) < 0)
				return -1;
		} else if (cv->objects && c->kind == LR_CELL_TEXT) {
			if (keyed_text(cv, in, c) < 0)
				return -1;
		} else if (c->kind == LR_CELL_NUM && cell_number(cv, c, t, c->out_len) < 0) {
			return -1;
		} else if (c->kind == LR_CELL_SPAN && cv->to_binary && span_values(cv, in, c) < 0) {
			return -1;
		} else if (c->kind == LR_CELL_VALUE) {
			double v;

			memcpy(&v, t, sizeof v);
			if (pend(cv, v) < 0)
				return -1;
		}
	}
	if (cv->to_binary)
		cv->out->row_width = cv->width;
	return 0;
}

int lr_convert_block(struct lr_convert *cv, const struct lr_block *in, struct lr_block **out)
{
	prepare_out(cv, in);
	*out = cv->out;
	return in->vtype != LR_VALUES_NONE ? convert_values(cv, in) : convert_cells(cv, in);
}

int lr_convert_finish(struct lr_convert *cv, struct lr_block **out)
{
	struct lr_block *b = cv->out;

	if (cv->to_binary) {
		b->nvals = 0;
		if (row_close_binary(cv) < 0)
			return -1;
		b->row_width = cv->width;
	} else {
		lr_block_reset(b);
		if (row_close_text(cv) < 0)
			return -1;
		if (cv->to_json && !cv->ndjson) {
			if (!cv->opened && add_text(cv, LR_CELL_TEXT, "[", 1) < 0)
				return -1;
			/* --part: the last part closes the array */
			if (!cv->o->part_more &&
			    (add_text(cv, LR_CELL_TEXT, "]", 1) < 0 || end_line(cv) < 0))
				return -1;
		}
	}
	*out = b;
	return 0;
}
