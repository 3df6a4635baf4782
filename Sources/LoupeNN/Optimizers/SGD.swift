import LoupeTensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// with `torch.optim.SGD`'s update. For each parameter `p` with gradient `∇`:
///
///     g ← ∇ + λ·p                                   (weight decay λ)
///     b ← g                        on the first step
///     b ← μ·b + (1 − τ)·g          afterwards        (momentum μ, dampening τ)
///     g ← g + μ·b   if nesterov,   else g ← b        (only when μ ≠ 0)
///     p ← p − η·g                                    (learning rate η)
///
/// **Sparse (embedding) gradients.** A parameter whose gradient is only row-sparse is updated
/// lazily, row by row, for the rows in the gradient and no others: weight decay and the momentum
/// buffer apply to those rows only. The momentum buffer is kept per row: a row's buffer starts
/// (`b ← g`) the first time that row receives a gradient and then follows the formula above on
/// the steps where the row is used; rows that are not used keep their buffer and their weights
/// unchanged (no "coasting" on stale momentum). So the work per step is O(rows used). The buffer
/// itself is allocated (zeros) for the whole table at the parameter's first step.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public var momentum: Float
    public var dampening: Float
    public var nesterov: Bool
    public var weightDecay: Float

    /// Momentum state of one parameter: the buffer and which rows have started it.
    final class State {
        var buffer: [Float]
        var started: [Bool]
        init(count: Int, rows: Int) {
            buffer = [Float](repeating: 0, count: count)
            started = [Bool](repeating: false, count: rows)
        }
    }
    var states: [ObjectIdentifier: State] = [:]

    /// - Precondition: Nesterov momentum needs `momentum > 0` and `dampening == 0` (as PyTorch).
    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "SGD: negative hyper-parameter")
        precondition(!nesterov || (momentum > 0 && dampening == 0),
                     "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.parameters = uniqueParameters(parameters)
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// The momentum buffer of `p` and which rows have started it (`nil` before its first step
    /// or without momentum).
    func momentumBuffer(of p: Parameter) -> (buffer: [Float], started: [Bool])? {
        states[ObjectIdentifier(p)].map { ($0.buffer, $0.started) }
    }

    public func step() {
        for p in parameters {
            guard let gradient = p.stepGradient else { continue }
            let layout = RowLayout(p.value)
            var state: State? = nil
            if momentum != 0 {
                let id = ObjectIdentifier(p)
                if let existing = states[id] { state = existing } else {
                    let fresh = State(count: p.value.count, rows: layout.rows)
                    states[id] = fresh
                    state = fresh
                }
            }
            p.withMutableScalars { w in
                switch gradient {
                case .dense(let g):
                    g.withUnsafeBufferPointer { g in
                        for r in 0..<layout.rows {
                            update(row: r, width: layout.width, weights: w, gradient: g, gradientOffset: r * layout.width, state: state)
                        }
                    }
                case .sparse(let sparse):
                    sparse.values.withUnsafeBufferPointer { g in
                        for (i, r) in sparse.rows.enumerated() {
                            update(row: r, width: layout.width, weights: w, gradient: g, gradientOffset: i * layout.width, state: state)
                        }
                    }
                }
            }
        }
    }

    /// Updates one row of weights (and its momentum buffer) from `width` gradient values.
    @inline(__always)
    private func update(row: Int, width: Int, weights w: UnsafeMutableBufferPointer<Float>,
                        gradient g: UnsafeBufferPointer<Float>, gradientOffset: Int, state: State?) {
        let (lr, wd, mu, damp) = (learningRate, weightDecay, momentum, dampening)
        let base = row * width
        guard let state else {
            for j in 0..<width {
                let grad = g[gradientOffset + j] + wd * w[base + j]
                w[base + j] -= lr * grad
            }
            return
        }
        let first = !state.started[row]
        state.started[row] = true
        state.buffer.withUnsafeMutableBufferPointer { b in
            for j in 0..<width {
                var grad = g[gradientOffset + j] + wd * w[base + j]
                b[base + j] = first ? grad : mu * b[base + j] + (1 - damp) * grad
                grad = nesterov ? grad + mu * b[base + j] : b[base + j]
                w[base + j] -= lr * grad
            }
        }
    }
}
