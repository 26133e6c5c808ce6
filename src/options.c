/*
 * options.c - the options as a table: one row each gives getopt_long
 * its entry, --help its line, the setter that checks the value, and
 * the formats the option is for. A bad value is a usage error (exit 2)
 * that says what was wrong.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "format.h"
#include "paths.h"

#define LR_VERSION "0.1.0"

/* pandas' missing-value tokens (read_csv's na_values), but the empty
 * field, which passes through anyway. */
static const char *const default_na[] = {
	"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
	"<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
};

/* The edit distance between a and b (insertions, deletions,
 * substitutions and swaps of neighbours), capped at 9. */
static int edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), i, j;
	int d[40][40];

	if (n >= 40 || m >= 40)
		return 9;
	for (i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m] < 9 ? d[n][m] : 9;
}

/* Parses a comma-separated slope list into o. */
static int parse_slopes(struct lr_options *o, const char *arg)
{
	size_t n = 1, i;
	const char *p, *q;

	for (p = arg; *p; p++)
		n += *p == ',';
	free(o->slope_dec);
	free(o->slope_div);
	free(o->slope64);
	free(o->slope32);
	free(o->slope_text);
	free(o->slope_len);
	o->slope_dec = calloc(n, sizeof *o->slope_dec);
	o->slope_div = calloc(n, sizeof *o->slope_div);
	o->slope64 = calloc(n, sizeof *o->slope64);
	o->slope32 = calloc(n, sizeof *o->slope32);
	o->slope_text = calloc(n, sizeof *o->slope_text);
	o->slope_len = calloc(n, sizeof *o->slope_len);
	if (!o->slope_dec || !o->slope_div || !o->slope64 || !o->slope32 || !o->slope_text ||
	    !o->slope_len) {
		lr_error_sys("out of memory");
		return -1;
	}
	o->nslopes = n;
	for (i = 0, p = arg; i < n; i++, p = q + 1) {
		char buf[128];
		size_t len;
		int r;

		q = strchr(p, ',');
		if (!q)
			q = p + strlen(p);
		len = (size_t)(q - p);
		r = lr_small_parse(&o->slope_dec[i], p, len);
		if (r == LR_DEC_ERANGE) {
			lr_error_usage("invalid slope '%.*s': at most 19 significant digits", (int)len,
				       p);
			return -1;
		}
		if (r != LR_DEC_OK || len >= sizeof buf) {
			lr_error_usage("invalid slope '%.*s': expected a finite number such as 0.01",
				       (int)len, p);
			return -1;
		}
		lr_dec_divisor(&o->slope_div[i], &o->slope_dec[i]);
		memcpy(buf, p, len);
		buf[len] = '\0';
		/* As a Python float becomes a tensor's dtype: text to double,
		 * then double to float. */
		o->slope64[i] = strtod(buf, NULL);
		o->slope32[i] = (float)o->slope64[i];
		{
			static const struct lr_notation plain = { 0, 'e', 0 };
			static struct lr_dec d;

			lr_dec_from_small(&d, &o->slope_dec[i]);
			if (o->precision)
				lr_dec_round(&d, o->precision);
			o->slope_len[i] = lr_dec_format(&d, &plain, o->slope_text[i]);
		}
	}
	return 0;
}

