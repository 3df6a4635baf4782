/* quant_dot_impl.h - private to CLoupeKernels: the x86 code paths of quant_dot.c, included
 * once per path with SUF(name) mangling the names, TGT the target attribute and
 * QDOT_US(u, s) the 8 int32 sums of four u8·s8 products (vpmaddubsw + vpmaddwd, or vpdpbusd). */

/* The sum of the 8 lanes. */
TGT static inline float SUF(hsum)(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* MR activation rows (blocks at a, a + lda, …) against NR weight rows (w, w + ldw, …) of nb
 * blocks each, MR·NR ≤ 8 independent accumulators: out[r·NR + c] = Σ_b d_w·d_a·Σ q_w·q_a
 * + m_w·s_a.  type: Q4_0 (m_w = −8·d_w), Q4_1 or Q8_0 (signed × signed through |w| and
 * sign(a, w), no m_w term). */
TGT static inline __attribute__((always_inline)) void
SUF(tile)(const int MR, const int NR, const int type, int nb, const struct q8_block *a, long lda,
          const uint8_t *w, long ldw, float *out) {
    __m256 acc[8];
    float msum[8];
    for (int i = 0; i < MR * NR; i++) {
        acc[i] = _mm256_setzero_ps();
        msum[i] = 0;
    }
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const int bytes = type == LOUPE_GGML_Q8_0 ? 34 : type == LOUPE_GGML_Q4_1 ? 20 : 18;
    for (int b = 0; b < nb; b++) {
        __m256i wq[4], wabs[4];
        float d[4], m[4];
        for (int c = 0; c < NR; c++) {
            const uint8_t *blk = w + c * ldw + (long)b * bytes;
            d[c] = _cvtsh_ss(loupe_u16_at(blk));
            if (type == LOUPE_GGML_Q8_0) {
                wq[c] = _mm256_loadu_si256((const __m256i *)(blk + 2));
                wabs[c] = _mm256_sign_epi8(wq[c], wq[c]);
                m[c] = 0;
            } else {
                m[c] = type == LOUPE_GGML_Q4_1 ? _cvtsh_ss(loupe_u16_at(blk + 2)) : -8.0f * d[c];
                __m128i raw = _mm_loadu_si128((const __m128i *)(blk + (type == LOUPE_GGML_Q4_1 ? 4 : 2)));
                wq[c] = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), _mm_and_si128(raw, m4));
            }
        }
        for (int r = 0; r < MR; r++) {
            const struct q8_block *ab = a + r * lda + b;
            __m256i av = _mm256_loadu_si256((const __m256i *)ab->q);
            for (int c = 0; c < NR; c++) {
                __m256i p = type == LOUPE_GGML_Q8_0 ? QDOT_US(wabs[c], _mm256_sign_epi8(av, wq[c])) : QDOT_US(wq[c], av);
                acc[r * NR + c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(d[c] * ab->d), acc[r * NR + c]);
                if (type != LOUPE_GGML_Q8_0) msum[r * NR + c] += m[c] * ab->s;
            }
        }
    }
    for (int i = 0; i < MR * NR; i++) out[i] = SUF(hsum)(acc[i]) + msum[i];
}

/* One tile of Y: rows m0..<m0+MR, columns n..<n+NR. */
TGT static inline __attribute__((always_inline)) void
SUF(store_tile)(const int MR, const int NR, const struct qjob *j, int m0, int n) {
    float out[8];
    const struct q8_block *a = j->a + (long)m0 * j->nb;
    const uint8_t *w = j->w + (long)n * j->ldw;
    if (j->type == LOUPE_GGML_Q4_1) SUF(tile)(MR, NR, LOUPE_GGML_Q4_1, j->nb, a, j->nb, w, j->ldw, out);
    else if (j->type == LOUPE_GGML_Q4_0) SUF(tile)(MR, NR, LOUPE_GGML_Q4_0, j->nb, a, j->nb, w, j->ldw, out);
    else SUF(tile)(MR, NR, LOUPE_GGML_Q8_0, j->nb, a, j->nb, w, j->ldw, out);
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++)
            j->y[(long)(m0 + r) * j->ldy + n + c] = out[r * NR + c] + (j->bias ? j->bias[n + c] : 0.0f);
}

/* Output columns n0..<n1 of every row of Y: one input row against 4 weight rows at a time
 * (matrix-vector products of generation), else tiles of 4 input rows × 2 weight rows. */
TGT static void SUF(rows)(const struct qjob *j, int n0, int n1) {
    if (j->M == 1) {
        int n = n0;
        for (; n + 4 <= n1; n += 4) {
            prefetch_rows_ahead(j, n, n1);
            SUF(store_tile)(1, 4, j, 0, n);
        }
        for (; n < n1; n++) SUF(store_tile)(1, 1, j, 0, n);
        return;
    }
    for (int m0 = 0; m0 < j->M; m0 += 4) {
        int mr = j->M - m0 < 4 ? j->M - m0 : 4;
        int n = n0;
        for (; n + 2 <= n1; n += 2) {
            switch (mr) {
            case 4: SUF(store_tile)(4, 2, j, m0, n); break;
            case 3: SUF(store_tile)(3, 2, j, m0, n); break;
            case 2: SUF(store_tile)(2, 2, j, m0, n); break;
            default: SUF(store_tile)(1, 2, j, m0, n); break;
            }
        }
        for (; n < n1; n++) {
            switch (mr) {
            case 4: SUF(store_tile)(4, 1, j, m0, n); break;
            case 3: SUF(store_tile)(3, 1, j, m0, n); break;
            case 2: SUF(store_tile)(2, 1, j, m0, n); break;
            default: SUF(store_tile)(1, 1, j, m0, n); break;
            }
        }
    }
}
