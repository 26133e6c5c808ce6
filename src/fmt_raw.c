/*
 * fmt_raw.c - raw binary floats (float32, float64, float16, bfloat16, in
 * either byte order) and NumPy .npy files. The decoder turns elements
 * into native float32 or float64 values, which the kernel computes in
 * that width as PyTorch does (float16 and bfloat16 through float32); the
 * encoder writes them back in the target's type and byte order.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "format.h"
#include "half.h"

#define RAW_VALUES LR_BLOCK_MAX_VALUES /* values per block */
#define NPY_HEADER_MAX 65536     /* longest .npy header accepted */
#define NPY_MAX_DIMS 32

/* ---- element conversions (half.c) ---- */

static float bits_f32(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

#define f16_to_f32 lr_f16_to_f32
#define f32_to_f16 lr_f32_to_f16
#define bf16_to_f32 lr_bf16_to_f32
#define f32_to_bf16 lr_f32_to_bf16

static int host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

static void swap_bytes(unsigned char *p, size_t width)
{
	size_t i;

	for (i = 0; i < width / 2; i++) {
		unsigned char t = p[i];

		p[i] = p[width - 1 - i];
		p[width - 1 - i] = t;
	}
}

/* ---- the element types ---- */

enum dtype { DT_F32, DT_F64, DT_F16, DT_BF16 };

static size_t dtype_width(enum dtype t)
{
	return t == DT_F64 ? 8 : t == DT_F32 ? 4 : 2;
}

static const char *dtype_name(enum dtype t)
{
	static const char *const names[] = { "float32", "float64", "float16", "bfloat16" };

	return names[t];
}

static enum dtype format_dtype(const struct lr_format *f)
{
	if (f == &lr_format_f64)
		return DT_F64;
	if (f == &lr_format_f16)
		return DT_F16;
	if (f == &lr_format_bf16)
		return DT_BF16;
	return DT_F32;
}

/* ---- .npy headers ---- */

struct npy_header {
	enum dtype dtype;
	int big;               /* '>' byte order */
	int fortran;
	int ndim;
	uint64_t dims[NPY_MAX_DIMS];
	uint64_t count;        /* product of dims */
};

/* Finds 'key': in the header dict text and returns what follows, or NULL. */
static const char *npy_field(const char *h, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof pat, "'%s'", key);
	p = strstr(h, pat);
	if (!p) {
		snprintf(pat, sizeof pat, "\"%s\"", key);
		p = strstr(h, pat);
	}
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ')
		p++;
	return p;
}

/* Parses the header dict. Returns NULL, or what is wrong. */
static const char *npy_parse(const char *h, struct npy_header *nh)
{
	const char *p, *code;
	char descr[16];
	size_t n;

	memset(nh, 0, sizeof *nh);
	p = npy_field(h, "descr");
	if (!p || (*p != '\'' && *p != '"'))
		return "no 'descr' in the header";
	for (n = 0; p[1 + n] && p[1 + n] != *p && n + 1 < sizeof descr; n++)
		descr[n] = p[1 + n];
	descr[n] = '\0';
	/* A byte order of '<' or '>', or native ('=', '|' or none), as
	 * numpy reads it. */
	code = strchr("<>=|", descr[0]) ? descr + 1 : descr;
	if (strcmp(code, "f4") == 0)
		nh->dtype = DT_F32;
	else if (strcmp(code, "f8") == 0)
		nh->dtype = DT_F64;
	else if (strcmp(code, "f2") == 0)
		nh->dtype = DT_F16;
	else {
		static char why[96];

		snprintf(why, sizeof why,
			 "dtype '%.15s' is not supported (only <f4 >f4 <f8 >f8 <f2 >f2)", descr);
		return why;
	}
	nh->big = descr[0] == '>' || (descr[0] != '<' && host_big_endian());
	p = npy_field(h, "fortran_order");
	if (!p)
		return "no 'fortran_order' in the header";
	if (strncmp(p, "True", 4) == 0)
		nh->fortran = 1;
	else if (strncmp(p, "False", 5) != 0)
		return "'fortran_order' is neither True nor False";
	p = npy_field(h, "shape");
	if (!p || *p != '(')
		return "no 'shape' tuple in the header";
	p++;
	nh->count = 1;
	for (;;) {
		char *end;
		unsigned long long v;

		while (*p == ' ')
			p++;
		if (*p == ')')
			break;
		if (*p < '0' || *p > '9')
			return "the shape is not a tuple of whole numbers";
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno || nh->ndim == NPY_MAX_DIMS)
			return "the shape is too large";
		nh->dims[nh->ndim++] = v;
		if (v && nh->count > (UINT64_C(1) << 60) / v)
			return "the shape claims more than 2^60 values";
		nh->count *= v;
		p = end;
		if (*p == 'L' || *p == 'l') /* Python 2's long integers, as numpy reads them */
			p++;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p != ')')
			return "the shape is not a tuple of whole numbers";
	}
	return NULL;
}

