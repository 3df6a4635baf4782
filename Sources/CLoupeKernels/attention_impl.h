/*
 * attention_impl.h - one instantiation of the per-(batch, head) attention kernels, included
 * from attention.c once per vector ISA with:
 *   SUF(name)  name mangling for this instantiation
 *   TGT        function attribute enabling the ISA (may be empty)
 * Vectors are GCC/Clang vector extensions of 8 floats: one ymm register with AVX2, two xmm
 * registers on the SSE2 baseline.  Every inner loop keeps its 8-wide accumulator in a register
 * and only loads: score rows run across keys against a transposed copy of K (or V), weighted
 * sums run across the head dimension in chunks of 8.
 */

/* dst[c * tp + j] = src[j * ld + c] for j < t, c < d; columns t..tp-1 zero.  Full 8 × 8 blocks
 * are transposed in registers (unpack, shuffle, then swap 128-bit halves); the edges in scalars. */
TGT static void SUF(transpose)(int t, int d, const float *src, long ld, float *dst, int tp) {
    int t8 = t & ~7, d8 = d & ~7;
    for (int j0 = 0; j0 < t8; j0 += 8) {
        for (int c0 = 0; c0 < d8; c0 += 8) {
            const float *b = src + (long)j0 * ld + c0;
            v8f r0 = v8_load(b), r1 = v8_load(b + ld), r2 = v8_load(b + 2 * ld), r3 = v8_load(b + 3 * ld);
            v8f r4 = v8_load(b + 4 * ld), r5 = v8_load(b + 5 * ld), r6 = v8_load(b + 6 * ld), r7 = v8_load(b + 7 * ld);
            v8f t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);
            v8f t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
            v8f t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);
            v8f t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
            v8f t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);
            v8f t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
            v8f t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);
            v8f t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
            v8f u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
            v8f u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
            v8f u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
            v8f u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
            v8f u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
            v8f u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
            v8f u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
            v8f u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
            float *o = dst + (long)c0 * tp + j0;
            v8_store(o, __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11));
            v8_store(o + tp, __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11));
            v8_store(o + 2 * tp, __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11));
            v8_store(o + 3 * tp, __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11));
            v8_store(o + 4 * tp, __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15));
            v8_store(o + 5 * tp, __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15));
            v8_store(o + 6 * tp, __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15));
            v8_store(o + 7 * tp, __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15));
        }
        for (int c = d8; c < d; c++)
            for (int j = j0; j < j0 + 8; j++) dst[(long)c * tp + j] = src[(long)j * ld + c];
    }
    for (int c = 0; c < d; c++) {
        float *row = dst + (long)c * tp;
        for (int j = t8; j < t; j++) row[j] = src[(long)j * ld + c];
        for (int j = t; j < tp; j++) row[j] = 0;
    }
}

/* R rows × G chunks of 8 columns of  out[r][c0 + c] = Σ_k W[r][k] · Y[k][c0 + c]  for k < n
 * (W[r][k] at W[r·wr + k·wk], so W may be read transposed; Y rows of stride ldy, out rows of
 * stride ldo), scaled by `scale`.
 * R·G independent accumulators in registers, one load of Y per chunk shared by the R rows.
 * Called with constant R and G, inlined and unrolled. */
TGT static inline __attribute__((always_inline)) void
SUF(block)(int R, int G, int n, float scale, const float *W, long wr, long wk, const float *Y, long ldy,
           int c0, float *out, long ldo) {
    v8f acc[2][4] = {{{0}, {0}, {0}, {0}}, {{0}, {0}, {0}, {0}}};
    for (int k = 0; k < n; k++) {
        const float *y = Y + (long)k * ldy + c0;
        v8f yv[4];
        for (int g = 0; g < G; g++) yv[g] = v8_load(y + 8 * g);
        for (int r = 0; r < R; r++) {
            float a = W[(long)r * wr + (long)k * wk];
            v8f av = {a, a, a, a, a, a, a, a};
            for (int g = 0; g < G; g++) acc[r][g] += av * yv[g];
        }
    }
    if (scale != 1.0f) {
        v8f sv = {scale, scale, scale, scale, scale, scale, scale, scale};
        for (int r = 0; r < R; r++)
            for (int g = 0; g < G; g++) acc[r][g] *= sv;
    }
    for (int r = 0; r < R; r++)
        for (int g = 0; g < G; g++) v8_store(out + (long)r * ldo + c0 + 8 * g, acc[r][g]);
}

/* out = scale · W · Y : W is m × n with W[i][k] at W[i·wr + k·wk] (wr = row stride and wk = 1,
 * or wr = 1 and wk = row stride of a stored Wᵀ), Y is n × w (row stride ldy), out is m × w
 * (row stride ldo).  w is a multiple of 8, or its last partial chunk is done in scalars. */
