/*
 * fmt_json.c - JSON and NDJSON. The decoder cuts the stream into
 * elements (the members of a top-level array, or whole values one after
 * another), checks each one against RFC 8259, then turns it into token
 * cells: numbers to transform, everything else to copy. Numbers keep their
 * original text for exact arithmetic, strings and keys keep their bytes.
 * The encoder writes the tokens compactly or indented, and writes null
 * for results that are not finite.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "diag.h"
#include "format.h"
#include "keysel.h"
#include "paths.h"

#ifndef JSON_ELEM_MAX
#define JSON_ELEM_MAX (1024 * 1024)       /* longest element, in bytes */
#endif
#define JSON_DEPTH_MAX 1000               /* deepest nesting, as cJSON's */
/* LRELU_PATHS=json-general: every element as cells by the general loop,
 * the reference the whole-row and whole-element paths are tested
 * against */
#define LR_JSON_GENERAL (lr_paths & LR_PATH_JSON_GENERAL)
#ifndef JSON_CELLS_HIGH
#define JSON_CELLS_HIGH 8192
#endif
#ifndef JSON_TEXT_HIGH
#define JSON_TEXT_HIGH (256 * 1024)
#endif
/* One token beyond the marks always fits: it is at most one element. */
#define JSON_CELLCAP (JSON_CELLS_HIGH + 4)
_Static_assert(JSON_CELLCAP <= LR_BLOCK_MAX_VALUES + 64, "JSON block larger than the converter takes");
#define JSON_TEXTCAP (JSON_TEXT_HIGH + JSON_ELEM_MAX + 16)
/* ... or when the results written whole reach this */
#define JSON_OUT_HIGH (256 * 1024)

/*
 * Parts of a chunk read ahead (stream.h), whose elements the read-ahead
 * thread computes while it waits, as direct_element would: part i
 * starts after the first ',' or LF at or past i/JSON_PARTS of the chunk
 * that follows the end of an object or array ('}' or ']', blanks
 * between), and ends where the next starts. When the parse is there
 * right after a comma of the top-level array (a ',' part), or between
 * the values of a stream (a LF part), the elements the thread took from
 * there are the ones the parse would find, and their results the same.
 */
#ifndef JSON_PARTS
#define JSON_PARTS 8
#endif
#define JSON_PART_OUT (64 * 1024) /* the thread stops a part past these results */
#define JSON_PART_ROOM (JSON_PART_OUT + 32 * 1024) /* for the last element's */

struct json_part {
	size_t taken;    /* from the part's start to the end of its last element */
	size_t outlen;   /* of the results, in out */
	uint64_t elems;  /* elements taken */
	uint64_t lines;  /* line ends in the bytes taken */
	size_t line_at;  /* of the bytes taken, how many follow the last of them */
	int comma;       /* a ',' part: elements of a top-level array */
	char out[];
};

#define JSON_PART_SIZE ((offsetof(struct json_part, out) + JSON_PART_ROOM + 64 + 63) / 64 * 64)
_Static_assert(JSON_PARTS <= LR_AHEAD_PARTS, "more parts than the source keeps");

enum top { TOP_START, TOP_ARRAY_OPEN, TOP_AFTER_ELEM, TOP_AFTER_COMMA, TOP_VALUES };

/* Where the checker is between two calls: inside which containers, and
 * what it expects next. */
struct json_scan {
	enum { VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, COLON, COMMA_OR_CLOSE, DONE } st;
	int depth, maxdepth;
	unsigned char kinds[(JSON_DEPTH_MAX + 8) / 8 + 1]; /* bit set: object */
};

/* What json_check saw of an element that element_span needs, in order:
 * each number (and whether it has an exponent) and each run of white
 * space outside strings, so that writing the element whole needs no
 * second walk over its bytes. */
enum { MARK_WS, MARK_NUM, MARK_NUM_SCI };
#define JSON_MARKS_MAX 65536 /* more: the element goes as cells */
struct json_mark {
	uint32_t off, len;
	uint32_t kind;
};
struct json_marks {
	struct json_mark *m;
	size_t n, cap;
	int lost;        /* out of memory: the element goes as cells */
};

/* One open container while tokenizing. */
struct frame {
	char type;               /* '[' or '{' */
	unsigned char selected;  /* numbers inside are transformed */
	unsigned char member_sel;/* object: the current member's key is listed */
	unsigned char expect_key;/* object: the next string is a key */
	unsigned char has_num;   /* array: holds numbers directly */
	uint32_t index;          /* array: position of the current item */
	lr_keystate state;       /* where it stands on the key paths */
	lr_keystate member_state;/* object: the current member's value's */
	uint64_t line, col;      /* where it opened */
};

struct json_dec {
	/* Set by json_dec_open, and read by the read-ahead thread as well
	 * (part_run): apart from what the parse writes, so that the two
	 * cores do not take a cache line from each other at every number. */
	char apart_before[64];
	const struct lr_options *o;
	struct lr_calc calc;        /* what rows of numbers are computed under */
	int spans;                  /* rows of numbers become SPAN cells (flat_span) */
	int kept;         /* a positive number is its own result */
	size_t wmax, wstep;         /* window from this length; bytes per fill */
	char apart_after[64];

	struct lr_source *src;
	struct lr_block *blk;
	struct lr_keysel *ks;       /* --columns, or NULL */
	struct json_marks marks;    /* the checked element's, for element_span */
	int ndjson;                 /* one value per line, no array streaming */
	const unsigned char *chunk; /* unread input bytes */
	size_t avail;
	const unsigned char *chunk_start; /* where the buffer chunk points into starts */
	/* bytes read past a windowed element, given back (input_next) */
	unsigned char *pushbuf;
	int pushed;                 /* chunk points into pushbuf; the source's is saved */
	const unsigned char *rchunk, *rchunk_start;
	size_t ravail;
	uint64_t line, col;         /* place of the next source byte */
	enum top top;
	int at_eof, done, failed;
	/* the element being cut out of the stream */
	int c_scalar, c_in_str, c_esc, c_depth;
	char *elem;
	size_t elen;
	uint64_t eline, ecol;
	uint64_t nelem;
	/* An element longer than wmax is read through d->elem as a window
	 * (window_refill): checked as it goes, tokenized up to tend, the
	 * rest moved down to make room. */
	int windowed, wdone;        /* wdone: the check has seen its end */
	struct json_scan scan;
	char saved;                 /* the byte at elem[tend], a NUL while tokenizing */
	/* the element being turned into cells */
	int flat;                   /* it is shaped as a row of numbers (flat_shape) */
	int tokenizing;
	size_t tpos, tend;          /* next byte to tokenize; end of checked bytes */
	uint64_t tline, tcol;
	int sp;
	struct frame stack[JSON_DEPTH_MAX + 2];
	/* the read-ahead thread's work on parts of the chunks (part_run) */
	struct lr_ahead_work work;
	const unsigned char *base;  /* the chunk the source handed out last */
	size_t base_len;
	unsigned part;              /* its next part to claim */
	const unsigned char *part_at; /* where that part starts, NULL: none */
};

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Advances (line, col) over the bytes p[0..n). */
static void advance(uint64_t *line, uint64_t *col, const char *p, size_t n)
{
	const char *end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		(*line)++;
		*col = 1;
		p = nl + 1;
	}
	*col += (uint64_t)(end - p);
}

/* Adds a cell; from_elem says p points into d->elem, which has
 * LR_BLOCK_PAD bytes to spare, so short text is copied as one move. */
static inline __attribute__((always_inline)) int
add_cell_at(struct json_dec *d, enum lr_cell_kind kind, const char *p, size_t n, uint64_t line,
	    uint64_t col, int from_elem)
{
	struct lr_cell *c = from_elem ? lr_block_add_padded(d->blk, kind, p, n)
				      : lr_block_add(d->blk, kind, p, n);

	if (!c) {
		lr_error_at(d->blk->name, line, col, "internal error: block overflow");
		d->failed = 1;
		return -1;
	}
	c->line = line;
	c->col = (uint32_t)col;
	return 0;
}

static int add_cell(struct json_dec *d, enum lr_cell_kind kind, const char *p, size_t n,
		    uint64_t line, uint64_t col)
{
	return add_cell_at(d, kind, p, n, line, col, 0);
}

/* Punctuation of the top-level array, outside every element: a TEXT
 * cell marked by a non-zero term, so that a converter can tell it from
 * an element's own tokens. */
static int add_outer(struct json_dec *d, const char *p)
{
	if (add_cell(d, LR_CELL_TEXT, p, 1, d->line, d->col) < 0)
		return -1;
	d->blk->cell[d->blk->ncells - 1].term = 1;
	return 0;
}

static int add_end(struct json_dec *d)
{
	struct lr_cell *c = lr_block_add(d->blk, LR_CELL_END, NULL, 0);

	if (!c)
		return -1;
	c->term = '\n';
	return 0;
}

/* Length of the JSON number at s, 0 if the text there is not one.
 * cJSON reads numbers with strtod, which takes more than RFC 8259
 * allows, so the grammar is checked here. The element buffer ends in a
 * NUL (next_element puts it there), which none of the tests accepts, so
 * the scan needs no bounds. */
static inline int is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

static size_t number_length_scalar(const char *s, int *sci)
{
	const char *p = s, *start;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		do
			p++;
		while (is_digit(*p));
	else
		return 0;
	if (*p == '.') {
		start = ++p;
		while (is_digit(*p))
			p++;
		if (p == start)
			return 0;
	}
	*sci = (*p | 0x20) == 'e';
	if (*sci) {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		start = p;
		while (is_digit(*p))
			p++;
		if (p == start)
			return 0;
	}
	/* A number must end at a delimiter, not run into more number text. */
	if (is_digit(*p) || *p == '.' || (*p | 0x20) == 'e' || *p == '+' || *p == '-')
		return 0;
	return (size_t)(p - s);
}

/* The same, for the common number of under 16 bytes without an
 * exponent, from masks of 16 bytes (which may be read: the buffers
 * have padding past their data); anything else by the byte loop. */
static inline size_t number_length_sci(const char *s, int *sci)
{
#ifdef __SSE2__
	if (lr_simd()) {
		const char *p = s + (*s == '-');
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
		unsigned dig = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
		unsigned dot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
		unsigned end = (unsigned)__builtin_ctz(~(dig | dot) | 1u << 16);
		char c = p[end];

		dot &= (1u << end) - 1;
		/* digits with at most one point, inside them, no leading
		 * zero but a lone one, then not more number text */
		if (end < 16 && (dig & 1) && !(dot & (dot - 1)) &&
		    (!dot || (unsigned)__builtin_ctz(dot) + 1 < end) &&
		    (p[0] != '0' || end == 1 || p[1] == '.') && (c | 0x20) != 'e') {
			if (c == '+' || c == '-')
				return 0;
			*sci = 0;
			return (size_t)(p - s) + end;
		}
	}
#endif
	return number_length_scalar(s, sci);
}

/* Bytes that can be part of a number token. */
static const unsigned char number_char[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1, ['.'] = 1, ['e'] = 1, ['E'] = 1, ['+'] = 1, ['-'] = 1,
};

/* Where json_check found an element wrong, and why. */
struct json_fault {
	size_t off;
	const char *why;
	char buf[96];
};

static int json_check(const char *e, size_t n, int at_eof, int allow_nan, struct json_fault *f,
		      struct json_marks *mk);