/* ---- decoder ---- */

struct raw_dec {
	struct lr_source *src;
	const struct lr_options *o;
	struct lr_block *blk;
	enum dtype dtype;
	size_t width;
	int swap;              /* file byte order differs from the host's */
	int npy;
	struct npy_header nh;
	uint64_t expect;       /* .npy: values the data must hold (the part's, with --part) */
	uint64_t offset;       /* bytes of the input consumed */
	uint64_t nvalues;      /* values decoded */
	void *own_vals;        /* the block's value array when not in place */
	unsigned char part[8]; /* an element split between chunks */
	size_t npart;
	const unsigned char *chunk;
	size_t avail;
	int done;
};

static int read_npy_header(struct raw_dec *d)
{
	const unsigned char *p;
	ssize_t n = lr_source_peek(d->src, 12, &p);
	size_t hlen, pre;
	char *h;
	const char *why;
	ssize_t got;

	if (n < 0)
		return -1;
	if (n < 10 || memcmp(p, "\x93NUMPY", 6) != 0) {
		const unsigned char *q;
		ssize_t k = lr_source_peek_some(d->src, &q);
		const char *what = k > 0 ? lr_format_not_text(q, (size_t)k, d->src->gz != NULL) : NULL;

		/* a zip archive is worth naming: an .npz is the usual mix-up */
		if (what && k >= 2 && q[0] == 'P' && q[1] == 'K')
			lr_error_at(d->src->name, 0, 0, "not a .npy file: it %s", what);
		else
			lr_error_at(d->src->name, 0, 0, "not a .npy file (no \\x93NUMPY magic)");
		return -1;
	}
	if (p[6] == 1) {
		hlen = (size_t)p[8] | (size_t)p[9] << 8;
		pre = 10;
	} else if ((p[6] == 2 || p[6] == 3) && n >= 12) {
		hlen = (size_t)p[8] | (size_t)p[9] << 8 | (size_t)p[10] << 16 | (size_t)p[11] << 24;
		pre = 12;
	} else {
		lr_error_at(d->src->name, 0, 0, "unsupported .npy version %u.%u", p[6], p[7]);
		return -1;
	}
	if (hlen > NPY_HEADER_MAX) {
		lr_error_at(d->src->name, 0, 0, ".npy header longer than %d bytes", NPY_HEADER_MAX);
		return -1;
	}
	got = lr_source_peek(d->src, pre + hlen, &p);
	if (got < 0)
		return -1;
	if ((size_t)got < pre + hlen) {
		lr_error_at(d->src->name, 0, 0, "truncated .npy header: %zu of %zu bytes",
			    (size_t)got, pre + hlen);
		return -1;
	}
	h = malloc(hlen + 1);
	if (!h) {
		lr_error_sys("out of memory");
		return -1;
	}
	memcpy(h, p + pre, hlen);
	h[hlen] = '\0';
	why = npy_parse(h, &d->nh);
	free(h);
	if (why) {
		lr_error_at(d->src->name, 0, 0, "bad .npy header: %s", why);
		return -1;
	}
	/* Consume the header: hand out chunks until it is passed. */
	{
		size_t skip = pre + hlen;

		while (skip) {
			const unsigned char *c;
			ssize_t k = lr_source_next(d->src, &c);

			if (k <= 0)
				return -1;
			if ((size_t)k > skip) {
				d->chunk = c + skip;
				d->avail = (size_t)k - skip;
				skip = 0;
			} else
				skip -= (size_t)k;
		}
		d->offset = pre + hlen;
	}
	d->dtype = d->nh.dtype;
	d->swap = d->nh.big != host_big_endian();
	return 0;
}

/* An .npy array's shape onto the block, and the channels of per-channel
 * slopes: PyTorch's PReLU puts them on axis 1 (a 1-D array has one).
 * Returns 0, or -1 after reporting. */
