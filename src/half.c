/*
 * half.c - float16 and bfloat16 to and from float32, rounding to nearest
 * even, with NaN written the way PyTorch writes it.
 */
#include "half.h"

#include <math.h>
#include <string.h>

static uint32_t f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float bits_f32(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

float lr_f16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;

	if (exp == 0) {
		/* zero or subnormal: man * 2^-24, exact in float32 */
		float f = (float)man * 0x1p-24f;

		return sign ? -f : f;
	}
	if (exp == 31)
		return bits_f32(sign | 0x7f800000u | man << 13);
	return bits_f32(sign | (exp + 112) << 23 | man << 13);
}

uint16_t lr_f32_to_f16(float f)
{
	uint32_t u = f32_bits(f), sign = (u >> 16) & 0x8000, a = u & 0x7fffffffu;
	uint32_t h, rest;

	if (a > 0x7f800000u)
		return (uint16_t)(sign | 0x7e00);
	if (a >= 0x47800000u) /* 65536 and up, and inf */
		return (uint16_t)(sign | 0x7c00);
	if (a < 0x38800000u) { /* below 2^-14: subnormal or zero in float16 */
		float m = nearbyintf(fabsf(f) * 0x1p24f);

		return (uint16_t)(sign | (uint32_t)m);
	}
	h = ((a >> 23) - 112) << 10 | (a >> 13 & 0x3ff);
	rest = a & 0x1fff;
	if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
		h++; /* a carry into the exponent is right, up to infinity */
	return (uint16_t)(sign | h);
}

float lr_bf16_to_f32(uint16_t b)
{
	return bits_f32((uint32_t)b << 16);
}

uint16_t lr_f32_to_bf16(float f)
{
	uint32_t u = f32_bits(f);

	if (isnan(f))
		return 0x7fc0;
	return (uint16_t)((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

/* double to float rounding to odd: toward zero, and the last bit set if
 * anything was lost. Rounded to nearest even again to 11 or 8 bits, this
 * gives the correctly rounded narrow value (24 bits is more than 2 bits
 * beyond either). */
static float f64_to_f32_odd(double d)
{
	float f = (float)d;
	uint32_t u;

	if (isnan(d) || (double)f == d)
		return f;
	if (fabs((double)f) > fabs(d))
		f = nextafterf(f, 0.0f);
	u = f32_bits(f) | 1u;
	return bits_f32(u);
}

uint16_t lr_f64_to_f16(double d)
{
	return lr_f32_to_f16(f64_to_f32_odd(d));
}

uint16_t lr_f64_to_bf16(double d)
{
	return lr_f32_to_bf16(f64_to_f32_odd(d));
}
