/*
 * layernorm.c - layer normalisation over contiguous rows (optionally of x + residual), and the
 * input gradient, for the fused op in LoupeTensor/Ops/Tensor+LayerNorm.swift.  Code paths chosen
 * once from CPUID: "avx2-fma" and the portable baseline.
 */
#include "CLoupeKernels.h"
#include "cpu_level.h"
#include "vec8.h"

#include <math.h>
#include <stddef.h>

#define LOUPE_IMPL "layernorm_impl.h"
#include "instantiate.h"

int loupe_layer_norm_forward_using(const char *kernel, long rows, int width, const float *x,
                                   const float *residual, const float *weight, const float *bias,
                                   float epsilon, float *xhat, float *rstd, float *y) {
    int path = loupe_row_kernel_path(kernel);
    if (path < 0) return 0;
#if defined(__x86_64__)
    if (path == 1) {
        layer_norm_forward_avx2(rows, width, x, residual, weight, bias, epsilon, xhat, rstd, y);
        return 1;
    }
#endif
    layer_norm_forward_generic(rows, width, x, residual, weight, bias, epsilon, xhat, rstd, y);
    return 1;
}

int loupe_layer_norm_backward_using(const char *kernel, long rows, int width, const float *g,
                                    const float *xhat, const float *rstd, const float *weight,
                                    float *dx) {
    int path = loupe_row_kernel_path(kernel);
    if (path < 0) return 0;
#if defined(__x86_64__)
    if (path == 1) {
        layer_norm_backward_avx2(rows, width, g, xhat, rstd, weight, dx);
        return 1;
    }
#endif
    layer_norm_backward_generic(rows, width, g, xhat, rstd, weight, dx);
    return 1;
}

void loupe_layer_norm_forward(long rows, int width, const float *x, const float *residual,
                              const float *weight, const float *bias, float epsilon,
                              float *xhat, float *rstd, float *y) {
    loupe_layer_norm_forward_using(NULL, rows, width, x, residual, weight, bias, epsilon, xhat, rstd, y);
}

void loupe_layer_norm_backward(long rows, int width, const float *g, const float *xhat,
                               const float *rstd, const float *weight, float *dx) {
    loupe_layer_norm_backward_using(NULL, rows, width, g, xhat, rstd, weight, dx);
}
