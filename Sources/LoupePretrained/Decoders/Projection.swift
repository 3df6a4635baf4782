import LoupeNN
import LoupeTensor

/// A linear projection `y = x Wᵀ + b` whose weight is either dense (a trainable ``Parameter``,
/// PyTorch's `[out, in]` layout) or kept in its stored block-quantized format (a read-only
/// ``QuantizedMatrix`` multiplied without a float copy).
///
/// A quantized weight is not a parameter (it has no gradient); the bias, if any, always is. The
/// input gradient flows through both kinds.
public final class Projection: Module {
    /// The weight, dense or quantized.
    public enum Weight {
        case dense(Parameter)
        case quantized(QuantizedMatrix)
    }

    public let path: String
    public let weight: Weight
    public let bias: Parameter?

    /// A projection with the weight `stored` (`[out, in]`) and an optional `bias` `[out]`.
    public init(path: String, weight stored: StoredWeight, bias: Tensor?) {
        self.path = path
        switch stored {
        case .dense(let tensor): weight = .dense(Parameter(name: joinPath(path, "weight"), value: tensor))
        case .quantized(let matrix): weight = .quantized(matrix)
        }
        self.bias = bias.map { Parameter(name: joinPath(path, "bias"), value: $0) }
    }

    public var ownParameters: [Parameter] {
        var list: [Parameter] = []
        if case .dense(let p) = weight { list.append(p) }
        if let bias { list.append(bias) }
        return list
    }

    /// `[out, in]`.
    public var weightShape: [Int] {
        switch weight {
        case .dense(let p): return p.value.shape
        case .quantized(let q): return q.shape
        }
    }
    public var inputSize: Int { weightShape[1] }
    public var outputSize: Int { weightShape[0] }
    /// True when the weight is kept block-quantized.
    public var isQuantized: Bool {
        if case .quantized = weight { return true }
        return false
    }

    /// The weight as dense floats `[out, in]` (dequantized when stored quantized).
    public var denseWeight: Tensor {
        switch weight {
        case .dense(let p): return p.value
        case .quantized(let q): return q.dequantized()
        }
    }

    /// Applies the projection to the last axis of `x` (`[..., in]` → `[..., out]`).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch weight {
        case .dense(let p):
            return hooked(x.linear(weight: p.tensor, bias: bias?.tensor))
        case .quantized(let q):
            return hooked(Projection.quantizedLinear(x, q, bias: bias?.tensor))
        }
    }

    /// The projections applied to the same `x` in one pass of the block kernels (one preparation
    /// of `x`, one parallel dispatch), each result passed through its projection's hooks; `nil`
    /// unless ``QuantizedArithmetic/current`` has kernels, no gradient is recorded and every
    /// weight is quantized in a format the kernels read (callers then apply them one by one).
    static func fusedProducts(_ x: Tensor, _ projections: [Projection]) -> [Tensor]? {
        let arithmetic = QuantizedArithmetic.current
        guard arithmetic != .decodedTiles,
              !(GradientMode.isEnabled && (x.requiresGradient || projections.contains { $0.bias != nil }))
        else { return nil }
        var matrices: [QuantizedMatrix] = []
        for p in projections {
            guard case .quantized(let q) = p.weight else { return nil }
            matrices.append(q)
        }
        // A prompt's many rows: each projection goes to one SGEMM over its decoded weight.
        let rows = x.shape.last.map { $0 == 0 ? 0 : x.count / $0 } ?? 0
        if matrices.allSatisfy({ QuantizedTiles.prefersDecodedGEMM(arithmetic: arithmetic, rows: rows, weightRows: $0.rows,
                                                                   columns: $0.columns) }) {
            return nil
        }
        guard let outputs = QuantizedMatrix.products(x, matrices, biases: projections.map { $0.bias?.value },
                                                        arithmetic: arithmetic) else { return nil }
        return zip(projections, outputs).map { $0.hooked($1) }
    }

    /// The quantized product: tiles of weight rows decoded into scratch, multiplied by GEMM
    /// (gradients flow to `x` and the bias, not to the stored weight).
    static func quantizedLinear(_ x: Tensor, _ q: QuantizedMatrix, bias: Tensor?) -> Tensor {
        x.linear(quantized: q, bias: bias)
    }
}