TGT static void SUF(small_product)(int m, int n, int w, float scale, const float *W, long wr, long wk,
                                   const float *Y, long ldy, float *out, long ldo) {
    int full = w / 8;
    for (int i = 0; i < m; i += 2) {
        int R = m - i >= 2 ? 2 : 1;
        const float *Wi = W + (long)i * wr;
        float *oi = out + (long)i * ldo;
        int c = 0, chunks = full;
        for (; chunks >= 4; chunks -= 4, c += 32) {
            if (R == 2) SUF(block)(2, 4, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo);
            else SUF(block)(1, 4, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo);
        }
        switch (chunks * 2 + (R - 1)) {
        case 7: SUF(block)(2, 3, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo); break;
        case 6: SUF(block)(1, 3, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo); break;
        case 5: SUF(block)(2, 2, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo); break;
        case 4: SUF(block)(1, 2, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo); break;
        case 3: SUF(block)(2, 1, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo); break;
        case 2: SUF(block)(1, 1, n, scale, Wi, wr, wk, Y, ldy, c, oi, ldo); break;
        default: break;
        }
        for (c = full * 8; c < w; c++)
            for (int r = 0; r < R; r++) {
                float acc = 0;
                for (int k = 0; k < n; k++) acc += Wi[(long)r * wr + (long)k * wk] * Y[(long)k * ldy + c];
                oi[(long)r * ldo + c] = scale * acc;
            }
    }
}

#include "vexp_impl.h"

/* x[i] = exp(x[i] − shift) in place for i < n (n a multiple of 8); arguments below −86.5 (−∞
 * included, the flag of a padded key) give exactly 0 (vexp_impl.h). */
TGT static void SUF(exp_in_place)(float *x, int n, float shift) {
    const v8f vshift = V8(shift);
    for (int i = 0; i < n; i += 8) {
        v8f v = v8_load(x + i) - vshift;
        SUF(expv)(&v);
        v8_store(x + i, v);
    }
}

TGT static void SUF(attention_forward)(int t, int d, float scale, const float *q, const float *k,
                                       const float *v, long ld, const unsigned char *pad, float *P,
                                       float *o, long ldo, float *scratch) {
    int tp = (t + 7) & ~7;
    float *Kt = scratch, *S = scratch + (long)d * tp;  /* S: t × tp scores */
    SUF(transpose)(t, d, k, ld, Kt, tp);
    SUF(small_product)(t, d, tp, scale, q, ld, 1, Kt, tp, S, tp);
    for (int i = 0; i < t; i++) {
        float *row = S + (long)i * tp, *s = P + (long)i * t;
        if (pad)
            for (int j = 0; j < t; j++)
                if (pad[j]) row[j] = -INFINITY;
        for (int j = t; j < tp; j++) row[j] = -INFINITY;
        v8f mv = V8(-INFINITY);
        for (int j = 0; j < tp; j += 8) mv = __builtin_elementwise_max(mv, v8_load(row + j));
        float m = mv[0];
        for (int l = 1; l < 8; l++) m = mv[l] > m ? mv[l] : m;
        if (m == -INFINITY) { /* every key padded: zero weights (and so a zero context) */
            memset(s, 0, (size_t)t * sizeof(float));
            continue;
        }
        SUF(exp_in_place)(row, tp, m);
        v8f acc = {0};
        for (int j = 0; j < tp; j += 8) acc += v8_load(row + j);
        float sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
        v8f inv = V8(1.0f / sum);
        int j = 0;
        for (; j + 8 <= t; j += 8) v8_store(s + j, v8_load(row + j) * inv);
        for (; j < t; j++) s[j] = row[j] * inv[0];
    }
    SUF(small_product)(t, t, d, 1.0f, P, t, 1, v, ld, o, ldo);
}

TGT static void SUF(attention_backward)(int t, int d, float scale, const float *q, const float *k,
                                        const float *v, long ld, const float *P, const float *go,
                                        long ldo, float *dq, float *dk, float *dv, long ldd,
                                        float *scratch) {
    int tp = (t + 7) & ~7;
    float *Vt = scratch, *dS = scratch + (long)d * tp; /* dS: t × tp */
    SUF(transpose)(t, d, v, ld, Vt, tp);
    /* dP = dO · Vᵀ; dS_ij = scale · P_ij (dP_ij − Σ_j' P_ij' dP_ij') */
    SUF(small_product)(t, d, tp, 1.0f, go, ldo, 1, Vt, tp, dS, tp);
    for (int i = 0; i < t; i++) {
        const float *pi = P + (long)i * t;
        float *dsi = dS + (long)i * tp;
        v8f wv = {0};
        int j = 0;
        for (; j + 8 <= t; j += 8) wv += v8_load(pi + j) * v8_load(dsi + j);
        float weighted = ((wv[0] + wv[4]) + (wv[1] + wv[5])) + ((wv[2] + wv[6]) + (wv[3] + wv[7]));
        for (; j < t; j++) weighted += pi[j] * dsi[j];
        const v8f vw = V8(weighted), vs = V8(scale);
        for (j = 0; j + 8 <= t; j += 8) v8_store(dsi + j, vs * v8_load(pi + j) * (v8_load(dsi + j) - vw));
        for (; j < t; j++) dsi[j] = scale * pi[j] * (dsi[j] - weighted);
    }
    /* dQ = dS · K;  dK = dSᵀ · Q;  dV = Pᵀ · dO */
    SUF(small_product)(t, t, d, 1.0f, dS, tp, 1, k, ld, dq, ldd);
    SUF(small_product)(t, t, d, 1.0f, dS, 1, tp, q, ld, dk, ldd);
    SUF(small_product)(t, t, d, 1.0f, P, 1, t, go, ldo, dv, ldd);
}
