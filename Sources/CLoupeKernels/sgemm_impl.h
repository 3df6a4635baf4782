/*
 * sgemm_impl.h - one instantiation of the blocked SGEMM (micro-kernel, packing,
 * block loops, GEMV path).  Included several times from sgemm.c, each time with a
 * different set of macros describing the vector ISA:
 *
 *   SUF(name)      name mangling for this instantiation (e.g. name##_avx2)
 *   TGT            function attribute enabling the ISA (may be empty)
 *   VEC            vector type, VW floats wide
 *   NV             vectors per micro-tile row  (NR = NV * VW columns)
 *   MR             micro-tile rows
 *   MC, KC, NC     cache blocking (MC multiple of MR, NC multiple of NR)
 *   VZERO()        all-zero vector
 *   VLOAD(p)       load from 64-byte aligned packed buffer
 *   VLOADU(p)      unaligned load
 *   VSTOREU(p, v)  unaligned store
 *   VSET1(x)       broadcast scalar
 *   VFMA(a, b, c)  a * b + c
 *   VMUL(a, b)     a * b
 *   VADD(a, b)     a + b
 *   KERNEL_ACC     optional: KERNEL_ACC(kc, Ap, Bp, acc) computes the MR×NR product of
 *                  two packed micro-panels into the aligned array acc (assembly kernels)
 *   PACK_TR8       optional: PACK_TR8(src, ld, rows, dst, dstride) copies an up-to-8-row ×
 *                  8-column block transposed (dst[k*dstride + r] = src[r*ld + k])
 *
 * Determinism: every element of C is produced by the same sequence of floating
 * point operations wherever it lies in the matrix (full tiles and edge tiles use
 * the same micro-kernel, edges via a scratch tile), and the K blocking depends on K
 * only, so splitting M or N between threads never changes the result.
 */

#define NR (NV * VW)

#ifndef LOUPE_UNROLL_FULL
#if defined(__clang__)
#define LOUPE_UNROLL_FULL _Pragma("clang loop unroll(full)")
#define LOUPE_UNROLL(n) _Pragma(LOUPE_STR(clang loop unroll_count(n)))
#elif defined(__GNUC__)
#define LOUPE_UNROLL_FULL _Pragma("GCC unroll 32")
#define LOUPE_UNROLL(n) _Pragma(LOUPE_STR(GCC unroll n))
#else
#define LOUPE_UNROLL_FULL
#define LOUPE_UNROLL(n)
#endif
#define LOUPE_STR(x) #x
#endif

/* ---------------------------------------------------------------- micro-kernel */

/* C[0:MR, 0:NR] = alpha * (Ap · Bp) + beta * C   (beta == 0: C is not read), plus
 * bias[0:NR] on every row when bias is not NULL (only ever with beta == 0). */
