/*
 * main.c - the flow: options, then for each input open the source, pick
 * the formats, pump blocks decoder -> calc -> encoder -> sink, close;
 * the worst problem becomes the exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calc.h"
#include "convert.h"
#include "diag.h"
#include "format.h"
#include "progress.h"
#include "range.h"
#include "stats.h"
#include "options.h"
#include "part.h"
#include "paths.h"
#include "stream.h"

/* Where outputs go: all into one sink (stdout or one -o file), one file
 * per input in a directory (-o DIR/), or over each input (-i). */
struct plan {
	struct lr_sink *shared;
	const char *dir;
	int inplace;
	struct lr_progress *bar; /* the run's progress bar, or NULL */
};

/* The output path for input path in dir: the name without its format
 * suffix and .gz, then the output format's suffix, and .gz if compressed.
 * Returns a malloc'd string, or NULL after reporting. */
static char *output_name(const char *dir, const char *path, const struct lr_format *in,
			 const struct lr_format *out, int compress)
{
	const char *base = strcmp(path, "-") == 0 ? "stdin" : path;
	const char *slash = strrchr(base, '/');
	size_t n, k, dl = strlen(dir);
	char *name;
	int j;

	base = slash ? slash + 1 : base;
	n = strlen(base);
	if (n > 3 && strcasecmp(base + n - 3, ".gz") == 0)
		n -= 3;
	for (j = 0; j < 3 && in->suffixes[j]; j++) {
		k = strlen(in->suffixes[j]);
		if (n > k && strncasecmp(base + n - k, in->suffixes[j], k) == 0) {
			n -= k;
			break;
		}
	}
	name = malloc(dl + 1 + n + strlen(out->suffixes[0]) + 4);
	if (!name) {
		lr_error_sys("out of memory");
		return NULL;
	}
	sprintf(name, "%s%s%.*s%s%s", dir, dl && dir[dl - 1] != '/' ? "/" : "", (int)n, base,
		out->suffixes[0], compress ? ".gz" : "");
	return name;
}

/* Creates the directory path and those above it that are missing, as
 * mkdir -p. Returns 0, or -1 after reporting. */
static int make_dirs(const char *path)
{
	char *p = strdup(path), *q;
	struct stat st;
	int r = 0;

	if (!p) {
		lr_error_sys("out of memory");
		return -1;
	}
	for (q = p + 1; r == 0; q++) {
		char c = *q;

		if (c != '/' && c != '\0')
			continue;
		*q = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			r = -1;
		else if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			r = -1;
		}
		if (r < 0)
			lr_error_sys("%s", p);
		*q = c;
		if (c == '\0' || q[1] == '\0')
			break;
	}
	free(p);
	return r;
}

/* -o DIR/: refuses, before anything is written, inputs whose outputs
 * would have the same name (a/x.csv and b/x.csv). Where an input's
 * format is known only from its content, its output suffix is not, and
 * the name without the suffix decides. Returns 0, or -1 after
 * reporting. */
static int distinct_outputs(const struct lr_options *o)
{
	static const struct lr_format bare = { .name = "", .suffixes = { "" } };
	char **stem = calloc(2 * o->ninputs + 1, sizeof *stem), **full = stem + o->ninputs;
	size_t i, j;
	int r = 0;

	if (!stem) {
		lr_error_sys("out of memory");
		return -1;
	}
	for (i = 0; i < o->ninputs && r == 0; i++) {
		const char *path = o->inputs[i];
		const struct lr_format *in = o->from ? o->from : lr_format_by_path(path);
		const struct lr_format *out = o->to ? o->to : in;
		size_t n = strlen(path);
		int gz = o->gzip || (n > 3 && strcasecmp(path + n - 3, ".gz") == 0);

		stem[i] = output_name("", path, in ? in : &bare, &bare, 0);
		full[i] = out ? output_name("", path, in, out, gz) : NULL; /* NULL: not known yet */
		if (!stem[i] || (out && !full[i])) {
			r = -1;
			break;
		}
		for (j = 0; j < i; j++) {
			int same = full[i] && full[j] ? strcmp(full[i], full[j]) == 0
						       : strcmp(stem[i], stem[j]) == 0;

			if (same) {
				lr_error_usage("-o %s: %s and %s would both be written to %s%s%s%s",
					       o->output, o->inputs[j], path, o->output,
					       o->output[strlen(o->output) - 1] == '/' ? "" : "/",
					       full[i] ? full[i] : stem[i], full[i] ? "" : ".*");
				r = -1;
				break;
			}
		}
	}
	for (i = 0; i < 2 * o->ninputs; i++)
		free(stem[i]);
	free(stem);
	return r;
}