static int all_digits(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static size_t to_index(const char *p, size_t n)
{
	size_t v = 0, i;

	for (i = 0; i < n; i++) {
		if (v > (SIZE_MAX - 9) / 10)
			return SIZE_MAX;
		v = v * 10 + (size_t)(p[i] - '0');
	}
	return v;
}

/* Parses --columns: indexes, ranges (a-b, a-, -b), the last N (-N:) and
 * header names. */
static int parse_columns(struct lr_options *o, char *arg)
{
	size_t n = 1, i;
	char *p, *q;

	for (p = arg; *p; p++)
		n += *p == ',';
	free(o->cols);
	o->cols = calloc(n, sizeof *o->cols);
	if (!o->cols) {
		lr_error_sys("out of memory");
		return -1;
	}
	o->ncols = n;
	for (i = 0, p = arg; i < n; i++, p = q + 1) {
		struct lr_colspec *c = &o->cols[i];
		char *dash;
		size_t len;

		q = strchr(p, ',');
		if (!q)
			q = p + strlen(p);
		len = (size_t)(q - p);
		dash = memchr(p, '-', len);
		if (all_digits(p, len)) {
			c->lo = c->hi = to_index(p, len);
		} else if (len > 2 && *p == '-' && p[len - 1] == ':' && all_digits(p + 1, len - 2)) {
			c->last = to_index(p + 1, len - 2);
			if (c->last == 0 || c->last == SIZE_MAX) {
				lr_error_usage("invalid --columns item '%.*s': the last N columns "
					       "need N of 1 or more",
					       (int)len, p);
				return -1;
			}
			continue;
		} else if (dash && (dash == p || all_digits(p, (size_t)(dash - p))) &&
			   (dash + 1 == q || all_digits(dash + 1, (size_t)(q - dash - 1))) &&
			   len > 1) {
			c->lo = dash == p ? 1 : to_index(p, (size_t)(dash - p));
			c->hi = dash + 1 == q ? (size_t)-1 : to_index(dash + 1, (size_t)(q - dash - 1));
		} else if (len > 5 && strncmp(p, "name:", 5) == 0) {
			/* a name taken as it is: digits, ':' or '*' in it */
			*q = '\0';
			c->name = p + 5;
			c->literal = 1;
			continue;
		} else if (len > 0) {
			char *colon = memchr(p, ':', len);

			*q = '\0';
			c->name = p;
			if (colon && colon > p && colon + 1 < q) {
				*colon = '\0';
				c->name_hi = colon + 1;
			} else
				c->glob = strpbrk(p, "*?[") != NULL;
			continue;
		} else {
			lr_error_usage("invalid --columns '%s': empty item", arg);
			return -1;
		}
		if (c->lo == 0 || c->lo > c->hi) {
			lr_error_usage("invalid --columns item '%.*s': columns count from 1 and "
				       "ranges go upwards",
				       (int)len, p);
			return -1;
		}
	}
	return 0;
}

static const char *const mode_names[] = { "forward", "grad", "prelu", "inverse", "identity" };

const char *lr_mode_name(enum lr_mode m)
{
	return mode_names[m];
}

/* Parses -m: one mode, or several separated by commas (for --range). */
static int parse_modes(struct lr_options *o, const char *arg)
{
	const char *p = arg, *q;

	o->nmodes = 0;
	for (;;) {
		size_t len, j;

		q = strchr(p, ',');
		len = q ? (size_t)(q - p) : strlen(p);
		for (j = 0; j < sizeof mode_names / sizeof mode_names[0]; j++)
			if (strlen(mode_names[j]) == len && strncmp(p, mode_names[j], len) == 0)
				break;
		if (j == sizeof mode_names / sizeof mode_names[0] || o->nmodes == LR_MAX_MODES) {
			lr_error_usage("invalid --mode '%s': expected forward, grad, prelu, inverse "
				       "or identity (several, with commas, for --range)",
				       arg);
			return -1;
		}
		o->modes[o->nmodes++] = (enum lr_mode)j;
		if (!q)
			break;
		p = q + 1;
	}
	o->mode = o->modes[0];
	return 0;
}

/* --na=LIST: the comma-separated tokens, kept in a copy of the list.
 * An empty list: no tokens. Returns 0, or -1 after reporting. */
static int parse_na(struct lr_options *o, const char *list)
{
	size_t n = 1, k = 0;
	const char *p;
	char *q, **tokens;

	if (o->csv.na_text) {
		free((void *)o->csv.na);
		free(o->csv.na_text);
	}
	o->csv.na = NULL;
	o->csv.nna = 0;
	o->csv.na_text = NULL;
	if (!*list)
		return 0;
	for (p = list; *p; p++)
		n += *p == ',';
	o->csv.na_text = strdup(list);
	tokens = calloc(n, sizeof *tokens);
	if (!o->csv.na_text || !tokens) {
		free(tokens);
		lr_error_sys("out of memory");
		return -1;
	}
	for (q = o->csv.na_text; q; k++) {
		tokens[k] = q;
		q = strchr(q, ',');
		if (q)
			*q++ = '\0';
	}
	o->csv.na = (const char *const *)tokens;
	o->csv.nna = n;
	return 0;
}

/* Parses --range START:STOP:COUNT. */
static int parse_range(struct lr_options *o, const char *arg)
{
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char *end;
	unsigned long long n;

	if (!c1 || !c2 || lr_small_parse(&o->range_start, arg, (size_t)(c1 - arg)) != 0 ||
	    lr_small_parse(&o->range_stop, c1 + 1, (size_t)(c2 - c1 - 1)) != 0) {
		lr_error_usage("invalid --range '%s': expected START:STOP:COUNT, such as -5:5:11",
			       arg);
		return -1;
	}
	errno = 0;
	n = strtoull(c2 + 1, &end, 10);
	if (errno || *end || end == c2 + 1 || n < 1 || n > 100000000) {
		lr_error_usage("invalid --range count '%s': expected 1 to 100000000", c2 + 1);
		return -1;
	}
	o->range = 1;
	o->range_count = n;
	return 0;
}

static int parse_int(const char *arg, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* ---- the options, a row each ---- */

/* What a row's setter is given: the option's value (NULL for none). */
typedef int (*opt_set)(struct lr_options *o, const char *arg);

/* The formats an option is for; where none of them is in play, it is
 * ignored with a warning (lr_options_warn_ignored). */
enum applies { ALL, JSON_OUT, RAW_EITHER, RAW_IN };

/*
 * One option: its long name, its short letter or 0, whether it takes
 * a value (getopt_long's has_arg) and how --help shows it, what it
 * does (set: a setter; or field: an int of struct lr_options that it
 * sets to value), the formats it is for, and its --help text (lines
 * separated by '\n'; "%s" is the list of formats) and, if it applies
 * to some formats only, what the warning that it is ignored says of it.
 */
struct opt {
	const char *name;
	int letter;
	int has_arg;
	const char *metavar;
	opt_set set;
	size_t field; /* offsetof(struct lr_options, ...) + 1, or 0 */
	int value;
	enum applies applies;
	const char *help;
	const char *ignored;
};

#define FLAG(f, v) NULL, offsetof(struct lr_options, f) + 1, v

static int set_slope(struct lr_options *o, const char *a)
{
	o->slope_arg = a; /* read once the mode is known */
	return 0;
}

static int set_mode(struct lr_options *o, const char *a)
{
	return parse_modes(o, a);
}

/* One of the words in names[0..n) sets *to to its index. */
static int choose(const char *opt, const char *a, const char *const *names, int n, int *to,
		  const char *expected)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(a, names[i]) == 0) {
			*to = i;
			return 0;
		}
	lr_error_usage("invalid --%s '%s': expected %s", opt, a, expected);
	return -1;
}