TGT static void SUF(kernel)(long kc, const float *restrict Ap, const float *restrict Bp,
                            float *restrict C, long ldc, float alpha, float beta,
                            const float *restrict bias)
{
    /* All loops over i (rows) and v (vectors) must unroll completely so that acc lives
     * in registers (MR*NV of them). */
    VEC acc[MR][NV];
    LOUPE_UNROLL_FULL
    for (int i = 0; i < MR; i++) {
        __builtin_prefetch(C + i * ldc, 1, 3);
        __builtin_prefetch(C + i * ldc + NR - 1, 1, 3);
    }

#ifdef KERNEL_ACC
    {
        float t[MR * NR] __attribute__((aligned(64)));
        KERNEL_ACC(kc, Ap, Bp, t);
        LOUPE_UNROLL_FULL
        for (int i = 0; i < MR; i++) {
            LOUPE_UNROLL_FULL
            for (int v = 0; v < NV; v++) acc[i][v] = VLOAD(t + i * NR + v * VW);
        }
    }
#else
    LOUPE_UNROLL_FULL
    for (int i = 0; i < MR; i++) {
        LOUPE_UNROLL_FULL
        for (int v = 0; v < NV; v++) acc[i][v] = VZERO();
    }

    LOUPE_UNROLL(4)
    for (long k = 0; k < kc; k++) {
        VEC b[NV];
        LOUPE_UNROLL_FULL
        for (int v = 0; v < NV; v++) b[v] = VLOAD(Bp + v * VW);
        LOUPE_UNROLL_FULL
        for (int i = 0; i < MR; i++) {
            VEC a = VSET1(Ap[i]);
            LOUPE_UNROLL_FULL
            for (int v = 0; v < NV; v++) acc[i][v] = VFMA(a, b[v], acc[i][v]);
        }
        Ap += MR;
        Bp += NR;
    }
#endif

    VEC va = VSET1(alpha);
    if (bias) {
        VEC vbias[NV];
        LOUPE_UNROLL_FULL
        for (int v = 0; v < NV; v++) vbias[v] = VLOADU(bias + v * VW);
        LOUPE_UNROLL_FULL
        for (int i = 0; i < MR; i++) {
            LOUPE_UNROLL_FULL
            for (int v = 0; v < NV; v++) VSTOREU(C + i * ldc + v * VW, VADD(vbias[v], VMUL(va, acc[i][v])));
        }
    } else if (beta == 0.0f) {
        LOUPE_UNROLL_FULL
        for (int i = 0; i < MR; i++) {
            LOUPE_UNROLL_FULL
            for (int v = 0; v < NV; v++) VSTOREU(C + i * ldc + v * VW, VMUL(va, acc[i][v]));
        }
    } else if (beta == 1.0f) {
        LOUPE_UNROLL_FULL
        for (int i = 0; i < MR; i++) {
            LOUPE_UNROLL_FULL
            for (int v = 0; v < NV; v++)
                VSTOREU(C + i * ldc + v * VW, VADD(VLOADU(C + i * ldc + v * VW), VMUL(va, acc[i][v])));
        }
    } else {
        VEC vb = VSET1(beta);
        LOUPE_UNROLL_FULL
        for (int i = 0; i < MR; i++) {
            LOUPE_UNROLL_FULL
            for (int v = 0; v < NV; v++)
                VSTOREU(C + i * ldc + v * VW, VADD(VMUL(vb, VLOADU(C + i * ldc + v * VW)), VMUL(va, acc[i][v])));
        }
    }
}

/* Partial tile (m < MR or n < NR): run the same kernel on a scratch tile. */
TGT static void SUF(kernel_edge)(long kc, const float *restrict Ap, const float *restrict Bp,
                                 float *restrict C, long ldc, float alpha, float beta,
                                 const float *restrict bias, int m, int n)
{
    float tile[MR * NR] __attribute__((aligned(64)));
    float tbias[NR] __attribute__((aligned(64)));
    if (beta != 0.0f) {
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) tile[i * NR + j] = (i < m && j < n) ? C[i * ldc + j] : 0.0f;
    }
    if (bias)
        for (int j = 0; j < NR; j++) tbias[j] = j < n ? bias[j] : 0.0f;
    SUF(kernel)(kc, Ap, Bp, tile, NR, alpha, beta, bias ? tbias : NULL);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) C[i * ldc + j] = tile[i * NR + j];
}

/* ---------------------------------------------------------------- packing */

/* Pack op(A)[0:mc, 0:kc] into MR-row micro-panels: panel p, step k holds rows p*MR..p*MR+MR-1. */
TGT static void SUF(pack_a)(int transA, int mc, int kc, const float *restrict A, long lda,
                            float *restrict dst)
{
    for (int i0 = 0; i0 < mc; i0 += MR) {
        int m = mc - i0 < MR ? mc - i0 : MR;
        if (transA) {
            /* op(A)[i][k] = A[k*lda + i]: MR contiguous floats per k */
            const float *src = A + i0;
            if (m == MR) {
                for (int k = 0; k < kc; k++)
                    for (int i = 0; i < MR; i++) dst[k * MR + i] = src[(long)k * lda + i];
            } else {
                for (int k = 0; k < kc; k++)
                    for (int i = 0; i < MR; i++) dst[k * MR + i] = i < m ? src[(long)k * lda + i] : 0.0f;
            }
        } else {
            /* op(A)[i][k] = A[i*lda + k]: gather from MR rows */
            const float *src = A + (long)i0 * lda;
            if (m == MR) {
                const float *r[MR];
                for (int i = 0; i < MR; i++) r[i] = src + (long)i * lda;
                int k = 0;
#ifdef PACK_TR8
                for (; k + 8 <= kc; k += 8)
                    for (int rb = 0; rb < MR; rb += 8)
                        PACK_TR8(r[rb] + k, lda, MR - rb < 8 ? MR - rb : 8, dst + k * MR + rb, MR);
#endif
                for (; k < kc; k++)
                    for (int i = 0; i < MR; i++) dst[k * MR + i] = r[i][k];
            } else {
                for (int k = 0; k < kc; k++)
                    for (int i = 0; i < MR; i++) dst[k * MR + i] = i < m ? src[(long)i * lda + k] : 0.0f;
            }
        }
        dst += (long)MR * kc;
    }
}