static int npy_shape(struct raw_dec *d, const struct lr_options *o)
{
	struct lr_block *b = d->blk;
	uint64_t inner = 1;
	int i;

	b->ndim = d->nh.ndim;
	for (i = 0; i < d->nh.ndim; i++)
		b->dims[i] = d->nh.dims[i];
	b->fortran = d->nh.fortran;
	b->total = (int64_t)d->nh.count;
	if (o->nslopes <= 1)
		return 0;
	if (d->nh.ndim < 2) {
		lr_error_at(b->name, 0, 0, "%zu slopes given, but a %d-D array takes one slope",
			    o->nslopes, d->nh.ndim);
		return -1;
	}
	if (d->nh.dims[1] != o->nslopes) {
		lr_error_at(b->name, 0, 0, "%zu slopes given, but axis 1 has %" PRIu64 " channels",
			    o->nslopes, d->nh.dims[1]);
		return -1;
	}
	if (d->nh.fortran)
		inner = d->nh.dims[0];
	else
		for (i = 2; i < d->nh.ndim; i++)
			inner *= d->nh.dims[i];
	b->inner = (size_t)inner;
	return 0;
}

/* Raw values have no shape: per-channel slopes need --channels, rows of
 * that many values. Returns 0, or -1 after reporting. */
static int raw_shape(struct raw_dec *d, const struct lr_options *o)
{
	struct lr_block *b = d->blk;

	b->ndim = -1;
	b->total = d->src->size >= 0 ? (int64_t)((uint64_t)d->src->size / d->width) : -1;
	if (o->nslopes > 1 && o->raw.channels != o->nslopes) {
		lr_error_at(b->name, 0, 0,
			    "%zu slopes given: raw input needs --channels %zu (rows of %zu values)",
			    o->nslopes, o->nslopes, o->nslopes);
		return -1;
	}
	return 0;
}

static void raw_dec_close(void *vd);

static void *raw_dec_open(const struct lr_format *f, struct lr_source *src,
			  const struct lr_options *o)
{
	struct raw_dec *d = calloc(1, sizeof *d);

	if (!d) {
		lr_error_sys("out of memory");
		return NULL;
	}
	d->src = src;
	d->o = o;
	d->npy = f == &lr_format_npy;
	if (d->npy) {
		if (read_npy_header(d) < 0) {
			free(d);
			return NULL;
		}
		d->expect = o->part_values >= 0 ? (uint64_t)o->part_values : d->nh.count;
	} else {
		d->dtype = format_dtype(f);
		d->swap = (o->raw.endian == LR_ENDIAN_BIG) != host_big_endian();
	}
	d->width = dtype_width(d->dtype);
	if (!(d->blk = lr_block_new(1, 16, 0))) {
		free(d);
		return NULL;
	}
	d->blk->name = src->name;
	d->blk->vtype = d->dtype == DT_F64 ? LR_VALUES_F64 : LR_VALUES_F32;
	d->blk->src_dtype = (int)d->dtype;
	d->blk->valcap = RAW_VALUES;
	d->blk->inner = 1;
	d->blk->vals = d->own_vals = malloc(RAW_VALUES * 8);
	if (!d->own_vals || (o->with_input && !(d->blk->in_vals = malloc(RAW_VALUES * 8)))) {
		lr_error_sys("out of memory");
		goto fail;
	}
	if ((d->npy ? npy_shape(d, o) : raw_shape(d, o)) < 0)
		goto fail;
	return d;
fail:
	raw_dec_close(d);
	return NULL;
}

/* Converts one element at p into slot i of the block. */
static void put_value(struct raw_dec *d, const unsigned char *p, size_t i)
{
	unsigned char e[8];
	uint16_t h;
	uint32_t u;

	memcpy(e, p, d->width);
	if (d->swap)
		swap_bytes(e, d->width);
	switch (d->dtype) {
	case DT_F64:
		memcpy((double *)d->blk->vals + i, e, 8);
		break;
	case DT_F32:
		memcpy(&u, e, 4);
		((float *)d->blk->vals)[i] = bits_f32(u);
		break;
	case DT_F16:
		memcpy(&h, e, 2);
		((float *)d->blk->vals)[i] = f16_to_f32(h);
		break;
	case DT_BF16:
		memcpy(&h, e, 2);
		((float *)d->blk->vals)[i] = bf16_to_f32(h);
		break;
	}
}

/* An array of no values: one block of none, which carries the shape and
 * dtype to the encoder, once the data is seen to be empty. */