static int set_dtype(struct lr_options *o, const char *a)
{
	static const char *const names[] = { "exact", "f64", "f32" };
	int i;

	if (choose("dtype", a, names, 3, &i, "exact, f64 or f32") < 0)
		return -1;
	o->dtype = i == 0 ? LR_DTYPE_EXACT : i == 1 ? LR_DTYPE_F64 : LR_DTYPE_F32;
	return 0;
}

static int set_zero_grad(struct lr_options *o, const char *a)
{
	static const char *const names[] = { "slope", "one" };

	return choose("zero-grad", a, names, 2, &o->zero_grad_one, "slope or one");
}

static int set_endian(struct lr_options *o, const char *a)
{
	static const char *const names[] = { "little", "big" };
	int i;

	if (choose("endian", a, names, 2, &i, "little or big") < 0)
		return -1;
	o->raw.endian = i ? LR_ENDIAN_BIG : LR_ENDIAN_LITTLE;
	return 0;
}

static int set_json_rows(struct lr_options *o, const char *a)
{
	static const char *const names[] = { "objects", "arrays" };

	return choose("json-rows", a, names, 2, &o->json.json_arrays, "objects or arrays");
}

static int set_stats(struct lr_options *o, const char *a)
{
	static const char *const names[] = { "text", "json" };
	int i = 0;

	if (a && choose("stats", a, names, 2, &i, "text or json") < 0)
		return -1;
	o->stats = 1 + i;
	return 0;
}

/* A whole number from lo to hi into *v, or a usage error naming opt
 * and what was expected. */
static int number(const char *opt, const char *a, long lo, long hi, const char *expected, long *v)
{
	if (parse_int(a, lo, hi, v) == 0)
		return 0;
	lr_error_usage("invalid --%s '%s': expected %s", opt, a, expected);
	return -1;
}