/* Pack op(B)[0:kc, 0:nc] into NR-column micro-panels. */
TGT static void SUF(pack_b)(int transB, int kc, int nc, const float *restrict B, long ldb,
                            float *restrict dst)
{
    if (!transB) {
        /* Walk B row by row (sequential reads), scattering each row over the panels. */
        int nfull = nc / NR;
        for (int k = 0; k < kc; k++) {
            const float *src = B + (long)k * ldb;
            float *d = dst + k * NR;
            for (int p = 0; p < nfull; p++)
                for (int v = 0; v < NV; v++)
                    VSTOREU(d + (long)p * NR * kc + v * VW, VLOADU(src + p * NR + v * VW));
        }
        if (nfull * NR < nc) {
            int j0 = nfull * NR, n = nc - j0;
            float *d = dst + (long)nfull * NR * kc;
            for (int k = 0; k < kc; k++)
                for (int j = 0; j < NR; j++) d[k * NR + j] = j < n ? B[(long)k * ldb + j0 + j] : 0.0f;
        }
        return;
    }
    for (int j0 = 0; j0 < nc; j0 += NR) {
        int n = nc - j0 < NR ? nc - j0 : NR;
        if (!transB) {
            /* op(B)[k][j] = B[k*ldb + j]: NR contiguous floats per k */
            const float *src = B + j0;
            if (n == NR) {
                for (int k = 0; k < kc; k++)
                    for (int v = 0; v < NV; v++)
                        VSTOREU(dst + k * NR + v * VW, VLOADU(src + (long)k * ldb + v * VW));
            } else {
                for (int k = 0; k < kc; k++)
                    for (int j = 0; j < NR; j++) dst[k * NR + j] = j < n ? src[(long)k * ldb + j] : 0.0f;
            }
        } else {
            /* op(B)[k][j] = B[j*ldb + k]: gather from NR rows of B */
            const float *src = B + (long)j0 * ldb;
            if (n == NR) {
                int k0 = 0;
#ifdef PACK_TR8
                for (; k0 + 8 <= kc; k0 += 8)
                    for (int jb = 0; jb < NR; jb += 8)
                        PACK_TR8(src + (long)jb * ldb + k0, ldb, 8, dst + k0 * NR + jb, NR);
#endif
                for (int kk = k0; kk < kc; kk += 8) {
                    int ke = kc - kk < 8 ? kc - kk : 8;
                    for (int j = 0; j < NR; j++) {
                        const float *row = src + (long)j * ldb + kk;
                        for (int k = 0; k < ke; k++) dst[(kk + k) * NR + j] = row[k];
                    }
                }
            } else {
                for (int k = 0; k < kc; k++)
                    for (int j = 0; j < NR; j++) dst[k * NR + j] = j < n ? src[(long)j * ldb + k] : 0.0f;
            }
        }
        dst += (long)NR * kc;
    }
}

/* Pack op(B)[0:kc, 0:nc] = dequantize(W)ᵀ for W's rows j0 + [0, nc) and elements k0 + [0, kc)
 * (k0 and kc multiples of 32): each group of 8 rows decoded into a scratch (as the float
 * SGEMM would read them), then transposed into the panel — the same panel as pack_b of the
 * decoded matrix. */
