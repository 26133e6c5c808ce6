/*
 * half.h - float16 (IEEE binary16) and bfloat16 conversions. float32 to
 * the narrow types rounds to nearest even; NaN becomes 0x7e00 (with its
 * sign) in float16 and 0x7fc0 in bfloat16, as PyTorch writes them.
 */
#ifndef LR_HALF_H
#define LR_HALF_H

#include <stdint.h>

float lr_f16_to_f32(uint16_t h);
uint16_t lr_f32_to_f16(float f);
float lr_bf16_to_f32(uint16_t b);
uint16_t lr_f32_to_bf16(float f);

/* double to the narrow types, rounded once to nearest even. */
uint16_t lr_f64_to_f16(double d);
uint16_t lr_f64_to_bf16(double d);

#endif
