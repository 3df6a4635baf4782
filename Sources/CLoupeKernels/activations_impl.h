/* activations_impl.h - private to CLoupeKernels, included once per code path by activations.c:
 * SiLU, GELU and their derivatives over a contiguous array, VN floats at a time (a vector type
 * VF of VN floats, VI of VN ints, VS(x) a splat, VLOAD/VSTORE unaligned) with a vectorised exp,
 * the tail with libm's expf. */

#include "vexp_impl.h"

/* σ(v) = 1 / (1 + exp(−v)) for every lane, in place. */
TGT static inline void SUF(sigmoidv)(VF *inout) {
    const VF one = VS(1.0f);
    VF e = -*inout;
    SUF(expv)(&e);
    *inout = one / (one + e);
}

/* y[i] = x[i] · σ(x[i]) = x[i] / (1 + exp(−x[i])). */
TGT static void SUF(silu_forward)(long n, const float *x, float *y) {
    const VF one = VS(1.0f);
    long i = 0;
    for (; i + VN <= n; i += VN) {
        VF v = VLOAD(x + i);
        VF e = -v;
        SUF(expv)(&e);
        VSTORE(y + i, v / (one + e));
    }
    for (; i < n; i++) y[i] = x[i] / (1.0f + expf(-x[i]));
}

/* dx[i] = g[i] · σ(x[i]) · (1 + x[i] · (1 − σ(x[i]))). */
TGT static void SUF(silu_backward)(long n, const float *x, const float *g, float *dx) {
    const VF one = VS(1.0f);
    long i = 0;
    for (; i + VN <= n; i += VN) {
        VF v = VLOAD(x + i), s = v;
        SUF(sigmoidv)(&s);
        VSTORE(dx + i, VLOAD(g + i) * s * (one + v * (one - s)));
    }
    for (; i < n; i++) {
        float s = 1.0f / (1.0f + expf(-x[i]));
        dx[i] = g[i] * s * (1.0f + x[i] * (1.0f - s));
    }
}

/* Φ(x), the standard normal CDF, for VN lanes in place: 0.5 · erfc(|x|/√2) on the lower side and
 * 1 − 0.5 · erfc(|x|/√2) on the upper side, erfc(a) = t · exp(−a² + P(t)) with t = 1/(1 + a/2)
 * and P the degree-9 Chebyshev fit of Numerical Recipes' erfcc (relative error below 1.2e-7
 * for every a ≥ 0, so the far lower tail keeps its digits instead of cancelling in 1 + erf). */
TGT static inline void SUF(normal_cdfv)(VF *inout) {
    VF x = *inout;
    const VF half = VS(0.5f), one = VS(1.0f), zero = VS(0.0f);
    VF a = __builtin_elementwise_abs(x) * VS(0.70710678118654752f);
    VF t = one / (one + half * a);
    VF p = VS(0.17087277f);
    p = p * t + VS(-0.82215223f);
    p = p * t + VS(1.48851587f);
    p = p * t + VS(-1.13520398f);
    p = p * t + VS(0.27886807f);
    p = p * t + VS(-0.18628806f);
    p = p * t + VS(0.09678418f);
    p = p * t + VS(0.37409196f);
    p = p * t + VS(1.00002368f);
    p = p * t + VS(-1.26551223f);
    VF e = p - a * a;
    SUF(expv)(&e);
    VF tail = half * t * e;   /* 0.5 · erfc(a) = Φ(−|x|) */
    VI upper = x > zero;
    *inout = (VF)((upper & (VI)(one - tail)) | (~upper & (VI)tail));
}

static inline float SUF(normal_cdf1)(float x) {
    float a = fabsf(x) * 0.70710678118654752f;
    float t = 1.0f / (1.0f + 0.5f * a);
    float p = 0.17087277f;
    p = p * t - 0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t - 1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t - 0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    float tail = 0.5f * t * expf(p - a * a);
    return x > 0 ? 1.0f - tail : tail;
}

