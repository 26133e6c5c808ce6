/*
 * fmt_csv.c - CSV and TSV on libcsv. The decoder turns fields into cells
 * (numbers to transform, text to pass through) and keeps every row
 * terminator byte as it was, so CRLF, blank lines and a missing final
 * newline survive; it knows each field's line and column for messages.
 * Runs of rows made of plain numbers alone (span.c finds them) go as one
 * SPAN cell each when the calculator takes such cells; in a large file
 * the read-ahead thread does some of them (parts, below). The encoder joins
 * cells back with the delimiter, quoting only what needs it (RFC 4180).
 */
#include <csv.h>
#include <fnmatch.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>
#include <strings.h>
#include <sys/uio.h>

#include "calc.h"
#include "diag.h"
#include "format.h"
#include "paths.h"
#include "span.h"

/* With LRELU_PATHS=libcsv, every byte goes through libcsv: the
 * reference the quote-free fast path is tested against. */
#define LR_CSV_LIBCSV_ONLY (lr_paths & LR_PATH_LIBCSV)

#ifndef CSV_FEED
#define CSV_FEED 4096                /* bytes handed to libcsv per call */
#endif
#ifndef CSV_FIELD_MAX
#define CSV_FIELD_MAX (1024 * 1024)  /* longest field accepted */
#endif
#ifndef CSV_CELLS_HIGH
#define CSV_CELLS_HIGH 8192          /* stop filling a block here ... */
#endif
#ifndef CSV_TEXT_HIGH
#define CSV_TEXT_HIGH (256 * 1024)   /* ... or here */
#endif

#ifndef CSV_SPAN_HIGH
#define CSV_SPAN_HIGH (256 * 1024)   /* ... or when SPAN results reach this */
#endif

/*
 * Parts of a chunk read ahead (stream.h), whose rows of numbers the
 * read-ahead thread computes while it waits: part i starts after the
 * first LF at or past i/CSV_PARTS of the chunk and ends where the next
 * starts. When the parse is at a row start where a part starts, the rows
 * the thread found there are the rows the parse would find, and their
 * results the same.
 */
#ifndef CSV_PARTS
#define CSV_PARTS 8
#endif
#define CSV_PART_OUT (64 * 1024) /* the thread stops a part past these results */

struct csv_part {
	const struct lr_span_scan *scan; /* the scan the part was taken under */
	size_t taken;   /* length of the rows taken from the part's start */
	size_t outlen;  /* of their results, in out */
	uint64_t lines; /* line ends in them */
	char out[];
};

/* Parts lie side by side: each one's size a multiple of 64, so that the
 * next is aligned as its struct needs. */
#define CSV_PART_SIZE                                                                          \
	((offsetof(struct csv_part, out) + CSV_PART_OUT + LR_SPAN_ROOM(LR_SPAN_CHUNK) + 63) / 64 * 64)
_Static_assert(CSV_PARTS <= LR_AHEAD_PARTS, "more parts than the source keeps");
_Static_assert(CSV_PARTS <= LR_BLOCK_EXT, "more parts than a block refers to");

/* One CSV_FEED chunk adds at most CSV_FEED + 1 fields and row ends, and
 * at most CSV_FEED bytes plus one field begun in an earlier chunk; SPAN
 * results, at most LR_SPAN_ROOM(CSV_FEED) bytes. */
#define CSV_CELLCAP (CSV_CELLS_HIGH + 2 * CSV_FEED + 4)
#define CSV_TEXTCAP (CSV_TEXT_HIGH + CSV_FEED + CSV_FIELD_MAX)
#define CSV_SPANCAP (CSV_SPAN_HIGH + LR_SPAN_ROOM(CSV_FEED))
_Static_assert(CSV_FEED <= LR_SPAN_CHUNK, "rows of numbers taken in larger pieces than span.c takes");

/* The converter takes a block of up to LR_BLOCK_MAX_VALUES + 64 numbers. */
_Static_assert(CSV_CELLCAP <= LR_BLOCK_MAX_VALUES + 64, "CSV block larger than the converter takes");

enum first_row { FIRST_PENDING, FIRST_HEADER, FIRST_DATA };

struct csv_dec {
	struct csv_parser p;
	struct lr_source *src;
	const struct lr_options *o;
	struct lr_block *blk;
	const unsigned char *chunk; /* unparsed input from the source */
	size_t avail;
	int started, done, failed;
	uint64_t line;     /* line where the next field starts */
	uint32_t col;      /* fields so far in the current row */
	uint32_t channel;  /* transformed columns so far in the row */
	int prev_cr;       /* the last row end was '\r' */
	int lib_busy;      /* libcsv holds part of a row */
	int in_quotes;     /* quote parity from the start of libcsv's row */
	unsigned char special[256]; /* delimiter, CR and LF */
	int in_first_row;  /* no row with fields has ended yet */
	int dropping;      /* leaving out the header row's line end */
	enum first_row first;
	size_t first_cell; /* index in blk of the first row's first cell */
	int deferred;      /* the first row looks like pandas' integer column
			    * names: the second row decides (resolve_first_row) */
	size_t second_cell;/* then, the second row's first cell */
	uint64_t skip_left;/* --skip-rows lines still to pass through */
	int in_raw_line;   /* in a line passed through whole (skipped, comment) */
	uint64_t data_rows;/* data rows ended */
	int space_runs;    /* a run of spaces is one separator: the empty
			    * fields between them are not columns */
	size_t row_cell;   /* the current row's first cell, SIZE_MAX if in an
			    * earlier block */
	uint64_t drop_rows;/* --part: first rows read for the header only */
	int header_going;  /* the rest of a header too wide for a block, dropped */
	/* --columns resolved to 1-based index ranges */
	size_t (*ranges)[2];
	size_t nranges;
	int spans;         /* rows of plain numbers may become SPAN cells */
	struct lr_calc calc; /* what SPAN cells are computed under */
	struct lr_span_scan scan;
	struct lr_span_scan scan_index; /* the same with an index column passed through */
	/* the scan rows are taken under, &scan or &scan_index: set before
	 * the read-ahead thread starts, and once more by the parse when it
	 * finds an index column; the thread reads it at each part */
	_Atomic(const struct lr_span_scan *) scanp;
	struct lr_ahead_work work; /* the read-ahead thread's part in them */
	const unsigned char *base; /* the chunk lr_source_next handed out */
	size_t base_len;
	unsigned part;             /* its next part, starting at part_at */
	const unsigned char *part_at; /* (NULL: no more parts) */
};

/* libcsv grows its field buffer through this; refusing makes csv_parse
 * stop with CSV_ENOMEM, which we report as a field that is too long. */
static void *bounded_realloc(void *p, size_t n)
{
	if (n > CSV_FIELD_MAX + 256)
		return NULL;
	return realloc(p, n);
}

static int never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static inline int is_selected(const struct csv_dec *d, size_t col)
{
	size_t i;

	if (!d->nranges)
		return 1;
	for (i = 0; i < d->nranges; i++)
		if (col >= d->ranges[i][0] && col <= d->ranges[i][1])
			return 1;
	return 0;
}

static inline int is_blank_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* Gives a data-row field its role: a number in a selected column, or
 * text. Checks the channel against the slope count. */
static inline void classify(struct csv_dec *d, struct lr_cell *c)
{
	size_t nslopes = d->o->nslopes;

	if (!is_selected(d, c->col)) {
		c->kind = LR_CELL_TEXT;
		return;
	}
	c->channel = d->channel++;
	if (nslopes > 1 && c->channel >= nslopes) {
		lr_error_at(d->blk->name, c->line, c->col,
			    "more values in the row than the %zu slopes given", nslopes);
		d->failed = 1;
		return;
	}
	c->kind = c->len == 0 || is_blank_text(d->blk->text + c->off, c->len) ? LR_CELL_TEXT
									      : LR_CELL_NUM;
}

/* The position of the header field named name among cells [from, to),
 * or 0. */
static size_t column_named(const struct lr_block *b, size_t from, size_t to, const char *name)
{
	size_t j, n = strlen(name);

	for (j = from; j < to; j++) {
		const struct lr_cell *c = &b->cell[j];

		if (c->kind != LR_CELL_END && c->kind != LR_CELL_RAW && c->col && c->len == n &&
		    memcmp(b->text + c->off, name, n) == 0)
			return c->col;
	}
	return 0;
}

