/*
 * quant_decode.c - GGML blocks (Q8_0, Q4_0, Q4_1) decoded to floats in memory, for the products
 * that multiply a decoded weight with the SGEMM (LoupeTensor/Ops/Tensor+QuantizedLinear.swift:
 * a prompt's rows, the path points of integrated gradients).  Each element is computed as the
 * Swift decoder does — d·q for Q8_0, d·(q − 8) for Q4_0, d·q + m for Q4_1, one rounding per
 * operation and no fused multiply-add — so every path gives the same bits.  Paths: AVX-512,
 * AVX2 + F16C, and the portable loop.
 */
#include "CLoupeKernelsQuantized.h"
#include "cpu_level.h"
#include "half.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { GGML_Q4_0 = 2, GGML_Q4_1 = 3, GGML_Q8_0 = 8 };

static void decode_generic(int type, long blocks, const uint8_t *src, float *y, long ystride) {
    for (long b = 0; b < blocks; b++, y += ystride) {
        if (type == GGML_Q8_0) {
            const uint8_t *p = src + b * 34;
            float d = loupe_half_to_float(loupe_u16_at(p));
            const int8_t *q = (const int8_t *)(p + 2);
            for (int i = 0; i < 32; i++) y[i] = (float)q[i] * d;
        } else if (type == GGML_Q4_0) {
            const uint8_t *p = src + b * 18;
            float d = loupe_half_to_float(loupe_u16_at(p));
            for (int i = 0; i < 16; i++) {
                y[i] = d * (float)((int)(p[2 + i] & 0x0F) - 8);
                y[i + 16] = d * (float)((int)(p[2 + i] >> 4) - 8);
            }
        } else {
            const uint8_t *p = src + b * 20;
            float d = loupe_half_to_float(loupe_u16_at(p)), m = loupe_half_to_float(loupe_u16_at(p + 2));
            for (int i = 0; i < 16; i++) {
                /* Two statements: C may fuse a·b + c written as one expression. */
                float lo = d * (float)(p[4 + i] & 0x0F), hi = d * (float)(p[4 + i] >> 4);
                y[i] = lo + m;
                y[i + 16] = hi + m;
            }
        }
    }
}

#if defined(__x86_64__)