static int empty_npy(struct raw_dec *d)
{
	const unsigned char *c;
	ssize_t got = d->avail ? (ssize_t)d->avail : lr_source_next(d->src, &c);

	if (got < 0)
		return -1;
	if (got > 0) {
		lr_error_at(d->src->name, 0, 0, "the shape says 0 values, but the data holds more");
		return -1;
	}
	d->done = 1;
	return 1;
}

/* More values than an .npy header's shape: an error. Returns 0, or -1
 * after reporting. */
static int check_not_past_shape(const struct raw_dec *d)
{
	if (!d->npy || d->nvalues <= d->expect)
		return 0;
	lr_error_at(d->src->name, 0, 0, "the shape says %" PRIu64 " values, but the data holds more",
		    d->nh.count);
	return -1;
}

/* Native floats, aligned in the source's buffer, are computed in place,
 * without a copy: up to RAW_VALUES of them become the block. Returns 1
 * with the block filled so, 0 to copy instead, -1 after reporting. */
static int values_in_place(struct raw_dec *d, struct lr_block *b)
{
	size_t k;

	if (d->swap || (d->dtype != DT_F32 && d->dtype != DT_F64) || d->npart)
		return 0;
	if (d->avail == 0) {
		ssize_t got = lr_source_next(d->src, &d->chunk);

		if (got < 0)
			return -1;
		d->avail = (size_t)got;
		d->done = got == 0;
	}
	if (d->avail < d->width || (uintptr_t)d->chunk % d->width != 0)
		return 0;
	/* Blocks stay within RAW_VALUES, as the encoder's and the
	 * converter's buffers expect. */
	k = d->avail / d->width;
	if (k > RAW_VALUES)
		k = RAW_VALUES;
	b->vals = (void *)(uintptr_t)d->chunk;
	d->chunk += k * d->width;
	d->avail -= k * d->width;
	d->offset += k * d->width;
	d->nvalues += k;
	b->nvals = k;
	return check_not_past_shape(d) < 0 ? -1 : 1;
}

/* Copies the whole values of the chunk at hand into b's values from
 * index n on (byte-swapped and widened as the dtype asks), keeping a
 * value split between chunks in d->part. Returns the new count. */
static size_t copy_values(struct raw_dec *d, struct lr_block *b, size_t n)
{
	size_t k = d->avail / d->width, i;

	if (d->npart) {
		/* finish the value split between chunks */
		while (d->npart < d->width && d->avail) {
			d->part[d->npart++] = *d->chunk++;
			d->avail--;
			d->offset++;
		}
		if (d->npart < d->width)
			return n;
		put_value(d, d->part, n);
		d->npart = 0;
		return n + 1;
	}
	if (k > RAW_VALUES - n)
		k = RAW_VALUES - n;
	if (!d->swap && d->dtype == DT_F32)
		memcpy((float *)b->vals + n, d->chunk, k * 4);
	else if (!d->swap && d->dtype == DT_F64)
		memcpy((double *)b->vals + n, d->chunk, k * 8);
	else
		for (i = 0; i < k; i++)
			put_value(d, d->chunk + i * d->width, n + i);
	n += k;
	d->chunk += k * d->width;
	d->avail -= k * d->width;
	d->offset += k * d->width;
	if (d->avail && d->avail < d->width && n < RAW_VALUES) {
		memcpy(d->part, d->chunk, d->avail);
		d->npart = d->avail;
		d->offset += d->avail;
		d->chunk += d->avail;
		d->avail = 0;
	}
	return n;
}

/* At the end of the input: a partial value, or fewer values than an
 * .npy header's shape, is an error. Returns 0, or -1 after reporting. */
static int check_end(const struct raw_dec *d)
{
	if (d->npart) {
		lr_error_at(d->src->name, 0, 0,
			    "%" PRIu64 " bytes is not a whole number of %s values (%zu bytes left "
			    "over at byte offset %" PRIu64 ")",
			    d->offset, dtype_name(d->dtype), d->npart, d->offset - d->npart);
		return -1;
	}
	if (d->npy && d->nvalues != d->expect) {
		lr_error_at(d->src->name, 0, 0,
			    "the shape says %" PRIu64 " values, but the data holds %" PRIu64,
			    d->nh.count, d->nvalues + (d->nh.count - d->expect));
		return -1;
	}
	return 0;
}

