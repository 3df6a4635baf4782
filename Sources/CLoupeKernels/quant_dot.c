/*
 * quant_dot.c - Y = X·Wᵀ with W in a GGML block format (Q4_0, Q4_1, Q8_0) read in place, for
 * the forward passes of generation.  Each row of X is rounded once to Q8 blocks of 32 (a float
 * scale d = max|x|/127, the 32 rounded values and s = d·Σq, the layout of llama.cpp's
 * `block_q8_1` with float fields); each weight block is then multiplied with an integer dot
 * product and scaled:
 *   Q8_0:  Σ (d_w q_w)(d_a q_a)           = d_w d_a Σ q_w q_a
 *   Q4_1:  Σ (d_w q_w + m_w)(d_a q_a)     = d_w d_a Σ q_w q_a + m_w s_a
 *   Q4_0:  Q4_1 with m_w = −8 d_w.
 * The 4-bit nibbles are unsigned (0…15), so `vpmaddubsw` / `vpdpbusd` (unsigned × signed) take
 * them as they are; Q8_0's signed weights go through |w| and sign(a, w).  Up to 4 rows of X
 * share each decoded weight block (small-M products, prefill).
 *
 * Code paths, chosen once from CPUID (or LOUPE_QUANTIZED_KERNEL): "avx512-vnni" (EVEX
 * vpdpbusd on 256-bit registers: Ice Lake, Zen 4), "avx-vnni" (VEX vpdpbusd: Alder Lake,
 * Zen 5), "avx2" (vpmaddubsw + vpmaddwd) and the portable "generic".  Every path computes the
 * same integer block sums; only the float summation order of the block terms differs.
 * Threads split the output rows in chunks pulled from a shared counter (gemm_threads.c).
 */
#include "CLoupeKernels.h"
#include "cpu_level.h"
#include "half.h"
#include "gemm_threads.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

/* One activation block: scale, scale · Σq, the 32 rounded values. */
struct q8_block {
    float d;
    float s;
    int8_t q[32];
};

struct qjob {
    int type, M, N, nb;
    const struct q8_block *a; /* M rows of nb blocks (int8 arithmetic) */
    const float *x;           /* M rows of K floats, row stride ldx (float arithmetic) */
    long ldx;
    const float *xs;          /* M rows of nb block sums Σx (float arithmetic, Q4 types) */
    const uint8_t *w;
    long ldw;
    const float *bias;
    float *y;
    long ldy;
    void (*rows)(const struct qjob *j, int n0, int n1);
};

/* Several products sharing one quantized input: chunks of output rows are numbered across the
 * matrices (segment s owns chunks first[s] ..< first[s + 1]). */
#define QMAX_SEGMENTS 8
struct qbatch {
    struct qjob seg[QMAX_SEGMENTS];
    int first[QMAX_SEGMENTS + 1];
    int count, chunk;
    atomic_int next;
};

/* One-input-row products use each weight byte once: the row loops fetch the 4-row tile two tiles
 * ahead of the one at row n (the loads of the scales and nibbles were where a decode step's time
 * went). */
static inline __attribute__((always_inline)) void prefetch_rows_ahead(const struct qjob *j, int n, int n1) {
    if (n + 12 > n1) return;
    const char *ahead = (const char *)(j->w + (long)(n + 8) * j->ldw);
    for (long o = 0; o < 4 * j->ldw; o += 64) __builtin_prefetch(ahead + o, 0, 0);
}

/* Rounds nb blocks of x to Q8 (round to nearest, ties to even, by the 1.5·2²³ trick, which
 * needs no libm call and vectorizes). */
static void quantize_row(const float *x, int nb, struct q8_block *out) {
    for (int b = 0; b < nb; b++) {
        const float *xb = x + 32 * b;
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            float v = fabsf(xb[i]);
            amax = v > amax ? v : amax;
        }
        float d = amax / 127.0f, id = d > 0 ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            float r = (xb[i] * id + 12582912.0f) - 12582912.0f;
            int q = (int)r;
            q = q > 127 ? 127 : q < -127 ? -127 : q;
            out[b].q[i] = (int8_t)q;
            sum += q;
        }
        out[b].d = d;
        out[b].s = d * (float)sum;
    }
}

/* ------------------------------------------------------------------ generic path */

