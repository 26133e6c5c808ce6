/*
 * paths.c - $LRELU_PATHS (paths.h).
 */
#include "paths.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

unsigned lr_paths;

int lr_paths_init(void)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "libcsv", LR_PATH_LIBCSV },	    { "json-general", LR_PATH_JSON_GENERAL },
		{ "json-window", LR_PATH_JSON_WINDOW }, { "portable", LR_PATH_PORTABLE },
		{ "sse2", LR_PATH_SSE2 },	    { "avx2", LR_PATH_AVX2 },
		{ "eager", LR_PATH_EAGER },	    { "result-text", LR_PATH_RESULT_TEXT },
		{ "zlib", LR_PATH_ZLIB },
	};
	const char *p = getenv("LRELU_PATHS");

	lr_paths = 0;
	while (p && *p) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == len && memcmp(p, names[i].name, len) == 0)
				break;
		if (i == sizeof names / sizeof names[0]) {
			if (len) {
				lr_error_usage("LRELU_PATHS: unknown path '%.*s'", (int)len, p);
				return -1;
			}
		} else
			lr_paths |= names[i].bit;
		p += len + (p[len] == ',');
	}
	/* a narrower SIMD level takes the narrower ones with it */
	if (lr_paths & LR_PATH_PORTABLE)
		lr_paths |= LR_PATH_SSE2;
	if (lr_paths & LR_PATH_SSE2)
		lr_paths |= LR_PATH_AVX2;
	return 0;
}