/* Reports a --columns item that names no column, listing the columns
 * there are (their names, or their count without a header). */
static void no_such_column(const struct csv_dec *d, const char *what, size_t from, size_t to,
			   int have_header)
{
	const struct lr_block *b = d->blk;
	char list[512];
	size_t j, k = 0, ncols = 0;

	list[0] = '\0';
	for (j = from; j < to; j++) {
		const struct lr_cell *c = &b->cell[j];

		if (c->kind == LR_CELL_END || c->kind == LR_CELL_RAW || !c->col)
			continue;
		ncols++;
		if (have_header && k + 8 < sizeof list) {
			int w = snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "",
					 lr_quote_bytes(b->text + c->off, c->len));

			k += w > 0 ? (size_t)w : 0;
			if (k >= sizeof list - 8) {
				memcpy(list + sizeof list - 8, ", ...", 6);
				k = sizeof list;
			}
		}
	}
	if (have_header)
		lr_error_usage("%s: --columns: %s; the columns are %s", b->name, what, list);
	else
		lr_error_usage("%s: --columns: %s; the rows have %zu columns", b->name, what, ncols);
}

/* The first row as --columns sees it: cells [from, to) of the block,
 * ncols columns, known when it is at hand, a header or not; cap: room
 * in d->ranges. */
struct col_scope {
	size_t from, to, ncols, cap;
	int known, header;
};

static void add_range(struct csv_dec *d, size_t lo, size_t hi)
{
	d->ranges[d->nranges][0] = lo;
	d->ranges[d->nranges++][1] = hi;
}

/* Without --columns: a header whose first field is empty names pandas'
 * index column, which passes through; the rest are transformed. */
static int index_column_only(struct csv_dec *d, const struct col_scope *f)
{
	if (!f->header || d->blk->cell[d->first_cell].len != 0)
		return 0;
	if (!(d->ranges = calloc(1, sizeof *d->ranges))) {
		lr_error_sys("out of memory");
		return -1;
	}
	add_range(d, 2, SIZE_MAX);
	/* rows of numbers from now on with the first field passed through
	 * (parts the thread took before are not used: take_part), and
	 * left out of binary values by the converter */
	d->blk->span_skip = 1;
	d->scan_index = d->scan;
	lr_span_pass_first(&d->scan_index, 1);
	atomic_store_explicit(&d->scanp, &d->scan_index, memory_order_release);
	return 0;
}

/* A glob (pre*): every column whose name matches. */
static int resolve_glob(struct csv_dec *d, const struct col_scope *f, const char *glob)
{
	const struct lr_block *b = d->blk;
	size_t before = d->nranges, j;
	char what[160];

	for (j = f->from; j < f->to && d->nranges < f->cap; j++) {
		const struct lr_cell *c = &b->cell[j];
		char name[256];

		if (c->kind == LR_CELL_END || c->kind == LR_CELL_RAW || !c->col || c->len >= sizeof name)
			continue;
		memcpy(name, b->text + c->off, c->len);
		name[c->len] = '\0';
		if (fnmatch(glob, name, 0) == 0)
			add_range(d, c->col, c->col);
	}
	if (d->nranges > before)
		return 0;
	snprintf(what, sizeof what, "'%.100s' matches no column", glob);
	no_such_column(d, what, f->from, f->to, 1);
	return -1;
}

/* One item of --columns into d->ranges. Returns 0, or -1 after
 * reporting. */
static int resolve_item(struct csv_dec *d, const struct col_scope *f, const struct lr_colspec *cs)
{
	char what[160];
	size_t lo, hi;

	if (cs->last) {
		/* counted back from the end of the first row */
		if (!f->known) {
			lr_error_usage("--columns -%zu: counts from the end of the first row, which "
				       "--no-header leaves unread: give the columns by index",
				       cs->last);
			return -1;
		}
		if (cs->last > f->ncols) {
			snprintf(what, sizeof what, "the last %zu columns are more than there are",
				 cs->last);
			no_such_column(d, what, f->from, f->to, f->header);
			return -1;
		}
		add_range(d, f->ncols - cs->last + 1, f->ncols);
		return 0;
	}
	if (!cs->name) {
		/* the header says how many columns there are; rows without
		 * one may be ragged */
		if (f->known && f->header && cs->lo > f->ncols) {
			snprintf(what, sizeof what, "%zu is beyond the last column", cs->lo);
			no_such_column(d, what, f->from, f->to, f->header);
			return -1;
		}
		add_range(d, cs->lo, cs->hi);
		return 0;
	}
	if (!f->header) {
		lr_error_at(d->blk->name, d->line, 0,
			    "--columns '%s' names a column, but the first row is not a header "
			    "(use --header)",
			    cs->name);
		return -1;
	}
	if (cs->glob)
		return resolve_glob(d, f, cs->name);
	lo = column_named(d->blk, f->from, f->to, cs->name);
	hi = cs->name_hi ? column_named(d->blk, f->from, f->to, cs->name_hi) : lo;
	if (!lo || !hi) {
		snprintf(what, sizeof what, "no column named '%.100s'", !lo ? cs->name : cs->name_hi);
		no_such_column(d, what, f->from, f->to, 1);
		return -1;
	}
	add_range(d, lo < hi ? lo : hi, lo < hi ? hi : lo);
	return 0;
}

/*
 * Resolves --columns against the first row (a header, or the first data
 * row) into index ranges, once: a first row too long for one block is
 * resolved when the block fills, and again asks when it ends. Names are
 * exact, globs (pre*) take every column that matches, name:name a range
 * of them; a name, or an index beyond the header, that matches no
 * column is a usage error listing those there are. Without a header,
 * whose rows may be ragged, indexes are not checked.
 */
static int resolve_columns(struct csv_dec *d, int have_header)
{
	const struct lr_options *o = d->o;
	struct lr_block *b = d->blk;
	struct col_scope f = { d->first_cell, b->ncells, 0, 0, 0, have_header };
	size_t i, j;

	if (d->ranges)
		return 0;
	f.known = d->in_first_row && f.to > f.from; /* the first row is at hand */
	if (f.known && d->deferred && d->second_cell < f.to)
		f.to = d->second_cell;
	for (j = f.from; f.known && j < f.to; j++)
		if (b->cell[j].kind != LR_CELL_END && b->cell[j].col > f.ncols)
			f.ncols = b->cell[j].col;
	if (!o->cols)
		return index_column_only(d, &f);
	f.cap = o->ncols + (f.known ? f.ncols : 0);
	if (!(d->ranges = calloc(f.cap ? f.cap : 1, sizeof *d->ranges))) {
		lr_error_sys("out of memory");
		return -1;
	}
	for (i = 0; i < o->ncols; i++)
		if (resolve_item(d, &f, &o->cols[i]) < 0)
			return -1;
	return 0;
}

/* Are the fields of cells [from, to) pandas' integer column names: 0, 1,
 * 2, ... in order, after an empty first field (the index column's) or
 * not, two fields at least? */
static int pandas_names(const struct csv_dec *d, size_t from, size_t to)
{
	const struct lr_block *b = d->blk;
	unsigned long want = 0;
	size_t i, fields = 0;

	for (i = from; i < to; i++) {
		const struct lr_cell *c = &b->cell[i];
		char num[24];

		if (c->kind != LR_CELL_PENDING)
			continue;
		if (fields++ == 0 && c->len == 0)
			continue;
		snprintf(num, sizeof num, "%lu", want++);
		if (c->len != strlen(num) || memcmp(b->text + c->off, num, c->len) != 0)
			return 0;
	}
	return fields >= 2;
}

/* Are the non-empty fields of cells [from, to) all whole numbers? */
static int all_integers(const struct csv_dec *d, size_t from, size_t to)
{
	const struct lr_block *b = d->blk;
	size_t i, k;

	for (i = from; i < to; i++) {
		const struct lr_cell *c = &b->cell[i];
		const char *t = b->text + c->off;

		if (c->kind != LR_CELL_PENDING || c->len == 0)
			continue;
		k = t[0] == '-';
		if (k == c->len)
			return 0;
		for (; k < c->len; k++)
			if (t[k] < '0' || t[k] > '9')
				return 0;
	}
	return 1;
}