static void rows_generic(const struct qjob *j, int n0, int n1) {
    const int bytes = j->type == LOUPE_GGML_Q8_0 ? 34 : j->type == LOUPE_GGML_Q4_1 ? 20 : 18;
    for (int m = 0; m < j->M; m++) {
        const struct q8_block *a = j->a + (long)m * j->nb;
        for (int n = n0; n < n1; n++) {
            const uint8_t *w = j->w + (long)n * j->ldw;
            float total = 0;
            for (int b = 0; b < j->nb; b++) {
                const uint8_t *blk = w + (long)b * bytes;
                float d = loupe_half_to_float(loupe_u16_at(blk));
                int sum = 0;
                if (j->type == LOUPE_GGML_Q8_0) {
                    const int8_t *q = (const int8_t *)(blk + 2);
                    for (int i = 0; i < 32; i++) sum += q[i] * a[b].q[i];
                    total += d * a[b].d * (float)sum;
                } else {
                    const uint8_t *q = blk + (j->type == LOUPE_GGML_Q4_1 ? 4 : 2);
                    float mw = j->type == LOUPE_GGML_Q4_1 ? loupe_half_to_float(loupe_u16_at(blk + 2)) : -8.0f * d;
                    for (int i = 0; i < 16; i++)
                        sum += (q[i] & 0x0F) * a[b].q[i] + (q[i] >> 4) * a[b].q[i + 16];
                    total += d * a[b].d * (float)sum + mw * a[b].s;
                }
            }
            j->y[(long)m * j->ldy + n] = total + (j->bias ? j->bias[n] : 0.0f);
        }
    }
}

/* ------------------------------------------------------------------ x86 paths */

#if defined(__x86_64__)
#define SUF(name) name##_avx2
#define TGT __attribute__((target("avx2,fma,f16c")))
#define QDOT_US(u, s) _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1))
#include "quant_dot_impl.h"
#undef SUF
#undef TGT
#undef QDOT_US

#define SUF(name) name##_avxvnni
#define TGT __attribute__((target("avxvnni,avx2,fma,f16c")))
#define QDOT_US(u, s) _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), u, s)
#include "quant_dot_impl.h"
#undef SUF
#undef TGT
#undef QDOT_US

#define SUF(name) name##_avx512vnni
#define TGT __attribute__((target("avx512vnni,avx512vl,avx512bw,avx512f,avx2,fma,f16c")))
#define QDOT_US(u, s) _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s)
#include "quant_dot_impl.h"
#undef SUF
#undef TGT
#undef QDOT_US
#endif

#include "quant_dot_float.h"

/* ------------------------------------------------------------------ dispatch */

enum { PATH_GENERIC = 0, PATH_AVX2 = 1, PATH_AVXVNNI = 2, PATH_AVX512VNNI = 3 };
static const char *const path_names[] = {"generic", "avx2", "avx-vnni", "avx512-vnni"};

/* Bit p set: path p runs on this CPU. */
static int available_paths(void) {
    static atomic_int cached = -1;
    int mask = atomic_load_explicit(&cached, memory_order_relaxed);
    if (mask >= 0) return mask;
    mask = 1 << PATH_GENERIC;
#if defined(__x86_64__)
    int level = loupe_cpu_level(); /* checks the OS saves YMM / ZMM state */
    unsigned a, b, c, d;
    int f16c = __get_cpuid(1, &a, &b, &c, &d) && ((c >> 29) & 1);
    if (level >= 1 && f16c && __get_cpuid_max(0, NULL) >= 7) {
        mask |= 1 << PATH_AVX2;
        __cpuid_count(7, 0, a, b, c, d);
        int vnni512 = (c >> 11) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
        if (level >= 2 && vnni512 && bw && vl) mask |= 1 << PATH_AVX512VNNI;
        __cpuid_count(7, 1, a, b, c, d);
        if ((a >> 4) & 1) mask |= 1 << PATH_AVXVNNI;
    }
#endif
    atomic_store_explicit(&cached, mask, memory_order_relaxed);
    return mask;
}

