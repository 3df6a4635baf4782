/* quant_dot_float.h - private to CLoupeKernels, included by quant_dot.c: the float-activation
 * kernels.  Each weight block is decoded to floats in registers and multiplied with the input
 * row as it is (no rounding of the input):
 *   Q8_0:  d_w · Σ q_w x
 *   Q4_1:  d_w · Σ q_w x + m_w · Σ x      (Σx per block precomputed, j->xs)
 *   Q4_0:  Q4_1 with m_w = −8 d_w
 * which is x · dequantize(W)ᵀ up to float rounding (the products are summed in another order
 * than the SGEMM's).  Tiles: 1 input row × 4 weight rows, or 4 input rows × 2 weight rows. */

/* ------------------------------------------------------------------ generic */

static void frows_generic(const struct qjob *j, int n0, int n1) {
    const int bytes = j->type == LOUPE_GGML_Q8_0 ? 34 : j->type == LOUPE_GGML_Q4_1 ? 20 : 18;
    for (int m = 0; m < j->M; m++) {
        const float *x = j->x + (long)m * j->ldx;
        const float *xs = j->xs + (long)m * j->nb;
        for (int n = n0; n < n1; n++) {
            const uint8_t *w = j->w + (long)n * j->ldw;
            float total = 0;
            for (int b = 0; b < j->nb; b++) {
                const uint8_t *blk = w + (long)b * bytes;
                const float *xb = x + 32 * b;
                float d = loupe_half_to_float(loupe_u16_at(blk)), sum = 0;
                if (j->type == LOUPE_GGML_Q8_0) {
                    const int8_t *q = (const int8_t *)(blk + 2);
                    for (int i = 0; i < 32; i++) sum += (float)q[i] * xb[i];
                    total += d * sum;
                } else {
                    const uint8_t *q = blk + (j->type == LOUPE_GGML_Q4_1 ? 4 : 2);
                    float mw = j->type == LOUPE_GGML_Q4_1 ? loupe_half_to_float(loupe_u16_at(blk + 2)) : -8.0f * d;
                    for (int i = 0; i < 16; i++) sum += (float)(q[i] & 0x0F) * xb[i] + (float)(q[i] >> 4) * xb[i + 16];
                    total += d * sum + mw * xs[b];
                }
            }
            j->y[(long)m * j->ldy + n] = total + (j->bias ? j->bias[n] : 0.0f);
        }
    }
}

#if defined(__x86_64__)

/* ------------------------------------------------------------------ AVX2 + FMA (256-bit) */

#define FTGT2 __attribute__((target("avx2,fma,f16c")))

FTGT2 static inline float fhsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

FTGT2 static inline __attribute__((always_inline)) void
ftile_avx2(const int MR, const int NR, const int type, const struct qjob *j, int m0, int n) {
    __m256 acc[8];
    float msum[8];
    for (int i = 0; i < MR * NR; i++) {
        acc[i] = _mm256_setzero_ps();
        msum[i] = 0;
    }
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const int bytes = type == LOUPE_GGML_Q8_0 ? 34 : type == LOUPE_GGML_Q4_1 ? 20 : 18;
    const uint8_t *w = j->w + (long)n * j->ldw;
    const float *x = j->x + (long)m0 * j->ldx;
    const float *xs = j->xs + (long)m0 * j->nb;
    for (int b = 0; b < j->nb; b++) {
        for (int c = 0; c < NR; c++) {
            const uint8_t *blk = w + c * j->ldw + (long)b * bytes;
            float d = _cvtsh_ss(loupe_u16_at(blk)), m = 0;
            __m256 q0, q1, q2, q3;
            if (type == LOUPE_GGML_Q8_0) {
                __m128i lo = _mm_loadu_si128((const __m128i *)(blk + 2));
                __m128i hi = _mm_loadu_si128((const __m128i *)(blk + 18));
                q0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo));
                q1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8)));
                q2 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi));
                q3 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8)));
            } else {
                m = type == LOUPE_GGML_Q4_1 ? _cvtsh_ss(loupe_u16_at(blk + 2)) : -8.0f * d;
                __m128i raw = _mm_loadu_si128((const __m128i *)(blk + (type == LOUPE_GGML_Q4_1 ? 4 : 2)));
                __m128i lo = _mm_and_si128(raw, m4), hi = _mm_and_si128(_mm_srli_epi16(raw, 4), m4);
                q0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo));
                q1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)));
                q2 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi));
                q3 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8)));
            }
            __m256 dv = _mm256_set1_ps(d);
            for (int r = 0; r < MR; r++) {
                const float *xb = x + r * j->ldx + 32 * b;
                __m256 t = _mm256_mul_ps(q0, _mm256_loadu_ps(xb));
                t = _mm256_fmadd_ps(q1, _mm256_loadu_ps(xb + 8), t);
                t = _mm256_fmadd_ps(q2, _mm256_loadu_ps(xb + 16), t);
                t = _mm256_fmadd_ps(q3, _mm256_loadu_ps(xb + 24), t);
                acc[r * NR + c] = _mm256_fmadd_ps(dv, t, acc[r * NR + c]);
                if (type != LOUPE_GGML_Q8_0) msum[r * NR + c] += m * xs[r * j->nb + b];
            }
        }
    }
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++)
            j->y[(long)(m0 + r) * j->ldy + n + c] =
                fhsum256(acc[r * NR + c]) + msum[r * NR + c] + (j->bias ? j->bias[n + c] : 0.0f);
}

