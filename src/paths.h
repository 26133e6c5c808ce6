/*
 * paths.h - the narrower and reference paths $LRELU_PATHS can force, so
 * that the differential suites run the one binary that ships through
 * each of them (HACKING.md lists the names). Read once, at start; the
 * fast paths ask with a test of one word.
 */
#ifndef LR_PATHS_H
#define LR_PATHS_H

enum {
	LR_PATH_LIBCSV = 1 << 0,       /* every CSV byte through libcsv */
	LR_PATH_JSON_GENERAL = 1 << 1, /* every JSON element as cells, by the general loop */
	LR_PATH_JSON_WINDOW = 1 << 2,  /* every JSON element through the window of large ones */
	LR_PATH_PORTABLE = 1 << 3,     /* the scalar loops, not SSE2 and up */
	LR_PATH_SSE2 = 1 << 4,         /* SSE2, not AVX2 or AVX-512 */
	LR_PATH_AVX2 = 1 << 5,         /* AVX2, not AVX-512 */
	LR_PATH_EAGER = 1 << 6,        /* small buffers, and the read-ahead thread does
					* every part of each */
	LR_PATH_RESULT_TEXT = 1 << 7,  /* text into binary: every result as text first,
					* then read (no LR_CELL_VALUE) */
	LR_PATH_ZLIB = 1 << 8          /* gzip input inflated by zlib, not ISA-L */
};

/* The paths forced; 0 unless $LRELU_PATHS names some. */
extern unsigned lr_paths;

/* Reads $LRELU_PATHS (names separated by commas). Returns 0, or -1
 * after reporting a name it does not know (a usage error). */
int lr_paths_init(void);

/* May the SIMD loops be used (not forced to the portable ones)? */
static inline int lr_simd(void)
{
	return !(lr_paths & LR_PATH_PORTABLE);
}

#endif