static int best_path(void) {
    static atomic_int chosen = -1;
    int p = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (p >= 0) return p;
    int mask = available_paths();
    p = mask & (1 << PATH_AVXVNNI) ? PATH_AVXVNNI
        : mask & (1 << PATH_AVX512VNNI) ? PATH_AVX512VNNI
        : mask & (1 << PATH_AVX2) ? PATH_AVX2 : PATH_GENERIC;
    const char *env = getenv("LOUPE_QUANTIZED_KERNEL");
    if (env && env[0]) {
        for (int i = 0; i < 4; i++)
            if (strcmp(env, path_names[i]) == 0 && (mask & (1 << i))) p = i;
    }
    atomic_store_explicit(&chosen, p, memory_order_relaxed);
    return p;
}

/* The path a name asks for, or -1 (unknown, or not runnable here). */
static int path_named(const char *kernel) {
    if (kernel == NULL || kernel[0] == 0 || strcmp(kernel, "auto") == 0) return best_path();
    for (int i = 0; i < 4; i++)
        if (strcmp(kernel, path_names[i]) == 0) return available_paths() & (1 << i) ? i : -1;
    return -1;
}

const char *loupe_quantized_kernel_name(void) { return path_names[best_path()]; }

int loupe_quantized_kernel_available(const char *kernel) { return path_named(kernel) >= 0; }

int loupe_quantized_type_supported(int ggml_type) {
    return ggml_type == LOUPE_GGML_Q4_0 || ggml_type == LOUPE_GGML_Q4_1 || ggml_type == LOUPE_GGML_Q8_0;
}

static void qbatch_task(void *arg) {
    struct qbatch *b = arg;
    int s = 0;
    for (;;) {
        int c = atomic_fetch_add_explicit(&b->next, 1, memory_order_relaxed);
        if (c >= b->first[b->count]) break;
        while (c >= b->first[s + 1]) s++; /* chunks are taken in increasing order */
        const struct qjob *j = &b->seg[s];
        long n0 = (long)(c - b->first[s]) * b->chunk;
        long n1 = n0 + b->chunk < j->N ? n0 + b->chunk : j->N;
        j->rows(j, (int)n0, (int)n1);
    }
}

/* The calling thread's activation buffer (reused between calls). */
static _Thread_local struct q8_block *tl_blocks = NULL;
static _Thread_local size_t tl_capacity = 0;

/* The float path a name asks for (0 generic, 1 avx2, 2 avx512), or -1. */
static int float_path_named(const char *kernel) {
    int mask = available_paths();
#if defined(__x86_64__)
    int avx512 = loupe_cpu_level() >= 2 && (mask & (1 << PATH_AVX2));
#else
    int avx512 = 0;
#endif
    int avx2 = (mask & (1 << PATH_AVX2)) != 0;
    if (kernel == NULL || kernel[0] == 0 || strcmp(kernel, "auto") == 0) {
        const char *env = getenv("LOUPE_QUANTIZED_FLOAT_KERNEL");
        if (env && strcmp(env, "generic") == 0) return 0;
        if (env && strcmp(env, "avx2") == 0 && avx2) return 1;
        return avx512 ? 2 : avx2 ? 1 : 0;
    }
    if (strcmp(kernel, "generic") == 0) return 0;
    if (strcmp(kernel, "avx2") == 0) return avx2 ? 1 : -1;
    if (strcmp(kernel, "avx512") == 0) return avx512 ? 2 : -1;
    return -1;
}

const char *loupe_quantized_float_kernel_name(void) {
    static const char *const names[] = {"generic", "avx2", "avx512"};
    return names[float_path_named(NULL)];
}

int loupe_quantized_float_kernel_available(const char *kernel) { return float_path_named(kernel) >= 0; }

/* The calling thread's block sums (float arithmetic). */
static _Thread_local float *tl_sums = NULL;
static _Thread_local size_t tl_sums_capacity = 0;