/* --range: generated rows, written in the -t format (CSV by default).
 * Returns 0, or -1 after reporting. */
static int run_range(const struct lr_options *o, const struct lr_calc *calc,
		     struct lr_sink *sink)
{
	const struct lr_format *out = o->to ? o->to : &lr_format_csv;
	struct lr_range *rg = lr_range_open(o, calc);
	struct lr_convert *cv = NULL;
	struct lr_block *b, *w;
	void *enc = NULL;
	int r = -1, got;

	if (!rg)
		return -1;
	if (out->family != LR_FAMILY_TABLE && !(cv = lr_convert_open(&lr_format_csv, out, o)))
		goto done;
	enc = out->enc_open(out, sink, o, &lr_format_csv);
	if (!enc)
		goto done;
	while ((got = lr_range_read(rg, &b)) > 0) {
		w = b;
		if (cv && lr_convert_block(cv, b, &w) < 0)
			goto done;
		if (out->enc_write(enc, w) < 0)
			goto done;
	}
	if (got < 0)
		goto done;
	if (cv && (lr_convert_finish(cv, &w) < 0 || out->enc_write(enc, w) < 0))
		goto done;
	r = out->enc_finish(enc);
done:
	lr_convert_close(cv);
	if (enc)
		out->enc_close(enc);
	lr_range_close(rg);
	return r;
}

/* --part or --byte-range: replaces *src by a source of the part's
 * segments (part.h), and sets *po to o with what the decoders and
 * encoders need to know of the part. Returns 0, or -1 after reporting. */
static int open_part(struct lr_source **src, const char *path, const struct lr_format *in,
		     const struct lr_format *out, const struct lr_options *o, struct lr_options *po)
{
	struct lr_part p;
	struct lr_source *s;

	if (o->inplace) {
		lr_error_usage("--in-place replaces whole files: not with --part or --byte-range");
		return -1;
	}
	if (lr_part_plan(path, in, o, &p) < 0)
		return -1;
	s = lr_source_open_segments(path, p.seg, p.nseg);
	if (s && p.window &&
	    lr_source_window(s, p.prefix, p.prefix_len, p.skip_bytes, p.skip_line, p.limit) < 0) {
		lr_source_close(s);
		s = NULL;
	}
	free(p.prefix);
	if (!s)
		return -1;
	lr_source_close(*src);
	*src = s;
	*po = *o;
	po->part_rest = p.rest;
	po->part_more = p.more;
	po->part_preamble_rows = p.preamble_rows;
	po->part_values = p.values;
	po->part_start = p.start;
	po->part_exact = p.exact;
	/* a later part's CSV header goes, as a later input's does */
	po->csv.skip_header = po->csv.skip_header || p.rest;
	if (p.rest)
		po->csv.skip_rows = 0; /* the first part's lines */
	/* the first part into .npy from another format: its header holds
	 * the whole array's length (npy_header_pass) */
	if (!p.rest && out == &lr_format_npy && in != &lr_format_npy)
		po->npy_header = LR_NPY_HEADER_DONE;
	return 0;
}

/* The format of the input src (named path): -f, else its suffix, else
 * its content; a text format only if the content is text. NULL after
 * reporting. */
static const struct lr_format *input_format(struct lr_source *src, const char *path,
					    const struct lr_options *o)
{
	const struct lr_format *in = o->from ? o->from : lr_format_by_path(path);
	const unsigned char *p;
	ssize_t n;

	if (!in) {
		/* what is at hand: a pipe's first line is not held back */
		if ((n = lr_source_peek_some(src, &p)) < 0)
			return NULL;
		in = lr_format_sniff(p, (size_t)n);
	}
	if (in->family != LR_FAMILY_BINARY) {
		/* Content before suffix: binary bytes read as text would only
		 * give puzzling messages, or be echoed back. */
		const char *what;

		if ((n = lr_source_peek_some(src, &p)) < 0)
			return NULL;
		what = n > 0 ? lr_format_not_text(p, (size_t)n, src->gz != NULL) : NULL;
		if (what) {
			lr_error_at(src->name, 0, 0, "%s", what);
			return NULL;
		}
	}
	return in;
}