TGT static void SUF(pack_b_q)(const struct gemm_qsource *q, int kc, int nc, int j0, int k0,
                              float *restrict dst)
{
    float rows[8 * (KC + 32)] __attribute__((aligned(64)));  /* kc ≤ KC + 28 (rounded to blocks) */
    const int blocks = kc / 32;
    for (int p0 = 0; p0 < nc; p0 += NR) {
        int n = nc - p0 < NR ? nc - p0 : NR;
        for (int jb = 0; jb < NR; jb += 8) {
            int r8 = n - jb < 8 ? (n - jb > 0 ? n - jb : 0) : 8;
            /* The weight rows are read once per K block, each a short piece far from the last:
             * fetch the pieces three groups ahead now (the decode stalled on these loads). */
            {
                const long span = (long)blocks * q->block_bytes;
                const uint8_t *next = q->base + (long)(j0 + p0 + jb + 24) * q->row_bytes + (long)(k0 / 32) * q->block_bytes;
                int ahead = nc - (p0 + jb + 24);
                ahead = ahead < 0 ? 0 : ahead > 8 ? 8 : ahead;
                for (int r = 0; r < ahead; r++)
                    for (long b = 0; b < span; b += 64) __builtin_prefetch(next + (long)r * q->row_bytes + b, 0, 3);
            }
            for (int r = 0; r < 8; r++) {
                float *row = rows + r * kc;
                if (r < r8)
                    loupe_quantized_decode(q->type, blocks,
                                           q->base + (long)(j0 + p0 + jb + r) * q->row_bytes + (long)(k0 / 32) * q->block_bytes,
                                           row);
                else
                    memset(row, 0, (size_t)kc * sizeof(float));
            }
            int k = 0;
#ifdef PACK_TR8
            for (; k + 8 <= kc; k += 8) PACK_TR8(rows + k, kc, 8, dst + k * NR + jb, NR);
#endif
            for (; k < kc; k++)
                for (int r = 0; r < 8; r++) dst[k * NR + jb + r] = rows[r * kc + k];
        }
        dst += (long)NR * kc;
    }
}

/* Pack op(B)[0:kc, 0:nc] = dequantize(W) for W's rows k0 + [0, kc) and elements j0 + [0, nc)
 * (op(B) not transposed: W's rows are op(B)'s rows, so each decoded block of 32 is a run of one
 * panel row and lands in place, with no scratch and no transposition) — the same panel as
 * pack_b of the decoded matrix. */
TGT static void SUF(pack_b_qn)(const struct gemm_qsource *q, int kc, int nc, int j0, int k0,
                               float *restrict dst)
{
    if (NR == 32 && j0 % 32 == 0 && nc % 32 == 0) {
        /* A block of 32 is one panel row: row k's blocks go to the panels k · NR apart. */
        for (int k = 0; k < kc; k++)
            loupe_quantized_decode_strided(q->type, nc / 32,
                                           q->base + (long)(k0 + k) * q->row_bytes + (long)(j0 / 32) * q->block_bytes,
                                           dst + (long)k * NR, (long)NR * kc);
        return;
    }
    /* Otherwise the row's blocks decoded into a scratch row and scattered over the panels. */
    float row[NC + 64] __attribute__((aligned(64)));
    const int b0 = j0 / 32, b1 = (j0 + nc + 31) / 32, off = j0 - b0 * 32;
    for (int k = 0; k < kc; k++) {
        loupe_quantized_decode(q->type, b1 - b0, q->base + (long)(k0 + k) * q->row_bytes + (long)b0 * q->block_bytes, row);
        for (int p0 = 0; p0 < nc; p0 += NR) {
            int n = nc - p0 < NR ? nc - p0 : NR;
            float *d = dst + (long)p0 * kc + (long)k * NR;
            for (int j = 0; j < n; j++) d[j] = row[off + p0 + j];
            for (int j = n; j < NR; j++) d[j] = 0.0f;
        }
    }
}

/* ---------------------------------------------------------------- block loops */

/* Computes C[m0:m1, n0:n1] of the problem g, using work buffers abuf (MC*KC floats)
 * and bbuf (KC * round_up(min(NC, n1-n0), NR) floats). */
