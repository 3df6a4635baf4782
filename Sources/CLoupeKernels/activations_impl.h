/* activations_impl.h - private to CLoupeKernels, included once per code path by activations.c
 * (see instantiate.h): SiLU and its derivative over a contiguous array, eight floats at a time
 * with a vectorised exp, the tail with libm's expf. */

/* exp(v) for 8 lanes, in place (pointers, not vector arguments: see vec8.h). Arguments are clamped to [−86.5, 88.38]; below −86.5 the result is 0
 * (not a subnormal).  v = k·ln 2 + r with |r| ≤ ln 2 / 2; exp(r) from a degree-7 polynomial
 * (relative error about 1e-7, the Cephes coefficients), 2^k built from the exponent bits. */
TGT static inline void SUF(exp8)(v8f *inout) {
    v8f v = *inout;
    const v8f log2e = V8(1.44269504088896341f), half = V8(0.5f), one = V8(1.0f);
    const v8f c1 = V8(0.693359375f), c2 = V8(-2.12194440e-4f);
    const v8f lo = V8(-86.5f), hi = V8(88.3762626647949f);
    const v8f p0 = V8(1.9875691500E-4f), p1 = V8(1.3981999507E-3f), p2 = V8(8.3334519073E-3f),
              p3 = V8(4.1665795894E-2f), p4 = V8(1.6666665459E-1f), p5 = V8(5.0000001201E-1f);
    v8i under = v < lo;
    v = __builtin_elementwise_max(__builtin_elementwise_min(v, hi), lo);
    v8f fx = v * log2e + half;
    v8f k = __builtin_convertvector(__builtin_convertvector(fx, v8i), v8f);
    k -= __builtin_convertvector(-(k > fx), v8f);  /* truncation → floor */
    v8f r = v - k * c1 - k * c2;
    v8f r2 = r * r;
    v8f y = ((((p0 * r + p1) * r + p2) * r + p3) * r + p4) * r + p5;
    y = y * r2 + r + one;
    v8i bits = (__builtin_convertvector(k, v8i) + 127) << 23;
    v8f e = y * (v8f)bits;
    *inout = (v8f)((v8i)e & ~under);
}

/* y[i] = x[i] · σ(x[i]) = x[i] / (1 + exp(−x[i])). */
TGT static void SUF(silu_forward)(long n, const float *x, float *y) {
    const v8f one = V8(1.0f);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8f v = v8_load(x + i);
        v8f e = -v;
        SUF(exp8)(&e);
        v8_store(y + i, v / (one + e));
    }
    for (; i < n; i++) y[i] = x[i] / (1.0f + expf(-x[i]));
}

/* dx[i] = g[i] · σ(x[i]) · (1 + x[i] · (1 − σ(x[i]))). */
TGT static void SUF(silu_backward)(long n, const float *x, const float *g, float *dx) {
    const v8f one = V8(1.0f);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8f v = v8_load(x + i);
        v8f e = -v;
        SUF(exp8)(&e);
        v8f s = one / (one + e);
        v8_store(dx + i, v8_load(g + i) * s * (one + v * (one - s)));
    }
    for (; i < n; i++) {
        float s = 1.0f / (1.0f + expf(-x[i]));
        dx[i] = g[i] * s * (1.0f + x[i] * (1.0f - s));
    }
}

/* Φ(x), the standard normal CDF, for 8 lanes in place: 0.5 · erfc(|x|/√2) on the lower side and
 * 1 − 0.5 · erfc(|x|/√2) on the upper side, erfc(a) = t · exp(−a² + P(t)) with t = 1/(1 + a/2)
 * and P the degree-9 Chebyshev fit of Numerical Recipes' erfcc (relative error below 1.2e-7
 * for every a ≥ 0, so the far lower tail keeps its digits instead of cancelling in 1 + erf). */
TGT static inline void SUF(normal_cdf8)(v8f *inout) {
    v8f x = *inout;
    const v8f half = V8(0.5f), one = V8(1.0f), zero = V8(0.0f);
    v8f a = __builtin_elementwise_abs(x) * V8(0.70710678118654752f);
    v8f t = one / (one + half * a);
    v8f p = V8(0.17087277f);
    p = p * t + V8(-0.82215223f);
    p = p * t + V8(1.48851587f);
    p = p * t + V8(-1.13520398f);
    p = p * t + V8(0.27886807f);
    p = p * t + V8(-0.18628806f);
    p = p * t + V8(0.09678418f);
    p = p * t + V8(0.37409196f);
    p = p * t + V8(1.00002368f);
    p = p * t + V8(-1.26551223f);
    v8f e = p - a * a;
    SUF(exp8)(&e);
    v8f tail = half * t * e;   /* 0.5 · erfc(a) = Φ(−|x|) */
    v8i upper = x > zero;
    *inout = (v8f)((upper & (v8i)(one - tail)) | (~upper & (v8i)tail));
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
    for (; i + 8 <= n; i += 8) {
        v8f v = v8_load(x + i);
        v8f cdf = v;
        SUF(normal_cdf8)(&cdf);
        v8_store(y + i, v * cdf);
    }
    for (; i < n; i++) y[i] = x[i] * SUF(normal_cdf1)(x[i]);
}

/* dx[i] = g[i] · (Φ(x[i]) + x[i] · φ(x[i])), φ(x) = exp(−x²/2) / √(2π). */
TGT static void SUF(gelu_backward)(long n, const float *x, const float *g, float *dx) {
    const v8f inv_sqrt_2pi = V8(0.39894228040143268f), minus_half = V8(-0.5f);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8f v = v8_load(x + i);
        v8f pdf = minus_half * v * v, cdf = v;
        SUF(exp8)(&pdf);
        SUF(normal_cdf8)(&cdf);
        v8_store(dx + i, v8_load(g + i) * (cdf + v * inv_sqrt_2pi * pdf));
    }
    for (; i < n; i++) {
        float pdf = 0.39894228040143268f * expf(-0.5f * x[i] * x[i]);
        dx[i] = g[i] * (SUF(normal_cdf1)(x[i]) + x[i] * pdf);
    }
}