/* The checks that need the input's and output's formats. Returns 0, or
 * -1 after reporting. */
static int check_formats(const struct lr_options *o, const struct plan *plan,
			 const struct lr_source *src, const struct lr_format *in,
			 const struct lr_format *out)
{
	/* Text inputs keep their text only within their family. */
	if (o->with_input && in->family != LR_FAMILY_BINARY && out->family != in->family) {
		lr_error_usage("%s: --with-input from %s writes %s's family only", src->name,
			       in->name, in->name);
		return -1;
	}
	if (out == &lr_format_npy && o->ninputs > 1 && plan->shared) {
		lr_error_usage("an .npy output holds one array: give one input, or -o DIR/");
		return -1;
	}
	return 0;
}

/* The output of its own for the input path (-o DIR/ or --in-place),
 * compressed if asked or if the input was. NULL after reporting. */
static struct lr_sink *own_sink(const struct lr_options *o, const struct plan *plan,
				const char *path, const struct lr_source *src,
				const struct lr_format *in, const struct lr_format *out)
{
	int compress = o->gzip || src->gz != NULL;
	char *name = plan->inplace ? strdup(path) : output_name(plan->dir, path, in, out, compress);
	struct lr_sink *sink;

	if (!name) {
		lr_error_sys("out of memory");
		return NULL;
	}
	sink = plan->inplace ? lr_sink_atomic_over(name, src->fd) : lr_sink_atomic(name);
	free(name);
	if (sink && compress && lr_sink_gzip(sink, o->level, o->threads) < 0) {
		lr_sink_close(sink, 0);
		return NULL;
	}
	return sink;
}

/* The pipeline of one input, once it is open. */
struct run {
	const struct lr_format *in, *out;
	struct lr_source *src;
	struct lr_sink *sink;
	void *dec, *enc;
	struct lr_convert *cv; /* NULL within a family */
};

/* Pumps the blocks of one input from decoder to encoder: calc, convert,
 * encode, and flush when the input would make a reader wait. Returns
 * 0, or -1 after reporting. */
static int pump(const struct run *u, const struct lr_options *o, const struct lr_calc *calc,
		const struct plan *plan)
{
	uint64_t invalid = 0;
	struct lr_block *b, *w;
	int got;

	while ((got = u->in->dec_read(u->dec, &b)) > 0) {
		if (lr_calc_block(calc, b) < 0)
			return -1;
		invalid = b->invalid;
		w = b;
		if (u->cv && lr_convert_block(u->cv, b, &w) < 0)
			return -1;
		if (u->out->enc_write(u->enc, w) < 0)
			return -1;
		/* A slow writer's records go on as they come (tail -f);
		 * never a cost on regular files, which do not wait. */
		if ((o->unbuffered || lr_source_would_block(u->src)) && lr_sink_flush(u->sink) < 0)
			return -1;
		if (plan->bar)
			lr_progress_update(plan->bar, u->src->consumed);
	}
	if (got < 0)
		return -1;
	if (plan->bar)
		lr_progress_file_done(plan->bar, u->src->consumed);
	if (u->cv && (lr_convert_finish(u->cv, &w) < 0 || u->out->enc_write(u->enc, w) < 0))
		return -1;
	if (u->out->enc_finish(u->enc) < 0)
		return -1;
	if (invalid && o->npy_header != LR_NPY_HEADER_ONLY)
		lr_warn("%s: %llu invalid values passed through", u->src->name,
			(unsigned long long)invalid);
	return 0;
}

/* Opens the stages between u's source and sink under o: the converter
 * (between families), decoder and encoder. Returns 0, or -1 after
 * reporting (run_close frees what was opened). */
