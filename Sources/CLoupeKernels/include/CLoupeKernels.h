#ifndef CLOUPE_KERNELS_H
#define CLOUPE_KERNELS_H

#include <stddef.h>

#include "CLoupeKernelsQuantized.h"

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

/// C = alpha * op(A) * op(B) + bias, with `bias` (N floats) added to every row of C: the
/// affine map of a fully connected layer.  The bias is added as each tile of C is stored.
void loupe_sgemm_bias(int transA, int transB, int M, int N, int K,
                      float alpha, const float *A, int lda,
                      const float *B, int ldb,
                      const float *bias, float *C, int ldc);

/// Number of threads large kernels may use (default: number of online CPUs, at most 64).
void loupe_set_num_threads(int n);
int loupe_get_num_threads(void);

/// loupe_sgemm_using with an optional bias (NULL: none; when given, beta is ignored and C is
/// not read).
int loupe_sgemm_bias_using(const char *kernel, int nthreads,
                           int transA, int transB, int M, int N, int K,
                           float alpha, const float *A, int lda,
                           const float *B, int ldb,
                           float beta, const float *bias, float *C, int ldc);

/// Caps the threads that GEMM calls made from the calling thread may use (0 removes the cap);
/// returns the previous cap.  For code that already runs one shard of its work per core.
int loupe_set_thread_cap(int n);

/// loupe_get_num_threads() limited by the calling thread's cap.
int loupe_get_effective_threads(void);

/// Runs body(context, begin, end) over `0..<count` cut into `chunks` contiguous parts (at most
/// `count`), on the calling thread and the workers of the GEMM's thread pool — the same threads
/// that run the products, so work between two products does not wake a second set of threads
/// while the pool's workers spin.  Each participating thread takes the next part until none is
/// left; returns when all are done.  When the pool is busy (a call from inside a part, or from
/// another thread's parallel work) the calling thread runs every part itself, in order.
void loupe_parallel_chunks(long count, int chunks, void (*body)(void *context, long begin, long end),
                           void *context);

/// Raises glibc malloc's mmap and trim thresholds once per process (see allocator.c); returns
/// 1 when they were set, 0 when left alone (LOUPE_MALLOC_DEFAULTS set, or not glibc).
int loupe_tune_allocator(void);

/// Scaled dot-product attention of one (batch, head) block: P = softmax(scale·Q·Kᵀ) over the
/// keys not flagged in `padded` (t flags, or NULL), out = P·V.  Q, K, V are t×d with row
/// stride `ld` (a packed [T, 3E] projection gives q, q + E, q + 2E and ld = 3E); P is t×t
/// (contiguous), out is t×d with row stride `ldo`.  A query whose keys are all padded gets a
/// zero row of P and a zero output.  `scratch` holds loupe_attention_scratch_count(t, d) floats.
void loupe_attention_forward(int t, int d, float scale, const float *q, const float *k,
                             const float *v, long ld, const unsigned char *padded, float *P,
                             float *out, long ldo, float *scratch);

/// Floats of scratch either attention kernel needs for a t-token block of head size d.
long loupe_attention_scratch_count(int t, int d);

/// The attention kernels with an explicit code path ("generic", "avx2-fma", or NULL/"auto"),
/// for tests.  Return 0 without touching the outputs when the CPU cannot run that path.
int loupe_attention_forward_using(const char *kernel, int t, int d, float scale, const float *q,
                                  const float *k, const float *v, long ld,
                                  const unsigned char *padded, float *P, float *out, long ldo,
                                  float *scratch);
int loupe_attention_backward_using(const char *kernel, int t, int d, float scale, const float *q,
                                   const float *k, const float *v, long ld, const float *P,
                                   const float *dout, long ldo, float *dq, float *dk, float *dv,
                                   long ldd, float *scratch);

/// The derivative of loupe_attention_forward: given P and dOut (t×d, stride `ldo`), writes
/// dQ, dK, dV (t×d each, row stride `ldd`; overwritten).  `scratch` as for the forward.
void loupe_attention_backward(int t, int d, float scale, const float *q, const float *k,
                              const float *v, long ld, const float *P, const float *dout,
                              long ldo, float *dq, float *dk, float *dv, long ldd, float *scratch);