static void element_error(struct json_dec *d, size_t off, const char *what);
static size_t python_constant(const char *s, size_t n);
static int window_refill(struct json_dec *d);
static void window_end(struct json_dec *d);

/* A row that tokenize_flat cannot read: the verdict the general path
 * gives. The cells made so far go with the failed block. */
static int flat_reject(struct json_dec *d)
{
	struct json_fault f;

	if (json_check(d->elem, d->elen, d->at_eof, d->o->json.allow_nan, &f, NULL)) {
		lr_error_at(d->blk->name, d->eline, d->ecol, "internal error: a row of numbers judged twice");
		d->failed = 1;
		return -1;
	}
	element_error(d, f.off, f.why);
	return -1;
}

/* Does a result's text say it is not finite (nan, inf, -inf)? */
static inline int result_nonfinite(const char *t)
{
	return t[0] == 'n' || t[0] == 'i' || (t[0] == '-' && t[1] == 'i');
}

/*
 * The number q[0..len) of an element written whole (row_text,
 * element_text, element_span): where its result differs from it, the
 * bytes from *run up to it and the result go to *o, which has room up to
 * limit, and *run moves past it. The element's buffer has 16 readable
 * bytes past its end (LR_BLOCK_PAD, LR_STREAM_PAD): the bytes up to the
 * number go in 16-byte moves, and the result is written where it goes.
 * Reads only what json_dec_open set, so that the read-ahead thread may
 * call it (part_run).
 * Returns 1, or 0 when the element is for the cells instead (no room, a
 * result that is not finite, the calculator's refusal).
 */
static inline __attribute__((always_inline)) int
span_number(const struct json_dec *d, size_t channel, const char *q, size_t len,
	    int sci, const char **run, char **o, const char *limit)
{
	size_t gap = (size_t)(q - *run), r, i;
	int k;

	if (len > LR_SPAN_FIELD_MAX || (size_t)(limit - *o) < gap + len + LR_CALC_SLACK + 64)
		return 0;
	if (d->kept && !sci && q[0] >= '1' && q[0] <= '9')
		return 1;
	for (i = 0; i < gap; i += 16)
		memcpy(*o + i, *run + i, 16);
	k = lr_calc_text(&d->calc, channel, q, len, *o + gap, &r);
	if (k == LR_CALC_COPY) {
		/* the run so far is out; the number starts the next */
		*o += gap;
		*run = q;
		return 1;
	}
	if (k != LR_CALC_NEW || result_nonfinite(*o + gap))
		return 0;
	*o += gap + r;
	*run = q + len;
	return 1;
}

/* Ends an element written whole from start to o in the block's result
 * arena: its SPAN cell, of the given line. Returns 1, or 0 if the block
 * has no cell for it. */
static int span_element(struct json_dec *d, char *start, char *o, uint64_t line)
{
	struct lr_block *b = d->blk;
	struct lr_cell *c = lr_block_add(b, LR_CELL_SPAN, "", 0);

	if (!c)
		return 0;
	c->out_off = (uint32_t)(start - b->text);
	c->out_len = (uint32_t)(o - start);
	c->line = line;
	b->outlen += (size_t)(o - start);
	return 1;
}

/*
 * A row of numbers ("[1,-2.5,3]" with no space), e[0..n), computed whole
 * into *o (room up to limit) as the compact encoder would write the
 * cells of the general loop: each number checked, then computed (a
 * positive one is its own result where the calculator says so), the runs
 * between copied. Returns 1 with *o past the result, 0 when the row is
 * for the cells instead (a number not in JSON's grammar, a result that
 * is not finite, a slope count that does not fit, or no room).
 */
static int row_text(const struct json_dec *d, const char *e, size_t n, char **po,
		    const char *limit)
{
	const char *run = e;
	char *o = *po;
	size_t i = 1, channel = 0, len;
	int sci;

	for (;;) {
		len = number_length_sci(e + i, &sci);
		if (!len || !span_number(d, channel, e + i, len, sci, &run, &o, limit))
			return 0;
		i += len;
		if (e[i] == ']')
			break;
		if (e[i] != ',')
			return 0;
		i++;
		channel++;
	}
	if (i != n - 1 || (d->o->nslopes > 1 && channel + 1 != d->o->nslopes) ||
	    (size_t)(limit - o) < (size_t)(e + n - run))
		return 0;
	memcpy(o, run, (size_t)(e + n - run));
	*po = o + (e + n - run);
	return 1;
}

/* row_text into one SPAN cell of the block. Returns 1, or 0 with
 * nothing kept. */
static int flat_row(struct json_dec *d, const char *e, size_t n)
{
	struct lr_block *b = d->blk;
	char *start = b->out + b->outlen, *o = start;

	if (!row_text(d, e, n, &o, b->out + b->outcap))
		return 0;
	return span_element(d, start, o, d->tline);
}

/* flat_row on the element cut out (d->elem). */
static int flat_span(struct json_dec *d)
{
	if (!flat_row(d, d->elem, d->elen))
		return 0;
	d->tpos = d->elen;
	d->tcol += d->elen;
	return 1;
}

/* An element of n bytes taken straight from the chunk (its SPAN cell
 * made): the stream goes on after it. Returns 1, or -1 after
 * reporting. */
static int direct_done(struct json_dec *d, size_t n)
{
	d->chunk += n - 1;
	d->avail -= n - 1;
	d->col += n;
	d->nelem++;
	if (add_cell(d, LR_CELL_ROW, NULL, 0, d->line, d->col) < 0 ||
	    (d->top == TOP_VALUES && add_end(d) < 0))
		return -1;
	if (d->top == TOP_ARRAY_OPEN || d->top == TOP_AFTER_COMMA)
		d->top = TOP_AFTER_ELEM;
	return 1;
}

/* Deepest nesting direct_element follows (a bit a level). */
#define DIRECT_DEPTH 64

/* direct_element's string from its quote at e[i]: the index of the
 * closing quote, or 0 for a string it leaves to the general path (an
 * escape, a byte outside printable ASCII, no end before lim). */
static inline size_t direct_string(const char *e, size_t i, size_t lim)
{
	for (i++; i < lim && e[i] != '"'; i++)
		if ((unsigned char)e[i] < 0x20 || (unsigned char)e[i] > 0x7e || e[i] == '\\')
			return 0;
	return i < lim ? i : 0;
}

/* direct_element's true, false or null at e[i]: its length, or 0. */
static inline size_t direct_literal(const char *e, size_t i, size_t lim)
{
	size_t len = e[i] == 'f' ? 5 : 4;

	if (i + len >= lim || memcmp(e + i, e[i] == 't' ? "true" : e[i] == 'f' ? "false" : "null", len))
		return 0;
	return len;
}

/* element_text's blanks from e[i]: the bytes from *run up to them go
 * to *o, and *run moves past them. Returns the index of the last blank,
 * or 0 when there is no room. */
static inline size_t direct_blanks(const char *e, size_t i, size_t lim, const char **run,
				   char **o, const char *limit)
{
	if ((size_t)(limit - *o) < (size_t)(e + i - *run))
		return 0;
	memcpy(*o, *run, (size_t)(e + i - *run));
	*o += e + i - *run;
	while (i + 1 < lim && (e[i + 1] == ' ' || e[i + 1] == '\t'))
		i++;
	*run = e + i + 1;
	return i;
}

/* element_text's number at e[i], with the numbers that follow it in an
 * array (in_array), as datasets have them (", " too), without a round of
 * the automaton each. Returns the index of the last byte taken, *comma
 * saying whether that is a comma (a value comes next) or a number's; or
 * 0 for the general path. */
static inline size_t direct_numbers(const struct json_dec *d, const char *e, size_t i, size_t lim,
				    int in_array, const char **run, char **o, const char *limit,
				    int *comma)
{
	size_t len;
	int sci;

	for (*comma = 0;; i++) {
		len = number_length_sci(e + i, &sci);
		if (!len || i + len >= lim || !span_number(d, 0, e + i, len, sci, run, o, limit))
			return 0;
		i += len;
		if (e[i] != ',' || !in_array)
			return i - 1;
		if ((e[i + 1] == ' ' || e[i + 1] == '\t') && !(i = direct_blanks(e, i + 1, lim, run, o, limit)))
			return 0;
		if (e[i + 1] != '-' && !is_digit(e[i + 1])) {
			*comma = 1;
			return i;
		}
	}
}

/*
 * Any other element whole in e[0..lim), in the shapes datasets write
 * (objects and arrays of numbers, strings of printable ASCII without
 * escapes, true, false, null, spaces and tabs between tokens), checked
 * and computed in one pass into *o (room up to limit), as json_check and
 * element_span would make it: the blanks dropped, each number replaced
 * by its result (one slope: no channel to follow). e[0] is '{' or '['.
 * Returns the element's length with *o past its result, or 0 when it is
 * for cut_element and the general path (anything else, a result that is
 * not finite, an element not whole in e[0..lim), no room).
 * Kept as one function of 90 lines on purpose: the automaton is one
 * switch a byte whose transitions share its state (what comes next,
 * the depth, the bit a level) in locals; the strings, literals, blanks
 * and runs of numbers, which are not transitions, are helpers above.
 */
static size_t element_text(const struct json_dec *d, const char *e, size_t lim, char **po,
			   const char *limit)
{
	enum { WANT_VALUE, WANT_VALUE_OR_CLOSE, WANT_KEY, WANT_KEY_OR_CLOSE, WANT_COLON,
	       WANT_NEXT } want;
	const char *run = e;
	char *o = *po;
	size_t i, len;
	uint64_t objects = *e == '{'; /* bit k: level k is an object */
	int depth = 1, comma;

	want = *e == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
	for (i = 1;; i++) {
		if (i >= lim)
			return 0;
		switch (e[i]) {
		case ' ':
		case '\t':
			if (!(i = direct_blanks(e, i, lim, &run, &o, limit)))
				return 0;
			continue;
		case '{':
		case '[':
			if ((want != WANT_VALUE && want != WANT_VALUE_OR_CLOSE) || depth == DIRECT_DEPTH)
				return 0;
			objects = (objects & ~((uint64_t)1 << depth)) | (uint64_t)(e[i] == '{') << depth;
			depth++;
			want = e[i] == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
			continue;
		case '}':
		case ']':
			if (!(want == WANT_NEXT || (e[i] == '}' && want == WANT_KEY_OR_CLOSE) ||
			      (e[i] == ']' && want == WANT_VALUE_OR_CLOSE)) ||
			    (int)(objects >> (depth - 1) & 1) != (e[i] == '}'))
				return 0;
			want = WANT_NEXT;
			if (--depth == 0)
				break;
			continue;
		case ',':
			if (want != WANT_NEXT)
				return 0;
			want = objects >> (depth - 1) & 1 ? WANT_KEY : WANT_VALUE;
			continue;
		case ':':
			if (want != WANT_COLON)
				return 0;
			want = WANT_VALUE;
			continue;
		case '"':
			if (want == WANT_KEY || want == WANT_KEY_OR_CLOSE)
				want = WANT_COLON;
			else if (want == WANT_VALUE || want == WANT_VALUE_OR_CLOSE)
				want = WANT_NEXT;
			else
				return 0;
			if (!(i = direct_string(e, i, lim)))
				return 0;
			continue;
		case 't':
		case 'f':
		case 'n':
			if ((want != WANT_VALUE && want != WANT_VALUE_OR_CLOSE) ||
			    !(len = direct_literal(e, i, lim)))
				return 0;
			i += len - 1;
			want = WANT_NEXT;
			continue;
		default:
			if (want != WANT_VALUE && want != WANT_VALUE_OR_CLOSE)
				return 0;
			if (!(i = direct_numbers(d, e, i, lim, !(objects >> (depth - 1) & 1), &run, &o,
						 limit, &comma)))
				return 0;
			want = comma ? WANT_VALUE : WANT_NEXT;
			continue;
		}
		break;
	}
	/* the element is e[0..i] */
	if ((size_t)(limit - o) < (size_t)(e + i + 1 - run))
		return 0;
	memcpy(o, run, (size_t)(e + i + 1 - run));
	*po = o + (e + i + 1 - run);
	return i + 1;
}