static int set_precision(struct lr_options *o, const char *a)
{
	char expected[64];
	long v;

	snprintf(expected, sizeof expected, "a whole number from 1 to %d", LR_PRECISION_MAX);
	if (number("precision", a, 1, LR_PRECISION_MAX, expected, &v) < 0)
		return -1;
	o->precision = (int)v;
	return 0;
}

static int set_skip_rows(struct lr_options *o, const char *a)
{
	long v;

	if (number("skip-rows", a, 0, 1L << 40, "a whole number", &v) < 0)
		return -1;
	o->csv.skip_rows = (uint64_t)v;
	return 0;
}

static int set_channels(struct lr_options *o, const char *a)
{
	long v;

	if (number("channels", a, 1, 1L << 30, "a whole number from 1", &v) < 0)
		return -1;
	o->raw.channels = (size_t)v;
	return 0;
}

static int set_level(struct lr_options *o, const char *a)
{
	long v;

	if (number("level", a, 1, 9, "1 to 9", &v) < 0)
		return -1;
	o->level = (int)v;
	return 0;
}

static int set_threads(struct lr_options *o, const char *a)
{
	long v;

	if (number("threads", a, 0, 256, "0 to 256", &v) < 0)
		return -1;
	o->threads = (int)v;
	o->one_thread = v == 1;
	if (o->threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		o->threads = n < 1 ? 1 : n > 256 ? 256 : (int)n;
	}
	return 0;
}

static int set_columns(struct lr_options *o, const char *a)
{
	return parse_columns(o, (char *)(uintptr_t)a);
}

static int set_delimiter(struct lr_options *o, const char *a)
{
	if (strcmp(a, "\\t") == 0 || strcmp(a, "tab") == 0)
		o->csv.delimiter = '\t';
	else if (strcmp(a, "space") == 0) {
		o->csv.delimiter = ' ';
		o->csv.space_runs = 1;
	} else if (strlen(a) == 1 && !strchr("\"\r\n0123456789.+-eE", a[0]))
		o->csv.delimiter = (unsigned char)a[0];
	else {
		lr_error_usage("invalid --delimiter '%s': expected one character that cannot be "
			       "part of a number (or 'tab')",
			       a);
		return -1;
	}
	return 0;
}

static int set_comment(struct lr_options *o, const char *a)
{
	if (strlen(a) != 1 || strchr("\"\r\n", a[0])) {
		lr_error_usage("invalid --comment '%s': expected one character, such as '#'", a);
		return -1;
	}
	o->csv.comment = (unsigned char)a[0];
	return 0;
}

static int set_na(struct lr_options *o, const char *a)
{
	return parse_na(o, a);
}

static int set_range(struct lr_options *o, const char *a)
{
	return parse_range(o, a);
}

static int set_format(const char *opt, const char *a, const struct lr_format **f)
{
	if (!(*f = lr_format_by_name(a))) {
		lr_error_usage("invalid --%s '%s': expected %s", opt, a, lr_format_names());
		return -1;
	}
	return 0;
}

static int set_from(struct lr_options *o, const char *a)
{
	return set_format("from", a, &o->from);
}

static int set_to(struct lr_options *o, const char *a)
{
	return set_format("to", a, &o->to);
}

static int set_output(struct lr_options *o, const char *a)
{
	if (!*a) {
		lr_error_usage("invalid --output '': expected a file name");
		return -1;
	}
	o->output = a;
	return 0;
}

static int set_part(struct lr_options *o, const char *a)
{
	const char *slash = strchr(a, '/');
	size_t k = slash ? to_index(a, (size_t)(slash - a)) : 0;
	size_t n = slash ? to_index(slash + 1, strlen(slash + 1)) : 0;

	if (!slash || !all_digits(a, (size_t)(slash - a)) || !all_digits(slash + 1, strlen(slash + 1)) ||
	    slash == a || !slash[1] || k < 1 || n < 1 || k > n || n > 1000000) {
		lr_error_usage("invalid --part '%s': expected K/N with 1 <= K <= N, as 3/8", a);
		return -1;
	}
	o->part_k = k;
	o->part_n = n;
	o->byte_range = 0;
	return 0;
}