TGT static void SUF(gemm_part)(const struct gemm_args *g, int m0, int m1, int n0, int n1,
                               float *restrict abuf, float *restrict bbuf)
{
    const int K = g->K;
    const int kc_step = g->kc;
    for (int jc = n0; jc < n1; jc += NC) {
        int nc = n1 - jc < NC ? n1 - jc : NC;
        for (int pc = 0; pc < K; pc += kc_step) {
            int kc = K - pc < kc_step ? K - pc : kc_step;
            float beta = pc == 0 ? g->beta : 1.0f;
            /* Prepacked: block pc of the whole packed op(B) holds kc × pb_npad floats, its panel
             * of columns [j, j + NR) at j · kc (j a multiple of NR: jc and the split are). */
            const float *bblock = g->pb ? g->pb + (long)pc * g->pb_npad + (long)jc * kc : bbuf;
            if (g->pb) {
                /* nothing to pack */
            } else if (g->qb && !g->transB) {
                SUF(pack_b_qn)(g->qb, kc, nc, jc, pc, bbuf);
            } else if (g->qb) {
                SUF(pack_b_q)(g->qb, kc, nc, jc, pc, bbuf);
            } else {
                const float *Bsrc = g->transB ? g->B + (long)jc * g->ldb + pc : g->B + (long)pc * g->ldb + jc;
                SUF(pack_b)(g->transB, kc, nc, Bsrc, g->ldb, bbuf);
            }
            for (int ic = m0; ic < m1; ic += MC) {
                int mc = m1 - ic < MC ? m1 - ic : MC;
                const float *Asrc = g->transA ? g->A + (long)pc * g->lda + ic : g->A + (long)ic * g->lda + pc;
                SUF(pack_a)(g->transA, mc, kc, Asrc, g->lda, abuf);
                for (int jr = 0; jr < nc; jr += NR) {
                    int n = nc - jr < NR ? nc - jr : NR;
                    const float *bp = bblock + (long)jr * kc;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int m = mc - ir < MR ? mc - ir : MR;
                        const float *ap = abuf + (long)ir * kc;
                        float *c = g->C + (long)(ic + ir) * g->ldc + jc + jr;
                        const float *bias = pc == 0 && g->bias ? g->bias + jc + jr : NULL;
                        if (m == MR && n == NR)
                            SUF(kernel)(kc, ap, bp, c, g->ldc, g->alpha, beta, bias);
                        else
                            SUF(kernel_edge)(kc, ap, bp, c, g->ldc, g->alpha, beta, bias, m, n);
                    }
                }
            }
        }
    }
}

/* ---------------------------------------------------------------- GEMV path */

TGT static inline float SUF(hsum)(VEC v)
{
    float lanes[VW] __attribute__((aligned(64)));
    VSTOREU(lanes, v);
    float s = 0.0f;
    for (int l = 0; l < VW; l++) s += lanes[l];
    return s;
}

/* c[j*incc] = alpha * sum_k x[k] * op(B)[k][j] + beta * c[j*incc],  j < N.
 * x is contiguous (the caller gathers strided vectors).  op(B)[k][j] is
 * B[k*ldb + j] (transB == 0) or B[j*ldb + k]. */
