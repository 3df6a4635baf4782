import LoupeTensor
import Testing

/// Central finite differences for checking derivatives.
///
/// `function` maps the inputs to a tensor; the checker reduces it to a scalar with a fixed random
/// weighting `Σ wᵢ·yᵢ` (so every output element's derivative is exercised), computes the analytic
/// gradient with the tape, and compares it with `(f(x+h) − f(x−h)) / 2h` evaluated in Double
/// (the weighted sum is accumulated in Double to keep the rounding error of Float outputs small).
public struct GradientChecker {
    public var step: Float
    public var absolute: Float
    public var relative: Float

    public init(step: Float = 1e-2, absolute: Float = 2e-3, relative: Float = 2e-2) {
        self.step = step
        self.absolute = absolute
        self.relative = relative
    }

    /// Checks d(Σ w·f(inputs))/d(inputs[i]) for every input.
    public func check(_ inputs: [Tensor], seed: UInt64 = 7, _ comment: Comment? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation,
                      _ function: ([Tensor]) -> Tensor) {
        let leaves = inputs.map { $0.detached.requiringGradient() }
        let output = function(leaves)
        var rng = RandomGenerator(seed: seed)
        let weights = Tensor.randomUniform(output.shape, lower: 0.5, upper: 1.5, using: &rng)
        let analytic: [Tensor]
        do {
            analytic = try gradients(of: (output * weights).sum(), withRespectTo: leaves)
        } catch {
            Issue.record("gradient failed: \(error)", sourceLocation: sourceLocation)
            return
        }
        func objective(_ xs: [Tensor]) -> Double {
            let y = withoutGradients { function(xs) }
            var total = 0.0
            for (a, w) in zip(y.scalars, weights.scalars) { total += Double(a) * Double(w) }
            return total
        }
        for (i, input) in inputs.enumerated() {
            var numeric = [Float](repeating: 0, count: input.count)
            for j in 0..<input.count {
                var plus = inputs.map(\.detached), minus = inputs.map(\.detached)
                var sp = plus[i].scalars, sm = minus[i].scalars
                sp[j] += step
                sm[j] -= step
                plus[i] = Tensor(shape: input.shape, scalars: sp)
                minus[i] = Tensor(shape: input.shape, scalars: sm)
                numeric[j] = Float((objective(plus) - objective(minus)) / (2 * Double(step)))
            }
            expectClose(analytic[i].scalars, numeric, absolute: absolute, relative: relative,
                        "input \(i) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        }
    }
}

/// Deterministic random tensor for tests.
public func testTensor(_ shape: [Int], seed: UInt64 = 1, range: ClosedRange<Float> = -1...1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape, lower: range.lowerBound, upper: range.upperBound, using: &rng)
}
