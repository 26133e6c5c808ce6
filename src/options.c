/*
 * options.c - getopt_long parsing, value checks and the usage text. A
 * bad value is a usage error (exit 2) that says what was wrong.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "format.h"

#define LR_VERSION "0.1.0"

enum {
	OPT_DTYPE = 256,
	OPT_PRECISION,
	OPT_ZERO_GRAD,
	OPT_HEADER,
	OPT_NO_HEADER,
	OPT_SKIP_INVALID,
	OPT_PRETTY,
	OPT_ENDIAN,
	OPT_CHANNELS,
	OPT_LEVEL,
	OPT_KEEP_HEADERS,
	OPT_STATS,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_RANGE,
	OPT_WITH_INPUT,
	OPT_UNBUFFERED,
	OPT_ALLOW_NAN,
	OPT_NA,
	OPT_SKIP_ROWS,
	OPT_COMMENT,
	OPT_JSON_ROWS,
	OPT_PART,
	OPT_BYTE_RANGE,
	OPT_INDEX
};

/* pandas' missing-value tokens (read_csv's na_values), but the empty
 * field, which passes through anyway. */
static const char *const default_na[] = {
	"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
	"<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
};

static const struct option longopts[] = {
	{ "slope", required_argument, NULL, 's' },
	{ "mode", required_argument, NULL, 'm' },
	{ "dtype", required_argument, NULL, OPT_DTYPE },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "zero-grad", required_argument, NULL, OPT_ZERO_GRAD },
	{ "columns", required_argument, NULL, 'c' },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ "skip-invalid", no_argument, NULL, OPT_SKIP_INVALID },
	{ "pretty", no_argument, NULL, OPT_PRETTY },
	{ "endian", required_argument, NULL, OPT_ENDIAN },
	{ "channels", required_argument, NULL, OPT_CHANNELS },
	{ "gzip", no_argument, NULL, 'z' },
	{ "in-place", no_argument, NULL, 'i' },
	{ "keep-headers", no_argument, NULL, OPT_KEEP_HEADERS },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "with-input", no_argument, NULL, OPT_WITH_INPUT },
	{ "unbuffered", no_argument, NULL, OPT_UNBUFFERED },
	{ "allow-nan", no_argument, NULL, OPT_ALLOW_NAN },
	{ "na", required_argument, NULL, OPT_NA },
	{ "skip-rows", required_argument, NULL, OPT_SKIP_ROWS },
	{ "comment", required_argument, NULL, OPT_COMMENT },
	{ "json-rows", required_argument, NULL, OPT_JSON_ROWS },
	{ "part", required_argument, NULL, OPT_PART },
	{ "byte-range", required_argument, NULL, OPT_BYTE_RANGE },
	{ "index", no_argument, NULL, OPT_INDEX },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "threads", required_argument, NULL, 'j' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
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
	for (i = 0; longopts[i].name; i++) {
		int d = edit_distance(name, longopts[i].name);

		if (d < best_d) {
			best_d = d;
			best = longopts[i].name;
		}
	}
	return best && best_d * 3 <= (int)strlen(best) ? best : NULL;
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: lrelu [OPTIONS] [FILE...]\n"
		"Stream numbers through the Leaky ReLU activation.\n"
		"Reads FILEs (standard input when none or '-') and writes standard output.\n"
		"\n"
		"  -s, --slope A[,A...]      negative slope, or one per channel (default 0.01;\n"
		"                            0.25 for prelu)\n"
		"  -m, --mode MODE           forward|grad|prelu|inverse|identity (default forward)\n"
		"      --range A:B:N         write N evenly spaced x from A to B and a column\n"
		"                            per mode (-m forward,grad) for plotting\n"
		"      --with-input          write each input number beside its result\n"
		"      --unbuffered          write out each record as soon as it is done\n"
		"      --dtype TYPE          exact|f64|f32 arithmetic on text (default exact)\n"
		"      --precision N         round computed values to N significant digits\n"
		"      --zero-grad WHICH     gradient at 0: slope|one (default slope)\n"
		"  -c, --columns LIST        CSV columns to transform: 1,3-5,7-,name;\n"
		"                            JSON: keys whose values are transformed\n"
		"  -d, --delimiter CHAR      CSV field separator: a character, tab, or space\n"
		"                            (runs of spaces); default ',' for .csv, tab\n"
		"                            for .tsv, else sniffed from the first lines\n"
		"      --header              the first row is a header\n"
		"      --no-header           the first row is data\n"
		"      --skip-invalid        pass non-numbers through instead of failing\n"
		"      --skip-rows N         CSV: pass the first N lines through, then the table\n"
		"      --comment=CHAR        CSV: pass lines starting with CHAR through\n"
		"      --na=LIST             CSV missing-value tokens, passed through and\n"
		"                            counted (default pandas' NA,N/A,null,None,...;\n"
		"                            --na='' for none)\n"
		"      --pretty              indent JSON output\n"
		"      --allow-nan           JSON: read and write Python's NaN and Infinity\n"
		"      --json-rows=KIND      CSV with a header to JSON: objects|arrays\n"
		"                            (default objects, keyed by the header)\n"
		"      --endian ORDER        raw binary byte order: little|big (default little)\n"
		"      --channels C          raw binary: rows of C values, one slope each\n"
		"  -f, --from FORMAT         input format: %s\n"
		"  -t, --to FORMAT           output format (default: the input's)\n"
		"  -o, --output FILE         write FILE, replacing it only on success;\n"
		"                            with DIR/, one file per input in DIR\n"
		"  -i, --in-place            replace each input with its result\n"
		"      --part K/N            only the records that start in the K-th of N\n"
		"                            equal byte ranges of each (seekable) input\n"
		"      --byte-range A:B      only the records that start in bytes A..B-1\n"
		"      --index               write each input's record index (for --part on\n"
		"                            JSON arrays and quoted CSV line breaks)\n"
		"      --keep-headers        repeat the CSV header of every input when\n"
		"                            concatenating (default: the first only)\n"
		"      --stats[=json]        a summary of each input on standard error\n"
		"      --progress            a progress bar on standard error (default: when\n"
		"                            it is a terminal and the input size is known)\n"
		"      --no-progress         no progress bar\n"
		"  -z, --gzip                compress the output (also when FILE ends in .gz)\n"
		"      --level N             gzip level 1..9 (default 6)\n"
		"  -j, --threads N           compress gzip output with N threads (1..256,\n"
		"                            default 1); 0: one per processor; -j 1 also\n"
		"                            keeps a large CSV file to one thread\n"
		"  -h, --help                show this help and exit\n"
		"  -V, --version             show the version and exit\n"
		"\n"
		"Exit status: 0 success, 1 bad input data, 2 usage error, 3 I/O error.\n"
		"\n"
		"Examples:\n"
		"  lrelu -s 0.2 data.csv > out.csv          # slope 0.2, in exact decimals\n"
		"  lrelu -m grad -c 2- data.csv             # the gradient of columns 2 on\n"
		"  lrelu -s 0.1 -o out.npy x.npy            # .npy as PyTorch computes it\n"
		"  lrelu -t json -o out.json data.csv.gz    # gzip'd CSV to JSON\n"
		"  lrelu --range=-5:5:101 -m forward,grad   # a curve to plot\n",
		lr_format_names());
}