int loupe_quantized_matmul_batch(const char *kernel, int nthreads, int arithmetic, int count,
                                 const int *ggml_types, const int *Ns, const void *const *ws,
                                 const long *ldws, const float *const *biases, float *const *ys,
                                 const long *ldys, int M, int K, const float *x, long ldx) {
    int integer = arithmetic == LOUPE_QUANTIZED_INT8;
    if (!integer && arithmetic != LOUPE_QUANTIZED_FLOAT) return 0;
    int path = integer ? path_named(kernel) : float_path_named(kernel);
    if (path < 0 || count < 0 || count > QMAX_SEGMENTS || K % 32 != 0 || M < 0) return 0;
    for (int s = 0; s < count; s++)
        if (!loupe_quantized_type_supported(ggml_types[s]) || Ns[s] < 0) return 0;
    if (M == 0 || count == 0) return 1;
    int nb = K / 32;
    size_t need = (size_t)M * (size_t)(nb > 0 ? nb : 1);
    void (*rows)(const struct qjob *, int, int) = integer ? rows_generic : frows_generic;
    if (integer) {
        if (need > tl_capacity) {
            struct q8_block *p = NULL;
            if (posix_memalign((void **)&p, 64, need * sizeof *p) != 0) return 0;
            free(tl_blocks);
            tl_blocks = p;
            tl_capacity = need;
        }
        for (int m = 0; m < M; m++) quantize_row(x + (long)m * ldx, nb, tl_blocks + (long)m * nb);
        switch (path) {
#if defined(__x86_64__)
        case PATH_AVX2: rows = rows_avx2; break;
        case PATH_AVXVNNI: rows = rows_avxvnni; break;
        case PATH_AVX512VNNI: rows = rows_avx512vnni; break;
#endif
        default: break;
        }
    } else {
        if (need > tl_sums_capacity) {
            float *p = NULL;
            if (posix_memalign((void **)&p, 64, need * sizeof *p) != 0) return 0;
            free(tl_sums);
            tl_sums = p;
            tl_sums_capacity = need;
        }
        for (int m = 0; m < M; m++)
            for (int b = 0; b < nb; b++) {
                const float *xb = x + (long)m * ldx + 32 * b;
                float sum = 0;
                for (int i = 0; i < 32; i++) sum += xb[i];
                tl_sums[(long)m * nb + b] = sum;
            }
#if defined(__x86_64__)
        if (path == 1) rows = frows_avx2;
        if (path == 2) rows = frows_avx512;
#endif
    }
    struct qbatch b;
    long total = 0;
    for (int s = 0; s < count; s++) total += Ns[s];
    int threads = nthreads > 0 ? nthreads : loupe_get_effective_threads();
    if ((long)M * total * (nb > 0 ? nb : 1) < 4096) threads = 1; /* microseconds: not worth a worker */
    /* About 8 chunks per thread, each at least 8 rows. */
    long chunk = total / (8L * threads);
    b.chunk = (int)(chunk < 8 ? 8 : chunk);
    b.count = count;
    b.first[0] = 0;
    for (int s = 0; s < count; s++) {
        struct qjob *j = &b.seg[s];
        j->type = ggml_types[s];
        j->M = M;
        j->N = Ns[s];
        j->nb = nb;
        j->a = tl_blocks;
        j->x = x;
        j->ldx = ldx;
        j->xs = tl_sums;
        j->w = ws[s];
        j->ldw = ldws[s];
        j->bias = biases ? biases[s] : NULL;
        j->y = ys[s];
        j->ldy = ldys[s];
        j->rows = rows;
        b.first[s + 1] = b.first[s] + (int)((Ns[s] + b.chunk - 1) / b.chunk);
    }
    atomic_init(&b.next, 0);
    if (threads > 1) loupe_parallel(qbatch_task, &b, threads);
    else qbatch_task(&b);
    return 1;
}

int loupe_quantized_matmul(const char *kernel, int nthreads, int ggml_type, int M, int N, int K,
                           const float *x, long ldx, const void *w, long ldw, const float *bias,
                           float *y, long ldy) {
    return loupe_quantized_matmul_batch(kernel, nthreads, LOUPE_QUANTIZED_INT8, 1, &ggml_type, &N, &w, &ldw, &bias, &y,
                                        &ldy, M, K, x, ldx);
}

int loupe_quantized_matmul_float(const char *kernel, int nthreads, int ggml_type, int M, int N, int K,
                                 const float *x, long ldx, const void *w, long ldw, const float *bias,
                                 float *y, long ldy) {
    return loupe_quantized_matmul_batch(kernel, nthreads, LOUPE_QUANTIZED_FLOAT, 1, &ggml_type, &N, &w, &ldw, &bias, &y,
                                        &ldy, M, K, x, ldx);
}
