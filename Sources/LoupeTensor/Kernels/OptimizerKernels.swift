import CLoupeKernels

/// Element-wise optimizer updates in C (CLoupeKernels' `adam.c`), for LoupeNN's optimizers:
/// vectorised, the same operations in the same order as a scalar loop (no fused multiply-add),
/// so the same bits on every code path.
public enum OptimizerKernels {
    /// One Adam / AdamW step over `count` contiguous parameters (Kingma & Ba, 2015; Loshchilov &
    /// Hutter, 2019): per element `grad = g` (`+ weightDecay · w` when not `decoupled`; `w ·= decay`
    /// first when `decoupled` and `weightDecay ≠ 0`), `m += (grad − m)(1 − β₁)` (torch's lerp),
    /// `v = v·β₂ + (1 − β₂)·grad·grad`, `w −= stepSize · m / (√v / rootCorrection2 + ε)`.
    /// - Precondition: the four buffers are distinct and hold `count` floats each.
    @inline(__always)
    public static func adamUpdate(count: Int, weights: UnsafeMutablePointer<Float>, firstMoment: UnsafeMutablePointer<Float>,
                                  secondMoment: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                                  beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool,
                                  decay: Float, stepSize: Float, rootCorrection2: Float) {
        loupe_adam_update(count, weights, firstMoment, secondMoment, gradient, beta1, beta2, epsilon, weightDecay,
                          decoupled ? 1 : 0, decay, stepSize, rootCorrection2)
    }

    /// ``adamUpdate(count:weights:firstMoment:secondMoment:gradient:beta1:beta2:epsilon:weightDecay:decoupled:decay:stepSize:rootCorrection2:)``
    /// on a named code path (`generic`, `avx2-fma`, `avx512`), for tests; false when this CPU
    /// cannot run it.
    public static func adamUpdate(path: String, count: Int, weights: UnsafeMutablePointer<Float>,
                                  firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
                                  gradient: UnsafePointer<Float>, beta1: Float, beta2: Float, epsilon: Float,
                                  weightDecay: Float, decoupled: Bool, decay: Float, stepSize: Float,
                                  rootCorrection2: Float) -> Bool {
        loupe_adam_update_using(path, count, weights, firstMoment, secondMoment, gradient, beta1, beta2, epsilon,
                                weightDecay, decoupled ? 1 : 0, decay, stepSize, rootCorrection2) == 1
    }
}
