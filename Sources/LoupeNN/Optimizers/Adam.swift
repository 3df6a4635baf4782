import Foundation
import LoupeTensor

/// Adam (Kingma & Ba, 2015) with `torch.optim.Adam`'s update, including its L2 weight decay
/// (added to the gradient). For each parameter `p` with gradient `∇`, at step `t`:
///
///     g ← ∇ + λ·p
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     p ← p − (η / (1 − β₁ᵗ)) · m / (sqrt(v) / sqrt(1 − β₂ᵗ) + ε)
///
/// **Sparse (embedding) gradients** get a lazy update in the manner of `torch.optim.SparseAdam`:
/// only the rows in the gradient have their moments, weight decay and weights updated; other
/// rows — and their `m`, `v` — are not touched, so the work is O(rows used). Bias correction
/// uses a **per-row step count**: `t` for a row is the number of steps in which that row received
/// a gradient (a dense step counts for every row). A row's trajectory is thus exactly the dense
/// Adam trajectory over the steps where it was used, and the first update of a rarely seen row is
/// fully bias-corrected (with a global count its moments would be under-corrected). The moment
/// buffers are allocated (zeros) for the whole table at the parameter's first step.
public final class Adam: Optimizer {
    public var parameters: [Parameter] { engine.parameters }
    public var learningRate: Float {
        get { engine.learningRate }
        set { engine.learningRate = newValue }
    }
    public var beta1: Float { get { engine.beta1 } set { engine.beta1 = newValue } }
    public var beta2: Float { get { engine.beta2 } set { engine.beta2 = newValue } }
    public var epsilon: Float { get { engine.epsilon } set { engine.epsilon = newValue } }
    /// L2 penalty `λ`, added to the gradient.
    public var weightDecay: Float { get { engine.weightDecay } set { engine.weightDecay = newValue } }

    let engine: AdamEngine

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        engine = AdamEngine(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                            epsilon: epsilon, weightDecay: weightDecay, decoupled: false)
    }

    public func step() { engine.step() }

    /// First and second moments and per-row step counts of `p` (`nil` before its first step).
    func moments(of p: Parameter) -> (m: [Float], v: [Float], steps: [Int])? { engine.moments(of: p) }
}

/// AdamW (Loshchilov & Hutter, 2019) with `torch.optim.AdamW`'s update: weight decay is
/// decoupled from the gradient and applied to the weights before the Adam step,
///
///     p ← p − η·λ·p
///     m ← β₁·m + (1 − β₁)·∇,   v ← β₂·v + (1 − β₂)·∇²
///     p ← p − (η / (1 − β₁ᵗ)) · m / (sqrt(v) / sqrt(1 − β₂ᵗ) + ε)
///
/// **Sparse (embedding) gradients** are updated lazily exactly as in ``Adam``: only the rows in
/// the gradient are decayed and stepped, moments of other rows are untouched, and bias correction
/// uses per-row step counts (the number of steps in which the row received a gradient).
public final class AdamW: Optimizer {
    public var parameters: [Parameter] { engine.parameters }
    public var learningRate: Float {
        get { engine.learningRate }
        set { engine.learningRate = newValue }
    }
    public var beta1: Float { get { engine.beta1 } set { engine.beta1 = newValue } }
    public var beta2: Float { get { engine.beta2 } set { engine.beta2 = newValue } }
    public var epsilon: Float { get { engine.epsilon } set { engine.epsilon = newValue } }
    /// Decoupled decay rate `λ` (PyTorch's default 0.01).
    public var weightDecay: Float { get { engine.weightDecay } set { engine.weightDecay = newValue } }

    let engine: AdamEngine

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        engine = AdamEngine(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                            epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }

    public func step() { engine.step() }

    /// First and second moments and per-row step counts of `p` (`nil` before its first step).
    func moments(of p: Parameter) -> (m: [Float], v: [Float], steps: [Int])? { engine.moments(of: p) }
}

/// The shared Adam/AdamW update with per-row step counts.
final class AdamEngine {
    let parameters: [Parameter]
    var learningRate: Float
    var beta1: Float
    var beta2: Float
    var epsilon: Float
    var weightDecay: Float
    /// AdamW's decoupled decay when true, Adam's L2 term when false.
    let decoupled: Bool

    final class State {
        var m: [Float]
        var v: [Float]
        var steps: [Int]
        init(count: Int, rows: Int) {
            m = [Float](repeating: 0, count: count)
            v = [Float](repeating: 0, count: count)
            steps = [Int](repeating: 0, count: rows)
        }
    }
    var states: [ObjectIdentifier: State] = [:]
    /// Parameters of at least this many elements are updated in parallel shards of rows.
    static let parallelMinimumCount = 1 << 16