/*
 * Decides what the first row is: a header when one of its fields is
 * neither empty nor a number, or when it is pandas' integer column
 * names (",0,1,2" or "0,1") and the row below is not all whole numbers.
 * For the latter the decision waits for the second row (d->deferred,
 * both rows' cells pending) unless final says to decide on what has
 * been seen. Classifies the pending cells once decided.
 */
static void resolve_first_row(struct csv_dec *d, int final)
{
	struct lr_block *b = d->blk;
	int header = d->o->csv.header;
	size_t i, row1_end = d->deferred && d->second_cell < b->ncells ? d->second_cell : b->ncells;

	if (header < 0) {
		header = 0;
		for (i = d->first_cell; i < row1_end; i++) {
			const struct lr_cell *c = &b->cell[i];
			const char *t = b->text + c->off;

			if (c->kind == LR_CELL_PENDING && !is_blank_text(t, c->len) &&
			    !lr_calc_is_number(t, c->len)) {
				header = 1;
				break;
			}
		}
		if (!header && !d->deferred && !final && pandas_names(d, d->first_cell, row1_end)) {
			d->deferred = 1;
			d->second_cell = SIZE_MAX; /* set by the second row's first field */
			return;
		}
		if (!header && d->deferred)
			header = d->second_cell >= b->ncells || !all_integers(d, d->second_cell, b->ncells);
	}
	d->first = header ? FIRST_HEADER : FIRST_DATA;
	if (resolve_columns(d, header) < 0) {
		d->failed = 1;
		return;
	}
	d->channel = 0;
	for (i = d->first_cell; i < b->ncells && !d->failed; i++) {
		struct lr_cell *c = &b->cell[i];

		if (c->kind == LR_CELL_END && i < row1_end && !header && d->o->nslopes > 1 &&
		    d->channel > 0 && d->channel != d->o->nslopes) {
			lr_error_at(b->name, b->cell[d->first_cell].line, 0,
				    "%u values in the row, but %zu slopes given",
				    d->channel, d->o->nslopes);
			d->failed = 1;
		}
		if (c->kind == LR_CELL_END)
			d->channel = 0;
		if (c->kind != LR_CELL_PENDING)
			continue;
		if (header && i < row1_end)
			c->kind = LR_CELL_TEXT;
		else
			classify(d, c);
	}
}

/* Adds one field. plain is a constant at each call, so the fast path's
 * copy drops the newline count. */
static inline __attribute__((always_inline)) void add_field(struct csv_dec *d, const char *t,
							    size_t n, int plain)
{
	struct lr_cell *c;
	size_t i;

	if (d->failed)
		return;
	if (d->header_going) {
		d->col++; /* judged on its first fields, and gone */
		return;
	}
	/* Plain fields point into the source's padded buffer. */
	c = plain ? lr_block_add_padded(d->blk, LR_CELL_TEXT, t, n)
		  : lr_block_add(d->blk, LR_CELL_TEXT, t, n);
	if (!c) {
		lr_error_at(d->blk->name, d->line, d->col + 1, "internal error: block overflow");
		d->failed = 1;
		return;
	}
	c->line = d->line;
	c->plain = (uint8_t)plain;
	if (d->space_runs && n == 0 && plain) {
		/* between two spaces of a run, or before the first field:
		 * kept for the output, not a column */
		c->col = 0;
		return;
	}
	c->col = ++d->col;
	if (d->col == 1)
		d->row_cell = d->blk->ncells - 1;
	if (d->col == 1 && d->deferred && d->second_cell == SIZE_MAX)
		d->second_cell = d->blk->ncells - 1;
	if (__builtin_expect(d->in_first_row, 0)) {
		if (d->col == 1 && !d->deferred)
			d->first_cell = d->blk->ncells - 1;
		if (d->first == FIRST_PENDING) {
			c->kind = LR_CELL_PENDING;
		} else if (d->first == FIRST_DATA)
			classify(d, c);
	} else
		classify(d, c);
	/* Only a quoted field, which libcsv handles, can hold a newline. */
	if (!plain) {
		for (i = 0; i < n; i++)
			d->line += t[i] == '\n';
		if ((d->o->part_rest || d->o->part_more) && !d->o->part_exact &&
		    (memchr(t, '\n', n) || memchr(t, '\r', n))) {
			/* a part's first row may then start inside such a
			 * field, which only a read from the start could tell */
			lr_error_at(d->blk->name, 0, 0,
				    "a quoted field holds a line break (line %llu of the part that "
				    "starts at byte %llu): this file cannot be split into parts where "
				    "they fall; write its index once (lrelu --index FILE > FILE.idx) "
				    "and --part uses it",
				    (unsigned long long)c->line, (unsigned long long)d->o->part_start);
			d->failed = 1;
		}
	}
}

/* libcsv's field callback. */
/* Marks the header cells above transformed columns, for --with-input. */
static void mark_header(struct csv_dec *d)
{
	struct lr_block *b = d->blk;
	size_t i, end = d->deferred && d->second_cell < b->ncells ? d->second_cell : b->ncells;

	for (i = d->first_cell; i < end; i++)
		if (b->cell[i].kind == LR_CELL_TEXT && is_selected(d, b->cell[i].col))
			b->cell[i].selhead = 1;
}

static void on_field(void *s, size_t n, void *ctx)
{
	add_field(ctx, s ? s : "", n, 0);
}

/* The first data rows, where text in a transformed column is most often
 * a reading mistake: the second row, when the first was judged data,
 * may be the real header below a line of counts ("506,13,,,"); the
 * first data row may hold a column of text. Says which, and what to
 * give, instead of "not a number". Returns 0, or -1 after reporting. */
static int first_data_rows(struct csv_dec *d)
{
	struct lr_block *b = d->blk;
	size_t i;

	if (d->row_cell >= b->ncells ||
	    (d->data_rows == 1 && (d->o->csv.header >= 0 || d->first != FIRST_DATA)))
		return 0;
	for (i = d->row_cell; i < b->ncells; i++) {
		const struct lr_cell *c = &b->cell[i];
		const char *t = b->text + c->off;

		if (c->kind != LR_CELL_NUM || lr_calc_is_number(t, c->len) ||
		    lr_calc_is_missing(&d->calc, t, c->len))
			continue;
		if (d->data_rows == 1)
			lr_error_at(b->name, c->line, c->col,
				    "\"%s\" makes row 2 look like the header, but row 1 was read as data: "
				    "give --skip-rows 1 to pass row 1 through and read row 2 as the "
				    "header, or --header if row 1 is the header",
				    lr_quote_bytes(t, c->len));
		else if (*lr_calc_delimiter_hint(t, c->len, b->delim))
			lr_error_at(b->name, c->line, c->col, "not a number: \"%s\"%s",
				    lr_quote_bytes(t, c->len), lr_calc_delimiter_hint(t, c->len, b->delim));
		else
			lr_error_at(b->name, c->line, c->col,
				    "not a number: \"%s\" (a column of text? choose the columns to "
				    "transform with -c, or pass text through with --skip-invalid)",
				    lr_quote_bytes(t, c->len));
		d->failed = 1;
		return -1;
	}
	return 0;
}

/* Ends the row in the block. */
static void add_row_end(struct csv_dec *d, int term)
{
	struct lr_cell *c = lr_block_add(d->blk, LR_CELL_END, NULL, 0);

	if (!c) {
		lr_error_at(d->blk->name, d->line, 0, "internal error: block overflow");
		d->failed = 1;
		return;
	}
	c->term = term < 0 ? 0 : (uint8_t)term;
	d->col = 0;
	d->channel = 0;
}

/* A later input's header goes when inputs are concatenated into one
 * table; into JSON its names key each input's rows. */
static int drops_header(const struct csv_dec *d)
{
	return d->o->csv.skip_header && (!d->o->to || d->o->to->family == LR_FAMILY_TABLE);
}

/* Once the first row is known to be a header or data: marks a header
 * for --with-input and, when inputs are concatenated, drops a later
 * input's header (with its line end, when the second row has begun). */