static int set_byte_range(struct lr_options *o, const char *a)
{
	const char *colon = strchr(a, ':');
	size_t la = colon ? (size_t)(colon - a) : 0, lb = colon ? strlen(colon + 1) : 0;

	if (!colon || !la || !all_digits(a, la) || (lb && !all_digits(colon + 1, lb))) {
		lr_error_usage("invalid --byte-range '%s': expected A:B (or A: to the end), byte "
			       "offsets with A <= B",
			       a);
		return -1;
	}
	o->range_a = to_index(a, la);
	o->range_b = lb ? to_index(colon + 1, lb) : SIZE_MAX;
	if (o->range_a > o->range_b) {
		lr_error_usage("invalid --byte-range '%s': A is past B", a);
		return -1;
	}
	o->byte_range = 1;
	o->part_n = 0;
	return 0;
}

/* The rows, in the order --help lists them. */
static const struct opt opts[] = {
	{ "slope", 's', required_argument, " A[,A...]", set_slope, 0, 0, ALL,
	  "negative slope, or one per channel (default 0.01;\n0.25 for prelu)", NULL },
	{ "mode", 'm', required_argument, " MODE", set_mode, 0, 0, ALL,
	  "forward|grad|prelu|inverse|identity (default forward)", NULL },
	{ "range", 0, required_argument, " A:B:N", set_range, 0, 0, ALL,
	  "write N evenly spaced x from A to B and a column\nper mode (-m forward,grad) for plotting",
	  NULL },
	{ "with-input", 0, no_argument, "", FLAG(with_input, 1), ALL,
	  "write each input number beside its result", NULL },
	{ "unbuffered", 0, no_argument, "", FLAG(unbuffered, 1), ALL,
	  "write out each record as soon as it is done", NULL },
	{ "dtype", 0, required_argument, " TYPE", set_dtype, 0, 0, ALL,
	  "exact|f64|f32 arithmetic on text (default exact)", NULL },
	{ "precision", 0, required_argument, " N", set_precision, 0, 0, ALL,
	  "round computed values to N significant digits", NULL },
	{ "zero-grad", 0, required_argument, " WHICH", set_zero_grad, 0, 0, ALL,
	  "gradient at 0: slope|one (default slope)", NULL },
	{ "columns", 'c', required_argument, " LIST", set_columns, 0, 0, ALL,
	  "CSV columns to transform: 1,3-5,7-,-2:,name;\nJSON: keys whose values are transformed",
	  NULL },
	{ "delimiter", 'd', required_argument, " CHAR", set_delimiter, 0, 0, ALL,
	  "CSV field separator: a character, tab, or space\n(runs of spaces); default ',' for .csv, "
	  "tab\nfor .tsv, else sniffed from the first lines",
	  NULL },
	{ "header", 0, no_argument, "", FLAG(csv.header, 1), ALL, "the first row is a header", NULL },
	{ "no-header", 0, no_argument, "", FLAG(csv.header, 0), ALL, "the first row is data", NULL },
	{ "skip-invalid", 0, no_argument, "", FLAG(skip_invalid, 1), ALL,
	  "pass non-numbers through instead of failing", NULL },
	{ "skip-rows", 0, required_argument, " N", set_skip_rows, 0, 0, ALL,
	  "CSV: pass the first N lines through, then the table", NULL },
	{ "comment", 0, required_argument, "=CHAR", set_comment, 0, 0, ALL,
	  "CSV: pass lines starting with CHAR through", NULL },
	{ "na", 0, required_argument, "=LIST", set_na, 0, 0, ALL,
	  "CSV missing-value tokens, passed through and\ncounted (default pandas' NA,N/A,null,None,...;"
	  "\n--na='' for none)",
	  NULL },
	{ "pretty", 0, no_argument, "", FLAG(json.pretty, 1), JSON_OUT, "indent JSON output",
	  "indents JSON output only" },
	{ "allow-nan", 0, no_argument, "", FLAG(json.allow_nan, 1), ALL,
	  "JSON: read and write Python's NaN and Infinity", NULL },
	{ "json-rows", 0, required_argument, "=KIND", set_json_rows, 0, 0, ALL,
	  "CSV with a header to JSON: objects|arrays\n(default objects, keyed by the header)", NULL },
	{ "endian", 0, required_argument, " ORDER", set_endian, 0, 0, RAW_EITHER,
	  "raw binary byte order: little|big (default little)",
	  "applies to raw f32, f64, f16 and bf16 only" },
	{ "channels", 0, required_argument, " C", set_channels, 0, 0, RAW_IN,
	  "raw binary: rows of C values, one slope each",
	  "applies to raw binary input only" },
	{ "from", 'f', required_argument, " FORMAT", set_from, 0, 0, ALL, "input format: %s", NULL },
	{ "to", 't', required_argument, " FORMAT", set_to, 0, 0, ALL,
	  "output format (default: the input's)", NULL },
	{ "output", 'o', required_argument, " FILE", set_output, 0, 0, ALL,
	  "write FILE, replacing it only on success;\nwith DIR/, one file per input in DIR", NULL },
	{ "in-place", 'i', no_argument, "", FLAG(inplace, 1), ALL,
	  "replace each input with its result", NULL },
	{ "part", 0, required_argument, " K/N", set_part, 0, 0, ALL,
	  "only the records that start in the K-th of N\nequal byte ranges of each (seekable) input",
	  NULL },
	{ "byte-range", 0, required_argument, " A:B", set_byte_range, 0, 0, ALL,
	  "only the records that start in bytes A..B-1", NULL },
	{ "index", 0, no_argument, "", FLAG(index, 1), ALL,
	  "write each input's record index (for --part on\nJSON arrays and quoted CSV line breaks)",
	  NULL },
	{ "keep-headers", 0, no_argument, "", FLAG(csv.keep_headers, 1), ALL,
	  "repeat the CSV header of every input when\nconcatenating (default: the first only)", NULL },
	{ "stats", 0, optional_argument, "[=json]", set_stats, 0, 0, ALL,
	  "a summary of each input on standard error", NULL },
	{ "progress", 0, no_argument, "", FLAG(progress, 1), ALL,
	  "a progress bar on standard error (default: when\nit is a terminal and the input size is "
	  "known)",
	  NULL },
	{ "no-progress", 0, no_argument, "", FLAG(progress, 0), ALL, "no progress bar", NULL },
	{ "gzip", 'z', no_argument, "", FLAG(gzip, 1), ALL,
	  "compress the output (also when FILE ends in .gz)", NULL },
	{ "level", 0, required_argument, " N", set_level, 0, 0, ALL, "gzip level 1..9 (default 6)",
	  NULL },
	{ "threads", 'j', required_argument, " N", set_threads, 0, 0, ALL,
	  "compress gzip output with N threads (1..256,\ndefault 1); 0: one per processor; -j 1 also"
	  "\nkeeps CSV, JSON and binary-to-text work to one thread",
	  NULL },
	{ "help", 'h', no_argument, "", NULL, 0, 0, ALL, "show this help and exit", NULL },
	{ "version", 'V', no_argument, "", NULL, 0, 0, ALL, "show the version and exit", NULL },
};
static const size_t nopts = sizeof opts / sizeof opts[0];
_Static_assert(sizeof opts / sizeof opts[0] <= 64, "lr_options.given has a bit per row");