/*
 * The result of the element at e[0] ('{' or '['), whole in e[0..avail),
 * as next_element would make it straight from the chunk: a row of
 * numbers (row_text), else any element element_text takes. Returns its
 * length with the result at *o (room up to limit), or 0.
 */
static size_t element_result(const struct json_dec *d, const char *e, size_t avail, char **o,
			     const char *limit)
{
	const char *q;

	if (*e == '[' && (q = memchr(e + 1, ']', avail - 1)) && (size_t)(q - e) < d->wmax &&
	    row_text(d, e, (size_t)(q - e) + 1, o, limit))
		return (size_t)(q - e) + 1;
	if (d->o->nslopes != 1 || d->o->json.allow_nan)
		return 0;
	return element_text(d, e, avail < d->wmax ? avail : d->wmax, o, limit);
}

/*
 * An element whole in the chunk, whose first byte '{' or '[' was just
 * taken (next_byte leaves it at d->chunk[-1]), computed straight from
 * the chunk into one SPAN cell (element_result), without being cut out
 * and checked first. Returns 1 when the element is done, its row cells
 * made, 0 when it is for cut_element and the general path (nothing is
 * taken then), -1 after reporting.
 */
static int direct_element(struct json_dec *d)
{
	struct lr_block *b = d->blk;
	char *start = b->out + b->outlen, *o = start;
	size_t n;

	if (!d->spans || LR_JSON_GENERAL || d->o->unbuffered || b->ncells + 3 > JSON_CELLS_HIGH)
		return 0;
	n = element_result(d, (const char *)d->chunk - 1, d->avail + 1, &o, b->out + b->outcap);
	if (!n || !span_element(d, start, o, d->line))
		return 0;
	return direct_done(d, n);
}

/* Can a top-level scalar end before this byte (as cut ends one)? */
static int scalar_end(unsigned char ch)
{
	return is_ws(ch) || ch == ',' || ch == ']' || ch == '}' || ch == '[' || ch == '{' ||
	       ch == '"';
}

/* A number whole in e[0..avail) that ends a scalar (the top-level
 * array's, or a stream's): its length with its result (or itself) at
 * *o (room up to limit), or 0 for the general path, which says what
 * anything else is. */
static size_t scalar_result(const struct json_dec *d, const char *e, size_t avail, char **o,
			    const char *limit)
{
	const char *run = e;
	size_t len;
	int sci;

	if ((*e != '-' && !is_digit(*e)) || d->o->nslopes != 1 || d->o->json.allow_nan)
		return 0;
	len = number_length_sci(e, &sci);
	if (!len || len >= avail || !scalar_end((unsigned char)e[len]) ||
	    !span_number(d, 0, e, len, sci, &run, o, limit) ||
	    (size_t)(limit - *o) < (size_t)(e + len - run))
		return 0;
	memcpy(*o, run, (size_t)(e + len - run));
	*o += e + len - run;
	return len;
}

/* Most results direct_scalars writes at once. */
#define SCALARS_OUT (64 * 1024)

/*
 * Numbers that are elements of the top-level array ("[1.5, -2.25, ...]",
 * as json.dump writes a list), whole in the chunk: the first, whose
 * first byte was just taken, and those that follow it after a comma
 * (spaces and tabs around it dropped), computed straight from the chunk
 * into one SPAN cell with their commas, as the compact encoder would
 * write their cells. Returns 1 when at least one is done, 0 when the
 * element is for cut_element and the general path (a number not whole
 * in the chunk, not in JSON's grammar, a result that is not finite, a
 * slope per channel), -1 after reporting.
 */
static int direct_scalars(struct json_dec *d)
{
	struct lr_block *b = d->blk;
	const char *e = (const char *)d->chunk - 1;
	char *start = b->out + b->outlen, *o = start, *o_ok = o, *limit = b->out + b->outcap;
	size_t avail = d->avail + 1, i = 0, end = 0, j, len;
	/* the comma before the next part's start is left to the parse, so
	 * that it comes to that start between elements (take_part) */
	size_t part = d->part_at && !d->pushed && d->part_at > d->chunk
			      ? (size_t)(d->part_at - (const unsigned char *)e) - 1
			      : SIZE_MAX;
	uint64_t elems = 0;

	if (!d->spans || LR_JSON_GENERAL || d->o->unbuffered || b->ncells + 3 > JSON_CELLS_HIGH ||
	    (d->top != TOP_ARRAY_OPEN && d->top != TOP_AFTER_COMMA))
		return 0;
	while ((size_t)(o - start) < SCALARS_OUT &&
	       (len = scalar_result(d, e + i, avail - i, &o, limit)) != 0) {
		i += len;
		elems++;
		end = i;
		o_ok = o;
		/* a comma and the next number, blanks around it dropped */
		for (j = i; j < avail && (e[j] == ' ' || e[j] == '\t'); j++)
			;
		if (j >= avail || e[j] != ',' || j >= part || o == limit)
			break;
		for (j++; j < avail && (e[j] == ' ' || e[j] == '\t'); j++)
			;
		*o++ = ',';
		i = j;
	}
	if (!elems || !span_element(d, start, o_ok, d->line))
		return 0;
	d->nelem += elems - 1;
	return direct_done(d, end);
}

/* Where part i of the chunk p[0..n) starts: after the first ',' or LF
 * that follows a '}' or ']' in its n/JSON_PARTS bytes (or blanks after
 * them), *comma saying which (may be NULL), else after the first ','
 * that follows a digit (an array of bare numbers); or, when there is
 * none, at the end of those bytes with *comma -1 (the part is empty). */
static const unsigned char *next_of(const unsigned char *p, size_t k, size_t lim, int ch)
{
	const unsigned char *q = memchr(p + k, ch, lim - k);

	return q ? q : p + lim;
}

