#ifndef CLOUPE_KERNELS_H
#define CLOUPE_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Single-precision GEMM, row-major:  C = alpha * op(A) * op(B) + beta * C
/// op(A) is M×K (A stored K×M when transA != 0), op(B) is K×N (B stored N×K when transB != 0).
/// lda/ldb/ldc are row strides (in elements) of the stored matrices.
/// Uses up to loupe_set_num_threads() threads when the problem is large enough to pay.
void loupe_sgemm(int transA, int transB, int M, int N, int K,
                 float alpha, const float *A, int lda,
                 const float *B, int ldb,
                 float beta, float *C, int ldc);

/// Number of threads large kernels may use (default: number of online CPUs, at most 64).
void loupe_set_num_threads(int n);
int loupe_get_num_threads(void);

/// Name of the GEMM code path chosen at run time ("avx512", "avx2-fma", "generic").
const char *loupe_sgemm_kernel_name(void);

/// loupe_sgemm with an explicit code path and thread count, for tests and benchmarks.
/// kernel: "generic", "avx2-fma", "avx512", or NULL/"auto" for the one loupe_sgemm uses;
/// nthreads: at most this many threads (0: loupe_get_num_threads()); small problems still
/// run on one.  Returns 0 without touching C when the CPU cannot run that code path
/// (so a call with M == 0 just asks whether it is available), 1 otherwise.
/// The default path can also be chosen at start-up with the environment variable
/// LOUPE_SGEMM_KERNEL (same names).
int loupe_sgemm_using(const char *kernel, int nthreads,
                      int transA, int transB, int M, int N, int K,
                      float alpha, const float *A, int lda,
                      const float *B, int ldb,
                      float beta, float *C, int ldc);

#ifdef __cplusplus
}
#endif
#endif