__attribute__((target("avx2,f16c"))) static void decode_avx2(int type, long blocks, const uint8_t *src, float *y, long ystride) {
    const __m128i m4 = _mm_set1_epi8(0x0F), eight = _mm_set1_epi8(8);
    for (long b = 0; b < blocks; b++, y += ystride) {
        if (type == GGML_Q8_0) {
            const uint8_t *p = src + b * 34;
            __m256 d = _mm256_set1_ps(_cvtsh_ss(loupe_u16_at(p)));
            for (int i = 0; i < 4; i++) {
                __m128i q = _mm_loadl_epi64((const __m128i *)(p + 2 + 8 * i));
                _mm256_storeu_ps(y + 8 * i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d));
            }
        } else {
            const int q41 = type == GGML_Q4_1;
            const uint8_t *p = src + b * (q41 ? 20 : 18);
            __m256 d = _mm256_set1_ps(_cvtsh_ss(loupe_u16_at(p)));
            __m256 m = _mm256_set1_ps(q41 ? _cvtsh_ss(loupe_u16_at(p + 2)) : 0.0f);
            __m128i raw = _mm_loadu_si128((const __m128i *)(p + (q41 ? 4 : 2)));
            __m128i lo = _mm_and_si128(raw, m4), hi = _mm_and_si128(_mm_srli_epi16(raw, 4), m4);
            if (!q41) {
                lo = _mm_sub_epi8(lo, eight);
                hi = _mm_sub_epi8(hi, eight);
            }
            __m128i parts[4] = {lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8)};
            for (int i = 0; i < 4; i++) {
                __m256 q = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(parts[i]));
                __m256 v = _mm256_mul_ps(d, q);
                _mm256_storeu_ps(y + 8 * i, q41 ? _mm256_add_ps(v, m) : v);
            }
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx2,f16c"))) static void decode_avx512(int type, long blocks,
                                                                                      const uint8_t *src, float *y,
                                                                                      long ystride) {
    const __m128i m4 = _mm_set1_epi8(0x0F), eight = _mm_set1_epi8(8);
    for (long b = 0; b < blocks; b++, y += ystride) {
        if (type == GGML_Q8_0) {
            const uint8_t *p = src + b * 34;
            __m512 d = _mm512_set1_ps(_cvtsh_ss(loupe_u16_at(p)));
            __m512 q0 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p + 2))));
            __m512 q1 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p + 18))));
            _mm512_storeu_ps(y, _mm512_mul_ps(q0, d));
            _mm512_storeu_ps(y + 16, _mm512_mul_ps(q1, d));
        } else {
            const int q41 = type == GGML_Q4_1;
            const uint8_t *p = src + b * (q41 ? 20 : 18);
            __m512 d = _mm512_set1_ps(_cvtsh_ss(loupe_u16_at(p)));
            __m128i raw = _mm_loadu_si128((const __m128i *)(p + (q41 ? 4 : 2)));
            __m128i lo = _mm_and_si128(raw, m4), hi = _mm_and_si128(_mm_srli_epi16(raw, 4), m4);
            if (!q41) {
                lo = _mm_sub_epi8(lo, eight);
                hi = _mm_sub_epi8(hi, eight);
            }
            __m512 v0 = _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(lo)));
            __m512 v1 = _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(hi)));
            if (q41) {
                __m512 m = _mm512_set1_ps(_cvtsh_ss(loupe_u16_at(p + 2)));
                v0 = _mm512_add_ps(v0, m);
                v1 = _mm512_add_ps(v1, m);
            }
            _mm512_storeu_ps(y, v0);
            _mm512_storeu_ps(y + 16, v1);
        }
    }
}

#endif

/* Decodes on path 2 (AVX-512), 1 (AVX2 + F16C) or 0 (portable), block b to dst + b · stride;
 * 0 for another type. */
static int decode_on(int path, int ggml_type, long blocks, const void *src, float *dst, long stride) {
    if (ggml_type != GGML_Q4_0 && ggml_type != GGML_Q4_1 && ggml_type != GGML_Q8_0) return 0;
    if (path < 0 || blocks < 0) return 0;
#if defined(__x86_64__)
    if (path == 2) {
        decode_avx512(ggml_type, blocks, (const uint8_t *)src, dst, stride);
        return 1;
    }
    if (path == 1) {
        decode_avx2(ggml_type, blocks, (const uint8_t *)src, dst, stride);
        return 1;
    }
#endif
    decode_generic(ggml_type, blocks, (const uint8_t *)src, dst, stride);
    return 1;
}

int loupe_quantized_decode_using(const char *kernel, int ggml_type, long blocks, const void *src, float *dst) {
    return decode_on(loupe_vector_path(kernel, "avx2"), ggml_type, blocks, src, dst, 32);
}

/* The best path, found once: the SGEMM's panel packing calls this for every 8 × 192 piece of a
 * weight, so a CPUID query and string compares per call would be a measurable share. */
static int best_path = -1;

static int active_path(void) {
    int path = __atomic_load_n(&best_path, __ATOMIC_RELAXED);
    if (path < 0) {
        path = loupe_vector_path(NULL, "avx2");
        __atomic_store_n(&best_path, path, __ATOMIC_RELAXED);
    }
    return path;
}

int loupe_quantized_decode(int ggml_type, long blocks, const void *src, float *dst) {
    return decode_on(active_path(), ggml_type, blocks, src, dst, 32);
}

int loupe_quantized_decode_strided(int ggml_type, long blocks, const void *src, float *dst, long dst_stride) {
    return decode_on(active_path(), ggml_type, blocks, src, dst, dst_stride);
}