static size_t part_start(const unsigned char *p, size_t n, unsigned i, int *comma)
{
	size_t k = n / JSON_PARTS * i, lim = i + 1 < JSON_PARTS ? n / JSON_PARTS * (i + 1) : n, j;
	const unsigned char *sq, *cu, *q;

	if (i >= JSON_PARTS)
		return n;
	sq = next_of(p, k, lim, ']');
	cu = next_of(p, k, lim, '}');
	while ((q = sq < cu ? sq : cu) < p + lim) {
		k = (size_t)(q - p) + 1;
		for (j = k; j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r'); j++)
			;
		if (j < n && (p[j] == ',' || p[j] == '\n')) {
			if (comma)
				*comma = p[j] == ',';
			return j + 1;
		}
		if (q == sq)
			sq = next_of(p, k, lim, ']');
		else
			cu = next_of(p, k, lim, '}');
	}
	/* none: an array of bare numbers, maybe (a ',' after a digit) */
	for (k = n / JSON_PARTS * i; (q = memchr(p + k, ',', lim - k)) != NULL; k = (size_t)(q - p) + 1) {
		for (j = (size_t)(q - p); j > 0 && (p[j - 1] == ' ' || p[j - 1] == '\t'); j--)
			;
		if (j > 0 && is_digit((char)p[j - 1])) {
			if (comma)
				*comma = 1;
			return (size_t)(q - p) + 1;
		}
	}
	if (comma)
		*comma = -1;
	return lim;
}

/*
 * The read-ahead thread's work on part i of a chunk: from its start, the
 * elements element_result takes, each after blanks (and after a comma
 * but for the first, in a ',' part), until one it does not take, one
 * that starts past the part or results past JSON_PART_OUT. Their results
 * are as the compact encoder writes them: separated by commas in a ','
 * part, each followed by a LF in a LF part.
 */
static void part_run(const void *ctx, const unsigned char *p, size_t n, unsigned i, void *vr)
{
	const struct json_dec *d = ctx;
	struct json_part *r = vr;
	int comma = 0;
	size_t start = part_start(p, n, i, &comma), end = part_start(p, n, i + 1, NULL);
	size_t pos = start, last = start, len, k;
	char *o = r->out, *taken_to = o, *limit = r->out + JSON_PART_ROOM;

	r->comma = comma;
	r->elems = 0;
	while (comma >= 0 && pos < end && (size_t)(taken_to - r->out) < JSON_PART_OUT) {
		while (pos < n && is_ws(p[pos]))
			pos++;
		if (comma && r->elems) {
			if (pos == n || p[pos] != ',')
				break;
			*o++ = ',';
			for (pos++; pos < n && is_ws(p[pos]);)
				pos++;
		}
		if (pos >= end ||
		    !(len = p[pos] == '{' || p[pos] == '['
				    ? element_result(d, (const char *)p + pos, n - pos, &o, limit)
				    : scalar_result(d, (const char *)p + pos, n - pos, &o, limit)))
			break;
		if (!comma)
			*o++ = '\n';
		pos += len;
		last = pos;
		taken_to = o;
		r->elems++;
	}
	r->taken = last - start;
	r->outlen = (size_t)(taken_to - r->out);
	r->lines = 0;
	r->line_at = r->taken;
	for (k = start; k < last; k++)
		if (p[k] == '\n') {
			r->lines++;
			r->line_at = last - k - 1;
		}
}

/*
 * Moves on to the next part of the chunk, for the parse is at its start
 * or past it: claims it, and if the thread has taken elements there and
 * the parse is where the part's kind says, between elements, takes them:
 * a SPAN cell of their results. Returns 0, or -1 after reporting.
 */
static int take_part(struct json_dec *d)
{
	const struct json_part *r = lr_source_claim(d->src, d->part);
	struct lr_block *b = d->blk;
	int at = d->chunk == d->part_at;
	struct lr_cell *c;

	d->part++;
	d->part_at = d->part < JSON_PARTS ? d->base + part_start(d->base, d->base_len, d->part, NULL)
					  : NULL;
	if (!r || !r->taken || !at || d->tokenizing || d->windowed ||
	    d->top != (r->comma ? TOP_AFTER_COMMA : TOP_VALUES) || b->ncells + 3 > JSON_CELLS_HIGH ||
	    b->outcap - b->outlen < r->outlen)
		return 0;
	if (!(c = lr_block_add(b, LR_CELL_SPAN, "", 0))) {
		lr_error_at(b->name, d->line, d->col, "internal error: block overflow");
		d->failed = 1;
		return -1;
	}
	memcpy(b->out + b->outlen, r->out, r->outlen);
	c->out_off = (uint32_t)(b->out - b->text + b->outlen);
	c->out_len = (uint32_t)r->outlen;
	c->line = d->line;
	b->outlen += r->outlen;
	d->chunk += r->taken;
	d->avail -= r->taken;
	d->line += r->lines;
	d->col = r->lines ? 1 + r->line_at : d->col + r->taken;
	d->nelem += r->elems;
	if (r->comma)
		d->top = TOP_AFTER_ELEM;
	return 0;
}

/* Takes the parts the parse has come to (take_part). Returns 0, or -1
 * after reporting. */
static int parts_reached(struct json_dec *d)
{
	while (d->part_at && !d->pushed && d->chunk >= d->part_at)
		if (take_part(d) < 0)
			return -1;
	return 0;
}

/*
 * Any element json_check has passed, computed whole into one SPAN cell
 * as the compact encoder would write its cells: white space outside
 * strings dropped, strings and the other tokens copied, each number
 * replaced by its result (one slope, so no channel to follow; a
 * positive number is its own result where the calculator says so).
 * The numbers and the white space are where json_check marked them
 * (d->marks), so the bytes between are copied without a look.
 * Returns 1 when done, 0 when the element is for the cells instead (a
 * result that is not finite, no room, or marks lost): nothing of it is
 * kept then.
 */
static int element_span(struct json_dec *d)
{
	struct lr_block *b = d->blk;
	const char *e = d->elem, *run = e, *end = e + d->elen;
	char *start = b->out + b->outlen, *o = start, *limit = b->out + b->outcap;
	size_t i;

	if (d->marks.lost)
		return 0;
	/* by index: an element with no marks may come before any array */
	for (i = 0; i < d->marks.n; i++) {
		const struct json_mark *m = &d->marks.m[i];
		const char *p = e + m->off;

		if (m->kind != MARK_WS) {
			if (!span_number(d, 0, p, m->len, m->kind == MARK_NUM_SCI, &run, &o, limit))
				return 0;
			continue;
		}
		if ((size_t)(limit - o) < (size_t)(p - run))
			return 0;
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
		run = p + m->len;
	}
	if ((size_t)(limit - o) < (size_t)(end - run))
		return 0;
	memcpy(o, run, (size_t)(end - run));
	o += end - run;
	if (!span_element(d, start, o, d->tline))
		return 0;
	advance(&d->tline, &d->tcol, e, d->elen);
	d->tpos = d->elen;
	return 1;
}

/*
 * The common element of a dataset, a row of numbers ("[1,-2.5,3]" with
 * no space), in one loop: the cells the general loop below would make,
 * without its per-token bookkeeping, each number checked as it is read.
 * validate has seen that the element has the shape and fits the block
 * whole.
 */
static int tokenize_flat(struct json_dec *d)
{
	struct lr_block *b = d->blk;
	const char *e = d->elem;
	size_t n = d->elen, i = 1;
	uint64_t line = d->tline, col = d->tcol;
	enum lr_cell_kind kind = d->o->cols ? LR_CELL_TEXT : LR_CELL_NUM;
	uint32_t index = 0;

	if (add_cell_at(d, LR_CELL_TEXT, e, 1, line, col, 1) < 0)
		return -1;
	for (;;) {
		int sci;
		size_t len = number_length_sci(e + i, &sci);

		/* a number ends at a delimiter; the shape leaves ',' and ']' */
		if (!len)
			return flat_reject(d);
		if (add_cell_at(d, kind, e + i, len, line, col + i, 1) < 0)
			return -1;
		if (kind == LR_CELL_NUM) {
			struct lr_cell *c = &b->cell[b->ncells - 1];

			c->channel = index;
			c->plain = 1;
			/* spares the calculator its own scan of the common case */
			c->positive = !sci && e[i] >= '1' && e[i] <= '9';
		}
		i += len;
		if (add_cell_at(d, LR_CELL_TEXT, e + i, 1, line, col + i, 1) < 0)
			return -1;
		if (e[i++] == ']')
			break;
		index++;
	}
	if (i != n) /* a ']' before the end cannot be: the shape has one */
		return flat_reject(d);
	if (d->o->nslopes > 1 && index + 1 != d->o->nslopes) {
		/* as the general loop says it at the ']' */
		lr_error_at(b->name, line, col,
			    "element %llu: an array of %u values, but %zu slopes given",
			    (unsigned long long)d->nelem, index + 1, d->o->nslopes);
		return -1;
	}
	d->tpos = n;
	d->tcol = col + n;
	return 0;
}

/* Is the value that starts next inside top (NULL: the element's root)
 * selected by --columns? *child is its state on the key paths. */
static inline __attribute__((always_inline)) int value_selected(struct json_dec *d,
								 struct frame *top,
								 lr_keystate *child)
{
	int sel = 0;

	*child = 0;
	if (!d->ks)
		return 1; /* no --columns: every number */
	if (!top) {
		*child = d->ks ? lr_keysel_root(d->ks) : 0;
		return !d->o->cols;
	}
	if (top->type == '{') {
		*child = top->member_state;
		return top->selected || top->member_sel;
	}
	if (top->state)
		sel = lr_keysel_index(d->ks, top->state, top->index, child);
	return sel || top->selected;
}

/* '{' or '[' at line:col opens a frame under top. Returns 0, or -1
 * after reporting. */
static inline int open_frame(struct json_dec *d, struct frame *top, char type, uint64_t line,
			     uint64_t col)
{
	struct frame *f = &d->stack[d->sp];
	lr_keystate child;

	if (d->sp > JSON_DEPTH_MAX) {
		lr_error_at(d->blk->name, line, col, "nesting deeper than %d levels", JSON_DEPTH_MAX);
		return -1;
	}
	f->type = type;
	f->selected = (unsigned char)value_selected(d, top, &child);
	f->state = child;
	f->member_sel = 0;
	f->expect_key = type == '{';
	f->has_num = 0;
	f->index = 0;
	f->line = line;
	f->col = col;
	d->sp++;
	return 0;
}

/* '}' or ']' closes top; an array of numbers has one value per slope
 * when several are given. Returns 0, or -1 after reporting. */
static inline int close_frame(struct json_dec *d, const struct frame *top)
{
	size_t nslopes = d->o->nslopes;

	if (top && top->type == '[' && top->has_num && nslopes > 1 && top->index + 1 != nslopes) {
		lr_error_at(d->blk->name, top->line, top->col,
			    "element %llu: an array of %u values, but %zu slopes given",
			    (unsigned long long)d->nelem, top->index + 1, nslopes);
		return -1;
	}
	d->sp--;
	return 0;
}

/* A string at p: a member's key (whose selection it sets) or a value.
 * Returns its length. */
static inline size_t string_token(struct json_dec *d, struct frame *top, const char *p)
{
	size_t len = 1;

	while (p[len] != '"')
		len += p[len] == '\\' ? 2 : 1;
	len++;
	if (top && top->type == '{' && top->expect_key) {
		top->member_sel = d->ks ? (unsigned char)lr_keysel_key(d->ks, top->state, p, len,
								      &top->member_state)
					: 0;
		top->expect_key = 0;
	}
	return len;
}

/* A number, true, false or null at p (or, with --allow-nan, NaN and
 * Infinity), of which at most avail bytes are the element's: its length,
 * and *kind LR_CELL_NUM for a number to transform. json_check has seen
 * it, so only its end is looked for. */
static inline size_t scalar_token(struct json_dec *d, struct frame *top, const char *p,
				  size_t avail, enum lr_cell_kind *kind)
{
	lr_keystate child;
	size_t len = d->o->json.allow_nan ? python_constant(p, avail) : 0;

	if (!len && *p != '-' && (*p < '0' || *p > '9')) {
		len = 1;
		while (p[len] >= 'a' && p[len] <= 'z')
			len++;
		return len;
	}
	if (!len)
		for (len = 1; number_char[(unsigned char)p[len]];)
			len++;
	if (value_selected(d, top, &child))
		*kind = LR_CELL_NUM;
	if (top && top->type == '[')
		top->has_num = 1;
	return len;
}

/* The element's tokens from d->tpos to n into cells, until the block is
 * full. Returns 1 when they are all in, 0 when the block is full, -1
 * after reporting. */
static int tokens(struct json_dec *d, size_t n)
{
	struct lr_block *b = d->blk;

	while (d->tpos < n) {
		const char *p = d->elem + d->tpos;
		uint64_t line = d->tline, col = d->tcol;
		struct frame *top = d->sp > 0 ? &d->stack[d->sp - 1] : NULL;
		size_t len = 1;
		enum lr_cell_kind kind = LR_CELL_TEXT;

		if (b->ncells >= JSON_CELLS_HIGH || b->textlen >= JSON_TEXT_HIGH)
			return 0;
		if (is_ws((unsigned char)*p)) {
			while (is_ws((unsigned char)p[len])) /* the NUL ends it */
				len++;
			advance(&d->tline, &d->tcol, p, len);
			d->tpos += len;
			continue;
		}
		if (*p == '{' || *p == '[') {
			if (open_frame(d, top, *p, line, col) < 0)
				return -1;
		} else if (*p == '}' || *p == ']') {
			if (close_frame(d, top) < 0)
				return -1;
		} else if (*p == ',') {
			if (top && top->type == '[')
				top->index++;
			if (top && top->type == '{')
				top->expect_key = 1;
		} else if (*p == '"')
			len = string_token(d, top, p);
		else if (*p != ':')
			len = scalar_token(d, top, p, n - d->tpos, &kind);
		if (add_cell_at(d, kind, p, len, line, col, 1) < 0)
			return -1;
		if (kind == LR_CELL_NUM) {
			struct lr_cell *c = &b->cell[b->ncells - 1];

			c->channel = top && top->type == '[' ? top->index : 0;
			c->plain = 1;
		}
		d->tcol += len; /* tokens other than whitespace hold no newline */
		d->tpos += len;
	}
	return 1;
}

/* Turns tokens of the current element into cells until the block is
 * full or the element is done. Returns 0, or -1 after reporting. */
static int tokenize(struct json_dec *d)
{
	size_t n = d->tend;
	int r;

	if (d->tpos == 0 && d->flat && !(d->spans && flat_span(d)) && tokenize_flat(d) < 0)
		return -1;
	/* other elements whole where they fit (they have been checked) */
	if (!LR_JSON_GENERAL && d->tpos == 0 && !d->flat && d->spans && !d->windowed &&
	    d->o->nslopes == 1 && !d->o->json.allow_nan && element_span(d))
		n = d->tend;
	/* a windowed element: its tokens a window at a time */
	while ((r = tokens(d, n)) == 1 && d->windowed && !d->wdone) {
		if (window_refill(d) < 0)
			return -1;
		n = d->tend;
	}
	if (r <= 0)
		return r;
	if (d->windowed)
		window_end(d);
	d->tokenizing = 0;
	if (add_cell(d, LR_CELL_ROW, NULL, 0, d->tline, d->tcol) < 0)
		return -1;
	/* The element's last byte is where the stream goes on. */
	d->line = d->tline;
	d->col = d->tcol;
	if (d->top == TOP_VALUES && add_end(d) < 0)
		return -1;
	return 0;
}

/* Reports an element cJSON (or the cutter) rejected, at the place of
 * offset off within it. */
static void element_error(struct json_dec *d, size_t off, const char *what)
{
	uint64_t line = d->eline, col = d->ecol;

	advance(&line, &col, d->elem, off < d->elen ? off : d->elen);
	lr_error_at(d->blk->name, line, col, "%s", what);
	d->failed = 1;
}

/* Is the element shaped like a row of numbers: "[", then only digits,
 * signs, points, exponent letters and commas, then "]"? Whether the
 * numbers are numbers is left to tokenize_flat, which reads each of
 * them anyway. */
static int flat_shape(const char *e, size_t n)
{
	size_t i = 1;

	if (n < 3 || e[0] != '[' || e[n - 1] != ']')
		return 0;
#ifdef __SSE2__
	if (lr_simd())
	{
		for (; i + 16 <= n - 1; i += 16) {
			const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(e + i));
			__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('+' - 1)),
						   _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));

			ok = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')), ok);
			ok = _mm_or_si128(ok, _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)),
							     _mm_set1_epi8('e')));
			if (_mm_movemask_epi8(ok) != 0xffff)
				return 0;
		}
	}