/* Parses a comma-separated slope list into o. */
static int parse_slopes(struct lr_options *o, const char *arg)
{
	size_t n = 1, i;
	const char *p, *q;

	for (p = arg; *p; p++)
		n += *p == ',';
	free(o->slope_dec);
	free(o->slope64);
	free(o->slope32);
	free(o->slope_text);
	free(o->slope_len);
	o->slope_dec = calloc(n, sizeof *o->slope_dec);
	o->slope64 = calloc(n, sizeof *o->slope64);
	o->slope32 = calloc(n, sizeof *o->slope32);
	o->slope_text = calloc(n, sizeof *o->slope_text);
	o->slope_len = calloc(n, sizeof *o->slope_len);
	if (!o->slope_dec || !o->slope64 || !o->slope32 || !o->slope_text || !o->slope_len) {
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
static int parse_modes(struct lr_options *o, char *arg)
{
	char *p = arg, *q;

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

	if (o->na_text) {
		free((void *)o->na);
		free(o->na_text);
	}
	o->na = NULL;
	o->nna = 0;
	o->na_text = NULL;
	if (!*list)
		return 0;
	for (p = list; *p; p++)
		n += *p == ',';
	o->na_text = strdup(list);
	tokens = calloc(n, sizeof *tokens);
	if (!o->na_text || !tokens) {
		free(tokens);
		lr_error_sys("out of memory");
		return -1;
	}
	for (q = o->na_text; q; k++) {
		tokens[k] = q;
		q = strchr(q, ',');
		if (q)
			*q++ = '\0';
	}
	o->na = (const char *const *)tokens;
	o->nna = n;
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

int lr_options_parse(struct lr_options *o, int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	const char *slope_arg = NULL;
	long v;
	int ch, inverse = 0;
	size_t i;

	memset(o, 0, sizeof *o);
	o->mode = LR_MODE_FORWARD;
	o->modes[0] = LR_MODE_FORWARD;
	o->nmodes = 1;
	o->dtype = LR_DTYPE_EXACT;
	o->header = -1;
	o->na = default_na;
	o->nna = sizeof default_na / sizeof default_na[0];
	o->level = 6;
	o->threads = 1;
	o->progress = -1;
	o->part_values = -1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":s:m:c:d:f:t:o:j:zihV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			slope_arg = optarg;
			break;
		case 'm':
			if (parse_modes(o, optarg) < 0)
				return LR_OPTIONS_ERROR;
			break;
		case OPT_DTYPE:
			if (strcmp(optarg, "exact") == 0)
				o->dtype = LR_DTYPE_EXACT;
			else if (strcmp(optarg, "f64") == 0)
				o->dtype = LR_DTYPE_F64;
			else if (strcmp(optarg, "f32") == 0)
				o->dtype = LR_DTYPE_F32;
			else {
				lr_error_usage("invalid --dtype '%s': expected exact, f64 or f32",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			break;
		case OPT_PRECISION:
			if (parse_int(optarg, 1, LR_PRECISION_MAX, &v) < 0) {
				lr_error_usage("invalid --precision '%s': expected a whole number "
					       "from 1 to %d",
					       optarg, LR_PRECISION_MAX);
				return LR_OPTIONS_ERROR;
			}
			o->precision = (int)v;
			break;
		case OPT_ZERO_GRAD:
			if (strcmp(optarg, "slope") == 0)
				o->zero_grad_one = 0;
			else if (strcmp(optarg, "one") == 0)
				o->zero_grad_one = 1;
			else {
				lr_error_usage("invalid --zero-grad '%s': expected slope or one",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			break;
		case 'c':
			if (parse_columns(o, optarg) < 0)
				return LR_OPTIONS_ERROR;
			break;
		case 'd':
			if (strcmp(optarg, "\\t") == 0 || strcmp(optarg, "tab") == 0)
				o->delimiter = '\t';
			else if (strcmp(optarg, "space") == 0) {
				o->delimiter = ' ';
				o->space_runs = 1;
			}
			else if (strlen(optarg) == 1 && !strchr("\"\r\n0123456789.+-eE", optarg[0]))
				o->delimiter = (unsigned char)optarg[0];
			else {
				lr_error_usage("invalid --delimiter '%s': expected one character that "
					       "cannot be part of a number (or 'tab')",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			break;
		case OPT_HEADER:
			o->header = 1;
			break;
		case OPT_NO_HEADER:
			o->header = 0;
			break;
		case OPT_SKIP_INVALID:
			o->skip_invalid = 1;
			break;
		case OPT_PRETTY:
			o->pretty = 1;
			break;
		case OPT_ENDIAN:
			if (strcmp(optarg, "little") == 0)
				o->endian = LR_ENDIAN_LITTLE;
			else if (strcmp(optarg, "big") == 0)
				o->endian = LR_ENDIAN_BIG;
			else {
				lr_error_usage("invalid --endian '%s': expected little or big", optarg);
				return LR_OPTIONS_ERROR;
			}
			break;
		case 'z':
			o->gzip = 1;
			break;
		case 'i':
			o->inplace = 1;
			break;
		case OPT_KEEP_HEADERS:
			o->keep_headers = 1;
			break;
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case OPT_SKIP_ROWS:
			if (parse_int(optarg, 0, 1L << 40, &v) < 0) {
				lr_error_usage("invalid --skip-rows '%s': expected a whole number",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			o->skip_rows = (uint64_t)v;
			break;
		case OPT_PART: {
			char *slash = strchr(optarg, '/');
			size_t k = slash ? to_index(optarg, (size_t)(slash - optarg)) : 0;
			size_t n = slash ? to_index(slash + 1, strlen(slash + 1)) : 0;

			if (!slash || !all_digits(optarg, (size_t)(slash - optarg)) ||
			    !all_digits(slash + 1, strlen(slash + 1)) || slash == optarg || !slash[1] ||
			    k < 1 || n < 1 || k > n || n > 1000000) {
				lr_error_usage("invalid --part '%s': expected K/N with 1 <= K <= N, as 3/8",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			o->part_k = k;
			o->part_n = n;
			o->byte_range = 0;
			break;
		}
		case OPT_BYTE_RANGE: {
			char *colon = strchr(optarg, ':');
			size_t la = colon ? (size_t)(colon - optarg) : 0, lb = colon ? strlen(colon + 1) : 0;

			if (!colon || !la || !all_digits(optarg, la) || (lb && !all_digits(colon + 1, lb))) {
				lr_error_usage("invalid --byte-range '%s': expected A:B (or A: to the end), "
					       "byte offsets with A <= B",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			o->range_a = to_index(optarg, la);
			o->range_b = lb ? to_index(colon + 1, lb) : SIZE_MAX;
			if (o->range_a > o->range_b) {
				lr_error_usage("invalid --byte-range '%s': A is past B", optarg);
				return LR_OPTIONS_ERROR;
			}
			o->byte_range = 1;
			o->part_n = 0;
			break;
		}
		case OPT_INDEX:
			o->index = 1;
			break;
		case OPT_JSON_ROWS:
			if (strcmp(optarg, "objects") != 0 && strcmp(optarg, "arrays") != 0) {
				lr_error_usage("invalid --json-rows '%s': expected objects or arrays",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			o->json_arrays = optarg[0] == 'a';
			break;
		case OPT_COMMENT:
			if (strlen(optarg) != 1 || strchr("\"\r\n", optarg[0])) {
				lr_error_usage("invalid --comment '%s': expected one character, such "
					       "as '#'",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			o->comment = (unsigned char)optarg[0];
			break;
		case OPT_NA:
			if (parse_na(o, optarg) < 0)
				return LR_OPTIONS_ERROR;
			break;
		case OPT_ALLOW_NAN:
			o->allow_nan = 1;
			break;
		case OPT_UNBUFFERED:
			o->unbuffered = 1;
			break;
		case OPT_WITH_INPUT:
			o->with_input = 1;
			break;
		case OPT_RANGE:
			if (parse_range(o, optarg) < 0)
				return LR_OPTIONS_ERROR;
			break;
		case OPT_NO_PROGRESS:
			o->progress = 0;
			break;
		case OPT_STATS:
			if (!optarg || strcmp(optarg, "text") == 0)
				o->stats = 1;
			else if (strcmp(optarg, "json") == 0)
				o->stats = 2;
			else {
				lr_error_usage("invalid --stats '%s': expected text or json", optarg);
				return LR_OPTIONS_ERROR;
			}
			break;
		case 'j':
			if (parse_int(optarg, 0, 256, &v) < 0) {
				lr_error_usage("invalid --threads '%s': expected 0 to 256", optarg);
				return LR_OPTIONS_ERROR;
			}
			o->threads = (int)v;
			o->one_thread = v == 1;
			if (o->threads == 0) {
				long n = sysconf(_SC_NPROCESSORS_ONLN);

				o->threads = n < 1 ? 1 : n > 256 ? 256 : (int)n;
			}
			break;
		case OPT_LEVEL:
			if (parse_int(optarg, 1, 9, &v) < 0) {
				lr_error_usage("invalid --level '%s': expected 1 to 9", optarg);
				return LR_OPTIONS_ERROR;
			}
			o->level = (int)v;
			break;
		case OPT_CHANNELS:
			if (parse_int(optarg, 1, 1L << 30, &v) < 0) {
				lr_error_usage("invalid --channels '%s': expected a whole number from 1",
					       optarg);
				return LR_OPTIONS_ERROR;
			}
			o->channels = (size_t)v;
			break;
		case 'f':
		case 't': {
			const struct lr_format *f = lr_format_by_name(optarg);

			if (!f) {
				lr_error_usage("invalid --%s '%s': expected %s", ch == 'f' ? "from" : "to",
					       optarg, lr_format_names());
				return LR_OPTIONS_ERROR;
			}
			if (ch == 'f')
				o->from = f;
			else
				o->to = f;
			break;
		}
		case 'o':
			if (!*optarg) {
				lr_error_usage("invalid --output '': expected a file name");
				return LR_OPTIONS_ERROR;
			}
			o->output = optarg;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? LR_OPTIONS_DONE
								      : LR_OPTIONS_ERROR;
		case 'V':
			printf("lrelu %s\n", LR_VERSION);
			return LR_OPTIONS_DONE;
		case ':':
			lr_error_usage("option '%s' needs a value", argv[optind - 1]);
			return LR_OPTIONS_ERROR;
		default:
			if (optopt)
				lr_error_usage("unknown option '-%c'", optopt);
			else if (nearest_option(argv[optind - 1]))
				lr_error_usage("unknown option '%s': did you mean '--%s'?", argv[optind - 1],
					       nearest_option(argv[optind - 1]));
			else
				lr_error_usage("unknown option '%s'", argv[optind - 1]);
			return LR_OPTIONS_ERROR;
		}
	}
	if (parse_slopes(o, slope_arg ? slope_arg : o->mode == LR_MODE_PRELU ? "0.25" : "0.01") < 0)
		return LR_OPTIONS_ERROR;
	for (i = 0; i < o->nmodes; i++)
		inverse |= o->modes[i] == LR_MODE_INVERSE;
	if (inverse)
		for (i = 0; i < o->nslopes; i++)
			if (o->slope_dec[i].neg || o->slope_dec[i].m == 0) {
				lr_error_usage("--mode inverse needs slopes greater than 0");
				return LR_OPTIONS_ERROR;
			}
	if (o->header == 0)
		for (i = 0; i < o->ncols; i++)
			if (o->cols[i].name) {
				lr_error_usage("--columns '%s' names a column, which needs a header row "
					       "(drop --no-header)",
					       o->cols[i].name);
				return LR_OPTIONS_ERROR;
			}
	if (o->output && strlen(o->output) > 3 &&
	    strcmp(o->output + strlen(o->output) - 3, ".gz") == 0)
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

void lr_options_calc(const struct lr_options *o, struct lr_calc *c)
{
	memset(c, 0, sizeof *c);
	c->k.mode = o->mode;
	c->k.zero_grad_one = o->zero_grad_one;
	c->k.nslopes = o->nslopes;
	c->k.slope64 = o->slope64;
	c->k.slope32 = o->slope32;
	c->dec = o->slope_dec;
	c->slope_text = o->slope_text;
	c->slope_len = o->slope_len;
	c->dtype = o->dtype;
	c->precision = o->precision;
	c->skip_invalid = o->skip_invalid;
	c->na = o->na;
	c->nna = o->nna;
}

void lr_options_free(struct lr_options *o)
{
	free(o->slope_dec);
	free(o->slope64);
	free(o->slope32);
	free(o->slope_text);
	free(o->slope_len);
	free(o->cols);
	if (o->na_text)
		free((void *)o->na);
	free(o->na_text);
}
