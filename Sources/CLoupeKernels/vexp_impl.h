/* vexp_impl.h - private to CLoupeKernels: a vectorised exp for the element-wise kernels, included
 * by each instantiation of activations_impl.h and attention_impl.h (SUF, TGT and the vector types
 * VF / VI with the splat VS(x) defined by the includer).  No include guard: one copy per
 * instantiation. */

/* exp(v) for every lane, in place (a pointer, not a vector argument: see vec8.h). Arguments are
 * clamped to [−86.5, 88.38]; below −86.5 the result is 0 — not a subnormal, whose arithmetic
 * takes a ~100× microcode assist.  v = k·ln 2 + r with |r| ≤ ln 2 / 2; exp(r) from a degree-7 polynomial
 * (relative error about 1e-7, the Cephes coefficients), 2^k built from the exponent bits. */
TGT static inline void SUF(expv)(VF *inout) {
    VF v = *inout;
    const VF log2e = VS(1.44269504088896341f), half = VS(0.5f), one = VS(1.0f);
    const VF c1 = VS(0.693359375f), c2 = VS(-2.12194440e-4f);
    const VF lo = VS(-86.5f), hi = VS(88.3762626647949f);
    const VF p0 = VS(1.9875691500E-4f), p1 = VS(1.3981999507E-3f), p2 = VS(8.3334519073E-3f),
              p3 = VS(4.1665795894E-2f), p4 = VS(1.6666665459E-1f), p5 = VS(5.0000001201E-1f);
    VI under = v < lo;
    v = __builtin_elementwise_max(__builtin_elementwise_min(v, hi), lo);
    VF fx = v * log2e + half;
    VF k = __builtin_convertvector(__builtin_convertvector(fx, VI), VF);
    k -= __builtin_convertvector(-(k > fx), VF);  /* truncation → floor */
    VF r = v - k * c1 - k * c2;
    VF r2 = r * r;
    VF y = ((((p0 * r + p1) * r + p2) * r + p3) * r + p4) * r + p5;
    y = y * r2 + r + one;
    VI bits = (__builtin_convertvector(k, VI) + 127) << 23;
    VF e = y * (VF)bits;
    *inout = (VF)((VI)e & ~under);
}