#endif
	for (; i < n - 1; i++)
		if (e[i] != ',' && !number_char[(unsigned char)e[i]])
			return 0;
	return 1;
}

/*
 * The verdict on an element: RFC 8259's grammar, checked here in one
 * pass without building a tree. Strings hold no raw control characters,
 * only the escapes \" \\ \/ \b \f \n \r \t and \u with four hex digits,
 * and well-formed UTF-8; white space is space, tab, LF and CR only;
 * numbers are checked by number_length. Returns 1 if the element is one
 * valid JSON value, else 0 with f->off at the first wrong byte and f->why
 * saying what is wrong (static text or f->buf). at_eof: the element ends
 * the input, so a number cut short there is "unexpected end of input".
 */

static int fault(struct json_fault *f, size_t off, const char *why)
{
	f->off = off;
	f->why = why;
	return 0;
}

static int is_hex(char c)
{
	return is_digit(c) || ((unsigned)((c | 0x20) - 'a') < 6);
}

/* Length of the string at e[i] == '"' through its closing quote, or 0
 * with *f set. */
static size_t string_length(const char *e, size_t n, size_t i, struct json_fault *f)
{
	const unsigned char *p = (const unsigned char *)e;
	size_t k = i + 1, len;

	while (k < n) {
		unsigned char c = p[k];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			k++;
			continue;
		}
		if (c == '"')
			return k + 1 - i;
		if (c == '\\') {
			if (k + 1 >= n)
				break;
			c = p[k + 1];
			if (c == 'u') {
				if (k + 6 > n || !is_hex(e[k + 2]) || !is_hex(e[k + 3]) ||
				    !is_hex(e[k + 4]) || !is_hex(e[k + 5]))
					return (size_t)fault(f, k, "invalid \\u escape in a string "
								   "(four hex digits must follow)");
				k += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", c) || !c) {
				snprintf(f->buf, sizeof f->buf, "invalid escape '\\%s' in a string",
					 lr_quote_bytes((const char *)p + k + 1, 1));
				return (size_t)fault(f, k, f->buf);
			}
			k += 2;
			continue;
		}
		if (c < 0x20) {
			snprintf(f->buf, sizeof f->buf,
				 "raw control character %s in a string (write it escaped)",
				 lr_quote_bytes((const char *)p + k, 1));
			return (size_t)fault(f, k, f->buf);
		}
		len = lr_utf8_length(p + k, n - k);
		if (!len) {
			snprintf(f->buf, sizeof f->buf, "invalid UTF-8 in a string (byte 0x%02X)", c);
			return (size_t)fault(f, k, f->buf);
		}
		k += len;
	}
	return (size_t)fault(f, n, "unexpected end of input");
}

/* Where the number at e[i] stops being one: the offset of the first
 * byte the grammar refuses. */
static size_t number_fault(const char *e, size_t n, size_t i)
{
	size_t k = i;

	if (k < n && e[k] == '-')
		k++;
	if (k < n && e[k] == '0')
		k++;
	else if (k < n && e[k] >= '1' && e[k] <= '9')
		while (k < n && is_digit(e[k]))
			k++;
	else
		return k;
	if (k < n && e[k] == '.') {
		if (++k >= n || !is_digit(e[k]))
			return k;
		while (k < n && is_digit(e[k]))
			k++;
	}
	if (k < n && (e[k] | 0x20) == 'e') {
		k++;
		if (k < n && (e[k] == '+' || e[k] == '-'))
			k++;
		if (k >= n || !is_digit(e[k]))
			return k;
		while (k < n && is_digit(e[k]))
			k++;
	}
	return k;
}

/* Length of Python's NaN, Infinity or -Infinity at s (within n bytes),
 * or 0. */
static size_t python_constant(const char *s, size_t n)
{
	if (n >= 3 && memcmp(s, "NaN", 3) == 0)
		return 3;
	if (n >= 8 && memcmp(s, "Infinity", 8) == 0)
		return 8;
	if (n >= 9 && memcmp(s, "-Infinity", 9) == 0)
		return 9;
	return 0;
}

static int unexpected(struct json_fault *f, const char *e, size_t n, size_t i)
{
	unsigned char ch = (unsigned char)e[i];

	if (i >= n)
		return fault(f, n, "unexpected end of input");
	if (ch >= 0x20 && ch < 0x7f)
		snprintf(f->buf, sizeof f->buf, "invalid JSON at '%c'", ch);
	else
		snprintf(f->buf, sizeof f->buf, "invalid JSON at byte 0x%02X", ch);
	return fault(f, i, f->buf);
}

/* Adds a mark; past the element's possible count (or memory), the
 * marks are lost and the element goes as cells. */
/* Makes room for a mark: 1, or 0 when the marks are lost. */
static __attribute__((noinline)) int mark_room(struct json_marks *mk)
{
	size_t cap = mk->cap ? 2 * mk->cap : 256;
	struct json_mark *m = mk->lost || cap > JSON_MARKS_MAX ? NULL
				: realloc(mk->m, cap * sizeof *m);

	if (!m) {
		mk->lost = 1;
		return 0;
	}
	mk->m = m;
	mk->cap = cap;
	return 1;
}

static inline void mark(struct json_marks *mk, size_t off, uint32_t len, uint32_t kind)
{
	if (mk->n == mk->cap && !mark_room(mk))
		return;
	mk->m[mk->n].off = (uint32_t)off;
	mk->m[mk->n].len = len;
	mk->m[mk->n++].kind = kind;
}

/* A byte of white space at off: a run of its own, or the last one's. */
static inline void mark_ws(struct json_marks *mk, size_t off)
{
	struct json_mark *last = mk->n ? &mk->m[mk->n - 1] : NULL;

	if (last && last->kind == MARK_WS && last->off + last->len == off)
		last->len++;
	else
		mark(mk, off, 1, MARK_WS);
}

static void scan_start(struct json_scan *s, int maxdepth)
{
	s->st = VALUE;
	s->depth = 0;
	s->maxdepth = maxdepth;
}

/* Length of the string at e[i] when its closing quote is within n bytes,
 * else 0. */
static size_t string_end(const char *e, size_t n, size_t i)
{
	size_t k;

	for (k = i + 1; k < n; k++) {
		if (e[k] == '\\')
			k++;
		else if (e[k] == '"')
			return k + 1 - i;
	}
	return 0;
}

/*
 * Checks e[i..n) from the state s is in, one token at a time. Returns 1
 * when the value is complete (*stop just past it), 0 with *f set at a
 * fault, or, when more bytes may follow e[n-1] (more), 2 with *stop at
 * the start of a token that may go on past n: the caller brings more
 * bytes and calls again from there, the state being that of *stop.
 * at_eof: no byte follows, so a number cut short is "unexpected end of
 * input".
 *
 * Kept as one function of 130 lines on purpose: it is the checker's
 * inner loop, and its state (st, depth) lives in locals that the
 * compiler keeps in registers for the whole element. With the state in
 * the struct, as helpers would need it, NDJSON took 11% more
 * instructions (callgrind, 200,000 lines); each case is a few lines
 * and reads down as the grammar does.
 */
static inline __attribute__((always_inline)) int
json_scan(struct json_scan *s, const char *e, size_t i, size_t n, int more, int at_eof,
	  int allow_nan, struct json_fault *f, size_t *stop, struct json_marks *mk)
{
	/* the state in locals while the loop runs, stored at the end */
	int st = s->st, depth = s->depth, r, sci;
	size_t len;

#define IS_OBJECT() (s->kinds[(depth - 1) / 8] >> ((depth - 1) % 8) & 1)
#define CLOSE() (depth--, st = depth ? COMMA_OR_CLOSE : DONE)
	for (; i < n; i += len) {
		char c = e[i];

		len = 1;
		if (is_ws((unsigned char)c)) {
			if (mk)
				mark_ws(mk, i);
			continue;
		}
		switch (st) {
		case DONE:
			*stop = i;
			r = 1;
			goto out;
		case COLON:
			if (c != ':')
				goto unexpected;
			st = VALUE;
			continue;
		case COMMA_OR_CLOSE:
			if (c == ',') {
				st = IS_OBJECT() ? KEY : VALUE;
				continue;
			}
			if (c != (IS_OBJECT() ? '}' : ']'))
				goto unexpected;
			CLOSE();
			continue;
		case KEY_OR_CLOSE:
		case KEY:
			if (c == '}' && st == KEY_OR_CLOSE) {
				CLOSE();
				continue;
			}
			if (c != '"')
				goto unexpected;
			if (more && !string_end(e, n, i))
				goto need_more;
			if (!(len = string_length(e, n, i, f)))
				goto fail;
			st = COLON;
			continue;
		case VALUE_OR_CLOSE:
			if (c == ']') {
				CLOSE();
				continue;
			}
			/* fall through */
		case VALUE:
			break;
		}
		if (c == '-' || is_digit(c)) {
			if (more && (number_fault(e, n, i) >= n ||
				     (c == '-' && n - i < 10 && e[i + 1] == 'I')))
				goto need_more;
			len = number_length_sci(e + i, &sci);
			if (len && mk)
				mark(mk, i, (uint32_t)len, sci ? MARK_NUM_SCI : MARK_NUM);
			if (!len && (len = python_constant(e + i, n - i)) != 0) {
				if (!allow_nan)
					goto nan;
			} else if (!len) {
				if (number_fault(e, n, i) >= n && at_eof)
					goto end;
				r = fault(f, i, "invalid number");
				goto fail;
			} else if (!more && depth && !IS_OBJECT()) {
				/* the numbers that follow in the array, as
				 * datasets have them, without a round of the
				 * switch each (e[n] is a NUL); one that is not
				 * a number is the switch's to judge */
				size_t j = i + len, k;

				while (e[j] == ',' && (e[j + 1] == '-' || is_digit(e[j + 1])) &&
				       (k = number_length_sci(e + j + 1, &sci)) != 0) {
					if (mk)
						mark(mk, j + 1, (uint32_t)k, sci ? MARK_NUM_SCI : MARK_NUM);
					j += 1 + k;
				}
				len = j - i;
			}
		} else if (c == '"') {
			if (more && !string_end(e, n, i))
				goto need_more;
			if (!(len = string_length(e, n, i, f)))
				goto fail;
		} else if (c == '{' || c == '[') {
			if (depth >= s->maxdepth) {
				r = fault(f, i, "nesting deeper than 1000 levels");
				goto fail;
			}
			if (c == '{')
				s->kinds[depth / 8] |= (unsigned char)(1u << (depth % 8));
			else
				s->kinds[depth / 8] &= (unsigned char)~(1u << (depth % 8));
			depth++;
			st = c == '{' ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
			continue;
		} else if (more && n - i < 10) {
			/* the longest of the other tokens, Infinity, is 8 bytes */
			goto need_more;
		} else if ((len = python_constant(e + i, n - i)) != 0) {
			if (!allow_nan)
				goto nan;
		} else if (n - i >= 4 && (memcmp(e + i, "true", 4) == 0 || memcmp(e + i, "null", 4) == 0))
			len = 4;
		else if (n - i >= 5 && memcmp(e + i, "false", 5) == 0)
			len = 5;
		else
			goto unexpected;
		st = depth ? COMMA_OR_CLOSE : DONE;
	}
#undef IS_OBJECT
#undef CLOSE
	if (st == DONE || more) {
		*stop = n;
		r = st == DONE ? 1 : 2;
		goto out;
	}
end:
	i = n;
unexpected:
	*stop = i;
	r = unexpected(f, e, n, i);
	goto out;
nan:
	*stop = i;
	r = fault(f, i, "NaN and Infinity are not JSON (Python's json writes them): read them "
			"with --allow-nan");
	goto out;
fail:
	*stop = i;
	r = 0;
	goto out;
need_more:
	*stop = i;
	r = 2;
out:
	s->st = st;
	s->depth = depth;
	return r;
}

