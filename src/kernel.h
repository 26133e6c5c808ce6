/*
 * kernel.h - the activation on binary numbers: Leaky ReLU forward, its
 * gradient, PReLU and the inverse, in float32 or float64, with PyTorch's
 * conventions at ±0, NaN and ±inf. No I/O, no malloc.
 */
#ifndef LR_KERNEL_H
#define LR_KERNEL_H

#include <stddef.h>
#include <stdint.h>

enum lr_mode { LR_MODE_FORWARD, LR_MODE_GRAD, LR_MODE_PRELU, LR_MODE_INVERSE, LR_MODE_IDENTITY };

/* The parameters of one run. Slopes are per channel: value i of a row of
 * nslopes channels uses slope i; with nslopes == 1 every value uses it.
 * The float32 slopes are the float64 ones rounded to float32, as PyTorch
 * rounds a Python float to the tensor's dtype. */
struct lr_kernel {
	enum lr_mode mode;
	int zero_grad_one; /* grad at x == ±0 is 1 instead of the slope */
	size_t nslopes;
	const double *slope64;
	const float *slope32;
};

/* f(x) for one value with slope a. */
double lr_kernel_one64(const struct lr_kernel *k, double x, double a);
float lr_kernel_one32(const struct lr_kernel *k, float x, float a);

/* Rewrites v[0..n) in place. v[i] is value first + i of its stream and
 * takes the slope of channel ((first + i) / inner) % k->nslopes: inner is
 * 1 for rows of channels, the size of the trailing axes for axis 1 of a
 * C-order array. */
void lr_kernel_run64(const struct lr_kernel *k, double *v, size_t n, uint64_t first, size_t inner);
void lr_kernel_run32(const struct lr_kernel *k, float *v, size_t n, uint64_t first, size_t inner);

#endif
