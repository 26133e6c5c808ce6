/*
 * format.c - the format table and the lookups over it: by name, by file
 * suffix, by content.
 */
#include "format.h"

#include <string.h>
#include <strings.h>

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
