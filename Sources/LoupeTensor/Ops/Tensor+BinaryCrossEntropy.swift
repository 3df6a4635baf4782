import Foundation

extension Tensor {
    /// The summed binary cross-entropy of `logits` against `targets` (same shape, targets in
    /// [0, 1]) as one fused op: a scalar
    ///
    ///     Σ_i  max(x_i, 0) − x_i·t_i + log(1 + exp(−|x_i|))
    ///
    /// (`torch.nn.functional.binary_cross_entropy_with_logits(..., reduction="sum")`), stable for
    /// every logit. One pass computes the loss and keeps `sigmoid(x) − t`, the gradient in `x`,
    /// so each element costs one `exp` and one `log1p` and nothing of the logits' size is taken
    /// on the tape. Differentiable in `logits` only (the targets are data). The reconstruction
    /// term of a Bernoulli decoder (Kingma & Welling, "Auto-Encoding Variational Bayes", 2014).
    public static func binaryCrossEntropySum(logits: Tensor, targets: Tensor) -> Tensor {
        precondition(logits.shape == targets.shape,
                     "binaryCrossEntropySum: logits \(logits.shape) and targets \(targets.shape) differ")
        let count = logits.count
        var total = 0.0
        let gradient = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            logits.scalars.withUnsafeBufferPointer { px in
                targets.scalars.withUnsafeBufferPointer { pt in
                    // Partial sums in blocks keep the float accumulation short.
                    var start = 0
                    while start < count {
                        let end = Swift.min(start + 4096, count)
                        var block: Float = 0
                        for i in start..<end {
                            let x = px[i], t = pt[i]
                            let e = Foundation.exp(-Swift.abs(x))
                            block += Swift.max(x, 0) - x * t + Foundation.log1p(e)
                            let sigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e)
                            buffer[i] = sigmoid - t
                        }
                        total += Double(block)
                        start = end
                    }
                }
            }
            initialized = count
        }
        let shape = logits.shape
        return record("binary-cross-entropy-sum", shape: [], scalars: [Float(total)], inputs: [logits]) { g, _ in
            let scale = g.scalars[0]
            return [Tensor(shape: shape, scalars: scale == 1 ? gradient : gradient.map { $0 * scale })]
        }
    }
}
