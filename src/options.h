/*
 * options.h - the command line turned into a struct lr_options, with
 * every value checked. The rest of the program sees only this struct,
 * never argv.
 */
#ifndef LR_OPTIONS_H
#define LR_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "calc.h"
#include "decimal.h"
#include "kernel.h"

struct lr_format;

/* One item of --columns: a 1-based inclusive range, the last few
 * columns, or a header name (for JSON, a key or a key path). */
struct lr_colspec {
	size_t lo, hi; /* hi == (size_t)-1: to the last column */
	size_t last;   /* -N: (Python's [-N:]): the last N columns; 0 if not */
	const char *name;    /* a header name, or a glob (pre*) when glob */
	const char *name_hi; /* name:name_hi, a range of names */
	int glob;
	int literal;   /* name:TEXT, taken as it is (no glob, range or path) */
};

enum lr_endian { LR_ENDIAN_LITTLE, LR_ENDIAN_BIG };

#define LR_MAX_MODES 5

/* The settings of one family of formats, read by its own code only
 * (fmt_csv.c, fmt_json.c, fmt_raw.c; convert.c where one feeds the
 * other). options.c's table says which options set them, and warns of
 * one given where neither the input nor the output format reads it. */

struct lr_csv_options {          /* CSV and TSV text */
	int delimiter;    /* 0: the format's own, or sniffed where no suffix says */
	int space_runs;   /* -d space: a run of spaces is one separator */
	int header;       /* -1: detect, 0: none, 1: first row */
	uint64_t skip_rows; /* lines before the table, passed through */
	int comment;      /* lines starting with it pass through; 0: none */
	/* missing-value tokens, passed through and counted (--na) */
	const char *const *na;
	size_t nna;
	char *na_text;    /* --na's own copy, which na points into */
	int keep_headers; /* repeat later inputs' headers when concatenating */
	int skip_header;  /* set by main: leave out this input's header row */
};

struct lr_json_options {         /* JSON and NDJSON */
	int pretty;       /* indented output */
	int allow_nan;    /* Python's NaN, Infinity, -Infinity in and out */
	int json_arrays;  /* CSV with a header to JSON: rows as arrays, not objects */
};

struct lr_raw_options {          /* raw binary and .npy */
	enum lr_endian endian; /* raw binary byte order */
	size_t channels;  /* values per row, 0 if not given */
};

struct lr_options {
	enum lr_mode mode;       /* the first of modes */
	enum lr_mode modes[LR_MAX_MODES];
	size_t nmodes;           /* more than one only with --range */
	int range;               /* --range START:STOP:COUNT given */
	struct lr_small range_start, range_stop;
	uint64_t range_count;
	enum lr_dtype dtype;
	int precision;     /* 0: keep every digit */
	int zero_grad_one; /* --zero-grad one */
	size_t nslopes;
	struct lr_small *slope_dec;
	struct lr_divisor *slope_div; /* for --mode inverse */
	double *slope64;
	float *slope32;
	char (*slope_text)[LR_SLOPE_TEXT]; /* each slope as exact grad writes it */
	size_t *slope_len;
	struct lr_colspec *cols; /* NULL: every column */
	size_t ncols;
	int skip_invalid;
	struct lr_csv_options csv;
	struct lr_json_options json;
	struct lr_raw_options raw;
	int gzip;         /* compress the output (-z, or -o NAME.gz) */
	int inplace;      /* -i: replace each input */
	int stats;        /* --stats: 0 none, 1 text, 2 JSON */
	int progress;     /* -1: when stderr is a terminal and the size known */
	int with_input;   /* write each input number beside its result */
	int unbuffered;   /* hand on and flush each record when it is done */
	int level;        /* gzip level, 1-9 */
	int threads;      /* threads compressing gzip output, 1-256 */
	int one_thread;   /* -j 1: no thread but the main one, not even to read ahead */
	/* --part K/N (part_n > 0) or --byte-range A:B (byte_range set; B
	 * SIZE_MAX for "to the end"): the records of a file that start in
	 * that byte range (part.h) */
	uint64_t part_k, part_n, range_a, range_b;
	int byte_range;
	int index;        /* --index: write the record index of each input */
	/* set by main for the input at hand under --part (part.h) */
	int part_rest;    /* not the part holding the file's start */
	int part_more;    /* not the part holding the file's end */
	uint64_t part_preamble_rows; /* CSV: leading rows read for the header, not written */
	int64_t part_values; /* .npy: values of the part (the shape is the whole's); -1 */
	uint64_t part_start; /* the byte of the file the part's own records start at */
	int part_exact;   /* the file's index placed the part's boundaries */
	int npy_header;   /* the first part into .npy from another format: LR_NPY_ */
	const char *output; /* NULL: standard output */
	const char *slope_arg; /* -s as given, read once the mode is known */
	uint64_t given;   /* bit i: the option of options.c's row i was given */
	const struct lr_format *from, *to;
	char **inputs;    /* at least one; "-" is standard input */
	size_t ninputs;
};

/* npy_header: the first part's .npy header holds the whole array's
 * length, which only a pass over the whole input tells (main.c) */
#define LR_NPY_HEADER_ONLY 1 /* that pass: count the values, write the header alone */
#define LR_NPY_HEADER_DONE 2 /* the part's own run: the values alone */

#define LR_OPTIONS_RUN 0   /* go on and process the inputs */
#define LR_OPTIONS_DONE 1  /* --help or --version was printed */
#define LR_OPTIONS_ERROR -1 /* a usage error was reported */

/* Fills *o from argv. Returns one of the LR_OPTIONS_ values. */
int lr_options_parse(struct lr_options *o, int argc, char **argv);

/* Warns, once a run each, of the options given that neither in nor out
 * uses (--pretty without JSON output, --endian or --channels without
 * raw binary). */
void lr_options_warn_ignored(const struct lr_options *o, const struct lr_format *in,
			     const struct lr_format *out);

/* "forward", "grad", ... */
const char *lr_mode_name(enum lr_mode m);

/* The calc parameters the options describe; valid while o lives. */
void lr_options_calc(const struct lr_options *o, struct lr_calc *c);

void lr_options_free(struct lr_options *o);

#endif