static void finish_first_rows(struct csv_dec *d)
{
	struct lr_block *b = d->blk;

	d->in_first_row = 0;
	if (d->first != FIRST_HEADER)
		return;
	mark_header(d);
	if (!drops_header(d) || d->first_cell >= b->ncells)
		return;
	if (!d->deferred || d->second_cell >= b->ncells) {
		b->ncells = d->first_cell;
		return;
	}
	memmove(b->cell + d->first_cell, b->cell + d->second_cell,
		(b->ncells - d->second_cell) * sizeof *b->cell);
	b->ncells -= d->second_cell - d->first_cell;
}

/* --part: a row that ended among the first rows, read only so that the
 * header is judged as in the whole file (part.h), goes. With the
 * judgement deferred to the second row, both first rows end here: a
 * header stays as the header does (dropped, or kept to key JSON). */
static void drop_preamble_row(struct csv_dec *d, int term)
{
	struct lr_block *b = d->blk;
	size_t from = d->row_cell;

	if (d->deferred && d->first != FIRST_HEADER)
		from = d->first_cell; /* the first row was data too */
	else if (d->deferred)
		from = drops_header(d) ? d->first_cell : d->second_cell;
	d->drop_rows -= d->deferred && d->drop_rows > 1 ? 2 : 1;
	if (from < b->ncells)
		b->ncells = from;
	d->col = 0;
	d->channel = 0;
	d->dropping = term == '\r';
}

static void on_row(int term, void *ctx)
{
	struct csv_dec *d = ctx;
	size_t nslopes = d->o->nslopes;

	if (d->failed)
		return;
	if (d->dropping && d->col == 0 && term == '\n' && d->prev_cr) {
		/* the LF of the dropped header's CRLF; its line was counted */
		d->dropping = 0;
		d->prev_cr = 0;
		return;
	}
	d->dropping = 0;
	/* A '\n' right after a '\r' with no field between is the second
	 * half of CRLF: the line was already counted. */
	if (term == '\r' || (term == '\n' && !(d->prev_cr && d->col == 0)))
		d->line++;
	d->prev_cr = term == '\r';
	if (d->header_going) {
		/* the end of a dropped header wider than a block */
		d->header_going = 0;
		d->in_first_row = 0;
		d->drop_rows -= d->drop_rows > 0;
		d->col = 0;
		d->channel = 0;
		d->dropping = term == '\r';
		return;
	}
	if (d->col > 0) {
		int data_row = 1;

		if (d->in_first_row) {
			if (d->first == FIRST_PENDING)
				resolve_first_row(d, 0);
			else if (d->first == FIRST_HEADER && resolve_columns(d, 1) < 0)
				d->failed = 1;
			if (d->failed)
				return;
			if (d->first == FIRST_PENDING) {
				/* pandas-like names: the next row decides */
				add_row_end(d, term);
				return;
			}
			/* with the decision deferred, the row that ended is the second */
			data_row = d->first == FIRST_DATA || d->deferred;
			if (!data_row && d->drop_rows)
				d->drop_rows--; /* the header of the preamble: as a header */
			if (!data_row || d->deferred)
				finish_first_rows(d);
			else
				d->in_first_row = 0;
			if (d->failed)
				return;
			if (!data_row && drops_header(d) && d->blk->ncells == d->first_cell) {
				d->col = 0;
				d->channel = 0;
				d->dropping = term == '\r';
				return;
			}
		}
		if (d->failed)
			return;
		if (data_row && d->data_rows < 2 && !d->deferred && !d->o->skip_invalid &&
		    first_data_rows(d) < 0)
			return;
		d->data_rows += data_row;
		if (data_row && nslopes > 1 && d->channel > 0 && d->channel != nslopes) {
			lr_error_at(d->blk->name, d->line - (term == '\r' || term == '\n'), 0,
				    "%u values in the row, but %zu slopes given", d->channel, nslopes);
			d->failed = 1;
			return;
		}
		if (data_row && d->drop_rows) {
			drop_preamble_row(d, term);
			return;
		}
	}
	add_row_end(d, term);
}

/*
 * Rows without a quote character need none of libcsv's state machine:
 * splitting them at the delimiter and the terminators gives the same
 * fields and row ends libcsv reports (with CSV_REPALL_NL and no space
 * trimming), through the same callbacks. p[0..n) holds whole rows.
 */
static void split_plain(struct csv_dec *d, const unsigned char *p, size_t n)
{
	const unsigned char *start = p, *base, *end = p + n;
	unsigned char delim = csv_get_delim(&d->p);
	int begun = 0;
#ifdef __SSE2__
	const __m128i vdelim = _mm_set1_epi8((char)delim);
	const __m128i vlf = _mm_set1_epi8('\n'), vcr = _mm_set1_epi8('\r');
#endif

	/* Sixteen bytes at a time: a bit mask of the separators and line
	 * ends, then one step per set bit. The source buffer's padding
	 * makes the last load safe; bits past the end are dropped. */
	for (base = p; base < end; base += 16) {
		uint32_t mask = 0;
		size_t left = (size_t)(end - base);

#ifdef __SSE2__
	if (lr_simd()) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)base);

			mask = (uint32_t)_mm_movemask_epi8(
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vdelim), _mm_cmpeq_epi8(x, vlf)),
					     _mm_cmpeq_epi8(x, vcr)));
	} else
#endif
	{
			size_t i;

			for (i = 0; i < 16 && i < left; i++)
				mask |= (uint32_t)d->special[base[i]] << i;
	}
		if (left < 16)
			mask &= (1u << left) - 1;
		while (mask) {
			const unsigned char *q = base + __builtin_ctz(mask);

			mask &= mask - 1;
			if (*q == delim) {
				add_field(d, (const char *)start, (size_t)(q - start), 1);
				begun = 1;
			} else {
				if (begun || q > start)
					add_field(d, (const char *)start, (size_t)(q - start), 1);
				on_row(*q, d);
				begun = 0;
			}
			start = q + 1;
			if (d->failed)
				return;
		}
	}
}

/* The length of p[0..n) up to and including its last CR or LF; 0 if
 * there is none. */
static size_t through_last_terminator(const unsigned char *p, size_t n)
{
	while (n > 0 && p[n - 1] != '\n' && p[n - 1] != '\r')
		n--;
	return n;
}

/* How much of p[0..n) belongs to the row libcsv is in, tracking quote
 * parity; *ended is set when the row's terminator is among them. */
static size_t rest_of_row(struct csv_dec *d, const unsigned char *p, size_t n, int *ended)
{
	size_t i;

	*ended = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			d->in_quotes = !d->in_quotes;
		else if (!d->in_quotes && (p[i] == '\n' || p[i] == '\r')) {
			*ended = 1;
			return i + 1;
		}
	}
	return n;
}

/* Where part i of the chunk p[0..n) starts (n: it is empty). */
static size_t part_start(const unsigned char *p, size_t n, unsigned i)
{
	size_t from = n / CSV_PARTS * i;
	const unsigned char *lf;

	if (i >= CSV_PARTS)
		return n;
	lf = memchr(p + from, '\n', n - from);
	return lf ? (size_t)(lf + 1 - p) : n;
}

/* The read-ahead thread's work on part i of a chunk: the rows of
 * numbers from its start, as the decoder's add_span would take them
 * there, until a row that is not one or results past CSV_PART_OUT. */
static void part_run(const void *ctx, const unsigned char *p, size_t n, unsigned i, void *vr)
{
	const struct csv_dec *d = ctx;
	struct csv_part *r = vr;
	size_t start = part_start(p, n, i), end = part_start(p, n, i + 1), pos = start;
	int prev_cr = 0; /* the part starts after a LF */

	r->scan = atomic_load_explicit(&((struct csv_dec *)(uintptr_t)d)->scanp, memory_order_acquire);
	r->outlen = 0;
	r->lines = 0;
	while (pos < end && r->outlen < CSV_PART_OUT) {
		size_t k = end - pos < LR_SPAN_CHUNK ? end - pos : LR_SPAN_CHUNK, len;
		size_t t = lr_span_rows(r->scan, p + pos, k, prev_cr, r->out + r->outlen, &len, &r->lines);

		/* a number refused (SIZE_MAX) is the decoder's to report */
		if (t == 0 || t == SIZE_MAX)
			break;
		r->outlen += len;
		pos += t;
		prev_cr = p[pos - 1] == '\r';
	}
	r->taken = pos - start;
}