/// Layer norm of `rows` contiguous rows of `width` floats (of x + residual when `residual` is
/// not NULL): writes the normalised rows x̂ (`xhat`), 1/√(var + ε) per row (`rstd`) and
/// y = x̂ ⊙ weight + bias.  Biased variance, as torch.nn.functional.layer_norm.
void loupe_layer_norm_forward(long rows, int width, const float *x, const float *residual,
                              const float *weight, const float *bias, float epsilon,
                              float *xhat, float *rstd, float *y);

/// The input gradient of loupe_layer_norm_forward: dx = rstd · (ĝ − mean ĝ − x̂ · mean(ĝ ⊙ x̂))
/// with ĝ = g ⊙ weight, per row.
void loupe_layer_norm_backward(long rows, int width, const float *g, const float *xhat,
                               const float *rstd, const float *weight, float *dx);

/// The layer-norm kernels with an explicit code path ("generic", "avx2-fma", NULL/"auto"), for
/// tests; 0 when the CPU cannot run that path.
int loupe_layer_norm_forward_using(const char *kernel, long rows, int width, const float *x,
                                   const float *residual, const float *weight, const float *bias,
                                   float epsilon, float *xhat, float *rstd, float *y);
int loupe_layer_norm_backward_using(const char *kernel, long rows, int width, const float *g,
                                    const float *xhat, const float *rstd, const float *weight,
                                    float *dx);

/// SiLU of `n` contiguous floats: y = x · σ(x) (y may be x).
void loupe_silu_forward(long n, const float *x, float *y);

/// The derivative of loupe_silu_forward applied to an upstream gradient:
/// dx = g · σ(x) · (1 + x · (1 − σ(x))) (dx may be g).
void loupe_silu_backward(long n, const float *x, const float *g, float *dx);

/// GELU, the exact erf form, of `n` contiguous floats: y = x · Φ(x) (y may be x).
void loupe_gelu_forward(long n, const float *x, float *y);

/// The derivative of loupe_gelu_forward applied to an upstream gradient:
/// dx = g · (Φ(x) + x · φ(x)) (dx may be g).
void loupe_gelu_backward(long n, const float *x, const float *g, float *dx);

/// The SiLU and GELU kernels with an explicit code path ("generic", "avx2-fma", "avx512", NULL/"auto"),
/// for tests; 0 when the CPU cannot run that path.
int loupe_silu_forward_using(const char *kernel, long n, const float *x, float *y);
int loupe_silu_backward_using(const char *kernel, long n, const float *x, const float *g, float *dx);
int loupe_gelu_forward_using(const char *kernel, long n, const float *x, float *y);
int loupe_gelu_backward_using(const char *kernel, long n, const float *x, const float *g, float *dx);

/// One Adam / AdamW step over `n` contiguous parameters w with moments m, v and gradient g
/// (all distinct arrays): per element, with `grad = g` (+ weight_decay·w when not decoupled;
/// w ·= decay first when decoupled and weight_decay ≠ 0), m += (grad − m)(1 − β₁),
/// v = v·β₂ + (1 − β₂)·grad·grad, w −= step_size·m / (√v / root_correction2 + ε) — no fused
/// multiply-add, the same bits on every path.  `_using` takes "generic", "avx2-fma", "avx512"
/// or NULL/"auto" and returns 0 when this CPU cannot run that path.
void loupe_adam_update(long n, float *w, float *m, float *v, const float *g, float beta1, float beta2,
                       float epsilon, float weight_decay, int decoupled, float decay, float step_size,
                       float root_correction2);
int loupe_adam_update_using(const char *kernel, long n, float *w, float *m, float *v, const float *g,
                            float beta1, float beta2, float epsilon, float weight_decay, int decoupled,
                            float decay, float step_size, float root_correction2);