TGT static void SUF(gemv)(int K, int N, float alpha, const float *restrict x,
                          const float *restrict B, long ldb, int transB,
                          float beta, float *restrict c, long incc)
{
#define GEMV_STORE(j, sum)                                                              \
    do {                                                                                \
        float r_ = alpha * (sum);                                                       \
        float *cp_ = c + (long)(j) * incc;                                              \
        *cp_ = beta == 0.0f ? r_ : r_ + beta * *cp_;                                    \
    } while (0)
    if (!transB) {
        /* Strips of 4 vectors of columns stay in registers while k runs down the rows. */
        int j = 0;
        for (; j + 4 * VW <= N; j += 4 * VW) {
            VEC s0 = VZERO(), s1 = VZERO(), s2 = VZERO(), s3 = VZERO();
            const float *p = B + j;
            for (int k = 0; k < K; k++, p += ldb) {
                VEC xk = VSET1(x[k]);
                s0 = VFMA(xk, VLOADU(p), s0);
                s1 = VFMA(xk, VLOADU(p + VW), s1);
                s2 = VFMA(xk, VLOADU(p + 2 * VW), s2);
                s3 = VFMA(xk, VLOADU(p + 3 * VW), s3);
            }
            float t[4 * VW] __attribute__((aligned(64)));
            VSTOREU(t, s0);
            VSTOREU(t + VW, s1);
            VSTOREU(t + 2 * VW, s2);
            VSTOREU(t + 3 * VW, s3);
            for (int l = 0; l < 4 * VW; l++) GEMV_STORE(j + l, t[l]);
        }
        for (; j + VW <= N; j += VW) {
            VEC s0 = VZERO();
            const float *p = B + j;
            for (int k = 0; k < K; k++, p += ldb) s0 = VFMA(VSET1(x[k]), VLOADU(p), s0);
            float t[VW] __attribute__((aligned(64)));
            VSTOREU(t, s0);
            for (int l = 0; l < VW; l++) GEMV_STORE(j + l, t[l]);
        }
        for (; j < N; j++) {
            float sum = 0.0f;
            for (int k = 0; k < K; k++) sum += x[k] * B[(long)k * ldb + j];
            GEMV_STORE(j, sum);
        }
    } else {
        /* Dot products with rows of B, four rows at a time sharing the loads of x. */
        int j = 0;
        for (; j + 4 <= N; j += 4) {
            const float *r0 = B + (long)j * ldb, *r1 = r0 + ldb, *r2 = r1 + ldb, *r3 = r2 + ldb;
            VEC s0 = VZERO(), s1 = VZERO(), s2 = VZERO(), s3 = VZERO();
            int k = 0;
            for (; k + VW <= K; k += VW) {
                VEC xv = VLOADU(x + k);
                s0 = VFMA(xv, VLOADU(r0 + k), s0);
                s1 = VFMA(xv, VLOADU(r1 + k), s1);
                s2 = VFMA(xv, VLOADU(r2 + k), s2);
                s3 = VFMA(xv, VLOADU(r3 + k), s3);
            }
            float d0 = SUF(hsum)(s0), d1 = SUF(hsum)(s1), d2 = SUF(hsum)(s2), d3 = SUF(hsum)(s3);
            for (; k < K; k++) {
                d0 += x[k] * r0[k];
                d1 += x[k] * r1[k];
                d2 += x[k] * r2[k];
                d3 += x[k] * r3[k];
            }
            GEMV_STORE(j, d0);
            GEMV_STORE(j + 1, d1);
            GEMV_STORE(j + 2, d2);
            GEMV_STORE(j + 3, d3);
        }
        for (; j < N; j++) {
            const float *r0 = B + (long)j * ldb;
            VEC s0 = VZERO(), s1 = VZERO();
            int k = 0;
            for (; k + 2 * VW <= K; k += 2 * VW) {
                s0 = VFMA(VLOADU(x + k), VLOADU(r0 + k), s0);
                s1 = VFMA(VLOADU(x + k + VW), VLOADU(r0 + k + VW), s1);
            }
            for (; k + VW <= K; k += VW) s0 = VFMA(VLOADU(x + k), VLOADU(r0 + k), s0);
            float d0 = SUF(hsum)(VADD(s0, s1));
            for (; k < K; k++) d0 += x[k] * r0[k];
            GEMV_STORE(j, d0);
        }
    }
#undef GEMV_STORE
}

/* ---------------------------------------------------------------- descriptor */

static const struct gemm_kernel SUF(desc) = {
    .name = SUF_NAME,
    .mr = MR, .nr = NR, .mc = MC, .kc = KC, .nc = NC,
    .part = SUF(gemm_part),
    .gemv = SUF(gemv),
    .pack_b = SUF(pack_b),
    .pack_b_q = SUF(pack_b_q),
};

#undef NR

/* This instantiation's parameters are used up: undefine them for the next one. */
#undef SUF
#undef SUF_NAME
#undef TGT
#undef VEC
#undef VW
#undef NV
#undef MR
#undef MC
#undef KC
#undef NC
#undef VZERO
#undef VLOAD
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VFMA
#undef VMUL
#undef VADD
#undef PACK_TR8
#undef KERNEL_ACC
