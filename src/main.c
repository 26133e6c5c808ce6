/*
 * main.c - the flow: options, then for each input open the source, pick
 * the formats, pump blocks decoder -> calc -> encoder -> sink, close;
 * the worst problem becomes the exit status.
 */
#include <stdio.h>
#include <stdlib.h>

#include "calc.h"
#include "convert.h"
#include "diag.h"
#include "format.h"
#include "options.h"
#include "stream.h"

/* Processes one input into sink. Returns 0, or -1 after reporting. */
static int run_one(const struct lr_options *o, const struct lr_calc *calc, const char *path,
		   struct lr_sink *sink)
{
	struct lr_source *src = lr_source_open(path);
	const struct lr_format *in, *out;
	void *dec = NULL, *enc = NULL;
	struct lr_convert *cv = NULL;
	struct lr_block *b, *w;
	uint64_t invalid = 0;
	int r = -1;

	if (!src)
		return -1;
	in = o->from;
	if (!in)
		in = lr_format_by_path(path);
	if (!in) {
		const unsigned char *p;
		ssize_t n = lr_source_peek(src, 512, &p);

		if (n < 0)
			goto done;
		in = lr_format_sniff(p, (size_t)n);
	}
	out = o->to ? o->to : in;
	if (out->family != in->family && !(cv = lr_convert_open(in, out, o)))
		goto done;
	if (out == &lr_format_npy && o->ninputs > 1) {
		lr_error_usage("an .npy output holds one array: give one input");
		goto done;
	}
	dec = in->dec_open(in, src, o);
	if (!dec)
		goto done;
	enc = out->enc_open(out, sink, o, in);
	if (!enc)
		goto done;
	for (;;) {
		int got = in->dec_read(dec, &b);

		if (got < 0)
			goto done;
		if (got == 0)
			break;
		if (lr_calc_block(calc, b) < 0)
			goto done;
		invalid = b->invalid;
		w = b;
		if (cv && lr_convert_block(cv, b, &w) < 0)
			goto done;
		if (out->enc_write(enc, w) < 0)
			goto done;
	}
	if (cv && (lr_convert_finish(cv, &w) < 0 || out->enc_write(enc, w) < 0))
		goto done;
	if (out->enc_finish(enc) < 0)
		goto done;
	if (invalid)
		lr_warn("%s: %llu invalid values passed through", src->name,
			(unsigned long long)invalid);
	r = 0;
done:
	lr_convert_close(cv);
	if (enc)
		out->enc_close(enc);
	if (dec)
		in->dec_close(dec);
	lr_source_close(src);
	return r;
}

int main(int argc, char **argv)
{
	struct lr_options o;
	struct lr_calc calc;
	struct lr_sink *sink;
	enum lr_exit worst = LR_EXIT_OK, e;
	size_t i;
	int r;

	r = lr_options_parse(&o, argc, argv);
	if (r != LR_OPTIONS_RUN) {
		lr_options_free(&o);
		return r == LR_OPTIONS_DONE ? LR_EXIT_OK : LR_EXIT_USAGE;
	}
	lr_stream_signals();
	lr_options_calc(&o, &calc);
	sink = o.output ? lr_sink_atomic(o.output) : lr_sink_stdout();
	if (sink && o.gzip && lr_sink_gzip(sink, o.level) < 0) {
		lr_sink_close(sink, 0);
		sink = NULL;
	}
	if (!sink) {
		lr_options_free(&o);
		return lr_diag_take();
	}
	for (i = 0; i < o.ninputs; i++) {
		r = run_one(&o, &calc, o.inputs[i], sink);
		e = lr_diag_take();
		if (e > worst)
			worst = e;
		/* Into one output file, a failed input spoils the whole file;
		 * on standard output the next inputs still go out, as with cat. */
		if (r < 0 && o.output)
			break;
	}
	if (lr_sink_close(sink, worst == LR_EXIT_OK) < 0) {
		e = lr_diag_take();
		if (e > worst)
			worst = e;
	}
	lr_options_free(&o);
	return (int)worst;
}