/* Whether rows of plain numbers may go as SPAN cells: they can be
 * computed under c (lr_calc_spans; c is o's calculator but for --stats,
 * which main adds), every column is transformed, the delimiter is not a
 * byte of a number, and the output is this table again with the same
 * delimiter, or binary values (which the converter reads from the
 * results' text) without --with-input. */
static int span_options(const struct lr_format *f, const struct lr_options *o,
			const struct lr_calc *c)
{
	const struct lr_format *to = o->to ? o->to : f;
	int in = o->csv.delimiter ? o->csv.delimiter : f->delimiter;
	int out = o->csv.delimiter && !o->to ? o->csv.delimiter : to->delimiter;

	return !LR_CSV_LIBCSV_ONLY && !o->stats && lr_calc_spans(c) && !o->cols &&
	       ((to->family == LR_FAMILY_TABLE && in == out) ||
		(to->family == LR_FAMILY_BINARY && !o->with_input)) &&
	       !(in == '-' || in == '.' || (in >= '0' && in <= '9'));
}

/* Does the name end in .csv (or .csv.gz), which fixes the separator? */
static int suffix_says_csv(const char *name)
{
	size_t n = strlen(name);

	if (n > 3 && strcasecmp(name + n - 3, ".gz") == 0)
		n -= 3;
	return n > 4 && strncasecmp(name + n - 4, ".csv", 4) == 0;
}

/* How many fields line p[0..n) has with separator delim (quotes
 * respected; with runs, a run of spaces and leading spaces count once). */
static size_t fields_of(const unsigned char *p, size_t n, int delim, int runs)
{
	size_t i = 0, k = 1;
	int quoted = 0;

	if (runs)
		while (i < n && p[i] == ' ')
			i++;
	for (; i < n; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (!quoted && p[i] == delim) {
			if (runs)
				while (i + 1 < n && p[i + 1] == ' ')
					i++;
			if (!runs || i + 1 < n)
				k++;
		}
	}
	return k;
}

/*
 * The separator of CSV whose name does not say: among ',', tab, ';',
 * '|' and runs of spaces (np.savetxt's), the one that splits each of the
 * first whole lines at hand (up to ten) into the same number of fields,
 * two at least; ties go to that order, and with none a comma. As
 * Python's csv.Sniffer and Miller's --ifs auto do, in a simpler way.
 * Returns the separator, setting *runs for runs of spaces.
 */
static int sniff_delimiter(struct lr_source *src, int *runs)
{
	static const int cand[] = { ',', '\t', ';', '|', ' ' };
	const unsigned char *p;
	ssize_t got = lr_source_peek_some(src, &p);
	size_t n = got > 0 ? (size_t)got : 0, i, best = 0;
	int pick = ',';

	if (got < 0)
		return -1;
	for (i = 0; i < sizeof cand / sizeof cand[0]; i++) {
		size_t off = 0, lines = 0, width = 0;
		int same = 1;

		while (off < n && lines < 10 && same) {
			const unsigned char *nl = memchr(p + off, '\n', n - off);
			size_t raw = nl ? (size_t)(nl - (p + off)) : n - off, len = raw, w;

			if (!nl && off > 0)
				break; /* a line cut by the end of what is at hand */
			if (len && p[off + len - 1] == '\r')
				len--;
			if (len) {
				w = fields_of(p + off, len, cand[i], cand[i] == ' ');
				if (lines++ == 0)
					width = w;
				same = w == width;
			}
			off += raw + 1;
		}
		if (same && width >= 2 && lines > best) {
			best = lines;
			pick = cand[i];
		}
	}
	*runs = pick == ' ';
	return pick;
}

static void *csv_dec_open(const struct lr_format *f, struct lr_source *src,
			  const struct lr_options *o)
{
	struct csv_dec *d = calloc(1, sizeof *d);

	if (!d) {
		lr_error_sys("out of memory");
		return NULL;
	}
	if (csv_init(&d->p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI) != 0) {
		free(d);
		lr_error_sys("out of memory");
		return NULL;
	}
	{
		int delim = o->csv.delimiter ? o->csv.delimiter : f->delimiter;

		d->space_runs = o->csv.space_runs;
		if (!o->csv.delimiter && f == &lr_format_csv && !suffix_says_csv(src->name))
			delim = sniff_delimiter(src, &d->space_runs);
		if (delim < 0) {
			csv_free(&d->p);
			free(d);
			return NULL;
		}
		csv_set_delim(&d->p, (unsigned char)delim);
	}
	csv_set_space_func(&d->p, never_space);
	d->special[csv_get_delim(&d->p)] = 1;
	d->special['\r'] = d->special['\n'] = 1;
	csv_set_realloc_func(&d->p, bounded_realloc);
	/* libcsv grows a field's buffer by this much at a time (128 bytes
	 * unless told): a long field then costs a few reallocations, not
	 * thousands, each of which may copy the field where the allocator
	 * cannot grow a block in place (under AddressSanitizer, 1 MB took
	 * 20 s) */
	csv_set_blk_size(&d->p, 64 * 1024);
	d->blk = lr_block_new(CSV_CELLCAP, CSV_TEXTCAP, CSV_SPANCAP);
	if (!d->blk) {
		csv_free(&d->p);
		free(d);
		return NULL;
	}
	d->blk->name = src->name;
	d->blk->na = 1; /* NA, null, None...: missing values, not errors */
	d->blk->delim = csv_get_delim(&d->p);
	d->src = src;
	d->o = o;
	d->line = 1;
	d->in_first_row = 1;
	d->first = o->csv.header == 1 ? FIRST_HEADER : o->csv.header == 0 ? FIRST_DATA : FIRST_PENDING;
	lr_options_calc(o, &d->calc);
	d->spans = span_options(f, o, &d->calc) && !o->unbuffered && !o->csv.comment;
	d->skip_left = o->csv.skip_rows;
	d->drop_rows = o->part_preamble_rows;
	lr_span_init(&d->scan, (unsigned char)csv_get_delim(&d->p), &d->calc, o->with_input);
	atomic_init(&d->scanp, &d->scan);
	if (d->first == FIRST_DATA && resolve_columns(d, 0) < 0) {
		lr_block_free(d->blk);
		csv_free(&d->p);
		free(d->ranges);
		free(d);
		return NULL;
	}
	/* Rows of numbers go at a few times the speed of a copy: reading
	 * ahead takes the kernel's copy out of their way, and the thread
	 * computes parts of the chunks while it waits. -j 1: one thread.
	 * (Last, so that the source never holds work of a decoder that
	 * failed to open.) */
	if (d->spans && !o->one_thread) {
		d->work.nparts = CSV_PARTS;
		d->work.out_size = CSV_PART_SIZE;
		d->work.run = part_run;
		d->work.ctx = d;
		lr_source_read_ahead(src, &d->work);
	}
	return d;
}

/* Reports why libcsv stopped. */
static void parse_failed(struct csv_dec *d)
{
	if (csv_error(&d->p) == CSV_EPARSE)
		lr_error_at(d->blk->name, d->line, d->col + 1,
			    "malformed quoting: a quote inside an unquoted field, or text after a "
			    "closing quote");
	else
		lr_error_at(d->blk->name, d->line, d->col + 1,
			    "field longer than %d bytes", CSV_FIELD_MAX);
}

/* Makes the len bytes of results at the end of the block's result
 * arena a SPAN cell for rows from the given line on, or more of the last
 * cell when that is a SPAN just before them. Returns 0, or -1 after
 * reporting. */
static int span_cell(struct lr_block *b, uint64_t line, size_t len)
{
	struct lr_cell *c = b->ncells ? &b->cell[b->ncells - 1] : NULL;

	if (!c || c->kind != LR_CELL_SPAN || c->ext ||
	    c->out_off + c->out_len != (size_t)(b->out - b->text) + b->outlen) {
		if (!(c = lr_block_add(b, LR_CELL_SPAN, "", 0))) {
			lr_error_at(b->name, line, 0, "internal error: block overflow");
			return -1;
		}
		c->line = line;
		c->fixed = 1;
		c->out_off = (uint32_t)((size_t)(b->out - b->text) + b->outlen);
	}
	c->out_len += (uint32_t)len;
	b->outlen += len;
	return 0;
}

