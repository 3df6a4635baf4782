/*
 * attention.c - fused scaled dot-product attention for one (batch, head) block, forward
 * and backward, straight from the packed [T, 3E] projection (no packing, no GEMM set-up:
 * at T ≈ 20 and head size ≈ 32 the products are too small for the blocked SGEMM).
 *
 * Code paths, chosen once from CPUID: "avx2-fma" and the portable baseline.  Within one path
 * the results do not depend on threads or on the batch a block sits in.
 */
#include "CLoupeKernels.h"
#include "cpu_level.h"

#include <math.h>
#include <string.h>

#include "vec8.h"

#define VF v8f /* the vector types of vexp_impl.h */
#define VI v8i
#define VS(x) V8(x)
#define LOUPE_IMPL "attention_impl.h"
#include "instantiate.h"

long loupe_attention_scratch_count(int t, int d) {
    long tp = (t + 7) & ~7;
    return (long)d * tp + (long)t * tp; /* a transposed K or V block, then the scores or dS */
}

int loupe_attention_forward_using(const char *kernel, int t, int d, float scale, const float *q,
                                  const float *k, const float *v, long ld,
                                  const unsigned char *padded, float *P, float *out, long ldo,
                                  float *scratch) {
    int path = loupe_row_kernel_path(kernel);
    if (path < 0) return 0;
#if defined(__x86_64__)
    if (path == 1) {
        attention_forward_avx2(t, d, scale, q, k, v, ld, padded, P, out, ldo, scratch);
        return 1;
    }
#endif
    attention_forward_generic(t, d, scale, q, k, v, ld, padded, P, out, ldo, scratch);
    return 1;
}

int loupe_attention_backward_using(const char *kernel, int t, int d, float scale, const float *q,
                                   const float *k, const float *v, long ld, const float *P,
                                   const float *dout, long ldo, float *dq, float *dk, float *dv,
                                   long ldd, float *scratch) {
    int path = loupe_row_kernel_path(kernel);
    if (path < 0) return 0;
#if defined(__x86_64__)
    if (path == 1) {
        attention_backward_avx2(t, d, scale, q, k, v, ld, P, dout, ldo, dq, dk, dv, ldd, scratch);
        return 1;
    }
#endif
    attention_backward_generic(t, d, scale, q, k, v, ld, P, dout, ldo, dq, dk, dv, ldd, scratch);
    return 1;
}

void loupe_attention_forward(int t, int d, float scale, const float *q, const float *k,
                             const float *v, long ld, const unsigned char *padded, float *P,
                             float *out, long ldo, float *scratch) {
    loupe_attention_forward_using(NULL, t, d, scale, q, k, v, ld, padded, P, out, ldo, scratch);
}

void loupe_attention_backward(int t, int d, float scale, const float *q, const float *k,
                              const float *v, long ld, const float *P, const float *dout,
                              long ldo, float *dq, float *dk, float *dv, long ldd, float *scratch) {
    loupe_attention_backward_using(NULL, t, d, scale, q, k, v, ld, P, dout, ldo, dq, dk, dv, ldd, scratch);
}