/// C = A · dequantize(W)ᵀ (+ bias, N floats, or NULL): A is M×K floats (row stride lda), W is N
/// rows of K elements in GGML type `ggml_type` (2 = Q4_0, 3 = Q4_1, 8 = Q8_0) at `W` with a row
/// stride of `ldw_bytes`, C is M×N (row stride ldc).  The blocked SGEMM with W's blocks decoded
/// straight into its packed panels: no decoded copy of W in memory.  For K whose balanced K
/// blocks are multiples of 32 (576, 1536, 384, 768, 3072, …) the result has the same bits as
/// decoding W and calling loupe_sgemm_bias.  nthreads 0: loupe_get_effective_threads().
/// Returns 0 (nothing written) for another type, K not a multiple of 32, or M, N below 1.
int loupe_sgemm_quantized_b(int nthreads, int M, int N, int K, const float *A, int lda, int ggml_type,
                            const void *W, long ldw_bytes, const float *bias, float *C, int ldc);

/// SwiGLU's product y = silu(g) ⊙ u over `n` floats, and its derivative: dg = dy ⊙ u ⊙ silu′(g),
/// du = dy ⊙ silu(g) (dg or du NULL: not computed).  `_using` as for the SiLU kernels.
void loupe_swiglu_forward(long n, const float *g, const float *u, float *y);
void loupe_swiglu_backward(long n, const float *g, const float *u, const float *dy, float *dg, float *du);
int loupe_swiglu_forward_using(const char *kernel, long n, const float *g, const float *u, float *y);
int loupe_swiglu_backward_using(const char *kernel, long n, const float *g, const float *u, const float *dy,
                                float *dg, float *du);

/// Σ exp(x[i] − shift) over `n` floats (a softmax's denominator with shift = max x): each exp
/// in float (relative error about 1e-7), the sum in double lanes.  0 for n ≤ 0.
double loupe_sum_exp_shifted(long n, const float *x, float shift);

/// Name of the GEMM code path chosen at run time ("avx512", "avx2-fma", "generic").
const char *loupe_sgemm_kernel_name(void);

/// C = A · dequantize(W) + beta · C for W: K rows of N elements (N a multiple of 32) in Q4_0 (2),
/// Q4_1 (3) or Q8_0 (8), row stride ldw_bytes — the input gradient of x · Wᵀ — with W's rows
/// decoded straight into the SGEMM's panels: the same bits as decoding W and calling
/// loupe_sgemm. Returns 0, writing nothing, for another type or shape.
int loupe_sgemm_quantized_b_rows(const char *kernel, int nthreads, int M, int N, int K, const float *A, int lda,
                                 int ggml_type, const void *W, long ldw_bytes, float beta, float *C, int ldc);

/// Prepacked op(B): a constant right-hand side (a weight) packed once into an SGEMM kernel's
/// panels and multiplied many times without re-packing. `kernel` as in loupe_sgemm_using (NULL:
/// the active one; the packer and the product must name the same); these and
/// loupe_sgemm_quantized_b_rows return 0 when this CPU has no such kernel.
/// loupe_sgemm_packed_b_floats: floats the panels of a K × N op(B) take (K · N rounded up to
/// the kernel's panel width; the buffer must be 64-byte aligned).
long loupe_sgemm_packed_b_floats(const char *kernel, int N, int K);
/// Packs op(B) (transB: B is N × K, row stride ldb; else K × N) for loupe_sgemm_prepacked_b;
/// returns the K block it used (pass it on), 0 for an empty matrix.
int loupe_sgemm_pack_b(const char *kernel, int transB, int N, int K, const float *B, long ldb, float *out);
/// Packs op(B) = dequantize(W)ᵀ (W: N rows of K in Q4_0 (2), Q4_1 (3) or Q8_0 (8), row stride
/// ldw_bytes) — the panels loupe_sgemm_quantized_b decodes at every call; returns the K block,
/// 0 for another type or K not a multiple of 32.
int loupe_sgemm_pack_quantized_b(const char *kernel, int ggml_type, int N, int K, const void *W, long ldw_bytes,
                                 float *out);
/// C = alpha · op(A) · op(B) + (bias ? bias on every row : beta · C) with op(B) prepacked (kc as
/// returned by the packer): the same bits as the unpacked product. nthreads 0: the effective
/// count. Returns 0, writing nothing, when kc does not fit this K.
int loupe_sgemm_prepacked_b(const char *kernel, int nthreads, int transA, int M, int N, int K, int kc, float alpha,
                            const float *A, int lda, const float *packed, float beta, const float *bias,
                            float *C, int ldc);

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