/* Checks and computes the rows of plain numbers at the start of the
 * chunk's first n bytes (which may end inside a row) into the block's
 * result arena, as a SPAN cell. Returns the length of the rows taken, or
 * SIZE_MAX after reporting. */
static size_t add_span(struct csv_dec *d, struct lr_block *b, size_t n)
{
	uint64_t line = d->line;
	size_t len, taken;

	taken = lr_span_rows(atomic_load_explicit(&d->scanp, memory_order_relaxed), d->chunk, n, d->prev_cr,
			     b->out + b->outlen, &len, &d->line);
	if (taken == 0)
		return 0;
	d->data_rows = 2; /* rows of numbers: past the first data rows */
	if (taken == SIZE_MAX) {
		lr_error_at(b->name, line, 0, "internal error: a number in rows of numbers");
		return SIZE_MAX;
	}
	return span_cell(b, line, len) < 0 ? SIZE_MAX : taken;
}

/* Moves on to the next part of the chunk, for the parse is at its
 * start or past it: claims it, and if the thread has done its rows and
 * the parse is at a row start there with rows of numbers allowed, takes
 * them: a SPAN cell whose results stay where the thread wrote them, so
 * the block ends with the chunk. Returns 0, or -1 after reporting. */
static int take_part(struct csv_dec *d, struct lr_block *b)
{
	const struct csv_part *r = lr_source_claim(d->src, d->part);
	int at = d->chunk == d->part_at;
	struct lr_cell *c;

	d->part++;
	d->part_at = d->part < CSV_PARTS ? d->base + part_start(d->base, d->base_len, d->part) : NULL;
	/* (a part taken before an index column was found is not used) */
	if (!r || !r->taken || !at || d->lib_busy || d->col || d->in_first_row || d->dropping ||
	    !d->spans || r->scan != atomic_load_explicit(&d->scanp, memory_order_relaxed))
		return 0;
	if (b->next == LR_BLOCK_EXT || !(c = lr_block_add(b, LR_CELL_SPAN, "", 0))) {
		lr_error_at(b->name, d->line, 0, "internal error: block overflow");
		return -1;
	}
	c->line = d->line;
	c->fixed = 1;
	c->ext = 1;
	c->out_off = (uint32_t)b->next;
	c->out_len = (uint32_t)r->outlen;
	b->ext[b->next++] = r->out;
	d->line += r->lines;
	d->data_rows = 2;
	d->chunk += r->taken;
	d->avail -= r->taken;
	d->prev_cr = d->chunk[-1] == '\r';
	return 0;
}

/* Passes on, as it is, the line at the chunk (to its end, or the
 * chunk's): one that --skip-rows skips, or a comment. Returns 0, or -1
 * after reporting. */
static int raw_line(struct csv_dec *d, struct lr_block *b)
{
	size_t k = d->avail < CSV_FEED ? d->avail : CSV_FEED;
	const unsigned char *nl = memchr(d->chunk, '\n', k);

	if (nl)
		k = (size_t)(nl - d->chunk) + 1;
	if (!lr_block_add(b, LR_CELL_RAW, (const char *)d->chunk, k)) {
		lr_error_at(b->name, d->line, 0, "internal error: block overflow");
		return -1;
	}
	d->in_raw_line = !nl;
	if (nl) {
		d->line++;
		if (d->skip_left)
			d->skip_left--;
	}
	d->chunk += k;
	d->avail -= k;
	return 0;
}

/* Does the block end with a whole row (and hold one)? */
static int row_boundary(const struct csv_dec *d)
{
	return d->blk->ncells > 0 && !d->lib_busy && d->col == 0 && !d->in_first_row;
}

/* At the start of the input: a UTF-8 byte order mark is stepped over,
 * and kept in the output except in the middle of concatenated output.
 * Returns 0, or -1 after reporting. */
static int skip_bom(struct csv_dec *d, struct lr_block *b)
{
	const unsigned char *p;
	/* looked for without waiting on a pipe for three bytes that only a
	 * BOM would need */
	ssize_t n = lr_source_peek_some(d->src, &p);

	if (n > 0 && n < 3 && p[0] == 0xEF)
		n = lr_source_peek(d->src, 3, &p);
	if (n < 0)
		return -1;
	d->started = 1;
	if (n < 3 || memcmp(p, "\xEF\xBB\xBF", 3) != 0)
		return 0;
	if ((n = lr_source_next(d->src, &d->chunk)) < 3)
		return -1;
	d->avail = (size_t)n - 3;
	d->chunk += 3;
	if (!d->o->csv.skip_header)
		lr_block_add(b, LR_CELL_RAW, "\xEF\xBB\xBF", 3);
	return 0;
}

/* The next chunk of input, when the last is used up. Returns 1 with
 * one at hand, 0 when the block is to go out now (the end of the input,
 * results waiting on the thread's buffers, or whole rows before a wait),
 * -1 after reporting. */
static int refill(struct csv_dec *d)
{
	ssize_t n;

	/* results in the thread's buffers go before it refills them */
	if (d->blk->next)
		return 0;
	/* whole rows go out before a wait for a slow writer */
	if (row_boundary(d) && lr_source_would_block(d->src))
		return 0;
	if ((n = lr_source_next(d->src, &d->chunk)) < 0)
		return -1;
	if (n == 0) {
		if (csv_fini(&d->p, on_field, on_row, d) != 0 && !d->failed) {
			lr_error_at(d->blk->name, d->line, d->col + 1, "unterminated quoted field");
			return -1;
		}
		if (d->failed)
			return -1;
		d->done = 1;
		return 0;
	}
	d->avail = (size_t)n;
	d->base = d->chunk;
	d->base_len = d->avail;
	d->part = 0;
	d->part_at = d->work.run ? d->base + part_start(d->base, d->base_len, 0) : NULL;
	return 1;
}

/* Takes what it can of the next k bytes, between rows, without libcsv:
 * whole rows of numbers computed at once (add_span), or lines without
 * quotes split here. Returns the bytes taken (0: libcsv's, from here on
 * to the end of the row), or SIZE_MAX after reporting. */
static size_t fast_rows(struct csv_dec *d, struct lr_block *b, size_t k)
{
	const unsigned char *quote;
	size_t plain;

	if (d->spans && !d->in_first_row && !d->dropping && !d->drop_rows) {
		size_t span = add_span(d, b, k);

		if (span == SIZE_MAX)
			return SIZE_MAX;
		if (span) {
			d->prev_cr = d->chunk[span - 1] == '\r';
			return span;
		}
	}
	quote = memchr(d->chunk, '"', k);
	plain = through_last_terminator(d->chunk, quote ? (size_t)(quote - d->chunk) : k);
	if (plain) {
		split_plain(d, d->chunk, plain);
		return d->failed ? SIZE_MAX : plain;
	}
	/* A quote, or a row longer than the chunk: libcsv's. */
	d->lib_busy = 1;
	d->in_quotes = 0;
	return 0;
}

/* Hands libcsv the next bytes, up to k and no further than the end of
 * the row. Returns the bytes taken, or SIZE_MAX after reporting. */
static size_t libcsv_rows(struct csv_dec *d, size_t k)
{
	size_t used;
	int ended;

	k = rest_of_row(d, d->chunk, k, &ended);
	used = csv_parse(&d->p, d->chunk, k, on_field, on_row, d);
	if (d->failed)
		return SIZE_MAX;
	if (used != k) {
		parse_failed(d);
		return SIZE_MAX;
	}
	if (ended)
		d->lib_busy = 0;
	return k;
}

/* A first row too long for one block is judged on what fits, and so are
 * pandas-like names still waiting for their second row (at the end of
 * the input, with no second row: a header). Returns 0, or -1 after
 * reporting. */