/* The long option nearest to what was typed (arg, "--name" or
 * "--name=value"), if one is near enough to be what was meant: within
 * a third of its length. NULL otherwise. */
static const char *nearest_option(const char *arg)
{
	char name[40];
	const char *best = NULL;
	size_t i, n;
	int best_d = 9;

	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	n = strcspn(arg + 2, "=");
	if (n == 0 || n >= sizeof name)
		return NULL;
	memcpy(name, arg + 2, n);
	name[n] = '\0';
	for (i = 0; i < nopts; i++) {
		int d = edit_distance(name, opts[i].name);

		if (d < best_d) {
			best_d = d;
			best = opts[i].name;
		}
	}
	return best && best_d * 3 <= (int)strlen(best) ? best : NULL;
}

/* getopt_long's key for row i: its letter, or a number past the bytes. */
static int opt_key(size_t i)
{
	return opts[i].letter ? opts[i].letter : 256 + (int)i;
}

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "Usage: lrelu [OPTIONS] [FILE...]\n"
		    "Stream numbers through the Leaky ReLU activation.\n"
		    "Reads FILEs (standard input when none or '-') and writes standard output.\n\n");
	for (i = 0; i < nopts; i++) {
		const struct opt *r = &opts[i];
		const char *h = r->help;
		char lead[64];
		int n;

		if (r->letter)
			n = snprintf(lead, sizeof lead, "  -%c, --%s%s", r->letter, r->name, r->metavar);
		else
			n = snprintf(lead, sizeof lead, "      --%s%s", r->name, r->metavar);
		fprintf(fp, "%s%*s", lead, n < 28 ? 28 - n : 1, "");
		/* the help's lines, the later ones under the first */
		for (;;) {
			size_t len = strcspn(h, "\n");

			const char *pct = strstr(h, "%s");

			if (pct && pct < h + len) /* the list of formats */
				fprintf(fp, "%.*s%s%.*s\n", (int)(pct - h), h, lr_format_names(),
					(int)(h + len - pct - 2), pct + 2);
			else
				fprintf(fp, "%.*s\n", (int)len, h);
			if (!h[len])
				break;
			h += len + 1;
			fprintf(fp, "%28s", "");
		}
	}
	fprintf(fp, "\n"
		    "Exit status: 0 success, 1 bad input data, 2 usage error, 3 I/O error.\n"
		    "\n"
		    "Examples:\n"
		    "  lrelu -s 0.2 data.csv > out.csv          # slope 0.2, in exact decimals\n"
		    "  lrelu -m grad -c 2- data.csv             # the gradient of columns 2 on\n"
		    "  lrelu -s 0.1 -o out.npy x.npy            # .npy as PyTorch computes it\n"
		    "  lrelu -t json -o out.json data.csv.gz    # gzip'd CSV to JSON\n"
		    "  lrelu --range=-5:5:101 -m forward,grad   # a curve to plot\n");
}