/* y[i] = x[i] · Φ(x[i]) (GELU, the exact erf form). */
TGT static void SUF(gelu_forward)(long n, const float *x, float *y) {
    long i = 0;
    for (; i + VN <= n; i += VN) {
        VF v = VLOAD(x + i);
        VF cdf = v;
        SUF(normal_cdfv)(&cdf);
        VSTORE(y + i, v * cdf);
    }
    for (; i < n; i++) y[i] = x[i] * SUF(normal_cdf1)(x[i]);
}

/* dx[i] = g[i] · (Φ(x[i]) + x[i] · φ(x[i])), φ(x) = exp(−x²/2) / √(2π). */
TGT static void SUF(gelu_backward)(long n, const float *x, const float *g, float *dx) {
    const VF inv_sqrt_2pi = VS(0.39894228040143268f), minus_half = VS(-0.5f);
    long i = 0;
    for (; i + VN <= n; i += VN) {
        VF v = VLOAD(x + i);
        VF pdf = minus_half * v * v, cdf = v;
        SUF(expv)(&pdf);
        SUF(normal_cdfv)(&cdf);
        VSTORE(dx + i, VLOAD(g + i) * (cdf + v * inv_sqrt_2pi * pdf));
    }
    for (; i < n; i++) {
        float pdf = 0.39894228040143268f * expf(-0.5f * x[i] * x[i]);
        dx[i] = g[i] * (SUF(normal_cdf1)(x[i]) + x[i] * pdf);
    }
}

/* Σ exp(x[i] − shift) over n floats: each exp in float (relative error ~1e-7), summed in double
 * lanes (element i in lane i mod VN, lanes added in order at the end; the tail in one double). */
typedef double SUF(vd) __attribute__((vector_size(VN * 8)));

TGT static double SUF(sum_exp_shifted)(long n, const float *x, float shift) {
    SUF(vd) acc = {0};
    const VF vshift = VS(shift);
    long i = 0;
    for (; i + VN <= n; i += VN) {
        VF e = VLOAD(x + i) - vshift;
        SUF(expv)(&e);
        acc += __builtin_convertvector(e, SUF(vd));
    }
    double total = 0;
    for (int l = 0; l < VN; l++) total += acc[l];
    for (; i < n; i++) total += (double)expf(x[i] - shift);
    return total;
}

/* SwiGLU's product y[i] = silu(g[i]) · u[i] (LLaMA-family MLPs), and its derivative: with
 * s = σ(g), dg = dy · u · s · (1 + g(1 − s)), du = dy · g · s.  Either output pointer of the
 * backward may be NULL (that gradient is not wanted). */
TGT static void SUF(swiglu_forward)(long n, const float *g, const float *u, float *y) {
    const VF one = VS(1.0f);
    long i = 0;
    for (; i + VN <= n; i += VN) {
        VF v = VLOAD(g + i), e = -v;
        SUF(expv)(&e);
        VSTORE(y + i, v / (one + e) * VLOAD(u + i));
    }
    for (; i < n; i++) y[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

TGT static void SUF(swiglu_backward)(long n, const float *g, const float *u, const float *dy, float *dg, float *du) {
    const VF one = VS(1.0f);
    long i = 0;
    for (; i + VN <= n; i += VN) {
        VF v = VLOAD(g + i), s = v, d = VLOAD(dy + i);
        SUF(sigmoidv)(&s);
        if (dg) VSTORE(dg + i, d * VLOAD(u + i) * (s * (one + v * (one - s))));
        if (du) VSTORE(du + i, d * (v * s));
    }
    for (; i < n; i++) {
        float s = 1.0f / (1.0f + expf(-g[i]));
        if (dg) dg[i] = dy[i] * u[i] * (s * (1.0f + g[i] * (1.0f - s)));
        if (du) du[i] = dy[i] * (g[i] * s);
    }
}