static int first_row_at_block_end(struct csv_dec *d, struct lr_block *b)
{
	resolve_first_row(d, 1);
	if (d->deferred && !d->failed)
		finish_first_rows(d);
	if (d->failed)
		return -1;
	/* a header to drop (a later input's, a later part's) that is wider
	 * than the block: what is here goes, and the rest */
	if (d->first == FIRST_HEADER && !d->deferred && drops_header(d) && d->col > 0 &&
	    d->first_cell < b->ncells) {
		b->ncells = d->first_cell;
		d->header_going = 1;
	}
	return 0;
}

static int csv_dec_read(void *vd, struct lr_block **out)
{
	struct csv_dec *d = vd;
	struct lr_block *b = d->blk;
	int r;

	lr_block_reset(b);
	*out = b;
	d->row_cell = SIZE_MAX;
	if (d->done)
		return 0;
	if (!d->started && skip_bom(d, b) < 0)
		return -1;
	while (b->ncells < CSV_CELLS_HIGH && b->textlen < CSV_TEXT_HIGH && b->outlen < CSV_SPAN_HIGH) {
		size_t k, took = 0;

		if (d->avail == 0 && (r = refill(d)) <= 0) {
			if (r < 0)
				return -1;
			break;
		}
		if (d->part_at && d->chunk >= d->part_at) {
			if (take_part(d, b) < 0)
				return -1;
			continue;
		}
		if (d->in_raw_line || (!d->lib_busy && d->col == 0 &&
				       (d->skip_left || (d->o->csv.comment && *d->chunk == d->o->csv.comment)))) {
			if (raw_line(d, b) < 0)
				return -1;
			continue;
		}
		k = d->avail < CSV_FEED ? d->avail : CSV_FEED;
		if (d->part_at && (size_t)(d->part_at - d->chunk) < k)
			k = (size_t)(d->part_at - d->chunk);
		if (d->o->unbuffered || d->o->csv.comment) {
			/* one row at a time, each handed on when it ends */
			const unsigned char *nl = memchr(d->chunk, '\n', k);

			if (row_boundary(d))
				break;
			if (nl)
				k = (size_t)(nl - d->chunk) + 1;
		}
		if (!d->lib_busy && !LR_CSV_LIBCSV_ONLY)
			took = fast_rows(d, b, k);
		if (!took)
			took = libcsv_rows(d, k);
		if (took == SIZE_MAX)
			return -1;
		d->chunk += took;
		d->avail -= took;
	}
	if (d->in_first_row && d->first == FIRST_PENDING && (d->col > 0 || d->deferred) &&
	    first_row_at_block_end(d, b) < 0)
		return -1;
	return b->ncells > 0 || !d->done ? 1 : 0;
}

static void csv_dec_close(void *vd)
{
	struct csv_dec *d = vd;

	if (!d)
		return;
	lr_source_end_work(d->src);
	csv_free(&d->p);
	lr_block_free(d->blk);
	free(d->ranges);
	free(d);
}

struct csv_enc {
	struct lr_sink *sink;
	unsigned char delim;
	int same_delim;    /* output separator is the input's: plain cells need no check */
	int adopt_delim;   /* no -d, no -t: the output takes the separator read */
	int num_safe;      /* numbers need no check: lrelu wrote them (the input
			    * is not a table) and no number holds the separator */
	int at_row_start;  /* nothing of the current row written yet */
	int pending_empty; /* the row so far is one empty field */
	int with_input;    /* write each input number before its result */
	const char *mode_name;
};

static void *csv_enc_open(const struct lr_format *f, struct lr_sink *sink,
			  const struct lr_options *o, const struct lr_format *from)
{
	struct csv_enc *e = calloc(1, sizeof *e);

	if (!e) {
		lr_error_sys("out of memory");
		return NULL;
	}
	e->sink = sink;
	/* -d names the input's separator; the output keeps it unless -t
	 * asks for a format. */
	e->delim = (unsigned char)(o->csv.delimiter && !o->to ? o->csv.delimiter : f->delimiter);
	e->same_delim = from->family == LR_FAMILY_TABLE &&
			e->delim == (o->csv.delimiter ? o->csv.delimiter : from->delimiter);
	/* Numbers lrelu writes (from binary or JSON input) are made of
	 * digits, "+-.", and letters (e, nan, inf). A converted table gets
	 * its format's own separator today; the test keeps the scan should
	 * that change. */
	e->num_safe = from->family != LR_FAMILY_TABLE && !memchr("+-.", e->delim, 3) &&
		      !(e->delim >= '0' && e->delim <= '9') &&
		      !((e->delim | 0x20) >= 'a' && (e->delim | 0x20) <= 'z');
	e->adopt_delim = !o->csv.delimiter && !o->to && from->family == LR_FAMILY_TABLE;
	e->at_row_start = 1;
	/* Inputs are known only for numbers that came as text. */
	e->with_input = o->with_input && from->family == LR_FAMILY_TABLE;
	e->mode_name = lr_mode_name(o->mode);
	return e;
}

static int needs_quotes(const char *s, size_t n, unsigned char delim)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == delim || c == '"' || c == '\n' || c == '\r')
			return 1;
	}
	return 0;
}

static int put_quoted(struct lr_sink *s, const char *t, size_t n)
{
	const char *q;

	if (lr_sink_putc(s, '"') < 0)
		return -1;
	while ((q = memchr(t, '"', n)) != NULL) {
		size_t k = (size_t)(q - t) + 1;

		if (lr_sink_put(s, t, k) < 0 || lr_sink_putc(s, '"') < 0)
			return -1;
		t += k;
		n -= k;
	}
	if (lr_sink_put(s, t, n) < 0)
		return -1;
	return lr_sink_putc(s, '"');
}

/* One field, quoted if it needs to be. t[0..16) may be read: text in a
 * block, or a buffer of at least 16 bytes. */
static int put_field(struct csv_enc *e, const char *t, size_t n, int plain, int num)
{
	if (!(plain && e->same_delim) && !(num && e->num_safe) && needs_quotes(t, n, e->delim))
		return put_quoted(e->sink, t, n);
	return lr_sink_put_padded(e->sink, t, n);
}

static int csv_enc_write(void *ve, const struct lr_block *b)
{
	struct csv_enc *e = ve;
	struct lr_sink *s = e->sink;
	size_t i;

	if (e->adopt_delim && b->delim) {
		e->delim = (unsigned char)b->delim;
		e->same_delim = 1;
		e->adopt_delim = 0;
	}
	for (i = 0; i < b->ncells; i++) {
		const struct lr_cell *c = &b->cell[i];
		const char *t;
		size_t n;

		switch (c->kind) {
		case LR_CELL_ROW:
			continue;
		case LR_CELL_RAW:
			if (lr_sink_put(s, lr_cell_out(b, c), c->out_len) < 0)
				return -1;
			continue;
		case LR_CELL_SPAN: { /* whole rows: the row state stays as it was */
			struct iovec v[CSV_PARTS * 2 + 2];
			int nv = 0;

			/* SPANs in a row (the thread's parts between the
			 * decoder's) go in one write */
			for (; i < b->ncells && b->cell[i].kind == LR_CELL_SPAN &&
			       nv < (int)(sizeof v / sizeof v[0]); i++, nv++) {
				v[nv].iov_base = (void *)(uintptr_t)lr_span_out(b, &b->cell[i]);
				v[nv].iov_len = b->cell[i].out_len;
			}
			i--;
			if (lr_sink_put_iov(s, v, nv) < 0)
				return -1;
			continue;
		}
		case LR_CELL_END:
			/* A row that is one empty field must not become a
			 * blank line. */
			if (e->pending_empty && lr_sink_put(s, "\"\"", 2) < 0)
				return -1;
			if (c->term && lr_sink_putc(s, c->term) < 0)
				return -1;
			e->pending_empty = 0;
			e->at_row_start = 1;
			continue;
		default:
			break;
		}
		t = lr_cell_out(b, c);
		n = c->out_len;
		if (!e->at_row_start && lr_sink_putc(s, e->delim) < 0)
			return -1;
		e->pending_empty = e->at_row_start && n == 0;
		e->at_row_start = 0;
		/* --with-input: the input, then the result beside it */
		if (e->with_input && (c->kind == LR_CELL_NUM || c->selhead)) {
			const char *in = b->text + c->off;

			if (put_field(e, in, c->len, c->plain, 0) < 0 ||
			    lr_sink_putc(s, e->delim) < 0)
				return -1;
			if (c->selhead) {
				char name[4096];
				int k = snprintf(name, sizeof name, "%.*s_%s", (int)(c->len < 4000 ? c->len : 4000),
						 in, e->mode_name);

				if (put_field(e, name, (size_t)k, 0, 0) < 0)
					return -1;
				continue;
			}
		}
		if (put_field(e, t, n, c->plain, c->kind == LR_CELL_NUM) < 0)
			return -1;
	}
	return 0;
}