void lr_options_warn_ignored(const struct lr_options *o, const struct lr_format *in,
			     const struct lr_format *out)
{
	static uint64_t said;
	int raw_in = in->family == LR_FAMILY_BINARY && in != &lr_format_npy;
	int raw_out = out->family == LR_FAMILY_BINARY && out != &lr_format_npy;
	size_t i;

	for (i = 0; i < nopts; i++) {
		const struct opt *r = &opts[i];
		int ignored = r->applies == JSON_OUT ? out != &lr_format_json
			      : r->applies == RAW_EITHER ? !raw_in && !raw_out
			      : r->applies == RAW_IN	 ? !raw_in
							 : 0;

		if (!ignored || !(o->given & (uint64_t)1 << i) || (said & (uint64_t)1 << i))
			continue;
		said |= (uint64_t)1 << i;
		if (r->applies == RAW_EITHER)
			lr_warn("--%s %s; ignored for %s to %s", r->name, r->ignored, in->name, out->name);
		else if (r->applies == JSON_OUT)
			lr_warn("--%s %s; ignored for %s output", r->name, r->ignored, out->name);
		else
			lr_warn("--%s %s; ignored for %s input", r->name, r->ignored, in->name);
	}
}

/* The checks that need all the options. Returns LR_OPTIONS_RUN or
 * LR_OPTIONS_ERROR. */
static int check_together(struct lr_options *o, int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	int inverse = 0;
	size_t i;

	if (parse_slopes(o, o->slope_arg ? o->slope_arg : o->mode == LR_MODE_PRELU ? "0.25" : "0.01") < 0)
		return LR_OPTIONS_ERROR;
	for (i = 0; i < o->nmodes; i++)
		inverse |= o->modes[i] == LR_MODE_INVERSE;
	if (inverse)
		for (i = 0; i < o->nslopes; i++)
			if (o->slope_dec[i].neg || o->slope_dec[i].m == 0) {
				lr_error_usage("--mode inverse needs slopes greater than 0");
				return LR_OPTIONS_ERROR;
			}
	if (o->csv.header == 0)
		for (i = 0; i < o->ncols; i++)
			if (o->cols[i].name) {
				lr_error_usage("--columns '%s' names a column, which needs a header row "
					       "(drop --no-header)",
					       o->cols[i].name);
				return LR_OPTIONS_ERROR;
			}
	if (o->output && strlen(o->output) > 3 && strcmp(o->output + strlen(o->output) - 3, ".gz") == 0)
		o->gzip = 1;
	if (o->nmodes > 1 && !o->range) {
		lr_error_usage("several modes go with --range only");
		return LR_OPTIONS_ERROR;
	}
	if (o->range && optind < argc) {
		lr_error_usage("--range makes its own input: give no FILE");
		return LR_OPTIONS_ERROR;
	}
	if (o->inplace && o->output) {
		lr_error_usage("--in-place and --output do not go together");
		return LR_OPTIONS_ERROR;
	}
	if (optind < argc) {
		o->inputs = argv + optind;
		o->ninputs = (size_t)(argc - optind);
	} else {
		o->inputs = stdin_only;
		o->ninputs = 1;
	}
	for (i = 0; o->inplace && i < o->ninputs; i++)
		if (strcmp(o->inputs[i], "-") == 0) {
			lr_error_usage("--in-place needs files, not standard input");
			return LR_OPTIONS_ERROR;
		}
	return LR_OPTIONS_RUN;
}