/* ------------------------------------------------------------------ AVX-512 (one block = 2 ZMM) */

#define FTGT5 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))

FTGT5 static inline __attribute__((always_inline)) void
ftile_avx512(const int MR, const int NR, const int type, const struct qjob *j, int m0, int n) {
    __m512 acc[8];
    float msum[8];
    for (int i = 0; i < MR * NR; i++) {
        acc[i] = _mm512_setzero_ps();
        msum[i] = 0;
    }
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const int bytes = type == LOUPE_GGML_Q8_0 ? 34 : type == LOUPE_GGML_Q4_1 ? 20 : 18;
    const uint8_t *w = j->w + (long)n * j->ldw;
    const float *x = j->x + (long)m0 * j->ldx;
    const float *xs = j->xs + (long)m0 * j->nb;
    for (int b = 0; b < j->nb; b++) {
        for (int c = 0; c < NR; c++) {
            const uint8_t *blk = w + c * j->ldw + (long)b * bytes;
            float d = _cvtsh_ss(loupe_u16_at(blk)), m = 0;
            __m512 q0, q1;
            if (type == LOUPE_GGML_Q8_0) {
                q0 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(blk + 2))));
                q1 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(blk + 18))));
            } else {
                m = type == LOUPE_GGML_Q4_1 ? _cvtsh_ss(loupe_u16_at(blk + 2)) : -8.0f * d;
                __m128i raw = _mm_loadu_si128((const __m128i *)(blk + (type == LOUPE_GGML_Q4_1 ? 4 : 2)));
                q0 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_and_si128(raw, m4)));
                q1 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_and_si128(_mm_srli_epi16(raw, 4), m4)));
            }
            __m512 dv = _mm512_set1_ps(d);
            for (int r = 0; r < MR; r++) {
                const float *xb = x + r * j->ldx + 32 * b;
                __m512 t = _mm512_mul_ps(q0, _mm512_loadu_ps(xb));
                t = _mm512_fmadd_ps(q1, _mm512_loadu_ps(xb + 16), t);
                acc[r * NR + c] = _mm512_fmadd_ps(dv, t, acc[r * NR + c]);
                if (type != LOUPE_GGML_Q8_0) msum[r * NR + c] += m * xs[r * j->nb + b];
            }
        }
    }
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++)
            j->y[(long)(m0 + r) * j->ldy + n + c] =
                _mm512_reduce_add_ps(acc[r * NR + c]) + msum[r * NR + c] + (j->bias ? j->bias[n + c] : 0.0f);
}

/* The row loops of both widths: 1 × 4 tiles for one input row, 4 × 2 tiles otherwise. */
#define FROWS(NAME, TGT_, TILE)                                                                  \
    TGT_ static inline __attribute__((always_inline)) void NAME##_typed(const int type,          \
                                                                        const struct qjob *j,    \
                                                                        int n0, int n1) {        \
        if (j->M == 1) {                                                                          \
            int n = n0;                                                                           \
            for (; n + 4 <= n1; n += 4) {                                                         \
                prefetch_rows_ahead(j, n, n1);                                                    \
                TILE(1, 4, type, j, 0, n);                                                        \
            }                                                                                     \
            for (; n < n1; n++) TILE(1, 1, type, j, 0, n);                                        \
            return;                                                                               \
        }                                                                                         \
        for (int m0 = 0; m0 < j->M; m0 += 4) {                                                    \
            int mr = j->M - m0 < 4 ? j->M - m0 : 4;                                               \
            int n = n0;                                                                           \
            for (; n + 2 <= n1; n += 2) {                                                         \
                if (mr == 4) TILE(4, 2, type, j, m0, n);                                          \
                else if (mr == 3) TILE(3, 2, type, j, m0, n);                                     \
                else if (mr == 2) TILE(2, 2, type, j, m0, n);                                     \
                else TILE(1, 2, type, j, m0, n);                                                  \
            }                                                                                     \
            for (; n < n1; n++) {                                                                 \
                if (mr == 4) TILE(4, 1, type, j, m0, n);                                          \
                else if (mr == 3) TILE(3, 1, type, j, m0, n);                                     \
                else if (mr == 2) TILE(2, 1, type, j, m0, n);                                     \
                else TILE(1, 1, type, j, m0, n);                                                  \
            }                                                                                     \
        }                                                                                         \
    }                                                                                             \
    TGT_ static void NAME(const struct qjob *j, int n0, int n1) {                                 \
        if (j->type == LOUPE_GGML_Q4_1) NAME##_typed(LOUPE_GGML_Q4_1, j, n0, n1);                 \
        else if (j->type == LOUPE_GGML_Q4_0) NAME##_typed(LOUPE_GGML_Q4_0, j, n0, n1);            \
        else NAME##_typed(LOUPE_GGML_Q8_0, j, n0, n1);                                            \
    }

FROWS(frows_avx2, FTGT2, ftile_avx2)
FROWS(frows_avx512, FTGT5, ftile_avx512)

#endif