static int csv_enc_finish(void *ve)
{
	(void)ve;
	return 0;
}

static void csv_enc_close(void *ve)
{
	free(ve);
}

/* Could the first row p[0..n) (whole: all of it) be pandas' integer
 * column names, which the decoder judges only with the second row
 * (pandas_names)? Yes where the separator is sniffed, as it is not
 * known here. */
static int maybe_pandas_names(const struct lr_part_ask *q, const unsigned char *p, size_t n,
			      int whole)
{
	int delim = q->o->csv.delimiter ? q->o->csv.delimiter : q->f->delimiter;
	unsigned long want = 0;
	size_t i = 0, fields = 0;

	if (!q->o->csv.delimiter && q->f == &lr_format_csv && !suffix_says_csv(q->name))
		return 1;
	if (!whole)
		return 0; /* a long first row is not such names */
	for (;;) {
		size_t j = i;
		char num[24];

		while (j < n && p[j] != delim)
			j++;
		if (!(fields == 0 && j == i)) {
			int k = snprintf(num, sizeof num, "%lu", want++);

			if ((size_t)k != j - i || memcmp(num, p + i, j - i) != 0)
				return 0;
		}
		fields++;
		if (j >= n)
			break;
		i = j + 1;
	}
	return fields >= 2;
}

/*
 * Where the rows that decide the header end (*end), and where the first
 * of them starts (*start), read from the file's start as the decoder
 * reads it: past a byte-order mark, the --skip-rows lines, comment lines
 * and blank lines, with quoted line breaks inside a row. That is the
 * first row, or the first two when the first may be pandas' integer
 * names, whose judgement waits for the second (pandas_names). *rows:
 * how many rows that is (0 to 2).
 */
static int first_rows(const struct lr_part_ask *q, uint64_t *start, uint64_t *end, int *rows)
{
	const struct lr_options *o = q->o;
	unsigned char buf[65536], row1[256];
	uint64_t off = 0, skip = o->csv.skip_rows;
	size_t n1 = 0;
	int quoted = 0, in_line = 0, raw = 0, prev_cr = 0, want = 1;

	*start = *end = 0;
	*rows = 0;
	while (off < q->size) {
		ssize_t n = lr_part_pread(q, buf, sizeof buf, off), i = 0;

		if (n <= 0)
			return n < 0 ? -1 : 0;
		if (off == 0 && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
			i = 3;
		for (; i < n; i++) {
			unsigned char c = buf[i];
			uint64_t pos = off + (uint64_t)i;
			int eol = !quoted && (c == '\n' || c == '\r');

			if (prev_cr) {
				prev_cr = 0;
				if (c == '\n') {
					/* the LF of a CRLF: the line ended at its CR */
					if (*rows && *end == pos)
						*end = pos + 1;
					if (*rows == want)
						return 0;
					continue;
				}
				if (*rows == want)
					return 0; /* a CR alone ended the last row wanted */
			}
			prev_cr = eol && c == '\r';
			if (!in_line) {
				if (eol)
					continue; /* a blank line */
				in_line = 1;
				raw = skip || (o->csv.comment && c == o->csv.comment);
				if (!raw && *rows == 0)
					*start = pos;
			}
			if (!raw && c == '"')
				quoted = !quoted;
			if (!raw && *rows == 0 && !eol && n1 < sizeof row1)
				row1[n1++] = c;
			if (!eol)
				continue;
			in_line = 0;
			if (raw) {
				skip -= skip > 0;
				continue;
			}
			*end = pos + 1;
			if (++*rows == 1 && (q->keep_first || (o->csv.header < 0 &&
						maybe_pandas_names(q, row1, n1, n1 < sizeof row1))))
				want = 2;
			if (*rows == want && !prev_cr)
				return 0;
		}
		if (*rows == want && !prev_cr)
			return 0;
		off += (uint64_t)n;
	}
	if (in_line && !raw && *rows < want) {
		/* a last row without a line end */
		*end = q->size;
		++*rows;
	}
	return 0;
}

/* CSV and TSV: a record is a row, which starts at a line start unless a
 * quoted field holds a line break (which the decoder then refuses in a
 * part, so that no part is silently wrong; with the file's index the
 * boundaries are exact). The rows that decide the header are the first
 * part's; the other parts read them first, for the same judgement. */
static int csv_part(const struct lr_part_ask *q, struct lr_part *p)
{
	uint64_t start, end, from, to;
	int rows;

	if (first_rows(q, &start, &end, &rows) < 0)
		return -1;
	if (q->marks) {
		/* the index: a boundary at every so many bytes, exactly */
		size_t i = lr_part_mark_at(q, q->a), j = lr_part_mark_at(q, q->b);

		from = i < q->nmarks ? q->marks[i].start : q->size;
		to = j < q->nmarks && !q->last ? q->marks[j].start : q->size;
	} else if (lr_part_line_start(q, q->a, &from) < 0 || lr_part_line_start(q, q->b, &to) < 0)
		return -1;
	if (q->first) {
		lr_part_range(p, 0, to > end ? to : end);
		return 0;
	}
	if (from < end)
		from = end;
	if (to < from)
		to = from;
	p->nseg = 0;
	if (rows) {
		p->seg[p->nseg].off = start;
		p->seg[p->nseg++].len = end - start;
		p->preamble_rows = (uint64_t)rows;
	}
	if (to > from) {
		p->seg[p->nseg].off = from;
		p->seg[p->nseg++].len = to - from;
	}
	return 0;
}

/* --index: the rows' starts, found by following quotes from the start
 * (a line end inside a quoted field ends no row). */
static int csv_index(const struct lr_part_ask *q, struct lr_part_index *x)
{
	unsigned char buf[65536];
	uint64_t off = 0, pos;
	int quoted = 0, cr = 0;

	if (lr_part_index_mark(x, 0, 0) < 0)
		return -1;
	while (off < q->size) {
		ssize_t n = lr_part_pread(q, buf, sizeof buf, off), i;

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			pos = off + (uint64_t)i;
			if (cr && buf[i] != '\n' && lr_part_index_mark(x, pos, pos) < 0)
				return -1;
			cr = 0;
			if (buf[i] == '"')
				quoted = !quoted;
			else if (!quoted && buf[i] == '\r')
				cr = 1;
			else if (!quoted && buf[i] == '\n' && pos + 1 < q->size &&
				 lr_part_index_mark(x, pos + 1, pos + 1) < 0)
				return -1;
		}
		off += (uint64_t)n;
	}
	return 0;
}

#define TABLE_FORMAT(VAR, NAME, SUFFIX1, SUFFIX2, DELIM)                         \
	const struct lr_format VAR = {                                         \
		.name = NAME,                                                  \
		.suffixes = { SUFFIX1, SUFFIX2 },                              \
		.family = LR_FAMILY_TABLE,                                     \
		.delimiter = DELIM,                                            \
		.dec_open = csv_dec_open,                                      \
		.dec_read = csv_dec_read,                                      \
		.dec_close = csv_dec_close,                                    \
		.enc_open = csv_enc_open,                                      \
		.enc_write = csv_enc_write,                                    \
		.enc_finish = csv_enc_finish,                                  \
		.enc_close = csv_enc_close,                                    \
		.part = csv_part,                                              \
		.index = csv_index,                                            \
		.part_head = first_rows,                                       \
		.lines = 1,                                                    \
	}

TABLE_FORMAT(lr_format_csv, "csv", ".csv", NULL, ',');
TABLE_FORMAT(lr_format_tsv, "tsv", ".tsv", ".tab", '\t');
