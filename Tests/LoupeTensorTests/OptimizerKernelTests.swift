import Foundation
import LoupeTensor
import Testing

// LoupeTensor's OptimizerKernels (CLoupeKernels' adam.c) against the scalar Swift loop it
// replaced: bit for bit, on every code path this CPU runs.

@Suite("Optimizer kernels")
struct OptimizerKernelTests {
    /// The scalar loop the kernel replaced (Swift, no fused multiply-add).
    static func reference(w: inout [Float], m: inout [Float], v: inout [Float], g: [Float], beta1: Float, beta2: Float,
                          epsilon: Float, weightDecay: Float, decoupled: Bool, decay: Float, stepSize: Float,
                          rootCorrection2: Float) {
        for i in w.indices {
            var grad = g[i]
            if decoupled {
                if weightDecay != 0 { w[i] *= decay }
            } else {
                grad += weightDecay * w[i]
            }
            m[i] += (grad - m[i]) * (1 - beta1)
            v[i] = v[i] * beta2 + (1 - beta2) * grad * grad
            let denominator = v[i].squareRoot() / rootCorrection2 + epsilon
            w[i] -= stepSize * m[i] / denominator
        }
    }

    @Test("Adam: the same bits as the scalar loop on every path, Adam and AdamW with and without decay, body and tail",
          arguments: ["generic", "avx2-fma", "avx512"], ["adam", "adamw", "adam without decay", "adamw without decay"])
    func adamMatchesTheScalarLoop(path: String, variant: String) {
        let decoupled = variant.hasPrefix("adamw")
        var state: UInt64 = 0xD1B5_4A32_D192_ED03
        func next() -> Float {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let n = 1000 + 13
        let w0 = (0..<n).map { _ in next() }, g = (0..<n).map { _ in next() * 0.1 }
        let m0 = (0..<n).map { _ in next() * 0.01 }, v0 = (0..<n).map { _ in Swift.abs(next()) * 1e-4 }
        let (b1, b2, eps): (Float, Float, Float) = (0.9, 0.999, 1e-8)
        let wd: Float = variant.hasSuffix("without decay") ? 0 : 0.01
        let lr: Float = 1e-3, step = 3.0
        let stepSize = Float(Double(lr) / (1 - Foundation.pow(0.9, step)))
        let root = Float((1 - Foundation.pow(0.999, step)).squareRoot())
        var (w, m, v) = (w0, m0, v0)
        var (rw, rm, rv) = (w0, m0, v0)
        let ran = w.withUnsafeMutableBufferPointer { pw in
            m.withUnsafeMutableBufferPointer { pm in
                v.withUnsafeMutableBufferPointer { pv in
                    OptimizerKernels.adamUpdate(path: path, count: n, weights: pw.baseAddress!, firstMoment: pm.baseAddress!,
                                                secondMoment: pv.baseAddress!, gradient: g, beta1: b1, beta2: b2, epsilon: eps,
                                                weightDecay: wd, decoupled: decoupled, decay: 1 - lr * wd, stepSize: stepSize,
                                                rootCorrection2: root)
                }
            }
        }
        guard ran else { return }  // this CPU cannot run the path
        Self.reference(w: &rw, m: &rm, v: &rv, g: g, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd,
                       decoupled: decoupled, decay: 1 - lr * wd, stepSize: stepSize, rootCorrection2: root)
        #expect(w.map(\.bitPattern) == rw.map(\.bitPattern), "\(path) weights")
        #expect(m.map(\.bitPattern) == rm.map(\.bitPattern), "\(path) first moments")
        #expect(v.map(\.bitPattern) == rv.map(\.bitPattern), "\(path) second moments")
    }
}
