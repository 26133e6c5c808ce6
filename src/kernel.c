/*
 * kernel.c - Leaky ReLU and friends on float32 and float64 values.
 * The comparisons are written as PyTorch's CPU kernel writes them
 * (x > 0 ? x : x * a), which decides every edge: ±0 and NaN take the
 * slope branch, and -inf * 0 is NaN.
 */
#include "kernel.h"

#define DEFINE_ONE(NAME, T)                                                   \
	T NAME(const struct lr_kernel *k, T x, T a)                           \
	{                                                                     \
		switch (k->mode) {                                            \
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

#define DEFINE_RUN(NAME, ONE, T, SLOPES)                                      \
	void NAME(const struct lr_kernel *k, T *v, size_t n, size_t first)    \
	{                                                                     \
		size_t i, c = k->nslopes > 1 ? first % k->nslopes : 0;        \
		if (k->nslopes == 1) {                                        \
			T a = k->SLOPES[0];                                   \
			for (i = 0; i < n; i++)                               \
				v[i] = ONE(k, v[i], a);                       \
			return;                                               \
		}                                                             \
		for (i = 0; i < n; i++) {                                     \
			v[i] = ONE(k, v[i], k->SLOPES[c]);                    \
			if (++c == k->nslopes)                                \
				c = 0;                                        \
		}                                                             \
	}

DEFINE_RUN(lr_kernel_run64, lr_kernel_one64, double, slope64)
DEFINE_RUN(lr_kernel_run32, lr_kernel_one32, float, slope32)
