/* CLoupeKernelsQuantized.h - products with GGML block-quantized weights read in place
 * (quant_dot.c).  Included by CLoupeKernels.h. */
#ifndef CLOUPE_KERNELS_QUANTIZED_H
#define CLOUPE_KERNELS_QUANTIZED_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// GGML type ids the integer kernels read: Q4_0 (2), Q4_1 (3), Q8_0 (8).
enum {
    LOUPE_GGML_Q4_0 = 2,
    LOUPE_GGML_Q4_1 = 3,
    LOUPE_GGML_Q8_0 = 8,
};

/// The arithmetic of loupe_quantized_matmul_batch: the input as it is, each weight block decoded
/// to floats in registers (LOUPE_QUANTIZED_FLOAT: x · dequantize(W)ᵀ up to float rounding), or
/// the input rounded to 8 bits per block and integer dot products (LOUPE_QUANTIZED_INT8).
enum {
    LOUPE_QUANTIZED_FLOAT = 0,
    LOUPE_QUANTIZED_INT8 = 1,
};

/// 1 when `ggml_type` is one loupe_quantized_matmul reads.
int loupe_quantized_type_supported(int ggml_type);

/// Y = X · Wᵀ (+ bias): X is M×K floats (row stride ldx), W is N rows of K elements stored in
/// GGML type `ggml_type` at `w` (row stride `ldw` bytes), Y is M×N (row stride ldy), `bias` N
/// floats or NULL.  Each row of X is first rounded to Q8 blocks of 32 (one float scale
/// d = max|x|/127 per block, as llama.cpp's `quantize_row_q8_1`), then every weight block is
/// multiplied with integer dot products (AVX2 `vpmaddubsw`, or `vpdpbusd` where the CPU has
/// AVX-VNNI / AVX512-VNNI) and scaled by both blocks' scales.  The only rounding beyond float
/// summation is the activation's: |Y − X̃·Wᵀ| per output is at most Σₖ |Wₙₖ|·dₖ/2 where dₖ is
/// the scale of the activation block of column k.
/// K must be a multiple of 32.  Threads over output rows on the GEMM pool (nthreads: at most
/// this many; 0: loupe_get_effective_threads()).  kernel: "generic", "avx2", "avx-vnni",
/// "avx512-vnni", or NULL/"auto" for the best this CPU runs.  Returns 0 without touching Y when
/// that path cannot run here, the type is not supported or K is not a multiple of 32.
int loupe_quantized_matmul(const char *kernel, int nthreads, int ggml_type, int M, int N, int K,
                           const float *x, long ldx, const void *w, long ldw, const float *bias,
                           float *y, long ldy);

/// `count` (at most 8) products of the same X with different matrices (matrix s: type
/// ggml_types[s], Ns[s] rows at ws[s], row stride ldws[s] bytes; bias biases[s] or NULL, biases
/// itself may be NULL; output ys[s], row stride ldys[s]): X is rounded once and the rows of all
/// the matrices are shared out in one parallel pass (Q, K, V of one layer; gate and up).
/// Results are those of `count` loupe_quantized_matmul calls.  Returns 0 (nothing written)
/// when the path, a type or K is not supported.
/// `arithmetic` is LOUPE_QUANTIZED_FLOAT or LOUPE_QUANTIZED_INT8 (kernel names: those of
/// loupe_quantized_matmul_float or loupe_quantized_matmul).
int loupe_quantized_matmul_batch(const char *kernel, int nthreads, int arithmetic, int count,
                                 const int *ggml_types, const int *Ns, const void *const *ws,
                                 const long *ldws, const float *const *biases, float *const *ys,
                                 const long *ldys, int M, int K, const float *x, long ldx);

/// loupe_quantized_matmul with the input kept in float: each weight block is decoded to floats
/// in registers and multiplied by FMA, so Y = X · dequantize(W)ᵀ (+ bias) up to float rounding
/// (another summation order than the SGEMM's), with no decoded copy of W in memory.  kernel:
/// "generic", "avx2", "avx512" (512-bit registers, one Q4/Q8 block = 2 ZMM) or NULL/"auto";
/// LOUPE_QUANTIZED_FLOAT_KERNEL=generic|avx2 chooses a narrower path at start-up.
int loupe_quantized_matmul_float(const char *kernel, int nthreads, int ggml_type, int M, int N, int K,
                                 const float *x, long ldx, const void *w, long ldw, const float *bias,
                                 float *y, long ldy);

/// The path loupe_quantized_matmul_float takes for NULL/"auto", and whether a named one runs here.
const char *loupe_quantized_float_kernel_name(void);
int loupe_quantized_float_kernel_available(const char *kernel);

/// Decodes `blocks` consecutive GGML blocks of type Q4_0, Q4_1 or Q8_0 at `src` into 32·blocks
/// floats at `dst`: d·(q − 8), d·q + m, d·q, one rounding per operation (no fused multiply-add),
/// so the same bits on every path and as LoupeTensor's Swift decoder.  Returns 0 (nothing
/// written) for another type.  `_using` takes a path ("generic", "avx2", "avx512", NULL/"auto")
/// and returns 0 when this CPU cannot run it.
int loupe_quantized_decode(int ggml_type, long blocks, const void *src, float *dst);
int loupe_quantized_decode_using(const char *kernel, int ggml_type, long blocks, const void *src, float *dst);
/// loupe_quantized_decode with block b written to dst + b · dst_stride (the SGEMM's panels of
/// one weight row: a block to each panel).
int loupe_quantized_decode_strided(int ggml_type, long blocks, const void *src, float *dst, long dst_stride);

/// The path loupe_quantized_matmul takes for NULL/"auto" on this CPU (the environment variable
/// LOUPE_QUANTIZED_KERNEL can name another at start-up).
const char *loupe_quantized_kernel_name(void);

/// 1 when this CPU can run the named path of loupe_quantized_matmul.
int loupe_quantized_kernel_available(const char *kernel);

#ifdef __cplusplus
}
#endif
#endif