/* The verdict on one whole element e[0..n); its marks into *mk unless
 * NULL. */
static int json_check(const char *e, size_t n, int at_eof, int allow_nan, struct json_fault *f,
		      struct json_marks *mk)
{
	struct json_scan s;
	size_t stop = 0;

	scan_start(&s, JSON_DEPTH_MAX);
	if (mk) {
		mk->n = 0;
		mk->lost = 0;
		if (!json_scan(&s, e, 0, n, 0, at_eof, allow_nan, f, &stop, mk))
			return 0;
	} else if (!json_scan(&s, e, 0, n, 0, at_eof, allow_nan, f, &stop, NULL))
		return 0;
	if (stop < n && mk && is_ws((unsigned char)e[stop]))
		mark(mk, stop, (uint32_t)(n - stop), MARK_WS);
	while (stop < n && is_ws((unsigned char)e[stop]))
		stop++;
	return stop < n ? unexpected(f, e, n, stop) : 1;
}

/* Goes back to the source's chunk once the bytes given back are read. */
static void unpush(struct json_dec *d)
{
	d->pushed = 0;
	d->chunk = d->rchunk;
	d->chunk_start = d->rchunk_start;
	d->avail = d->ravail;
}

/* Makes d->chunk the next input bytes: what a windowed element gave back
 * (window_end), then the source's. Returns their count, 0 at the end of
 * input, -1 after an error the source reported. */
static ssize_t input_next(struct json_dec *d)
{
	ssize_t n;

	if (d->pushed) {
		unpush(d);
		if (d->avail)
			return (ssize_t)d->avail;
	}
	n = lr_source_next(d->src, &d->chunk);
	if (n > 0) {
		d->chunk_start = d->chunk;
		d->avail = (size_t)n;
		d->base = d->chunk;
		d->base_len = (size_t)n;
		d->part = 0;
		d->part_at = d->work.run ? d->base + part_start(d->base, d->base_len, 0, NULL) : NULL;
	}
	return n;
}

/* Would the next read wait for a slow writer? */
static int input_waits(struct json_dec *d)
{
	if (d->avail == 0 && d->pushed)
		unpush(d);
	return d->avail == 0 && lr_source_would_block(d->src);
}

/*
 * Checks the window d->elem[from..elen) from where the check stopped:
 * tokenizing may go up to d->tend, the start of the first token that may
 * go on past the window (a NUL stands there meanwhile, in d->saved's
 * place); d->wdone says the element ends there. Verdicts and their places
 * are those json_check gives the element whole. Returns 0, or -1 after
 * reporting.
 */
static int window_scan(struct json_dec *d, size_t from)
{
	struct json_fault f;
	size_t stop = from;
	char *e = d->elem;
	int r = json_scan(&d->scan, e, from, d->elen, !d->at_eof, d->at_eof, d->o->json.allow_nan, &f,
			  &stop, NULL);

	if (r == 1 && d->c_scalar && stop < d->elen && stop > 0 && !is_ws((unsigned char)e[stop - 1]) &&
	    !scalar_end((unsigned char)e[stop]))
		r = unexpected(&f, e, d->elen, stop);
	if (r == 0) {
		if (d->at_eof && f.off > stop && e[stop] == '"' && !string_end(e, d->elen, stop))
			element_error(d, stop, "unterminated string");
		else
			element_error(d, f.off, f.why);
		return -1;
	}
	if (r == 2 && stop == 0 && d->elen >= JSON_ELEM_MAX) {
		lr_error_at(d->blk->name, d->eline, d->ecol,
			    "a string or number longer than %d bytes", JSON_ELEM_MAX);
		d->failed = 1;
		return -1;
	}
	d->wdone = r == 1;
	d->tend = stop;
	d->saved = e[stop];
	e[stop] = '\0';
	return 0;
}

/* Drops the tokenized bytes from the window, fills it from the input up
 * to the limit of one token, and checks what came in. Returns 0, or -1
 * after reporting. */
static int window_refill(struct json_dec *d)
{
	size_t drop = d->tpos, k;

	d->elem[d->tend] = d->saved;
	advance(&d->eline, &d->ecol, d->elem, drop);
	memmove(d->elem, d->elem + drop, d->elen - drop);
	d->elen -= drop;
	d->tpos = 0;
	for (;;) {
		if (d->avail == 0) {
			ssize_t n = input_next(d);

			if (n < 0) {
				d->failed = 1;
				return -1;
			}
			if (n == 0)
				d->at_eof = 1;
		}
		k = d->avail < d->wstep ? d->avail : d->wstep;
		if (k > JSON_ELEM_MAX - d->elen)
			k = JSON_ELEM_MAX - d->elen;
		memcpy(d->elem + d->elen, d->chunk, k);
		d->elen += k;
		d->chunk += k;
		d->avail -= k;
		d->elem[d->elen] = '\0';
		if (window_scan(d, 0) < 0)
			return -1;
		if (d->wdone || d->tend > 0)
			return 0;
		d->elem[0] = d->saved; /* nothing to tokenize yet: more bytes */
	}
}

/* The windowed element is tokenized to its end: the bytes read past it
 * go back to the input, where they still are if the buffer chunk points
 * into holds them (always so for pushbuf), else through pushbuf. */
static void window_end(struct json_dec *d)
{
	size_t k = d->elen - d->tend;

	d->elem[d->tend] = d->saved;
	d->windowed = 0;
	if (k == 0)
		return;
	if ((size_t)(d->chunk - d->chunk_start) >= k) {
		d->chunk -= k;
		d->avail += k;
		return;
	}
	memcpy(d->pushbuf, d->elem + d->tend, k);
	/* zeros after the bytes, as after a source's chunk: a scan for the
	 * end of a number (direct_element) stops there */
	memset(d->pushbuf + k, 0, LR_STREAM_PAD);
	d->rchunk = d->chunk;
	d->rchunk_start = d->chunk_start;
	d->ravail = d->avail;
	d->chunk = d->chunk_start = d->pushbuf;
	d->avail = k;
	d->pushed = 1;
}

/* Checks the element. A row of numbers that fits the block whole is left
 * to tokenize_flat, which checks its numbers as it goes; anything else
 * is judged by json_check. With LRELU_PATHS=json-general, every element
 * takes the general path, for the differential test of the flat one.
 * Returns 0, or -1 after reporting. */
static int validate(struct json_dec *d)
{
	const struct lr_block *b = d->blk;
	struct json_fault f;

	d->tend = d->elen;
	if (d->windowed) {
		d->flat = 0;
		scan_start(&d->scan, JSON_DEPTH_MAX - (d->top != TOP_VALUES));
		return window_scan(d, 0);
	}
	/* An element of n bytes makes at most n cells. */
	d->flat = !LR_JSON_GENERAL && !(d->ks && lr_keysel_has_paths(d->ks)) &&
		  b->ncells + d->elen <= JSON_CELLS_HIGH &&
		  b->textlen + d->elen <= JSON_TEXT_HIGH && flat_shape(d->elem, d->elen);
	if (d->flat || json_check(d->elem, d->elen, d->at_eof, d->o->json.allow_nan, &f,
				  d->spans ? &d->marks : NULL))
		return 0;
	element_error(d, f.off, f.why);
	return -1;
}

/* Takes the next source byte; -1 at end of input, -2 after an error. */
static int next_byte(struct json_dec *d)
{
	if (d->avail == 0) {
		ssize_t n = input_next(d);

		if (n < 0)
			return -2;
		if (n == 0)
			return -1;
	}
	d->avail--;
	return *d->chunk++;
}

static void step(struct json_dec *d, int c)
{
	if (c == '\n') {
		d->line++;
		d->col = 1;
	} else
		d->col++;
}

/* Where the string left open at the end of the element starts. */
static size_t open_quote(const struct json_dec *d)
{
	size_t i, open = 0;
	int in_str = 0, esc = 0;

	for (i = 0; i < d->elen; i++) {
		char ch = d->elem[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"') {
			in_str = 1;
			open = i;
		}
	}
	return open;
}

/* Reports an element the input ends inside: at its first fault if one
 * comes before the end and is not inside a string left open, else at
 * that string's opening quote or at the end. */
static void open_at_end(struct json_dec *d)
{
	struct json_fault f;
	size_t open = d->c_in_str ? open_quote(d) : d->elen;

	d->elem[d->elen] = '\0';
	if (!json_check(d->elem, d->elen, 1, d->o->json.allow_nan, &f, NULL) && f.off <= open)
		element_error(d, f.off, f.why);
	else if (d->c_in_str)
		element_error(d, open, "unterminated string");
	else
		element_error(d, d->elen, "unexpected end of input");
}


/* The first byte at or after q, before end, that is a quote or a
 * bracket; end if none. Sixteen bytes at a time where SSE2 is there: the
 * source buffer's padding (LR_STREAM_PAD) makes loads past end safe. */
static const unsigned char *next_structural(const unsigned char *q, const unsigned char *end)
{
#ifdef __SSE2__
	if (lr_simd()) {
		const __m128i quote = _mm_set1_epi8('"'), lb = _mm_set1_epi8('['), rb = _mm_set1_epi8(']');
		const __m128i lc = _mm_set1_epi8('{'), rc = _mm_set1_epi8('}');

		for (; q < end; q += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
			__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, lb)),
						 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, rb), _mm_cmpeq_epi8(x, lc)),
							      _mm_cmpeq_epi8(x, rc)));
			uint32_t mask = (uint32_t)_mm_movemask_epi8(m);

			if (mask) {
				q += __builtin_ctz(mask);
				return q < end ? q : end;
			}
		}
		return end;
	} else
#endif
	{
		while (q < end && *q != '"' && *q != '[' && *q != ']' && *q != '{' && *q != '}')
			q++;
		return q;
	}
}

/*
 * Moves bytes of the current element from the chunk to d->elem until the
 * element ends (returns 1) or the chunk does (returns 0), or until it
 * proves longer than d->wmax (returns 2, d->elem full to there); -1
 * after reporting. Only quotes, backslashes and brackets matter inside an
 * element: outside strings the scan jumps from one to the next, inside
 * them from quote or backslash to the next. A scalar ends before the
 * byte that ends it. The state lives in locals while the loop runs.
 */
