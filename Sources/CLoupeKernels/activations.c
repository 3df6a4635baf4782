/*
 * activations.c - element-wise activations with a vectorised exp, for the ops in
 * LoupeTensor/Ops/Tensor+Activations.swift and Tensor+Math.swift: SiLU of LLaMA-family MLPs
 * (libm's expf over a 429 × 1536 gate per layer was 12 % of integrated gradients on SmolLM2)
 * and GELU's exact erf form (BERT-family encoders: erff and expf were 37 % of IG on MiniLM).
 * Code paths chosen from CPUID: "avx512", "avx2-fma" and the portable baseline.
 */
#include "CLoupeKernels.h"
#include "cpu_level.h"
#include "vec8.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Three instantiations: 8-float vectors for the baseline and AVX2 (vec8.h), 16-float vectors
 * for AVX-512.  The vector types are GCC/Clang extensions, so one source serves all three. */
#define VF v8f
#define VI v8i
#define VN 8
#define VS(x) V8(x)
#define VLOAD(p) v8_load(p)
#define VSTORE(p, x) v8_store(p, x)
#define SUF(name) name##_generic
#define TGT
#include "activations_impl.h"
#undef SUF
#undef TGT

#if defined(__x86_64__)
#define SUF(name) name##_avx2
#define TGT __attribute__((target("avx2,fma")))
#include "activations_impl.h"
#undef SUF
#undef TGT
#undef VF
#undef VI
#undef VN
#undef VS
#undef VLOAD
#undef VSTORE

typedef float v16f __attribute__((vector_size(64)));
typedef float v16f_u __attribute__((vector_size(64), aligned(4)));
typedef int v16i __attribute__((vector_size(64)));
#define VF v16f
#define VI v16i
#define VN 16
#define VS(x) ((v16f){(x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x)})
#define VLOAD(p) (*(const v16f_u *)(p))
#define VSTORE(p, x) (*(v16f_u *)(p) = (x))
#define SUF(name) name##_avx512
#define TGT __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
#include "activations_impl.h"
#undef SUF
#undef TGT
#endif

typedef void (*unary_fn)(long n, const float *x, float *y);
typedef void (*backward_fn)(long n, const float *x, const float *g, float *dx);

static int pick(const char *kernel) { return loupe_vector_path(kernel, "avx2-fma"); }

#if defined(__x86_64__)
#define CHOOSE(path, name) ((path) == 2 ? name##_avx512 : (path) == 1 ? name##_avx2 : name##_generic)
#else
#define CHOOSE(path, name) (name##_generic)
#endif

int loupe_silu_forward_using(const char *kernel, long n, const float *x, float *y) {
    int path = pick(kernel);
    if (path < 0) return 0;
    unary_fn f = CHOOSE(path, silu_forward);
    f(n, x, y);
    return 1;
}

int loupe_silu_backward_using(const char *kernel, long n, const float *x, const float *g, float *dx) {
    int path = pick(kernel);
    if (path < 0) return 0;
    backward_fn f = CHOOSE(path, silu_backward);
    f(n, x, g, dx);
    return 1;
}

int loupe_gelu_forward_using(const char *kernel, long n, const float *x, float *y) {
    int path = pick(kernel);
    if (path < 0) return 0;
    unary_fn f = CHOOSE(path, gelu_forward);
    f(n, x, y);
    return 1;
}

int loupe_gelu_backward_using(const char *kernel, long n, const float *x, const float *g, float *dx) {
    int path = pick(kernel);
    if (path < 0) return 0;
    backward_fn f = CHOOSE(path, gelu_backward);
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

double loupe_sum_exp_shifted(long n, const float *x, float shift) {
    if (n <= 0) return 0;
    double (*f)(long, const float *, float) = CHOOSE(pick(NULL), sum_exp_shifted);
    return f(n, x, shift);
}

int loupe_swiglu_forward_using(const char *kernel, long n, const float *g, const float *u, float *y) {
    int path = pick(kernel);
    if (path < 0) return 0;
    void (*f)(long, const float *, const float *, float *) = CHOOSE(path, swiglu_forward);
    f(n, g, u, y);
    return 1;
}

int loupe_swiglu_backward_using(const char *kernel, long n, const float *g, const float *u, const float *dy,
                                float *dg, float *du) {
    int path = pick(kernel);
    if (path < 0) return 0;
    void (*f)(long, const float *, const float *, const float *, float *, float *) = CHOOSE(path, swiglu_backward);
    f(n, g, u, dy, dg, du);
    return 1;
}

void loupe_swiglu_forward(long n, const float *g, const float *u, float *y) {
    loupe_swiglu_forward_using(NULL, n, g, u, y);
}

void loupe_swiglu_backward(long n, const float *g, const float *u, const float *dy, float *dg, float *du) {
    loupe_swiglu_backward_using(NULL, n, g, u, dy, dg, du);
}
