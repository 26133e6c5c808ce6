/*
 * kernel.c - Leaky ReLU and friends on float32 and float64 values.
 * The comparisons are written as PyTorch's CPU kernel writes them
 * (x > 0 ? x : x * a), which decides every edge: ±0 and NaN take the
 * slope branch, and -inf * 0 is NaN. Each mode is its own loop over a
 * run of values that share a slope, so that the compiler can vectorize.
 */
#include "kernel.h"

/* The loops below are the whole cost on binary input; GCC vectorizes
 * them at -O2 only with a cost model that allows a scalar epilogue, and
 * only when a comparison may not raise a floating-point exception (no one
 * reads the flags, and the results are the same). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
#endif

#define DEFINE_ONE(NAME, T)                                                   \
	T NAME(const struct lr_kernel *k, T x, T a)                           \
	{                                                                     \
		switch (k->mode) {                                            \
		case LR_MODE_IDENTITY:                                        \
			return x;                                             \
		case LR_MODE_GRAD:                                            \
			if (x > 0 || (k->zero_grad_one && x == 0))            \
				return (T)1;                                  \
			return a;                                             \
		case LR_MODE_INVERSE:                                         \
			return x > 0 ? x : x / a;                             \
		case LR_MODE_FORWARD:                                         \
		case LR_MODE_PRELU:                                           \
		default:                                                      \
			return x > 0 ? x : x * a;                             \
		}                                                             \
	}

DEFINE_ONE(lr_kernel_one64, double)
DEFINE_ONE(lr_kernel_one32, float)

/* On x86-64 the span loops are built for SSE2, AVX2 and AVX-512F, and
 * the loader picks the widest the processor runs (AVX-512: 4% off a
 * 40 MB float32 run, where the kernel's copy of the file is most of the
 * rest). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__gnu_linux__)
#define LR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LR_CLONES
#endif

/* v[0..n) all with slope a. */
#define DEFINE_SPAN(NAME, T)                                                  \
	LR_CLONES static void NAME(const struct lr_kernel *k, T *v, size_t n, T a) \
	{                                                                     \
		size_t i;                                                     \
		switch (k->mode) {                                            \
		case LR_MODE_IDENTITY:                                        \
			break;                                                \
		case LR_MODE_GRAD:                                            \
			if (k->zero_grad_one)                                 \
				for (i = 0; i < n; i++)                       \
					v[i] = v[i] >= 0 ? (T)1 : a;          \
			else                                                  \
				for (i = 0; i < n; i++)                       \
					v[i] = v[i] > 0 ? (T)1 : a;           \
			break;                                                \
		case LR_MODE_INVERSE:                                         \
			for (i = 0; i < n; i++) {                             \
				T q = v[i] / a;                               \
				v[i] = v[i] > 0 ? v[i] : q;                   \
			}                                                     \
			break;                                                \
		case LR_MODE_FORWARD:                                         \
		case LR_MODE_PRELU:                                           \
		default:                                                      \
			/* The product for every lane, so that no branch is  \
			 * left to keep the compiler from vectorizing. */     \
			for (i = 0; i < n; i++) {                             \
				T m = v[i] * a;                               \
				v[i] = v[i] > 0 ? v[i] : m;                   \
			}                                                     \
		}                                                             \
	}

DEFINE_SPAN(span64, double)
DEFINE_SPAN(span32, float)

/* v[0..n) with slope a[i] each: the per-channel loops of rows below,
 * vectorized like the spans. */
#define DEFINE_LANES(NAME, T)                                                 \
	LR_CLONES static void NAME(const struct lr_kernel *k, T *v, size_t n,  \
				   const T *a)                                 \
	{                                                                     \
		size_t i;                                                     \
		switch (k->mode) {                                            \
		case LR_MODE_IDENTITY:                                        \
			break;                                                \
		case LR_MODE_GRAD:                                            \
			if (k->zero_grad_one)                                 \
				for (i = 0; i < n; i++)                       \
					v[i] = v[i] >= 0 ? (T)1 : a[i];       \
			else                                                  \
				for (i = 0; i < n; i++)                       \
					v[i] = v[i] > 0 ? (T)1 : a[i];        \
			break;                                                \
		case LR_MODE_INVERSE:                                         \
			for (i = 0; i < n; i++) {                             \
				T q = v[i] / a[i];                            \
				v[i] = v[i] > 0 ? v[i] : q;                   \
			}                                                     \
			break;                                                \
		default:                                                      \
			for (i = 0; i < n; i++) {                             \
				T m = v[i] * a[i];                            \
				v[i] = v[i] > 0 ? v[i] : m;                   \
			}                                                     \
		}                                                             \
	}

DEFINE_LANES(lanes64, double)
DEFINE_LANES(lanes32, float)

/* The slopes of rows of nslopes channels laid out as a repeating pattern
 * of whole rows, at most this many values long. */
#define ROWS_PATTERN 1024

/* Rows of nslopes values (inner == 1), the first in channel c: the
 * slopes repeat with the rows, so the values go in pieces of a pattern
 * of whole rows, each slope in its lane. */
#define DEFINE_ROWS(NAME, LANES, T, SLOPES)                                   \
	static void NAME(const struct lr_kernel *k, T *v, size_t n, size_t c)  \
	{                                                                     \
		T pat[ROWS_PATTERN];                                          \
		size_t i, ns = k->nslopes, len;                               \
		if (ns > ROWS_PATTERN) {                                      \
			/* one value at a time */                             \
			for (i = 0; i < n; i++) {                             \
				LANES(k, v + i, 1, k->SLOPES + c);            \
				c = c + 1 == ns ? 0 : c + 1;                  \
			}                                                     \
			return;                                               \
		}                                                             \
		len = ROWS_PATTERN / ns * ns;                                 \
		if (len > n)                                                  \
			len = n;                                              \
		for (i = 0; i < len; i++) {                                   \
			pat[i] = k->SLOPES[c];                                \
			c = c + 1 == ns ? 0 : c + 1;                          \
		}                                                             \
		for (i = 0; i < n; i += len)                                  \
			LANES(k, v + i, n - i < len ? n - i : len, pat);      \
	}

DEFINE_ROWS(rows64, lanes64, double, slope64)
DEFINE_ROWS(rows32, lanes32, float, slope32)

/* Walks v in runs of one channel: value i has channel
 * ((first + i) / inner) % nslopes. */
#define DEFINE_RUN(NAME, SPAN, ROWS, T, SLOPES)                               \
	void NAME(const struct lr_kernel *k, T *v, size_t n, uint64_t first,  \
		  size_t inner)                                               \
	{                                                                     \
		size_t done = 0;                                              \
		if (k->nslopes <= 1 || inner == 0) {                          \
			SPAN(k, v, n, k->SLOPES[0]);                          \
			return;                                               \
		}                                                             \
		if (inner == 1) {                                             \
			ROWS(k, v, n, (size_t)(first % k->nslopes));          \
			return;                                               \
		}                                                             \
		while (done < n) {                                            \
			uint64_t pos = first + done;                          \
			size_t c = (size_t)((pos / inner) % k->nslopes);      \
			size_t left = inner - (size_t)(pos % inner);          \
			if (left > n - done)                                  \
				left = n - done;                              \
			SPAN(k, v + done, left, k->SLOPES[c]);                \
			done += left;                                         \
		}                                                             \
	}

DEFINE_RUN(lr_kernel_run64, span64, rows64, double, slope64)
DEFINE_RUN(lr_kernel_run32, span32, rows32, float, slope32)