static int cut(struct json_dec *d)
{
	const unsigned char *p = d->chunk, *q = p, *end = p + d->avail;
	int done = 0, extra = d->top != TOP_VALUES;
	int in_str = d->c_in_str, esc = d->c_esc, depth = d->c_depth;
	size_t n, room = d->wmax > d->elen ? d->wmax - d->elen : 0;

	while (q < end) {
		unsigned char ch;

		if (in_str) {
			if (esc) {
				esc = 0;
				q++;
				continue;
			}
			while (q < end && *q != '"' && *q != '\\')
				q++;
			if (q == end)
				break;
			if (*q++ == '\\') {
				esc = 1;
				continue;
			}
			in_str = 0;
			if (depth == 0) {
				done = 1;
				break;
			}
			continue;
		}
		if (d->c_scalar) {
			ch = *q;
			if (is_ws(ch) || ch == ',' || ch == ']' || ch == '}' || ch == '[' || ch == '{' ||
			    ch == '"') {
				done = 1;
				break;
			}
			q++;
			continue;
		}
		q = next_structural(q, end);
		if (q == end)
			break;
		ch = *q++;
		if (ch == '"')
			in_str = 1;
		else if (ch == '{' || ch == '[') {
			if (++depth + extra > JSON_DEPTH_MAX) {
				n = (size_t)(q - p);
				if (n > room)
					goto window;
				memcpy(d->elem + d->elen, p, n);
				d->elen += n;
				element_error(d, d->elen - 1, "nesting deeper than 1000 levels");
				return -1;
			}
		} else if (--depth == 0) {
			done = 1;
			break;
		}
	}
	d->c_in_str = in_str;
	d->c_esc = esc;
	d->c_depth = depth;
	n = (size_t)(q - p);
	if (n > room)
		goto window;
	memcpy(d->elem + d->elen, p, n);
	d->elen += n;
	d->chunk = q;
	d->avail -= n;
	return done;
window:
	/* too long to take whole: the rest goes through the window */
	memcpy(d->elem + d->elen, p, room);
	d->elen += room;
	d->chunk += room;
	d->avail -= room;
	return 2;
}

/* One byte c of the top-level array's syntax ('[', ',', ']'), in the
 * state d->top. Returns 1 when it was that syntax (taken and stepped
 * over), 0 when c starts an element, -1 after reporting. */
static int top_syntax(struct json_dec *d, int c)
{
	if (d->top == TOP_START) {
		if (c == '[' && !d->ndjson) {
			d->top = TOP_ARRAY_OPEN;
			/* --part: a later part's array goes on the first's */
			if (!d->o->part_rest && add_outer(d, "[") < 0)
				return -1;
			step(d, c);
			return 1;
		}
		d->top = TOP_VALUES;
	}
	if (d->top == TOP_ARRAY_OPEN || d->top == TOP_AFTER_ELEM) {
		if (c == ']') {
			step(d, c);
			d->top = TOP_VALUES;
			/* --part: the last part closes the array */
			if (!d->o->part_more && (add_outer(d, "]") < 0 || add_end(d) < 0))
				return -1;
			return 1;
		}
		if (d->top == TOP_ARRAY_OPEN && d->o->part_rest && add_outer(d, ",") < 0)
			return -1; /* after the earlier parts' members */
	}
	if (d->top == TOP_AFTER_ELEM) {
		if (c != ',') {
			lr_error_at(d->blk->name, d->line, d->col, "expected ',' or ']'");
			return -1;
		}
		if (add_outer(d, ",") < 0)
			return -1;
		step(d, c);
		d->top = TOP_AFTER_COMMA;
		return 1;
	}
	if (d->top == TOP_AFTER_COMMA && (c == ']' || c == ',')) {
		lr_error_at(d->blk->name, d->line, d->col,
			    c == ']' ? "trailing comma before ']'" : "expected a value");
		return -1;
	}
	return 0;
}

/* Steps over white space and the top-level array's syntax to the first
 * byte of the next element, *c. Returns 1 with one, 0 at the end of
 * input, -1 after reporting. */
static int between_elements(struct json_dec *d, int *c)
{
	int r;

	for (;;) {
		if (parts_reached(d) < 0)
			return -1;
		if ((*c = next_byte(d)) == -2)
			return -1;
		if (*c == -1) {
			if (d->top == TOP_ARRAY_OPEN || d->top == TOP_AFTER_ELEM ||
			    d->top == TOP_AFTER_COMMA) {
				lr_error_at(d->blk->name, d->line, d->col,
					    "unexpected end of input: the top-level array is not closed");
				return -1;
			}
			return 0;
		}
		if (is_ws(*c))
			step(d, *c);
		else if ((r = top_syntax(d, *c)) <= 0)
			return r < 0 ? -1 : 1;
	}
}

/* Cuts the element whose first byte c is taken into d->elem: whole runs
 * of the chunk at a time (cut), into the window when it is longer than
 * that. Returns 0, or -1 after reporting. */
static int cut_element(struct json_dec *d, int c)
{
	d->elen = 0;
	d->eline = d->line;
	d->ecol = d->col;
	d->elem[d->elen++] = (char)c;
	d->c_scalar = c != '{' && c != '[' && c != '"';
	d->c_in_str = c == '"';
	d->c_esc = 0;
	d->c_depth = c == '{' || c == '[';
	if (d->c_depth + (d->top != TOP_VALUES) > JSON_DEPTH_MAX) {
		lr_error_at(d->blk->name, d->eline, d->ecol, "nesting deeper than %d levels",
			    JSON_DEPTH_MAX);
		return -1;
	}
	for (;;) {
		int r = cut(d);
		ssize_t n;

		if (r < 0)
			return -1;
		if (r == 2) {
			if (!d->pushbuf && !(d->pushbuf = malloc(JSON_ELEM_MAX + LR_STREAM_PAD))) {
				lr_error_sys("out of memory");
				return -1;
			}
			d->windowed = 1;
			d->wdone = 0;
			return 0;
		}
		if (r > 0)
			return 0;
		if (d->avail > 0)
			continue;
		if ((n = input_next(d)) < 0)
			return -1;
		if (n == 0) {
			d->at_eof = 1;
			if (d->c_in_str || !d->c_scalar) {
				open_at_end(d);
				return -1;
			}
			return 0;
		}
	}
}

/* Cuts the next element out of the stream into d->elem and checks it.
 * Returns 1 with an element, 0 at the end of input, -1 after reporting. */
static int next_element(struct json_dec *d)
{
	int c, r = between_elements(d, &c);

	if (r <= 0)
		return r;
	if ((((c == '{' || c == '[') && (r = direct_element(d)) != 0)) ||
	    ((c == '-' || is_digit((char)c)) && (r = direct_scalars(d)) != 0))
		return r < 0 ? -1 : 2;
	if (cut_element(d, c) < 0)
		return -1;
	d->nelem++;
	d->elem[d->elen] = '\0'; /* the scans' sentinel; elem has room past the limit */
	if (validate(d) < 0)
		return -1;
	if (d->top == TOP_ARRAY_OPEN || d->top == TOP_AFTER_COMMA)
		d->top = TOP_AFTER_ELEM;
	return 1;
}

static void *json_dec_open(const struct lr_format *f, struct lr_source *src,
			   const struct lr_options *o)
{
	struct json_dec *d = calloc(1, sizeof *d);

	if (!d || !(d->elem = calloc(1, JSON_ELEM_MAX + LR_BLOCK_PAD))) {
		free(d);
		lr_error_sys("out of memory");
		return NULL;
	}
	d->blk = lr_block_new(JSON_CELLCAP, JSON_TEXTCAP, 0);
	if (!d->blk || (o->cols && !(d->ks = lr_keysel_new(o)))) {
		lr_block_free(d->blk);
		free(d->elem);
		free(d);
		return NULL;
	}
	d->blk->name = src->name;
	d->src = src;
	d->o = o;
	d->ndjson = f == &lr_format_ndjson;
	lr_options_calc(o, &d->calc);
	/* Rows of numbers written whole: the compact encoder of this family
	 * would write their cells as they are. */
	d->spans = !o->json.pretty && !o->with_input && !o->stats && !o->cols &&
		   (!o->to || o->to->family == LR_FAMILY_JSON);
	d->kept = lr_calc_spans_kept(&d->calc);
	d->wmax = JSON_ELEM_MAX;
	d->wstep = SIZE_MAX;
	if (lr_paths & LR_PATH_JSON_WINDOW) {
		/* every element of more than a byte through the window, a few
		 * bytes at a time: the differential suite's setting */
		d->wmax = 1;
		d->wstep = 7;
	}
	d->line = d->col = 1;
	d->top = TOP_START;
	/* Elements taken straight from the chunk go at a few times the
	 * speed of a copy: the read-ahead thread computes parts of the
	 * chunks while it waits (part_run), when the output is this format
	 * again, written compact. -j 1: one thread. (Last, so that the
	 * source never holds work of a decoder that failed to open.) */
	if (d->spans && !o->one_thread && !o->unbuffered && !LR_JSON_GENERAL &&
	    d->wmax == JSON_ELEM_MAX && (!o->to || o->to == f)) {
		d->work.nparts = JSON_PARTS;
		d->work.out_size = JSON_PART_SIZE;
		d->work.run = part_run;
		d->work.ctx = d;
		lr_source_read_ahead(src, &d->work);
	}
	return d;
}

static int json_dec_read(void *vd, struct lr_block **out)
{
	struct json_dec *d = vd;
	struct lr_block *b = d->blk;

	lr_block_reset(b);
	*out = b;
	if (d->failed)
		return -1;
	while (b->ncells < JSON_CELLS_HIGH && b->textlen < JSON_TEXT_HIGH && b->outlen < JSON_OUT_HIGH) {
		int r;

		if (d->tokenizing) {
			if (tokenize(d) < 0)
				return -1;
			/* --unbuffered: each element on its own */
			if (!d->tokenizing && d->o->unbuffered)
				break;
			continue;
		}
		if (d->done)
			break;
		/* whole elements go out before a wait for a slow writer */
		if (b->ncells > 0) {
			while (d->avail && is_ws(*d->chunk) && d->chunk != d->part_at) {
				step(d, *d->chunk++);
				d->avail--;
			}
			if (input_waits(d))
				break;
		}
		r = next_element(d);
		if (r < 0)
			return -1;
		if (r == 0) {
			d->done = 1;
			break;
		}
		if (r == 2)
			continue;
		d->tokenizing = 1;
		d->tpos = 0;
		d->tline = d->eline;
		d->tcol = d->ecol;
		d->sp = 0;
	}
	if (d->failed)
		return -1;
	if (b->ncells > 0 || !d->done)
		return 1;
	/* the whole input is out: did every --columns item match? */
	if (d->ks && lr_keysel_finish(d->ks, b->name) < 0) {
		d->failed = 1;
		return -1;
	}
	return 0;
}

static void json_dec_close(void *vd)
{
	struct json_dec *d = vd;

	if (!d)
		return;
	lr_source_end_work(d->src);
	lr_block_free(d->blk);
	lr_keysel_free(d->ks);
	free(d->elem);
	free(d->pushbuf);
	free(d->marks.m);
	free(d);
}

struct json_enc {
	struct lr_sink *sink;
	const char *name;
	int pretty;
	int depth;
	int after_open;    /* the last token opened a container */
	int with_input;    /* numbers become [input, result] */
	uint64_t nonfinite;
	int allow_nan;     /* write Python's NaN and Infinity, not null */
};