    init(parameters: [Parameter], learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
         weightDecay: Float, decoupled: Bool) {
        precondition(learningRate >= 0 && epsilon >= 0 && weightDecay >= 0, "Adam: negative hyper-parameter")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam: betas must lie in [0, 1)")
        self.parameters = uniqueParameters(parameters)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    /// The state of `p`, created on its first step.
    func state(of p: Parameter, layout: RowLayout) -> State {
        let id = ObjectIdentifier(p)
        if let s = states[id] { return s }
        let s = State(count: p.value.count, rows: layout.rows)
        states[id] = s
        return s
    }

    /// Moments of `p` (for tests and inspection): `nil` before its first step.
    func moments(of p: Parameter) -> (m: [Float], v: [Float], steps: [Int])? {
        states[ObjectIdentifier(p)].map { ($0.m, $0.v, $0.steps) }
    }

    func step() {
        for p in parameters {
            guard let gradient = p.stepGradient else { continue }
            let layout = RowLayout(p.value)
            let state = state(of: p, layout: layout)
            p.withMutableScalars { w in
                state.m.withUnsafeMutableBufferPointer { m in
                    state.v.withUnsafeMutableBufferPointer { v in
                        switch gradient {
                        case .dense(let g):
                            g.withUnsafeBufferPointer { g in
                                state.steps.withUnsafeMutableBufferPointer { steps in
                                    let (rows, width) = (layout.rows, layout.width)
                                    let (steps, w, m, v) = (steps, w, m, v)  // the buffers, not inout
                                    // Rows are independent: large parameters (MiniLM's 30,522 × 384
                                    // embedding) are updated in shards over the cores, same bits.
                                    let updateRows = { (range: Range<Int>) in
                                        var corrections = BiasCorrections(engine: self)
                                        for r in range {
                                            steps[r] += 1
                                            self.update(row: r, width: width, corrections: corrections.at(step: steps[r]),
                                                        w: w, m: m, v: v, g: g, gradientOffset: r * width)
                                        }
                                    }
                                    if rows > 1 && rows * width >= Self.parallelMinimumCount {
                                        let shard = Swift.max(1, Self.parallelMinimumCount / (2 * Swift.max(1, width)))
                                        _ = try? Parallel.map(rows, minimumShardSize: shard) { updateRows($0) }
                                    } else {
                                        updateRows(0..<rows)
                                    }
                                }
                            }
                        case .sparse(let sparse):
                            sparse.values.withUnsafeBufferPointer { g in
                                var corrections = BiasCorrections(engine: self)
                                for (i, r) in sparse.rows.enumerated() {
                                    state.steps[r] += 1
                                    update(row: r, width: layout.width, corrections: corrections.at(step: state.steps[r]),
                                           w: w, m: m, v: v, g: g, gradientOffset: i * layout.width)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The step size `η / (1 − β₁ᵗ)` and `√(1 − β₂ᵗ)` of one step count, computed once for a run
    /// of rows at the same count (every row of a dense parameter, most rows of an embedding)
    /// instead of two `pow` per row.
    struct BiasCorrections {
        let beta1: Double, beta2: Double, learningRate: Double
        var step = 0
        var stepSize: Float = 0
        var rootCorrection2: Float = 0

        init(engine: AdamEngine) {
            (beta1, beta2, learningRate) = (Double(engine.beta1), Double(engine.beta2), Double(engine.learningRate))
        }

        /// The corrections at `step` (≥ 1).
        mutating func at(step newStep: Int) -> (stepSize: Float, rootCorrection2: Float) {
            if newStep != step {
                // In double precision, as PyTorch computes them on Python floats.
                let correction1 = 1 - Foundation.pow(beta1, Double(newStep))
                let correction2 = 1 - Foundation.pow(beta2, Double(newStep))
                (step, stepSize, rootCorrection2) = (newStep, Float(learningRate / correction1),
                                                     Float(correction2.squareRoot()))
            }
            return (stepSize, rootCorrection2)
        }
    }

    /// One Adam update of a row with the bias corrections of its step count.
    @inline(__always)
    private func update(row: Int, width: Int, corrections: (stepSize: Float, rootCorrection2: Float),
                        w: UnsafeMutableBufferPointer<Float>, m: UnsafeMutableBufferPointer<Float>,
                        v: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>, gradientOffset: Int) {
        let decay = 1 - learningRate * weightDecay
        let base = row * width
        // Vectorised in C, the same operations in the same order as the scalar loop it replaced.
        OptimizerKernels.adamUpdate(count: width, weights: w.baseAddress! + base, firstMoment: m.baseAddress! + base,
                                    secondMoment: v.baseAddress! + base, gradient: g.baseAddress! + gradientOffset,
                                    beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                                    decoupled: decoupled, decay: decay, stepSize: corrections.stepSize,
                                    rootCorrection2: corrections.rootCorrection2)
    }
}
