/*
 * calc.h - the activation applied to numbers written as text: exact
 * decimal by default, or emulated float32/float64 arithmetic. It turns
 * the NUM cells of a block into result text; where the text came from
 * and where it goes are the formats' business.
 */
#ifndef LR_CALC_H
#define LR_CALC_H

#include <stddef.h>

#include "block.h"
#include "decimal.h"
#include "kernel.h"
#include "stats.h"

enum lr_dtype { LR_DTYPE_EXACT, LR_DTYPE_F64, LR_DTYPE_F32 };

/* Most significant digits --precision accepts. */
#define LR_PRECISION_MAX 100

/* Room for a slope's text, as lr_dec_format writes it plainly. */
#define LR_SLOPE_TEXT 80

/* A result is at most this many bytes longer than its input text. */
#define LR_CALC_SLACK 256

struct lr_calc {
	struct lr_kernel k;         /* mode, zero-grad and binary slopes */
	const struct lr_small *dec; /* the k.nslopes slopes as exact decimals */
	const struct lr_divisor *div; /* and what dividing by them needs */
	const char (*slope_text)[LR_SLOPE_TEXT]; /* and as text, slope_len[i] bytes each */
	const size_t *slope_len;
	enum lr_dtype dtype;
	int precision;              /* significant digits, 0 for all */
	unsigned parse_flags;       /* LR_DEC_JSON for JSON tokens */
	int skip_invalid;           /* pass bad numbers through instead of failing */
	const char *const *na;      /* missing-value tokens of CSV, nna of them */
	size_t nna;
	struct lr_stats *stats;     /* counts the input values, or NULL */
	int values;                 /* text into binary: 64 or 32, the width results
				     * are rounded to for LR_CELL_VALUE; 0: none */
};

#define LR_CALC_COPY 0 /* the result is the input text, unchanged */
#define LR_CALC_NEW 1  /* the result was written to out */

/* Applies the mode to the number text in[0..n) in the given channel
 * (reduced modulo the slope count). Space and tab around the number are
 * kept around the result. in[n..n + 16) must be readable too (text in a
 * block, or a buffer with room). Writes at most n + LR_CALC_SLACK bytes
 * to out.
 * Returns LR_CALC_COPY, LR_CALC_NEW, or LR_DEC_EINVAL / LR_DEC_ERANGE. */
int lr_calc_text(const struct lr_calc *c, size_t channel, const char *in, size_t n,
		 char *out, size_t *outlen);

/* Computes every NUM cell of b into b->out. Where b->na is set (CSV), a
 * cell holding one of c->na's tokens is copied and marked missing
 * (term), counted in b->missing and the stats. A bad number is reported with b->name and
 * the cell's place and makes the call return -1, unless c->skip_invalid,
 * which turns it into a TEXT cell and counts it. */
int lr_calc_block(const struct lr_calc *c, struct lr_block *b);

/*
 * Whether rows of numbers may be computed as SPAN cells (span.h) under
 * c: any mode and dtype, without --stats, as a result depends on the
 * number's text and its column alone. A decoder makes SPAN cells only
 * then, and lr_calc_block leaves them as they are. A SPAN holds whole
 * rows; any byte but a digit, '.' or '-' separates fields, and every
 * field is empty, or a number of at most LR_SPAN_FIELD_MAX bytes: "0",
 * digits with at most one point and a non-zero digit, or '-' and digits
 * with at most one point. Each number becomes what lr_calc_text makes of
 * it, in the channel of its column.
 */
#define LR_SPAN_FIELD_MAX 128
int lr_calc_spans(const struct lr_calc *c);

/* Whether, further, a number of a SPAN without a '-' (or "0") is its own
 * result whatever its channel: exact forward (or prelu) by slopes of 0
 * or more, exact inverse and identity (--precision rounds computed
 * results only). */
int lr_calc_spans_kept(const struct lr_calc *c);

/* The same for forward or prelu by one slope and without --precision:
 * then only the negative numbers need computing, each a product, and no
 * column counting. */
int lr_calc_spans_negatives_only(const struct lr_calc *c);

/* Non-zero if s[0..n), space-trimmed, is a number in the CSV grammar. */
int lr_calc_is_number(const char *s, size_t n);

/* For a CSV field s[0..n) read with separator delim that is not a
 * number: a hint when it holds another likely separator between its
 * characters ("; the file looks tab-separated: give -d tab"), else "". */
const char *lr_calc_delimiter_hint(const char *s, size_t n, int delim);

/* Non-zero if s[0..n) (blanks around aside) is one of c's missing-value
 * tokens (--na). */
int lr_calc_is_missing(const struct lr_calc *c, const char *s, size_t n);

#endif