static void *json_enc_open(const struct lr_format *f, struct lr_sink *sink,
			   const struct lr_options *o, const struct lr_format *from)
{
	struct json_enc *e = calloc(1, sizeof *e);

	if (!e) {
		lr_error_sys("out of memory");
		return NULL;
	}
	e->sink = sink;
	e->pretty = o->json.pretty && f == &lr_format_json;
	e->with_input = o->with_input && from->family == LR_FAMILY_JSON;
	e->allow_nan = o->json.allow_nan;
	return e;
}

static int newline_indent(struct json_enc *e)
{
	static const char spaces[] = "                                ";
	int n = e->depth * 2;

	if (lr_sink_putc(e->sink, '\n') < 0)
		return -1;
	while (n > 0) {
		int k = n > 32 ? 32 : n;

		if (lr_sink_put(e->sink, spaces, (size_t)k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* A token's text; with --with-input a number becomes [input, result]. */
static int put_token(struct json_enc *e, const struct lr_block *b, const struct lr_cell *c,
		     const char *t, size_t n)
{
	struct lr_sink *s = e->sink;

	if (!e->with_input || c->kind != LR_CELL_NUM)
		return lr_sink_put(s, t, n);
	if (lr_sink_putc(s, '[') < 0 || lr_sink_put(s, b->text + c->off, c->len) < 0 ||
	    lr_sink_putc(s, ',') < 0 || lr_sink_put(s, t, n) < 0)
		return -1;
	return lr_sink_putc(s, ']');
}

/* A number that is not finite (a computed nan, inf or -inf, or such
 * text copied from CSV, or Python's NaN and Infinity): its sign, '-' or
 * '+', or 'n' for NaN; 0 for a finite number, which never has a letter
 * after its sign. */
static inline int nonfinite_text(const char *t, size_t n)
{
	size_t i = n && (t[0] == '-' || t[0] == '+');

	if (i >= n || (unsigned)((t[i] | 0x20) - 'a') >= 26)
		return 0;
	return (t[i] | 0x20) == 'n' ? 'n' : t[0] == '-' ? '-' : '+';
}

/* What a number that is not finite becomes: null (and counted), or with
 * --allow-nan Python's NaN, Infinity or -Infinity. */
static const char *nonfinite_out(struct json_enc *e, int kind, size_t *n)
{
	const char *t = !e->allow_nan ? "null"
			: kind == 'n' ? "NaN"
			: kind == '-' ? "-Infinity"
				      : "Infinity";

	if (!e->allow_nan)
		e->nonfinite++;
	*n = strlen(t);
	return t;
}

/* Compact output, no --with-input: every token as it is, row ends as
 * newlines. The common case, in one loop without per-token calls. */
static int write_compact(struct json_enc *e, const struct lr_block *b)
{
	struct lr_sink *s = e->sink;
	size_t i;

	for (i = 0; i < b->ncells; i++) {
		const struct lr_cell *c = &b->cell[i];
		const char *t = lr_cell_out(b, c);
		size_t n = c->out_len;

		int r;

		if (c->kind == LR_CELL_ROW)
			continue;
		if (c->kind == LR_CELL_END)
			r = lr_sink_putc(s, '\n');
		else if (c->kind == LR_CELL_NUM && nonfinite_text(t, n)) {
			t = nonfinite_out(e, nonfinite_text(t, n), &n);
			r = lr_sink_put(s, t, n);
		} else
			r = lr_sink_put_padded(s, t, n);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int json_enc_write(void *ve, const struct lr_block *b)
{
	struct json_enc *e = ve;
	struct lr_sink *s = e->sink;
	size_t i;

	if (!e->pretty && !e->with_input)
		return write_compact(e, b);
	for (i = 0; i < b->ncells; i++) {
		const struct lr_cell *c = &b->cell[i];
		const char *t = lr_cell_out(b, c);
		size_t n = c->out_len;
		char ch = n == 1 ? t[0] : 0;

		if (c->kind == LR_CELL_ROW)
			continue;
		if (c->kind == LR_CELL_END) {
			if (lr_sink_putc(s, '\n') < 0)
				return -1;
			e->depth = 0;
			e->after_open = 0;
			continue;
		}
		if (c->kind == LR_CELL_NUM && nonfinite_text(t, n))
			t = nonfinite_out(e, nonfinite_text(t, n), &n); /* JSON has no NaN */
		if (!e->pretty) {
			if (put_token(e, b, c, t, n) < 0)
				return -1;
			continue;
		}
		if (ch == '}' || ch == ']') {
			e->depth--;
			if (!e->after_open && newline_indent(e) < 0)
				return -1;
			e->after_open = 0;
		} else if (e->after_open) {
			if (newline_indent(e) < 0)
				return -1;
			e->after_open = 0;
		}
		if (put_token(e, b, c, t, n) < 0)
			return -1;
		if (ch == '{' || ch == '[') {
			e->depth++;
			e->after_open = 1;
		} else if (ch == ',') {
			if (newline_indent(e) < 0)
				return -1;
		} else if (ch == ':') {
			if (lr_sink_putc(s, ' ') < 0)
				return -1;
		}
	}
	return 0;
}

static int json_enc_finish(void *ve)
{
	struct json_enc *e = ve;

	if (e->nonfinite)
		lr_warn("%llu results were not finite and were written as null",
			(unsigned long long)e->nonfinite);
	e->nonfinite = 0;
	return 0;
}

static void json_enc_close(void *ve)
{
	free(ve);
}

/* First non-blank byte '[' or '{'. */
static int json_sniff(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && is_ws(p[i]))
		i++;
	return i < n && (p[i] == '[' || p[i] == '{');
}

/* NDJSON: a record is a line (a raw line break is never inside a JSON
 * string). */
static int ndjson_part(const struct lr_part_ask *q, struct lr_part *p)
{
	uint64_t from, to, first = 0;

	if (lr_part_line_start(q, q->a, &from) < 0 || lr_part_line_start(q, q->b, &to) < 0 ||
	    (q->keep_first && lr_part_line_start(q, 1, &first) < 0))
		return -1;
	/* the first line is the first part's when asked (part.h) */
	if (!q->first && from < first)
		from = first;
	if (to < first)
		to = first;
	lr_part_range(p, q->first ? 0 : from, to > from || q->first ? to : from);
	return 0;
}

/* Where the top-level array's closing ']' is: the last byte of the file
 * but for white space. Returns 0, or -1 after reporting. */
static int array_end(const struct lr_part_ask *q, uint64_t *at)
{
	unsigned char buf[512];
	uint64_t off = q->size;

	while (off > 0) {
		size_t k = off < sizeof buf ? (size_t)off : sizeof buf;
		ssize_t n = lr_part_pread(q, buf, k, off - k), i;

		if (n < (ssize_t)k)
			return -1;
		for (i = n - 1; i >= 0; i--)
			if (!is_ws(buf[i])) {
				*at = off - k + (uint64_t)i;
				return 0;
			}
		off -= k;
	}
	*at = 0;
	return 0;
}

/*
 * A JSON document: a record is a member of the top-level array, whose
 * starts only a read from the start can tell, so --part needs the
 * file's index (json_index). A later part reads "[" and its members
 * ("]" too where it is not the last), and the decoder writes a comma for
 * its first member where the "[" was (fmt_json.c's outer cells).
 */
static int json_part(const struct lr_part_ask *q, struct lr_part *p)
{
	size_t i, j;
	uint64_t from, to, close;

	if (!q->marks) {
		lr_error_usage("%s: a JSON array can be split into parts only by its index: write "
			       "it once (lrelu --index FILE > FILE.idx), or split NDJSON (one value "
			       "per line, -f ndjson)",
			       q->name);
		return -1;
	}
	if (q->nmarks == 0) {
		/* one value, or an empty array: one record, the first part's */
		if (q->first)
			lr_part_range(p, 0, q->size);
		else
			p->nseg = 0;
		p->more = 0;
		return 0;
	}
	if (array_end(q, &close) < 0)
		return -1;
	i = lr_part_mark_at(q, q->a);
	j = lr_part_mark_at(q, q->b);
	from = q->first ? 0 : i < q->nmarks && i < j ? q->marks[i].start : close;
	to = q->last ? q->size : j < q->nmarks ? q->marks[j].prev_end : close;
	if (to < from)
		to = from;
	p->nseg = 0;
	if (!q->first) {
		p->seg[p->nseg].text = "[";
		p->seg[p->nseg++].len = 1;
	}
	if (to > from) {
		p->seg[p->nseg].off = from;
		p->seg[p->nseg++].len = to - from;
	}
	if (!q->last) {
		p->seg[p->nseg].text = "]";
		p->seg[p->nseg++].len = 1;
	}
	return 0;
}

/* --index: the members of the top-level array, found by following
 * strings and brackets from the start; no marks for another value. */
static int json_index(const struct lr_part_ask *q, struct lr_part_index *x)
{
	unsigned char buf[65536];
	uint64_t off = 0, last = 0;
	int depth = 0, in_str = 0, esc = 0, want = 0, seen = 0;

	while (off < q->size) {
		ssize_t n = lr_part_pread(q, buf, sizeof buf, off), i;

		if (n <= 0)
			return n < 0 ? -1 : 0;
		for (i = 0; i < n; i++) {
			unsigned char c = buf[i];
			uint64_t pos = off + (uint64_t)i;

			if (in_str) {
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"')
					in_str = 0;
				last = pos + 1;
				continue;
			}
			if (is_ws(c))
				continue;
			if (!seen) {
				seen = 1;
				if (c != '[')
					return 0; /* one value: one record */
				depth = 1;
				want = 1;
				last = pos + 1;
				continue;
			}
			if (depth == 1 && want && c != ']') {
				if (lr_part_index_mark(x, pos, last) < 0)
					return -1;
				want = 0;
			}
			if (c == '"')
				in_str = 1;
			else if (c == '[' || c == '{')
				depth++;
			else if (c == ']' || c == '}') {
				if (--depth == 0)
					return 0;
			} else if (c == ',' && depth == 1) {
				want = 1;
				continue;
			}
			last = pos + 1;
		}
		off += (uint64_t)n;
	}
	return 0;
}

#define JSON_FORMAT(VAR, NAME, SUFFIX1, SUFFIX2, SNIFF, PART, INDEX, LINES)     \
	const struct lr_format VAR = {                                         \
		.name = NAME,                                                  \
		.suffixes = { SUFFIX1, SUFFIX2 },                              \
		.family = LR_FAMILY_JSON,                                      \
		.sniff = SNIFF,                                                \
		.dec_open = json_dec_open,                                     \
		.dec_read = json_dec_read,                                     \
		.dec_close = json_dec_close,                                   \
		.enc_open = json_enc_open,                                     \
		.enc_write = json_enc_write,                                   \
		.enc_finish = json_enc_finish,                                 \
		.enc_close = json_enc_close,                                   \
		.part = PART,                                                  \
		.index = INDEX,                                                \
		.lines = LINES,                                                \
	}

JSON_FORMAT(lr_format_json, "json", ".json", NULL, json_sniff, json_part, json_index, 0);
JSON_FORMAT(lr_format_ndjson, "ndjson", ".ndjson", ".jsonl", NULL, ndjson_part, NULL, 1);