/* Reports an option getopt_long did not take (ch ':' or '?'). */
static void bad_option(int ch, char **argv)
{
	const char *arg = argv[optind - 1];

	if (ch == ':')
		lr_error_usage("option '%s' needs a value", arg);
	else if (optopt)
		lr_error_usage("unknown option '-%c'", optopt);
	else if (nearest_option(arg))
		lr_error_usage("unknown option '%s': did you mean '--%s'?", arg, nearest_option(arg));
	else
		lr_error_usage("unknown option '%s'", arg);
}

int lr_options_parse(struct lr_options *o, int argc, char **argv)
{
	struct option longopts[sizeof opts / sizeof opts[0] + 1];
	char shorts[2 * sizeof opts / sizeof opts[0] + 2], *sp = shorts;
	size_t i;
	int ch;

	memset(o, 0, sizeof *o);
	o->mode = LR_MODE_FORWARD;
	o->modes[0] = LR_MODE_FORWARD;
	o->nmodes = 1;
	o->dtype = LR_DTYPE_EXACT;
	o->csv.header = -1;
	o->csv.na = default_na;
	o->csv.nna = sizeof default_na / sizeof default_na[0];
	o->level = 6;
	o->threads = 1;
	o->progress = -1;
	o->part_values = -1;
	/* getopt_long's tables, from the rows */
	*sp++ = ':';
	for (i = 0; i < nopts; i++) {
		longopts[i] = (struct option){ opts[i].name, opts[i].has_arg, NULL, opt_key(i) };
		if (opts[i].letter) {
			*sp++ = (char)opts[i].letter;
			if (opts[i].has_arg == required_argument)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	memset(&longopts[nopts], 0, sizeof longopts[nopts]);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		const struct opt *r = NULL;

		for (i = 0; i < nopts && !r; i++)
			if (opt_key(i) == ch)
				r = &opts[i];
		if (!r) {
			bad_option(ch, argv);
			return LR_OPTIONS_ERROR;
		}
		o->given |= (uint64_t)1 << (r - opts);
		if (r->letter == 'h') {
			usage(stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? LR_OPTIONS_DONE : LR_OPTIONS_ERROR;
		}
		if (r->letter == 'V') {
			printf("lrelu %s\n", LR_VERSION);
			return LR_OPTIONS_DONE;
		}
		if (r->field)
			*(int *)(void *)((char *)o + r->field - 1) = r->value;
		else if (r->set(o, optarg) < 0)
			return LR_OPTIONS_ERROR;
	}
	return check_together(o, argc, argv);
}

void lr_options_calc(const struct lr_options *o, struct lr_calc *c)
{
	memset(c, 0, sizeof *c);
	c->k.mode = o->mode;
	c->k.zero_grad_one = o->zero_grad_one;
	c->k.nslopes = o->nslopes;
	c->k.slope64 = o->slope64;
	c->k.slope32 = o->slope32;
	c->dec = o->slope_dec;
	c->div = o->slope_div;
	c->slope_text = o->slope_text;
	c->slope_len = o->slope_len;
	c->dtype = o->dtype;
	c->precision = o->precision;
	c->skip_invalid = o->skip_invalid;
	c->na = o->csv.na;
	c->nna = o->csv.nna;
	/* text into float64 or float32: the common numbers' results go as
	 * values, rounded once to the target (f16 and bfloat16 as text) */
	if (o->to && !(lr_paths & LR_PATH_RESULT_TEXT))
		c->values = o->to == &lr_format_f64 ? 64
			    : o->to == &lr_format_f32 ? 32
			    : o->to == &lr_format_npy ? (o->dtype == LR_DTYPE_F32 ? 32 : 64)
						      : 0;
}

void lr_options_free(struct lr_options *o)
{
	free(o->slope_dec);
	free(o->slope_div);
	free(o->slope64);
	free(o->slope32);
	free(o->slope_text);
	free(o->slope_len);
	free(o->cols);
	if (o->csv.na_text)
		free((void *)o->csv.na);
	free(o->csv.na_text);
}
