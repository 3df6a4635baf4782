/*
 * activations.c - element-wise activations with a vectorised exp, for the ops in
 * LoupeTensor/Ops/Tensor+Activations.swift and Tensor+Math.swift: SiLU of LLaMA-family MLPs
 * (libm's expf over a 429 × 1536 gate per layer was 12 % of integrated gradients on SmolLM2)
 * and GELU's exact erf form (BERT-family encoders: erff and expf were 37 % of IG on MiniLM).
 * Code paths chosen once from CPUID, as for the row kernels: "avx2-fma" and the baseline.
 */
#include "CLoupeKernels.h"
#include "cpu_level.h"
#include "vec8.h"

#include <math.h>
#include <stddef.h>

#define LOUPE_IMPL "activations_impl.h"
#include "instantiate.h"

typedef void (*unary_fn)(long n, const float *x, float *y);
typedef void (*backward_fn)(long n, const float *x, const float *g, float *dx);

/* Whether `kernel` names a path this CPU runs; *avx2: whether that path is "avx2-fma". */
static int pick(const char *kernel, int *avx2) {
    int path = loupe_row_kernel_path(kernel);
    if (path < 0) return 0;
#if defined(__x86_64__)
    *avx2 = path == 1;
#else
    *avx2 = 0;
#endif
    return 1;
}

#if defined(__x86_64__)
#define CHOOSE(avx2, name) ((avx2) ? name##_avx2 : name##_generic)
#else
#define CHOOSE(avx2, name) (name##_generic)
#endif

int loupe_silu_forward_using(const char *kernel, long n, const float *x, float *y) {
    int avx2;
    if (!pick(kernel, &avx2)) return 0;
    unary_fn f = CHOOSE(avx2, silu_forward);
    f(n, x, y);
    return 1;
}

int loupe_silu_backward_using(const char *kernel, long n, const float *x, const float *g, float *dx) {
    int avx2;
    if (!pick(kernel, &avx2)) return 0;
    backward_fn f = CHOOSE(avx2, silu_backward);
    f(n, x, g, dx);
    return 1;
}

int loupe_gelu_forward_using(const char *kernel, long n, const float *x, float *y) {
    int avx2;
    if (!pick(kernel, &avx2)) return 0;
    unary_fn f = CHOOSE(avx2, gelu_forward);
    f(n, x, y);
    return 1;
}

int loupe_gelu_backward_using(const char *kernel, long n, const float *x, const float *g, float *dx) {
    int avx2;
    if (!pick(kernel, &avx2)) return 0;
    backward_fn f = CHOOSE(avx2, gelu_backward);
    f(n, x, g, dx);
    return 1;
}

void loupe_silu_forward(long n, const float *x, float *y) { loupe_silu_forward_using(NULL, n, x, y); }

void loupe_silu_backward(long n, const float *x, const float *g, float *dx) {
    loupe_silu_backward_using(NULL, n, x, g, dx);
}

void loupe_gelu_forward(long n, const float *x, float *y) { loupe_gelu_forward_using(NULL, n, x, y); }

void loupe_gelu_backward(long n, const float *x, const float *g, float *dx) {
    loupe_gelu_backward_using(NULL, n, x, g, dx);
}