static int run_open(struct run *u, const struct lr_options *o)
{
	if (u->out->family != u->in->family && !(u->cv = lr_convert_open(u->in, u->out, o)))
		return -1;
	if (!(u->dec = u->in->dec_open(u->in, u->src, o)) ||
	    !(u->enc = u->out->enc_open(u->out, u->sink, o, u->in)))
		return -1;
	if (u->cv)
		lr_convert_spill(u->cv, u->out->enc_write, u->enc);
	return 0;
}

/* Closes what run_open opened (not the source or the sink). */
static void run_close(struct run *u)
{
	lr_convert_close(u->cv);
	if (u->enc)
		u->out->enc_close(u->enc);
	if (u->dec)
		u->in->dec_close(u->dec);
}

/* The first part into .npy from another format writes the header with
 * the whole array's length, which only the whole input tells: this
 * reads all of path as the serial run would (o: the options without the
 * part), counts the values and writes the header alone to sink. Reads
 * the whole file, so this part takes as long as a serial run without its
 * writing; the others read their own bytes only. Returns 0, or -1 after
 * reporting. */
static int npy_header_pass(const char *path, const struct lr_format *in,
			   const struct lr_format *out, const struct lr_options *o,
			   const struct lr_calc *calc, struct lr_sink *sink)
{
	struct run u = { .in = in, .out = out, .sink = sink };
	struct lr_options ho = *o;
	struct lr_calc hc = *calc;
	struct plan hp = { 0 };
	int r = -1;

	ho.npy_header = LR_NPY_HEADER_ONLY;
	hc.stats = NULL; /* the part's own run counts its values */
	if (!(u.src = lr_source_open(path)))
		return -1;
	if (run_open(&u, &ho) == 0)
		r = pump(&u, &ho, &hc, &hp);
	run_close(&u);
	lr_source_close(u.src);
	return r;
}

/* Processes one input. Returns 0, or -1 after reporting. */
static int run_one(const struct lr_options *o, const struct lr_calc *calc, const char *path,
		   const struct plan *plan)
{
	struct run u = { .sink = plan->shared };
	const struct lr_options *whole = o;
	struct lr_options po;
	int r = -1;

	if (!(u.src = lr_source_open(path)))
		return -1;
	if (calc->stats)
		lr_stats_reset(calc->stats);
	if (!(u.in = input_format(u.src, path, o)))
		goto done;
	u.out = o->to ? o->to : u.in;
	if (o->part_n || o->byte_range) {
		if (open_part(&u.src, path, u.in, u.out, o, &po) < 0)
			goto done;
		o = &po;
	}
	lr_options_warn_ignored(o, u.in, u.out);
	if (check_formats(o, plan, u.src, u.in, u.out) < 0)
		goto done;
	if (!u.sink && !(u.sink = own_sink(o, plan, path, u.src, u.in, u.out)))
		goto done;
	if (o->npy_header == LR_NPY_HEADER_DONE &&
	    npy_header_pass(path, u.in, u.out, whole, calc, u.sink) < 0)
		goto done;
	if (run_open(&u, o) < 0)
		goto done;
	if (plan->bar)
		lr_progress_file(plan->bar, u.src->name);
	if (pump(&u, o, calc, plan) < 0)
		goto done;
	if (calc->stats)
		lr_stats_print(calc->stats, u.src->name, o->stats == 2);
	r = 0;
done:
	run_close(&u);
	/* A file of this input's own: in place only if all went well. */
	if (u.sink && u.sink != plan->shared && lr_sink_close(u.sink, r == 0) < 0)
		r = -1;
	lr_source_close(u.src);
	return r;
}

/* Where the run writes (struct plan): in place, files in -o DIR/, or
 * one shared sink (-o FILE or standard output). Returns 0, or -1 after
 * reporting. */
static int plan_output(struct lr_options *o, struct plan *plan)
{
	struct stat st;

	memset(plan, 0, sizeof *plan);
	if (o->inplace) {
		plan->inplace = 1;
		return 0;
	}
	if (o->output && (o->output[strlen(o->output) - 1] == '/' ||
			  (stat(o->output, &st) == 0 && S_ISDIR(st.st_mode)))) {
		if (distinct_outputs(o) < 0 || make_dirs(o->output) < 0)
			return -1;
		plan->dir = o->output;
		return 0;
	}
	plan->shared = o->output ? lr_sink_output(o->output) : lr_sink_stdout();
	if (plan->shared && o->gzip && lr_sink_gzip(plan->shared, o->level, o->threads) < 0) {
		lr_sink_close(plan->shared, 0);
		plan->shared = NULL;
	}
	return plan->shared ? 0 : -1;
}

