import Foundation
import LoupeTensor

/// Updates parameters from their accumulated gradients, as a `torch.optim` optimizer.
///
/// The usual loop is `zeroGradients()`, forward, `loss.backward()`, `step()`. Parameters whose
/// ``Parameter/requiresGradient`` is false, or that have no gradient this step, are left alone
/// (and their optimizer state does not advance), as in PyTorch.
///
/// Gradients may be dense (``Parameter/gradient``), row-sparse (``Parameter/sparseGradient``,
/// from embedding lookups) or both. A parameter with only a sparse gradient gets a *lazy* update
/// that touches only the rows in it — O(rows used) work per step, not O(vocabulary); a parameter
/// with a dense gradient (plus possibly sparse rows, which are added into it) gets the ordinary
/// dense update of every element. Each optimizer documents what the lazy update does to its state.
public protocol Optimizer: AnyObject {
    /// The parameters being optimised (each at most once).
    var parameters: [Parameter] { get }
    /// Step size; may be changed between steps (learning-rate schedules).
    var learningRate: Float { get set }
    /// Applies one update from the current gradients.
    func step()
    /// Clears every parameter's dense and sparse gradient.
    func zeroGradients()
}

extension Optimizer {
    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }
}

/// Clips the gradients of `parameters` so that their total L2 norm is at most `maxNorm`, like
/// `torch.nn.utils.clip_grad_norm_`.
///
/// The norm is taken over every gradient element of the parameters that require gradients,
/// treating a parameter's gradient as its dense gradient plus its sparse rows:
///
///     ‖g‖ = sqrt(Σ_params Σ_elements g²)
///
/// When `‖g‖ > maxNorm`, every gradient (dense and sparse) is multiplied by
/// `maxNorm / (‖g‖ + 1e-6)`; otherwise nothing changes. Work is O(dense elements + sparse rows).
/// - Returns: the total norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    let unique = uniqueParameters(parameters).filter(\.requiresGradient)
    var total = 0.0
    for p in unique {
        let dense = p.gradient?.scalars
        if let dense { total += sumOfSquares(dense) }
        guard let sparse = p.sparseGradient else { continue }
        let width = sparse.width
        for (r, row) in sparse.rows.enumerated() {
            for j in 0..<width {
                let s = Double(sparse.values[r * width + j])
                if let dense {
                    // Replace d² by (d + s)² for elements present in both.
                    let d = Double(dense[row * width + j])
                    total += (d + s) * (d + s) - d * d
                } else {
                    total += s * s
                }
            }
        }
    }
    let norm = Float(total.squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    guard coefficient < 1 else { return norm }
    for p in unique {
        p.scaleDenseGradient(by: coefficient)
        if p.sparseGradient != nil {
            p.sparseGradient!.values.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] *= coefficient }
            }
        }
    }
    return norm
}

/// Σ v² in double precision with eight running sums (element i goes to sum i mod 8, the sums
/// added pairwise at the end): the same result on every machine, without the latency chain of one
/// sum (a fine-tuning step's 22.7 M gradient elements took ~20 ms that way).
func sumOfSquares(_ values: [Float]) -> Double {
    values.withUnsafeBufferPointer { p in
        var s = SIMD8<Double>()
        let n = p.count, body = n - n % 8
        var i = 0
        while i < body {
            let x = SIMD8<Double>(SIMD8<Float>(p[i], p[i + 1], p[i + 2], p[i + 3], p[i + 4], p[i + 5], p[i + 6], p[i + 7]))
            s += x * x
            i += 8
        }
        var tail = 0.0
        while i < n { tail += Double(p[i]) * Double(p[i]); i += 1 }
        let quads = s.lowHalf + s.highHalf, pairs = quads.lowHalf + quads.highHalf
        return (pairs[0] + pairs[1]) + tail
    }
}

/// `parameters` without repeats (by identity), first occurrence kept: a tied weight listed by two
/// modules must be updated once per step.
func uniqueParameters(_ parameters: [Parameter]) -> [Parameter] {
    var seen = Set<ObjectIdentifier>()
    return parameters.filter { seen.insert(ObjectIdentifier($0)).inserted }
}

/// The gradient an optimizer applies to one parameter this step.
enum StepGradient {
    /// Every element (sparse rows, if any, already added in).
    case dense([Float])
    /// Only these rows.
    case sparse(SparseRowGradient)
}

/// How optimizer state views a parameter as rows: the leading axis for rank ≥ 2 (an embedding
/// table `[V, D]` has `V` rows of width `D`), a single row otherwise.
struct RowLayout {
    let rows: Int
    let width: Int

    init(_ value: Tensor) {
        if value.rank >= 2 && value.shape[0] > 0 {
            rows = value.shape[0]
            width = value.count / rows
        } else {
            rows = 1
            width = value.count
        }
    }
}

extension Parameter {
    /// The gradient to apply this step, or `nil` to skip the parameter.
    var stepGradient: StepGradient? {
        guard requiresGradient else { return nil }
        if let g = gradient {
            precondition(g.shape == value.shape, "parameter \(name): gradient \(g.shape) for value \(value.shape)")
            return .dense(sparseGradient == nil ? g.scalars : denseGradient.scalars)
        }
        guard let sparse = sparseGradient, !sparse.rows.isEmpty else { return nil }
        let layout = RowLayout(value)
        precondition(sparse.width == layout.width && sparse.values.count == sparse.rows.count * sparse.width,
                     "parameter \(name): sparse gradient of width \(sparse.width) for value \(value.shape)")
        precondition(sparse.rows.allSatisfy { $0 >= 0 && $0 < layout.rows },
                     "parameter \(name): sparse gradient row out of range 0..<\(layout.rows)")
        return .sparse(sparse)
    }
}