static int raw_dec_read(void *vd, struct lr_block **out)
{
	struct raw_dec *d = vd;
	struct lr_block *b = d->blk;
	size_t n = 0;
	int r;

	*out = b;
	b->first = d->nvalues;
	b->nvals = 0;
	b->vals = d->own_vals;
	if (d->done)
		return 0;
	if (d->npy && d->expect == 0)
		return empty_npy(d);
	if ((r = values_in_place(d, b)) != 0)
		return r;
	while (n < RAW_VALUES && !d->done) {
		if (d->avail == 0) {
			ssize_t got;

			/* what is whole goes out before a wait for a slow writer */
			if (n > 0 && (d->o->unbuffered || lr_source_would_block(d->src)))
				break;
			if ((got = lr_source_next(d->src, &d->chunk)) < 0)
				return -1;
			d->avail = (size_t)got;
			d->done = got == 0;
			continue;
		}
		n = copy_values(d, b, n);
	}
	d->nvalues += n;
	b->nvals = n;
	if ((d->done && check_end(d) < 0) || check_not_past_shape(d) < 0)
		return -1;
	return n > 0 || !d->done ? 1 : 0;
}

static void raw_dec_close(void *vd)
{
	struct raw_dec *d = vd;

	if (!d)
		return;
	free(d->own_vals);
	free(d->blk->in_vals);
	lr_block_free(d->blk);
	free(d);
}

/* ---- encoder ---- */

struct raw_enc {
	struct lr_sink *sink;
	enum dtype dtype;
	int swap;
	int npy;
	int started;
	uint64_t written;   /* values written */
	int header_guess;   /* the header's shape must be fixed up at the end */
	size_t header_len;
	uint64_t row_width; /* rows of this width, from a conversion (0: flat) */
	int no_header;      /* --part: a later part, whose .npy header the first writes */
	int header_only;    /* --part: the whole input's values counted, none written */
	struct lr_sink *data; /* where the values go: the sink, or the spool */
	struct lr_sink *spool; /* an .npy's values waiting for its header */
	unsigned char *tmp;
};

static void *raw_enc_open(const struct lr_format *f, struct lr_sink *sink,
			  const struct lr_options *o, const struct lr_format *from)
{
	struct raw_enc *e = calloc(1, sizeof *e);

	(void)from;
	if (!e || !(e->tmp = malloc(RAW_VALUES * 8))) {
		free(e);
		lr_error_sys("out of memory");
		return NULL;
	}
	e->sink = e->data = sink;
	e->npy = f == &lr_format_npy;
	e->dtype = format_dtype(f);
	e->swap = !e->npy && (o->raw.endian == LR_ENDIAN_BIG) != host_big_endian();
	e->no_header = o->part_rest || o->npy_header == LR_NPY_HEADER_DONE;
	e->header_only = o->npy_header == LR_NPY_HEADER_ONLY;
	return e;
}

/* Writes dims as a Python tuple, as numpy's headers have it: "()",
 * "(5,)", "(2, 3)". */
