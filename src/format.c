/*
 * format.c - the format table and the lookups over it: by name, by file
 * suffix, by content; and what an input that is not text looks like.
 */
#include "format.h"

#include <string.h>
#include <strings.h>

#include "diag.h"

static const struct lr_format *const table[] = {
	&lr_format_csv,
	&lr_format_tsv,
	&lr_format_json,
	&lr_format_ndjson,
	&lr_format_f32,
	&lr_format_f64,
	&lr_format_f16,
	&lr_format_bf16,
	&lr_format_npy,
};

#define NFORMATS (sizeof table / sizeof table[0])

const struct lr_format *lr_format_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (strcasecmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

const struct lr_format *lr_format_by_path(const char *path)
{
	size_t i, j, n = strlen(path), k;

	/* data.csv.gz is CSV: compression is the stream's business */
	if (n > 3 && strcasecmp(path + n - 3, ".gz") == 0)
		n -= 3;
	for (i = 0; i < NFORMATS; i++)
		for (j = 0; j < 3 && table[i]->suffixes[j]; j++) {
			k = strlen(table[i]->suffixes[j]);
			if (n > k && strncasecmp(path + n - k, table[i]->suffixes[j], k) == 0)
				return table[i];
		}
	return NULL;
}

const struct lr_format *lr_format_sniff(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (table[i]->sniff && table[i]->sniff(p, n))
			return table[i];
	return &lr_format_csv;
}

const char *lr_format_names(void)
{
	static char names[256];
	size_t i;

	if (!names[0])
		for (i = 0; i < NFORMATS; i++) {
			if (i)
				strcat(names, "|");
			strcat(names, table[i]->name);
		}
	return names;
}

/* Does the first zip member's name (a local file header at p) end in
 * suffix? */
static int zip_first_name_ends(const unsigned char *p, size_t n, const char *suffix)
{
	size_t len, k = strlen(suffix);

	if (n < 30)
		return 0;
	len = (size_t)p[26] | (size_t)p[27] << 8;
	if (30 + len > n || len < k)
		return 0;
	return memcmp(p + 30 + len - k, suffix, k) == 0;
}

/* Text is printable bytes, white space (form feed and vertical tab
 * too), ESC, and UTF-8 sequences; binary data has more than a quarter
 * of other bytes (NUL among them). A stray control byte in text is
 * left to the decoder, which names its place. A sequence cut by the
 * end of the bytes counts as text. */
static int looks_binary(const unsigned char *p, size_t n)
{
	size_t i = 0, odd = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len = 1;

		if (c >= 0x80) {
			len = lr_utf8_length(p + i, n - i);
			if (!len) {
				len = 1;
				odd += n - i >= 4;
			}
		} else if ((c < 0x20 && !strchr("\t\n\v\f\r\033", c)) || c == 0x7f)
			odd++;
		i += len;
	}
	return odd * 4 > n;
}

const char *lr_format_not_text(const unsigned char *p, size_t n, int inflated)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} kinds[] = {
		{ "\x93NUMPY", 6, "looks like an .npy file, not text: name it .npy or give -f npy" },
		{ "BZh", 3, "looks like bzip2-compressed data, not text: decompress it first "
			    "(bzcat FILE | lrelu)" },
		{ "\xfd" "7zXZ", 6, "looks like xz-compressed data, not text: decompress it first "
				 "(xzcat FILE | lrelu)" },
		{ "\x28\xb5\x2f\xfd", 4, "looks like zstd-compressed data, not text: decompress "
					 "it first (zstdcat FILE | lrelu)" },
		{ "\x89HDF\r\n\x1a\n", 8, "looks like an HDF5 file, not text: export the "
					   "dataset with numpy.save and give lrelu the .npy" },
		{ "PAR1", 4, "looks like a Parquet file, not text: write it out as CSV or .npy first" },
	};
	size_t i;

	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b && inflated)
		return "looks like gzip inside gzip: decompress one layer first "
		       "(zcat FILE | lrelu)";
	if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0) {
		if (zip_first_name_ends(p, n, ".npy"))
			return "looks like an .npz (zip) archive of .npy arrays, not text: unpack "
			       "it (unzip) and give lrelu the .npy files";
		if (zip_first_name_ends(p, n, "data.pkl") || zip_first_name_ends(p, n, "/version"))
			return "looks like a PyTorch checkpoint (.pt, a zip archive), not text: "
			       "save the tensor with numpy.save(path, t.numpy()) and give lrelu "
			       "the .npy";
		return "looks like a zip archive, not text: unpack it first";
	}
	if (n >= 4 && memcmp(p, "PK\5\6", 4) == 0)
		return "looks like an empty zip archive, not text";
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (n >= kinds[i].len && memcmp(p, kinds[i].magic, kinds[i].len) == 0 &&
		    (i == 0 || looks_binary(p, n)))
			return kinds[i].what;
	if (!looks_binary(p, n))
		return NULL;
	if (n >= 2 && (p[0] & 0x0f) == 8 && p[0] >> 4 <= 7 && (p[0] << 8 | p[1]) % 31 == 0)
		return "looks like a zlib stream (deflate data without gzip's wrapper), not "
		       "text: decompress it first (pigz -dz < FILE | lrelu)";
	if (n >= 2 && p[0] == 0x80 && p[1] >= 2 && p[1] <= 5)
		return "looks like a Python pickle (an older PyTorch .pt?), not text: save the "
		       "array with numpy.save and give lrelu the .npy";
	return "binary data, not text: for raw floats give -f f32|f64|f16|bf16 (or name the "
	       "file .f32, .f64, .f16 or .bf16); compressed input must be gzip";
}
