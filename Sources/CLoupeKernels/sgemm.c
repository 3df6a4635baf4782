/*
 * sgemm.c - blocked single-precision GEMM for Loupe.
 *
 * Structure (Goto/BLIS style, written from the published description):
 *   for jc in N step NC            (B block KC×NC lives in L3)
 *     for pc in K step KC          (pack B block into NR-wide micro-panels)
 *       for ic in M step MC        (pack A block MC×KC into MR-tall micro-panels; lives in L2)
 *         for jr in NC step NR     (B micro-panel KC×NR lives in L1)
 *           for ir in MC step MR   -> register-blocked micro-kernel MR×NR
 *
 * Code paths, chosen once at run time from CPUID (override: LOUPE_SGEMM_KERNEL, or
 * per call with loupe_sgemm_using):
 *   "avx512"   12×32 micro-kernel, zmm intrinsics  (compiles; not run on an AVX-512 CPU yet;
 *              its logic is tested by building it from ymm pairs, LOUPE_TEST_EMULATE_AVX512)
 *   "avx2-fma" 6×16 micro-kernel, inner loop in inline assembly (fast in -O0 builds too;
 *              bit-identical to the intrinsics version kept under LOUPE_NO_ASM)
 *   "generic"  portable C with compiler vector extensions (SSE2 on x86-64, NEON on arm64)
 * Debug builds (no NDEBUG) prefer "avx2-fma" over "avx512" for speed.
 *
 * Threads: problems of at least ~64³ multiply-adds are split along N (or M when M > N)
 * into work items that the calling thread and a persistent pool of workers take from a
 * shared counter; a worker that has not started when the caller runs out of items is
 * withdrawn.  Every element of C is computed by the same sequence of operations whatever
 * the split, so results do not depend on the thread count.  Concurrent callers are
 * safe: while one caller uses the pool, others run single-threaded.
 * Problems with one row or column (or up to 4 while the other operand is ≤ 8 MB) take a
 * GEMV path without packing.
 */
#include "CLoupeKernels.h"
#include "CLoupeKernelsQuantized.h"
#include "cpu_level.h"
#include "gemm_threads.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define LOUPE_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* ------------------------------------------------------------------ shared types */

/* op(B) = dequantize(W)ᵀ for W: N rows of K elements in a GGML block type (Q4_0, Q4_1, Q8_0),
 * decoded straight into the packed panels (loupe_sgemm_quantized_b). */
struct gemm_qsource {
    int type;             /* GGML type id */
    int block_bytes;      /* bytes per block of 32 */
    const uint8_t *base;  /* row 0 */
    long row_bytes;       /* bytes per row of W */
};

struct gemm_args {
    int transA, transB, M, N, K;
    int kc; /* K block actually used (depends on K and the kernel only) */
    float alpha, beta;
    const float *A, *B;
    float *C;
    long lda, ldb, ldc;
    const float *bias; /* NULL, or N floats added to every row of C (only with beta == 0) */
    const struct gemm_qsource *qb; /* non-NULL: B is this quantized matrix W (op(B) = Wᵀ for transB = 1, W for 0; B unused) */
    const float *pb;   /* non-NULL: op(B) already in this kernel's panels (loupe_sgemm_pack_b), B and qb unused */
    long pb_npad;      /* N rounded up to the kernel's NR: the floats of one packed K row */
};

typedef void (*gemm_part_fn)(const struct gemm_args *g, int m0, int m1, int n0, int n1,
                             float *abuf, float *bbuf);
typedef void (*gemv_fn)(int K, int N, float alpha, const float *x, const float *B, long ldb,
                        int transB, float beta, float *c, long incc);
typedef void (*pack_b_fn)(int transB, int kc, int nc, const float *B, long ldb, float *dst);
typedef void (*pack_b_q_fn)(const struct gemm_qsource *q, int kc, int nc, int j0, int k0, float *dst);

struct gemm_kernel {
    const char *name;
    int mr, nr, mc, kc, nc;
    gemm_part_fn part;
    gemv_fn gemv;
    pack_b_fn pack_b;
    pack_b_q_fn pack_b_q;
};

/* ------------------------------------------------------------------ generic C */

typedef float loupe_v4f __attribute__((vector_size(16)));