/* Raises *worst to the exit status of what was reported since the last
 * call. */
static void take_diag(enum lr_exit *worst)
{
	enum lr_exit e = lr_diag_take();

	if (e > *worst)
		*worst = e;
}

/* --index: each input's record index to the shared output, nothing
 * else. */
static void run_index(const struct lr_options *o, const struct plan *plan, enum lr_exit *worst)
{
	size_t i;

	if (!plan->shared) {
		lr_error_usage("--index writes one output: not -i or -o DIR/");
		take_diag(worst);
		return;
	}
	for (i = 0; i < o->ninputs; i++) {
		const struct lr_format *f = o->from ? o->from : lr_format_by_path(o->inputs[i]);

		if (!f)
			lr_error_usage("%s: give -f FORMAT for --index: the name does not say",
				       o->inputs[i]);
		else
			(void)lr_part_write_index(o->inputs[i], f, o, plan->shared);
		take_diag(worst);
	}
}

/* A progress bar on standard error when asked, or by default when that
 * is a terminal (never in pipes or logs unless asked); its total is
 * known when every input is a regular file. */
static struct lr_progress *start_progress(const struct lr_options *o, struct lr_progress *bar)
{
	int64_t total = 0;
	struct stat st;
	size_t i;

	if (!(o->progress == 1 || (o->progress < 0 && isatty(2))))
		return NULL;
	for (i = 0; i < o->ninputs && total >= 0; i++)
		total = strcmp(o->inputs[i], "-") != 0 && stat(o->inputs[i], &st) == 0 &&
				S_ISREG(st.st_mode)
				? total + st.st_size
				: -1;
	lr_progress_start(bar, (unsigned long)o->ninputs, total, o->progress == 1);
	return bar;
}

int main(int argc, char **argv)
{
	struct lr_options o;
	struct lr_calc calc;
	struct lr_stats stats;
	struct lr_progress bar;
	struct plan plan;
	enum lr_exit worst = LR_EXIT_OK;
	size_t i;
	int r;

	if (lr_paths_init() < 0)
		return LR_EXIT_USAGE;
	r = lr_options_parse(&o, argc, argv);
	if (r != LR_OPTIONS_RUN) {
		lr_options_free(&o);
		return r == LR_OPTIONS_DONE ? LR_EXIT_OK : LR_EXIT_USAGE;
	}
	lr_stream_signals();
	lr_options_calc(&o, &calc);
	calc.stats = o.stats ? &stats : NULL;
	if (plan_output(&o, &plan) < 0) {
		lr_options_free(&o);
		return lr_diag_take();
	}
	if (o.range) {
		/* run_range reports its own failures */
		if (!plan.shared)
			lr_error_usage("--range writes one output: not -i or -o DIR/");
		else
			(void)run_range(&o, &calc, plan.shared);
		take_diag(&worst);
		o.ninputs = 0;
	}
	if (o.index) {
		run_index(&o, &plan, &worst);
		o.ninputs = 0;
	}
	plan.bar = start_progress(&o, &bar);
	for (i = 0; i < o.ninputs; i++) {
		if (strcmp(o.inputs[i], "-") == 0 && isatty(0))
			lr_warn("reading standard input from the terminal (end it with Ctrl-D; "
				"lrelu --help for usage)");
		/* Concatenated CSV gets one header, the first input's. */
		o.csv.skip_header = plan.shared && i > 0 && !o.csv.keep_headers;
		r = run_one(&o, &calc, o.inputs[i], &plan);
		take_diag(&worst);
		/* Into one output file, a failed input spoils the whole file;
		 * on standard output, or to files of their own, the next inputs
		 * still go out, as with cat. */
		if (r < 0 && plan.shared && o.output)
			break;
	}
	if (plan.bar)
		lr_progress_end(plan.bar);
	if (plan.shared && lr_sink_close(plan.shared, worst == LR_EXIT_OK) < 0)
		take_diag(&worst);
	lr_options_free(&o);
	return (int)worst;
}