static void shape_text(char *out, size_t cap, const uint64_t *dims, int ndim)
{
	size_t n = (size_t)snprintf(out, cap, "(");
	int i;

	for (i = 0; i < ndim; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%" PRIu64, i ? ", " : "", dims[i]);
	snprintf(out + n, cap - n, ndim == 1 ? ",)" : ")");
}

/* Writes the .npy header for a block's shape (a 1-D guess when the
 * length is unknown, fixed up at the end). Version 1.0 unless the header
 * needs 2.0; the data starts at a multiple of 64 bytes, as numpy writes. */
static int write_npy_header(struct raw_enc *e, const struct lr_block *b, uint64_t count_fix)
{
	char dict[NPY_MAX_DIMS * 24 + 128], shape[NPY_MAX_DIMS * 24 + 8];
	unsigned char pre[12];
	size_t n = 0, dlen, pad, pre_len;
	int i;
	const char *descr = e->dtype == DT_F64 ? "<f8" : e->dtype == DT_F16 ? "<f2" : "<f4";

	if (b->in_vals && b->ndim >= 0 && b->ndim < NPY_MAX_DIMS) {
		/* --with-input: an axis of 2, input and result, interleaved in
		 * memory, so the last axis in C order and the first in Fortran
		 * order (the one that varies fastest) */
		uint64_t dims[NPY_MAX_DIMS];

		dims[b->fortran ? 0 : b->ndim] = 2;
		for (i = 0; i < b->ndim; i++)
			dims[i + b->fortran] = b->dims[i];
		shape_text(shape, sizeof shape, dims, b->ndim + 1);
	} else if (e->row_width) {
		/* rows from a conversion: the row count is fixed up at the end,
		 * in a field as wide as any count */
		snprintf(shape, sizeof shape, "(%20" PRIu64 ", %" PRIu64 ")",
			 count_fix != UINT64_MAX ? count_fix / e->row_width : 0, e->row_width);
	} else if (count_fix != UINT64_MAX) {
		/* 20 digits: room for any length, so the header size holds */
		n = (size_t)snprintf(shape, sizeof shape, "(%20" PRIu64 ",)", count_fix);
	} else if (b->ndim >= 0) {
		shape_text(shape, sizeof shape, b->dims, b->ndim);
	} else if (b->total >= 0)
		snprintf(shape, sizeof shape, "(%" PRIu64 ",)", (uint64_t)b->total);
	else /* fixed up at the end, in a field as wide as any length */
		snprintf(shape, sizeof shape, "(%20d,)", 0);
	dlen = (size_t)snprintf(dict, sizeof dict,
				"{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr,
				b->fortran ? "True" : "False", shape);
	pre_len = dlen + 1 + 10 > 65535 + 10 ? 12 : 10;
	pad = 64 - (pre_len + dlen + 1) % 64;
	if (pad == 64)
		pad = 0;
	memcpy(pre, "\x93NUMPY", 6);
	pre[6] = pre_len == 10 ? 1 : 2;
	pre[7] = 0;
	n = dlen + pad + 1;
	pre[8] = (unsigned char)(n & 0xff);
	pre[9] = (unsigned char)(n >> 8 & 0xff);
	if (pre_len == 12) {
		pre[10] = (unsigned char)(n >> 16 & 0xff);
		pre[11] = (unsigned char)(n >> 24 & 0xff);
	}
	if (lr_sink_put(e->sink, pre, pre_len) < 0 || lr_sink_put(e->sink, dict, dlen) < 0)
		return -1;
	for (; pad; pad--)
		if (lr_sink_putc(e->sink, ' ') < 0)
			return -1;
	e->header_len = pre_len + n;
	return lr_sink_putc(e->sink, '\n');
}

static int put_converted(struct raw_enc *e, const struct lr_block *b, size_t start, size_t k);

static int raw_enc_write(void *ve, const struct lr_block *b)
{
	struct raw_enc *e = ve;

	/* .npy keeps the input's type; it has none for bfloat16. */
	if (e->npy && !e->started)
		e->dtype = b->src_dtype == DT_BF16 ? DT_F32 : (enum dtype)b->src_dtype;
	if (b->nvals == 0 && !e->started && !(b->ndim >= 0 && !b->row_width))
		return 0; /* the header waits for the first values and their shape */
	if (!e->started) {
		e->started = 1;
		e->row_width = b->in_vals && b->ndim < 0 ? 2 : b->row_width;
		if (e->npy) {
			e->header_guess = (b->ndim < 0 && b->total < 0) || e->row_width;
			/* A length known only at the end: the header is rewritten
			 * then in a file, and into a pipe or through gzip the
			 * values wait in a temporary file until it is written. */
			if (e->no_header)
				e->header_guess = 0;
			else if (e->header_guess && e->header_only)
				; /* written at the end, with the count */
			else if (e->header_guess && (e->sink->gz || lseek(e->sink->fd, 0, SEEK_CUR) < 0)) {
				if (!(e->spool = e->data = lr_sink_spool()))
					return -1;
			} else if (write_npy_header(e, b, UINT64_MAX) < 0)
				return -1;
		}
	}
	e->written += b->nvals * (b->in_vals ? 2 : 1);
	if (e->header_only)
		return 0;
	if (b->in_vals) {
		/* --with-input: input and result side by side, half a block
		 * at a time so that the pairs fit the buffer */
		size_t start;

		for (start = 0; start < b->nvals; start += RAW_VALUES / 2) {
			size_t k = b->nvals - start < RAW_VALUES / 2 ? b->nvals - start : RAW_VALUES / 2;

			if (put_converted(e, b, start, k) < 0)
				return -1;
		}
		return 0;
	}
	if (b->vtype == LR_VALUES_F32 && e->dtype == DT_F32 && !e->swap)
		return lr_sink_put_large(e->data, b->vals, b->nvals * 4);
	if (b->vtype == LR_VALUES_F64 && e->dtype == DT_F64 && !e->swap)
		return lr_sink_put_large(e->data, b->vals, b->nvals * 8);
	return put_converted(e, b, 0, b->nvals);
}

/* Writes values start..start+k of b in the target type and byte order,
 * each after its input with --with-input. */
static int put_converted(struct raw_enc *e, const struct lr_block *b, size_t start, size_t k)
{
	size_t i, j = 0, w = dtype_width(e->dtype);
	int pass;

	for (i = start; i < start + k; i++)
		for (pass = b->in_vals ? 0 : 1; pass < 2; pass++) {
		const void *src = pass == 0 ? b->in_vals : b->vals;
		unsigned char *p = e->tmp + j++ * w;
		double v = b->vtype == LR_VALUES_F64 ? ((const double *)src)[i]
						     : (double)((const float *)src)[i];
		float f = (float)v;
		uint16_t h;

		switch (e->dtype) {
		case DT_F64:
			memcpy(p, &v, 8);
			break;
		case DT_F32:
			memcpy(p, &f, 4);
			break;
		case DT_F16:
			h = f32_to_f16(f);
			memcpy(p, &h, 2);
			break;
		case DT_BF16:
			h = f32_to_bf16(f);
			memcpy(p, &h, 2);
			break;
		}
		if (e->swap)
			swap_bytes(p, w);
		}
	return lr_sink_put(e->data, e->tmp, j * w);
}

/* An .npy written from a stream of unknown length gets its shape now:
 * the header is rewritten in place, at the same length. */
static int raw_enc_finish(void *ve)
{
	struct raw_enc *e = ve;
	struct lr_block shape;
	size_t len = e->header_len;

	if (e->npy && !e->started && !e->no_header) {
		/* nothing came: an empty array */
		struct lr_block none;

		memset(&none, 0, sizeof none);
		none.ndim = 1;
		e->started = 1;
		return write_npy_header(e, &none, UINT64_MAX);
	}
	if (!e->npy || !e->header_guess)
		return 0;
	if (e->spool || e->header_only) {
		struct lr_sink *spool = e->spool;

		memset(&shape, 0, sizeof shape);
		shape.ndim = -1;
		shape.total = -1;
		e->spool = NULL;
		e->data = e->sink;
		if (write_npy_header(e, &shape, e->written) < 0) {
			if (spool)
				lr_sink_close(spool, 0);
			return -1;
		}
		return spool ? lr_sink_unspool(spool, e->sink) : 0;
	}
	if (lr_sink_flush(e->sink) < 0)
		return -1;
	if (lseek(e->sink->fd, 0, SEEK_SET) < 0) {
		lr_error_usage("%s: an .npy of unknown length needs a seekable output; use -o FILE",
			      e->sink->name);
		return -1;
	}
	memset(&shape, 0, sizeof shape);
	shape.ndim = -1;
	shape.total = -1;
	if (write_npy_header(e, &shape, e->written) < 0 || lr_sink_flush(e->sink) < 0)
		return -1;
	if (e->header_len != len || lseek(e->sink->fd, 0, SEEK_END) < 0) {
		lr_error_sys("%s", e->sink->name);
		return -1;
	}
	return 0;
}

static void raw_enc_close(void *ve)
{
	struct raw_enc *e = ve;

	if (!e)
		return;
	if (e->spool)
		lr_sink_close(e->spool, 0);
	free(e->tmp);
	free(e);
}

/* Raw values: a record is a value, or a row of --channels values. */
static int raw_part(const struct lr_part_ask *q, struct lr_part *p)
{
	uint64_t unit = dtype_width(format_dtype(q->f)) * (q->o->raw.channels ? q->o->raw.channels : 1);
	uint64_t from = (q->a + unit - 1) / unit * unit, to = q->last ? q->size : (q->b + unit - 1) / unit * unit;

	if (q->keep_first && !q->first && from < unit)
		from = unit; /* the first value (or row) is the first part's */
	if (q->keep_first && to < unit)
		to = unit;
	if (to < from)
		to = from;

	lr_part_range(p, from < q->size ? from : q->size, to < q->size ? to : q->size);
	return 0;
}

/* .npy: a record is a slice along the first axis (C order); the header
 * goes first in every part, for the decoder, and is written by the
 * first part only, with the whole array's shape. */
static int npy_part(const struct lr_part_ask *q, struct lr_part *p)
{
	unsigned char pre[12];
	struct npy_header nh;
	const char *why = NULL;
	uint64_t hlen, data, row, end, from, to;
	size_t pre_len;
	char *h;
	ssize_t n = lr_part_pread(q, pre, sizeof pre, 0);
	int i;

	if (n < 0)
		return -1;
	if (n < 10 || memcmp(pre, "\x93NUMPY", 6) != 0 || (pre[6] != 1 && n < 12)) {
		lr_error_at(q->name, 0, 0, "not a .npy file (no \\x93NUMPY magic)");
		return -1;
	}
	pre_len = pre[6] == 1 ? 10 : 12;
	hlen = pre[8] | (uint64_t)pre[9] << 8;
	if (pre_len == 12)
		hlen |= (uint64_t)pre[10] << 16 | (uint64_t)pre[11] << 24;
	if (hlen > NPY_HEADER_MAX || !(h = malloc(hlen + 1))) {
		lr_error_at(q->name, 0, 0, ".npy header longer than %d bytes", NPY_HEADER_MAX);
		return -1;
	}
	n = lr_part_pread(q, h, hlen, pre_len);
	if (n >= 0) {
		h[n] = '\0';
		why = (uint64_t)n < hlen ? "the header is cut short" : npy_parse(h, &nh);
	}
	free(h);
	if (n < 0)
		return -1;
	if (why) {
		lr_error_at(q->name, 0, 0, "bad .npy header: %s", why);
		return -1;
	}
	if (nh.fortran && nh.ndim > 1) {
		lr_error_usage("%s: a Fortran-order .npy cannot be split along its first axis, "
			       "which is not contiguous",
			       q->name);
		return -1;
	}
	data = pre_len + hlen;
	row = dtype_width(nh.dtype);
	for (i = 1; i < nh.ndim; i++)
		row *= nh.dims[i];
	if (row == 0)
		row = 1;
	end = data + nh.count * dtype_width(nh.dtype);
	if (end > q->size)
		end = q->size; /* the decoder says it is cut short */
	from = q->a <= data ? data : data + (q->a - data + row - 1) / row * row;
	to = q->last ? q->size : q->b <= data ? data : data + (q->b - data + row - 1) / row * row;
	if (q->keep_first && !q->first && from < data + row)
		from = data + row; /* the first row is the first part's */
	if (q->keep_first && to < data + row)
		to = data + row;
	if (from > end)
		from = end;
	if (!q->last && to > end)
		to = end;
	if (to < from)
		to = from;
	if (q->first)
		from = 0;
	lr_part_range(p, from, to);
	if (!q->first) {
		/* the header first, for the decoder */
		memmove(p->seg + 1, p->seg, p->nseg * sizeof *p->seg);
		p->seg[0].off = 0;
		p->seg[0].len = data;
		p->seg[0].text = NULL;
		p->nseg++;
	}
	p->values = (int64_t)(((to > data ? to : data) - (from > data ? from : data)) / dtype_width(nh.dtype));
	return 0;
}

/* float32 by default; .npy by its magic. */
static int npy_sniff(const unsigned char *p, size_t n)
{
	return n >= 6 && memcmp(p, "\x93NUMPY", 6) == 0;
}

#define RAW_FORMAT(VAR, NAME, SUFFIX, SNIFF, PART)                             \
	const struct lr_format VAR = {                                         \
		.name = NAME,                                                  \
		.suffixes = { SUFFIX },                                        \
		.family = LR_FAMILY_BINARY,                                    \
		.sniff = SNIFF,                                                \
		.dec_open = raw_dec_open,                                      \
		.dec_read = raw_dec_read,                                      \
		.dec_close = raw_dec_close,                                    \
		.enc_open = raw_enc_open,                                      \
		.enc_write = raw_enc_write,                                    \
		.enc_finish = raw_enc_finish,                                  \
		.enc_close = raw_enc_close,                                    \
		.part = PART,                                                  \
	}

RAW_FORMAT(lr_format_f32, "f32", ".f32", NULL, raw_part);
RAW_FORMAT(lr_format_f64, "f64", ".f64", NULL, raw_part);
RAW_FORMAT(lr_format_f16, "f16", ".f16", NULL, raw_part);
RAW_FORMAT(lr_format_bf16, "bf16", ".bf16", NULL, raw_part);
RAW_FORMAT(lr_format_npy, "npy", ".npy", npy_sniff, npy_part);