static inline loupe_v4f gen_loadu(const float *p) {
    loupe_v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void gen_storeu(float *p, loupe_v4f v) { memcpy(p, &v, sizeof v); }
static inline loupe_v4f gen_set1(float x) { return (loupe_v4f){x, x, x, x}; }

#define SUF(x) x##_generic
#define SUF_NAME "generic"
#define TGT
#define VEC loupe_v4f
#define VW 4
#if defined(__aarch64__)
#define NV 3
#define MR 8
#define MC 120
#define NC 4080
#else
#define NV 2
#define MR 4
#define MC 128
#define NC 4096
#endif
#define KC 256
#define VZERO() gen_set1(0.0f)
#define VLOAD(p) gen_loadu(p)
#define VLOADU(p) gen_loadu(p)
#define VSTOREU(p, v) gen_storeu((p), (v))
#define VSET1(x) gen_set1(x)
#define VFMA(a, b, c) ((a) * (b) + (c))
#define VMUL(a, b) ((a) * (b))
#define VADD(a, b) ((a) + (b))
#include "sgemm_impl.h" /* undefines its parameters at the end */

#if LOUPE_X86
/* ------------------------------------------------------------------ AVX2 + FMA */

/* dst[k*dstride + r] = src[r*ld + k] for r < rows (1..8), k < 8.  Used to pack the
 * operands that need a transpose (A not transposed, B transposed). */
__attribute__((target("avx2,fma"))) static inline void
pack_tr8_avx2(const float *src, long ld, int rows, float *dst, int dstride)
{
    __m256 r[8];
    for (int i = 0; i < 8; i++) r[i] = i < rows ? _mm256_loadu_ps(src + i * ld) : _mm256_setzero_ps();
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    __m256 c[8];
    c[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    c[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    c[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    c[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    c[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    c[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    c[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    c[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
    if (rows == 8) {
        for (int k = 0; k < 8; k++) _mm256_storeu_ps(dst + k * dstride, c[k]);
    } else if (rows == 6) {
        for (int k = 0; k < 8; k++) {
            _mm_storeu_ps(dst + k * dstride, _mm256_castps256_ps128(c[k]));
            _mm_storel_pi((__m64 *)(void *)(dst + k * dstride + 4), _mm256_extractf128_ps(c[k], 1));
        }
    } else if (rows == 4) {
        for (int k = 0; k < 8; k++) _mm_storeu_ps(dst + k * dstride, _mm256_castps256_ps128(c[k]));
    } else {
        float tmp[8] __attribute__((aligned(32)));
        for (int k = 0; k < 8; k++) {
            _mm256_store_ps(tmp, c[k]);
            for (int i = 0; i < rows; i++) dst[k * dstride + i] = tmp[i];
        }
    }
}

/* The 6×16 AVX2 micro-kernel loop, in assembly so that it runs at full speed in debug
 * (-O0) builds as well, where intrinsics code is ~250× slower.  It performs exactly the
 * operations of the intrinsics template (same FMA order), so results are the same.
 * acc[i*16 + j] = sum_k Ap[k*6 + i] * Bp[k*16 + j]; acc is 32-byte aligned. */
#define LOUPE_AVX2_STEP                                                                     \
    "vmovaps (%[b]), %%ymm0\n\t"                                                           \
    "vmovaps 32(%[b]), %%ymm1\n\t"                                                         \
    "vbroadcastss (%[a]), %%ymm2\n\t"                                                      \
    "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"                                               \
    "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"                                               \
    "vbroadcastss 4(%[a]), %%ymm3\n\t"                                                     \
    "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"                                               \
    "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"                                               \
    "vbroadcastss 8(%[a]), %%ymm2\n\t"                                                     \
    "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"                                               \
    "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"                                               \
    "vbroadcastss 12(%[a]), %%ymm3\n\t"                                                    \
    "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"                                              \
    "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"                                              \
    "vbroadcastss 16(%[a]), %%ymm2\n\t"                                                    \
    "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"                                              \
    "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"                                              \
    "vbroadcastss 20(%[a]), %%ymm3\n\t"                                                    \
    "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"                                              \
    "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"                                              \
    "add $24, %[a]\n\t"                                                                    \
    "add $64, %[b]\n\t"

#if !defined(LOUPE_NO_ASM)
__attribute__((target("avx2,fma"))) static void
kernel_acc_avx2_asm(long kc, const float *Ap, const float *Bp, float *acc)
{
    long n4 = kc > 0 ? kc >> 2 : 0, rem = kc > 0 ? kc & 3 : 0;
    __asm__ volatile(
        "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
        "vxorps %%ymm5, %%ymm5, %%ymm5\n\t"
        "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
        "vxorps %%ymm7, %%ymm7, %%ymm7\n\t"
        "vxorps %%ymm8, %%ymm8, %%ymm8\n\t"
        "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
        "vxorps %%ymm10, %%ymm10, %%ymm10\n\t"
        "vxorps %%ymm11, %%ymm11, %%ymm11\n\t"
        "vxorps %%ymm12, %%ymm12, %%ymm12\n\t"
        "vxorps %%ymm13, %%ymm13, %%ymm13\n\t"
        "vxorps %%ymm14, %%ymm14, %%ymm14\n\t"
        "vxorps %%ymm15, %%ymm15, %%ymm15\n\t"
        "test %[n4], %[n4]\n\t"
        "jz 3f\n\t"
        ".p2align 4\n\t"
        "1:\n\t"
        LOUPE_AVX2_STEP LOUPE_AVX2_STEP LOUPE_AVX2_STEP LOUPE_AVX2_STEP
        "dec %[n4]\n\t"
        "jnz 1b\n\t"
        "3:\n\t"
        "test %[rem], %[rem]\n\t"
        "jz 4f\n\t"
        "2:\n\t"
        LOUPE_AVX2_STEP
        "dec %[rem]\n\t"
        "jnz 2b\n\t"
        "4:\n\t"
        "vmovaps %%ymm4, (%[c])\n\t"
        "vmovaps %%ymm5, 32(%[c])\n\t"
        "vmovaps %%ymm6, 64(%[c])\n\t"
        "vmovaps %%ymm7, 96(%[c])\n\t"
        "vmovaps %%ymm8, 128(%[c])\n\t"
        "vmovaps %%ymm9, 160(%[c])\n\t"
        "vmovaps %%ymm10, 192(%[c])\n\t"
        "vmovaps %%ymm11, 224(%[c])\n\t"
        "vmovaps %%ymm12, 256(%[c])\n\t"
        "vmovaps %%ymm13, 288(%[c])\n\t"
        "vmovaps %%ymm14, 320(%[c])\n\t"
        "vmovaps %%ymm15, 352(%[c])\n\t"
        "vzeroupper\n\t"
        : [a] "+r"(Ap), [b] "+r"(Bp), [n4] "+r"(n4), [rem] "+r"(rem)
        : [c] "r"(acc)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
}
#endif

#define SUF(x) x##_avx2
#define SUF_NAME "avx2-fma"
#define TGT __attribute__((target("avx2,fma")))
#define VEC __m256
#define VW 8
#define NV 2
#define MR 6
#ifndef LOUPE_AVX2_MC
#define LOUPE_AVX2_MC 72
#endif
#ifndef LOUPE_AVX2_KC
#define LOUPE_AVX2_KC 384
#endif
#ifndef LOUPE_AVX2_NC
#define LOUPE_AVX2_NC 4080
#endif
#define MC LOUPE_AVX2_MC
#define KC LOUPE_AVX2_KC
#define NC LOUPE_AVX2_NC
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_load_ps(p)
#define VLOADU(p) _mm256_loadu_ps(p)
#define VSTOREU(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VMUL(a, b) _mm256_mul_ps((a), (b))
#define VADD(a, b) _mm256_add_ps((a), (b))
#define PACK_TR8 pack_tr8_avx2
#if !defined(LOUPE_NO_ASM)
#define KERNEL_ACC kernel_acc_avx2_asm
#endif
#include "sgemm_impl.h" /* undefines its parameters at the end */

/* ------------------------------------------------------------------ AVX-512F */

#define SUF(x) x##_avx512
#define SUF_NAME "avx512"
#define VW 16
#define NV 2
#define MR 12
#define MC 384
#define KC 192
#define NC 4096
#if defined(LOUPE_TEST_EMULATE_AVX512)
/* Test-only: the same 12×32 instantiation built from pairs of ymm registers, so the
 * AVX-512 code path's logic can be exercised on a machine without AVX-512. */
#define TGT __attribute__((target("avx2,fma")))
typedef struct { __m256 lo, hi; } emu512;
TGT static inline emu512 e5_zero(void) { emu512 r = {_mm256_setzero_ps(), _mm256_setzero_ps()}; return r; }
TGT static inline emu512 e5_load(const float *p) { emu512 r = {_mm256_load_ps(p), _mm256_load_ps(p + 8)}; return r; }
TGT static inline emu512 e5_loadu(const float *p) { emu512 r = {_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; return r; }
TGT static inline void e5_storeu(float *p, emu512 v) { _mm256_storeu_ps(p, v.lo); _mm256_storeu_ps(p + 8, v.hi); }
TGT static inline emu512 e5_set1(float x) { emu512 r = {_mm256_set1_ps(x), _mm256_set1_ps(x)}; return r; }
TGT static inline emu512 e5_fma(emu512 a, emu512 b, emu512 c) {
    emu512 r = {_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)}; return r;
}
TGT static inline emu512 e5_mul(emu512 a, emu512 b) { emu512 r = {_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)}; return r; }
TGT static inline emu512 e5_add(emu512 a, emu512 b) { emu512 r = {_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)}; return r; }
#define VEC emu512
#define VZERO() e5_zero()
#define VLOAD(p) e5_load(p)
#define VLOADU(p) e5_loadu(p)
#define VSTOREU(p, v) e5_storeu((p), (v))
#define VSET1(x) e5_set1(x)
#define VFMA(a, b, c) e5_fma((a), (b), (c))
#define VMUL(a, b) e5_mul((a), (b))
#define VADD(a, b) e5_add((a), (b))
#else
#define TGT __attribute__((target("avx512f,avx2,fma")))
#define VEC __m512
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_load_ps(p)
#define VLOADU(p) _mm512_loadu_ps(p)
#define VSTOREU(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VMUL(a, b) _mm512_mul_ps((a), (b))
#define VADD(a, b) _mm512_add_ps((a), (b))
#endif
#define PACK_TR8 pack_tr8_avx2 /* AVX2 transposes are enough for packing */
#include "sgemm_impl.h" /* undefines its parameters at the end */

/* ------------------------------------------------------------------ CPU detection */

#if !defined(LOUPE_TEST_EMULATE_AVX512)
static unsigned long long loupe_xgetbv0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}
#endif

/* 2 = avx512f, 1 = avx2+fma, 0 = neither (checks the OS saves the registers too). */
static int loupe_cpu_level_detect(void) {
#if defined(LOUPE_TEST_EMULATE_AVX512)
    return 2;
#else
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!(fma && osxsave && avx)) return 0;
    unsigned long long xcr0 = loupe_xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return 0; /* XMM and YMM state */
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (!avx2) return 0;
    if (avx512f && (xcr0 & 0xe6) == 0xe6) return 2; /* opmask, ZMM_Hi256, Hi16_ZMM state */
    return 1;
#endif
}

static atomic_int g_cpu_level = -1; /* CPUID is slow under virtualisation: ask once */

int loupe_cpu_level(void) {
    int level = atomic_load_explicit(&g_cpu_level, memory_order_relaxed);
    if (level < 0) {
        level = loupe_cpu_level_detect();
        atomic_store_explicit(&g_cpu_level, level, memory_order_relaxed);
    }
    return level;
}
#endif /* LOUPE_X86 */

int loupe_vector_path(const char *kernel, const char *avx2_name) {
#if LOUPE_X86
    int level = loupe_cpu_level();
    int best = level >= 2 ? 2 : level >= 1 ? 1 : 0;
#else
    int best = 0;
#endif
    if (kernel == NULL || kernel[0] == 0 || strcmp(kernel, "auto") == 0) return best;
    if (strcmp(kernel, "generic") == 0) return 0;
    if (strcmp(kernel, avx2_name) == 0) return best >= 1 ? 1 : -1;
    if (strcmp(kernel, "avx512") == 0) return best >= 2 ? 2 : -1;
    return -1;
}

int loupe_row_kernel_path(const char *kernel) {
#if LOUPE_X86
    int avx2 = loupe_cpu_level() >= 1;
#else
    int avx2 = 0;
#endif
    if (kernel == NULL || kernel[0] == 0 || strcmp(kernel, "auto") == 0) return avx2;
    if (strcmp(kernel, "generic") == 0) return 0;
    if (strcmp(kernel, "avx2-fma") == 0) return avx2 ? 1 : -1;
    return -1;
}

/* ------------------------------------------------------------------ kernel selection */

static const struct gemm_kernel *loupe_best_kernel(void) {
#if LOUPE_X86
    int level = loupe_cpu_level();
#if !defined(NDEBUG) && !defined(LOUPE_TEST_EMULATE_AVX512)
    /* Debug builds (-O0, no NDEBUG): the avx512 path is intrinsics code, which is ~100×
     * slower unoptimised, while the avx2-fma inner loop is assembly; prefer the latter. */
    if (level >= 1) return &desc_avx2;
#endif
    if (level >= 2) return &desc_avx512;
    if (level >= 1) return &desc_avx2;
#endif
    return &desc_generic;
}

static const struct gemm_kernel *loupe_kernel_by_name(const char *name) {
    if (name == NULL || name[0] == 0 || strcmp(name, "auto") == 0) return loupe_best_kernel();
    if (strcmp(name, "generic") == 0) return &desc_generic;
#if LOUPE_X86
    int level = loupe_cpu_level();
    if (strcmp(name, "avx2-fma") == 0 && level >= 1) return &desc_avx2;
    if (strcmp(name, "avx512") == 0 && level >= 2) return &desc_avx512;
#endif
    return NULL;
}

static _Atomic(const struct gemm_kernel *) g_kernel = NULL;

static const struct gemm_kernel *loupe_active_kernel(void) {
    const struct gemm_kernel *k = atomic_load_explicit(&g_kernel, memory_order_acquire);
    if (k) return k;
    const char *env = getenv("LOUPE_SGEMM_KERNEL");
    k = env ? loupe_kernel_by_name(env) : NULL;
    if (!k) k = loupe_best_kernel();
    const struct gemm_kernel *expected = NULL;
    if (!atomic_compare_exchange_strong(&g_kernel, &expected, k)) k = expected;
    return k;
}

const char *loupe_sgemm_kernel_name(void) { return loupe_active_kernel()->name; }

/* The kernel a caller names (NULL or "auto": the active one); NULL when this CPU has no such kernel. */
static const struct gemm_kernel *kernel_named(const char *name) {
    return (name == NULL || name[0] == 0 || strcmp(name, "auto") == 0) ? loupe_active_kernel() : loupe_kernel_by_name(name);
}



/* ------------------------------------------------------------------ fallbacks */

/* Used only if a work buffer cannot be allocated. */
static void gemm_part_naive(const struct gemm_args *g, int m0, int m1, int n0, int n1) {
    for (int i = m0; i < m1; i++)
        for (int j = n0; j < n1; j++) {
            float acc = 0.0f;
            for (int k = 0; k < g->K; k++) {
                float a = g->transA ? g->A[(long)k * g->lda + i] : g->A[(long)i * g->lda + k];
                float b = g->transB ? g->B[(long)j * g->ldb + k] : g->B[(long)k * g->ldb + j];
                acc += a * b;
            }
            float *c = g->C + (long)i * g->ldc + j;
            if (g->bias)
                *c = g->bias[j] + g->alpha * acc;
            else
                *c = g->beta == 0.0f ? g->alpha * acc : g->alpha * acc + g->beta * *c;
        }
}

/* The fallback of loupe_sgemm_quantized_b when no work buffer can be had: one decoded row of W
 * at a time (K floats on the stack up to 4096, else per element). */
static void gemm_part_naive_q(const struct gemm_args *g, int m0, int m1, int n0, int n1) {
    float row[4096];
    for (int j = n0; j < n1; j++) {
        const uint8_t *w = g->qb->base + (long)j * g->qb->row_bytes;
        int have = g->K <= 4096 && loupe_quantized_decode(g->qb->type, g->K / 32, w, row);
        for (int i = m0; i < m1; i++) {
            float acc = 0;
            for (int k = 0; k < g->K; k++) {
                float b;
                if (have) b = row[k];
                else loupe_quantized_decode(g->qb->type, 1, w + (long)(k / 32) * g->qb->block_bytes, row), b = row[k % 32];
                float a = g->transA ? g->A[(long)k * g->lda + i] : g->A[(long)i * g->lda + k];
                acc += a * b;
            }
            float *c = g->C + (long)i * g->ldc + j;
            *c = g->alpha * acc + (g->bias ? g->bias[j] : (g->beta == 0 ? 0 : g->beta * *c));
        }
    }
}

/* The fallback of loupe_sgemm_quantized_b_rows when no work buffer can be had: op(B)[k][j] =
 * W[k][j], one decoded block at a time. */
static void gemm_part_naive_qn(const struct gemm_args *g, int m0, int m1, int n0, int n1) {
    float block[32];
    for (int i = m0; i < m1; i++)
        for (int j = n0; j < n1; j++) {
            float acc = 0.0f;
            for (int k = 0; k < g->K; k++) {
                loupe_quantized_decode(g->qb->type, 1, g->qb->base + (long)k * g->qb->row_bytes +
                                                           (long)(j / 32) * g->qb->block_bytes, block);
                float a = g->transA ? g->A[(long)k * g->lda + i] : g->A[(long)i * g->lda + k];
                acc += a * block[j % 32];
            }
            float *c = g->C + (long)i * g->ldc + j;
            *c = g->beta == 0.0f ? g->alpha * acc : g->alpha * acc + g->beta * *c;
        }
}

/* The fallback of loupe_sgemm_prepacked_b when no work buffer can be had: op(B)[k][j] read
 * from its panel (K block of k, panel of j). */
static void gemm_part_naive_p(const struct gemm_args *g, const struct gemm_kernel *kn, int m0, int m1, int n0,
                              int n1) {
    for (int i = m0; i < m1; i++)
        for (int j = n0; j < n1; j++) {
            float acc = 0.0f;
            for (int pc = 0; pc < g->K; pc += g->kc) {
                int kc = g->K - pc < g->kc ? g->K - pc : g->kc;
                const float *panel = g->pb + (long)pc * g->pb_npad + (long)(j / kn->nr) * kn->nr * kc;
                for (int k = 0; k < kc; k++) {
                    float a = g->transA ? g->A[(long)(pc + k) * g->lda + i] : g->A[(long)i * g->lda + pc + k];
                    acc += a * panel[(long)k * kn->nr + j % kn->nr];
                }
            }
            float *c = g->C + (long)i * g->ldc + j;
            *c = g->alpha * acc + (g->bias ? g->bias[j] : (g->beta == 0 ? 0 : g->beta * *c));
        }
}

/* C = beta * C (beta == 0 clears C, NaNs included). */
static void scale_c(int M, int N, float beta, float *C, long ldc) {
    for (int i = 0; i < M; i++) {
        float *c = C + (long)i * ldc;
        if (beta == 0.0f)
            memset(c, 0, (size_t)N * sizeof(float));
        else if (beta != 1.0f)
            for (int j = 0; j < N; j++) c[j] *= beta;
    }
}

/* ------------------------------------------------------------------ driver */

/* Problems with one row (column), or at most LOUPE_GEMV_MAX rows (columns) and an other
 * operand of at most LOUPE_GEMV_MAX_REREAD floats, take the GEMV path. */
#ifndef LOUPE_GEMV_MAX
#define LOUPE_GEMV_MAX 4
#endif
#ifndef LOUPE_GEMV_MAX_REREAD
#define LOUPE_GEMV_MAX_REREAD (2.0 * 1024 * 1024)
#endif

/* Below this many multiply-adds a problem stays on the calling thread. */
#ifndef LOUPE_MT_MIN_FMAS
#define LOUPE_MT_MIN_FMAS (64L * 64L * 32L) /* 2 threads from about 64^3 */
#endif
/* Narrowest range of columns (rows) in one work item when N (M) is split between
 * threads: each item re-packs the whole other operand, which costs ~5% at 256. */
#ifndef LOUPE_MIN_ITEM
#define LOUPE_MIN_ITEM 1024
#endif

struct gemm_task {
    struct gemm_args g;
    const struct gemm_kernel *k;
    int split_n; /* 1: work items are column ranges, 0: row ranges */
    int nitems;
    int units;   /* split dimension in units of NR (split_n) or MR */
    atomic_int next;
};

static void run_part(const struct gemm_args *g, const struct gemm_kernel *k, int m0, int m1, int n0,
                     int n1) {
    if (m0 >= m1 || n0 >= n1) return;
    int mrows = m1 - m0 < k->mc ? m1 - m0 : k->mc;
    int ncols = n1 - n0 < k->nc ? n1 - n0 : k->nc;
    size_t asz = (size_t)((mrows + k->mr - 1) / k->mr * k->mr) * g->kc;
    size_t bsz = (size_t)((ncols + k->nr - 1) / k->nr * k->nr) * g->kc;
    asz = (asz + 15) & ~(size_t)15; /* keep the B buffer 64-byte aligned */
    if (g->pb) bsz = 0;
    float *ws = loupe_workspace(asz + bsz);
    if (!ws) {
        if (g->pb) gemm_part_naive_p(g, k, m0, m1, n0, n1);
        else if (g->qb && !g->transB) gemm_part_naive_qn(g, m0, m1, n0, n1);
        else if (g->qb) gemm_part_naive_q(g, m0, m1, n0, n1);
        else gemm_part_naive(g, m0, m1, n0, n1);
        return;
    }
    k->part(g, m0, m1, n0, n1, ws, ws + asz);
}

static void gemm_task_run(void *p) {
    struct gemm_task *t = p;
    const struct gemm_args *g = &t->g;
    int unit = t->split_n ? t->k->nr : t->k->mr;
    int dim = t->split_n ? g->N : g->M;
    for (;;) {
        int i = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed);
        if (i >= t->nitems) break;
        long lo = (long)t->units * i / t->nitems * unit, hi = (long)t->units * (i + 1) / t->nitems * unit;
        if (hi > dim) hi = dim;
        if (t->split_n)
            run_part(g, t->k, 0, g->M, (int)lo, (int)hi);
        else
            run_part(g, t->k, (int)lo, (int)hi, 0, g->N);
    }
}

/* The K block of the blocked path: K cut into balanced blocks of at most the kernel's KC,
 * rounded up to a multiple of 4 — a function of K and the kernel only (determinism). */
static int balanced_kc(const struct gemm_kernel *k, int K) {
    int nkb = (K + k->kc - 1) / k->kc;
    return ((K + nkb - 1) / nkb + 3) & ~3;
}

/* The blocked path of a problem described by t->g: split over N (or M when M > N) between up to
 * `nthreads` threads, in work items, or run on this thread when the problem is small. */
static void run_blocked(struct gemm_task *t, const struct gemm_kernel *k, int nthreads) {
    const int M = t->g.M, N = t->g.N, K = t->g.K;
    t->k = k;
    t->split_n = N >= M; /* the operand re-packed by every item is the smaller one */
    double fmas = (double)M * N * K;
    double by_work = fmas / LOUPE_MT_MIN_FMAS;
    if (nthreads > by_work) nthreads = by_work < 1 ? 1 : (int)by_work;
    int dim = t->split_n ? N : M;
    int unit = t->split_n ? k->nr : k->mr;
    t->units = (dim + unit - 1) / unit;
    if (nthreads > t->units) nthreads = t->units;
    if (nthreads <= 1) {
        run_part(&t->g, k, 0, M, 0, N);
        return;
    }
    /* Work items: at least one per thread, narrow enough to rebalance when a thread is
     * slow, wide enough that re-packing the other operand per item stays cheap.  A
     * multiple of the thread count, so an unloaded machine splits evenly. */
    int items = dim / LOUPE_MIN_ITEM;
    items = (items + nthreads - 1) / nthreads * nthreads;
    if (items < nthreads) items = nthreads;
    if (items > t->units) items = t->units;
    t->nitems = items;
    atomic_init(&t->next, 0);
    loupe_parallel(gemm_task_run, t, nthreads);
}

/* With bias != NULL (beta is then 0): C = alpha·op(A)·op(B) + bias on every row; the blocked
 * path adds it in the micro-kernel's store, the other paths start from C = bias, beta = 1. */
static void sgemm_impl(const struct gemm_kernel *k, int nthreads,
                       int transA, int transB, int M, int N, int K,
                       float alpha, const float *A, int lda,
                       const float *B, int ldb,
                       float beta, float *C, int ldc, const float *bias) {
    if (M <= 0 || N <= 0) return;
    const int few = M < N ? M : N;
    const double other = (double)K * (M < N ? N : M); /* size of the operand re-read per GEMV */
    const int gemv = few == 1 || (few <= LOUPE_GEMV_MAX && other <= LOUPE_GEMV_MAX_REREAD);
    if (bias && (gemv || K <= 0 || alpha == 0.0f)) {
        for (int i = 0; i < M; i++) memcpy(C + (long)i * ldc, bias, (size_t)N * sizeof(float));
        beta = 1.0f;
        bias = NULL;
    }
    if (K <= 0 || alpha == 0.0f) {
        scale_c(M, N, beta, C, ldc);
        return;
    }

    if (gemv) {
        /* A few rows (columns) of C: one GEMV per row (column), no packing.  Row i of C
         * is x^T op(B) with x = row i of op(A); column j of C is op(A) y with y = column j
         * of op(B), i.e. y^T op(A)^T.  With 2..4 rows op(B) is read once per row, so only
         * while it is small enough to stay in cache. */
        const int by_rows = M <= N;
        const int count = by_rows ? M : N;
        const int len = by_rows ? N : M;
        const long incx = by_rows ? (transA ? lda : 1) : (transB ? 1 : ldb);
        float *xs = NULL;
        if (incx != 1 && !(xs = loupe_workspace((size_t)K))) {
            struct gemm_args g = {transA, transB, M, N, K, K, alpha, beta, A, B, C, lda, ldb, ldc, NULL};
            gemm_part_naive(&g, 0, M, 0, N);
            return;
        }
        for (int v = 0; v < count; v++) {
            const float *x;
            if (by_rows)
                x = transA ? A + v : A + (long)v * lda;
            else
                x = transB ? B + (long)v * ldb : B + v;
            if (incx != 1) {
                for (int i = 0; i < K; i++) xs[i] = x[(long)i * incx];
                x = xs;
            }
            if (by_rows)
                k->gemv(K, len, alpha, x, B, ldb, transB, beta, C + (long)v * ldc, 1);
            else
                k->gemv(K, len, alpha, x, A, lda, !transA, beta, C + v, ldc);
        }
        return;
    }

    struct gemm_task t = {.g = {transA, transB, M, N, K, balanced_kc(k, K), alpha, beta, A, B, C, lda, ldb, ldc,
                                bias, NULL}};
    run_blocked(&t, k, nthreads);
}

void loupe_sgemm(int transA, int transB, int M, int N, int K,
                 float alpha, const float *A, int lda,
                 const float *B, int ldb,
                 float beta, float *C, int ldc) {
    sgemm_impl(loupe_active_kernel(), loupe_get_effective_threads(), transA, transB, M, N, K,
               alpha, A, lda, B, ldb, beta, C, ldc, NULL);
}

void loupe_sgemm_bias(int transA, int transB, int M, int N, int K,
                      float alpha, const float *A, int lda,
                      const float *B, int ldb,
                      const float *bias, float *C, int ldc) {
    sgemm_impl(loupe_active_kernel(), loupe_get_effective_threads(), transA, transB, M, N, K,
               alpha, A, lda, B, ldb, 0.0f, C, ldc, bias);
}

int loupe_sgemm_bias_using(const char *kernel, int nthreads,
                           int transA, int transB, int M, int N, int K,
                           float alpha, const float *A, int lda,
                           const float *B, int ldb,
                           float beta, const float *bias, float *C, int ldc) {
    const struct gemm_kernel *k =
        (kernel == NULL || kernel[0] == 0 || strcmp(kernel, "auto") == 0) ? loupe_active_kernel()
                                                                            : loupe_kernel_by_name(kernel);
    if (!k) return 0;
    if (nthreads <= 0) nthreads = loupe_get_effective_threads();
    if (nthreads > LOUPE_MAX_THREADS) nthreads = LOUPE_MAX_THREADS;
    sgemm_impl(k, nthreads, transA, transB, M, N, K, alpha, A, lda, B, ldb, bias ? 0.0f : beta, C, ldc, bias);
    return 1;
}

int loupe_sgemm_using(const char *kernel, int nthreads,
                      int transA, int transB, int M, int N, int K,
                      float alpha, const float *A, int lda,
                      const float *B, int ldb,
                      float beta, float *C, int ldc) {
    return loupe_sgemm_bias_using(kernel, nthreads, transA, transB, M, N, K, alpha, A, lda, B, ldb,
                                  beta, NULL, C, ldc);
}

/* Bytes per block of 32 of the formats with a panel decoder (Q8_0, Q4_1, Q4_0), 0 for another. */
static int panel_block_bytes(int ggml_type) {
    return ggml_type == 8 ? 34 : ggml_type == 3 ? 20 : ggml_type == 2 ? 18 : 0;
}

/* N rounded up to the kernel's panel width: the floats of one packed K row. */
static long panel_columns(const struct gemm_kernel *k, int N) {
    return (long)(N + k->nr - 1) / k->nr * k->nr;
}

/* C = A · dequantize(W)ᵀ (+ bias): the blocked path of sgemm_impl with op(B)'s panels decoded
 * from W's blocks as they are packed (no decoded copy of W in memory).  The K blocks are
 * multiples of 32, so each packed block of W is whole; for the K of most models (576, 1536,
 * 384, …) they are the float SGEMM's own, and the result is then the same bits as decoding W
 * and calling loupe_sgemm_bias.  Returns 0 (nothing written) for another type, K not a
 * multiple of 32, or M or N below 1. */
int loupe_sgemm_quantized_b(int nthreads, int M, int N, int K, const float *A, int lda, int ggml_type,
                            const void *W, long ldw_bytes, const float *bias, float *C, int ldc) {
    int block_bytes = panel_block_bytes(ggml_type);
    if (!block_bytes || K <= 0 || K % 32 != 0 || M <= 0 || N <= 0) return 0;
    const struct gemm_kernel *k = loupe_active_kernel();
    if (nthreads <= 0) nthreads = loupe_get_effective_threads();
    if (nthreads > LOUPE_MAX_THREADS) nthreads = LOUPE_MAX_THREADS;
    struct gemm_qsource q = {ggml_type, block_bytes, (const uint8_t *)W, ldw_bytes};
    /* K blocks of whole blocks of 32: the float path's own whenever those are multiples of 32. */
    int kc = (balanced_kc(k, K) + 31) & ~31;
    struct gemm_task t = {.g = {0, 1, M, N, K, kc, 1.0f, 0.0f, A, NULL, C, lda, K, ldc, bias, &q}};
    run_blocked(&t, k, nthreads);
    return 1;
}

/* C = A · dequantize(W) (+ beta · C) for W: K rows of N elements in Q4_0 / Q4_1 / Q8_0 (the
 * input gradient of y = x · Wᵀ): the blocked path with op(B) = W's rows decoded straight into
 * the panels (loupe_sgemm_pack_b's for the decoded matrix, so the same bits as decoding W and
 * calling loupe_sgemm). Returns 0 (nothing written) for another type, N not a multiple of 32,
 * or M or K below 1. */
int loupe_sgemm_quantized_b_rows(const char *kernel, int nthreads, int M, int N, int K, const float *A, int lda,
                                 int ggml_type, const void *W, long ldw_bytes, float beta, float *C, int ldc) {
    int block_bytes = panel_block_bytes(ggml_type);
    const struct gemm_kernel *k = kernel_named(kernel);
    if (!k || !block_bytes || N <= 0 || N % 32 != 0 || M <= 0 || K <= 0) return 0;
    if (nthreads <= 0) nthreads = loupe_get_effective_threads();
    if (nthreads > LOUPE_MAX_THREADS) nthreads = LOUPE_MAX_THREADS;
    struct gemm_qsource q = {ggml_type, block_bytes, (const uint8_t *)W, ldw_bytes};
    struct gemm_task t = {.g = {0, 0, M, N, K, balanced_kc(k, K), 1.0f, beta, A, NULL, C, lda, N, ldc, NULL, &q}};
    run_blocked(&t, k, nthreads);
    return 1;
}

/* ------------------------------------------------------------------ prepacked op(B) */

/* The K block a product of this K uses: the float path's, or (quantized) whole blocks of 32. */
static int packed_kc(const struct gemm_kernel *k, int K, int quantized) {
    int kc = balanced_kc(k, K);
    return quantized ? (kc + 31) & ~31 : kc;
}

long loupe_sgemm_packed_b_floats(const char *kernel, int N, int K) {
    const struct gemm_kernel *k = kernel_named(kernel);
    if (!k || N <= 0 || K <= 0) return 0;
    return (long)K * panel_columns(k, N);
}

/* Panels of op(B) for the whole matrix, K block after K block: block pc holds kc × npad floats,
 * the NR-column panel of columns [j, j + NR) at j · kc inside it, zero-padded past N. */
int loupe_sgemm_pack_b(const char *kernel, int transB, int N, int K, const float *B, long ldb, float *out) {
    const struct gemm_kernel *k = kernel_named(kernel);
    if (!k || N <= 0 || K <= 0) return 0;
    const long npad = panel_columns(k, N);
    const int step = packed_kc(k, K, 0);
    for (int pc = 0; pc < K; pc += step) {
        int kc = K - pc < step ? K - pc : step;
        const float *src = transB ? B + pc : B + (long)pc * ldb;
        k->pack_b(transB, kc, N, src, ldb, out + (long)pc * npad);
    }
    return step;
}

int loupe_sgemm_pack_quantized_b(const char *kernel, int ggml_type, int N, int K, const void *W, long ldw_bytes,
                                 float *out) {
    int block_bytes = panel_block_bytes(ggml_type);
    const struct gemm_kernel *k = kernel_named(kernel);
    if (!k || !block_bytes || K <= 0 || K % 32 != 0 || N <= 0) return 0;
    const long npad = panel_columns(k, N);
    const int step = packed_kc(k, K, 1);
    struct gemm_qsource q = {ggml_type, block_bytes, (const uint8_t *)W, ldw_bytes};
    for (int pc = 0; pc < K; pc += step) {
        int kc = K - pc < step ? K - pc : step;
        k->pack_b_q(&q, kc, N, 0, pc, out + (long)pc * npad);
    }
    return step;
}

/* C = alpha · op(A) · op(B) (+ beta · C, or + bias) with op(B) packed by loupe_sgemm_pack_b /
 * loupe_sgemm_pack_quantized_b: the blocked path without its packing of B, so the same bits as
 * loupe_sgemm_bias / loupe_sgemm_quantized_b on the matrix that was packed (the GEMV path of
 * loupe_sgemm is never taken: callers have many rows). Returns 0 (nothing written) when kc is
 * not a K block the active kernel uses for this K. */
int loupe_sgemm_prepacked_b(const char *kernel, int nthreads, int transA, int M, int N, int K, int kc, float alpha,
                            const float *A, int lda, const float *packed, float beta, const float *bias,
                            float *C, int ldc) {
    const struct gemm_kernel *k = kernel_named(kernel);
    if (!k || M <= 0 || N <= 0 || K <= 0 || (kc != packed_kc(k, K, 0) && kc != packed_kc(k, K, 1))) return 0;
    if (nthreads <= 0) nthreads = loupe_get_effective_threads();
    if (nthreads > LOUPE_MAX_THREADS) nthreads = LOUPE_MAX_THREADS;
    if (bias) beta = 0.0f;
    if (alpha == 0.0f) {
        if (bias)
            for (int i = 0; i < M; i++) memcpy(C + (long)i * ldc, bias, (size_t)N * sizeof(float));
        else
            scale_c(M, N, beta, C, ldc);
        return 1;
    }
    const long npad = panel_columns(k, N);
    struct gemm_task t = {.g = {transA, 0, M, N, K, kc, alpha, beta, A, NULL, C, lda, 0, ldc, bias, NULL,
                                packed, npad}};
    run_blocked(&t, k, nthreads);
    return 1;
}
