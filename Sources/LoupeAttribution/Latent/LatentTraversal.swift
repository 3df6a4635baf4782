import LoupeNN
import LoupeTensor

/// Latent traversal: starting from a base code, set one latent dimension at a time to each of a
/// list of values and decode — the picture of what each dimension controls used by Higgins et
/// al., "β-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework"
/// (ICLR 2017). Rows are dimensions, columns are values; every other dimension keeps its base value.
///
/// Works for any ``LatentModel``: image VAEs give decoded images (pixel probabilities), text VAEs
/// give decoded sentences with their token ids (greedy, or beam search via ``LatentDecoding``).
///
/// With ``LatentCodes`` of a data set, dimensions are ordered by mean KL and carry their KL and
/// active flag, and values can be quantiles of the data's posterior means.
public struct LatentTraversal: Sendable {
    /// Which dimensions become rows.
    public enum Dimensions: Equatable, Sendable {
        /// Every dimension: by decreasing mean KL when codes are given (inactive ones included
        /// and marked), otherwise in index order.
        case all
        /// The `k` dimensions with the largest mean KL (the first `k` without codes).
        case top(Int)
        /// These dimensions, in this order.
        case indices([Int])
    }

    /// The values each dimension is set to (the columns).
    public enum Values: Equatable, Sendable {
        /// `count` evenly spaced multiples of the prior's standard deviation from `lower` to
        /// `upper` (the prior is N(0, I), so these are the latent values themselves); the default
        /// is −3…3 in 7 steps.
        case priorStandardDeviations(lower: Double, upper: Double, count: Int)
        /// Quantile levels in [0, 1] of each dimension's posterior means over the data (needs
        /// codes): row `d`, column `j` sets `z_d` to the `levels[j]` quantile of `μ_d`.
        case dataQuantiles([Double])
        /// Explicit latent values, the same for every dimension.
        case explicit([Double])

        /// −3, −2, …, 3.
        public static let standard = Values.priorStandardDeviations(lower: -3, upper: 3, count: 7)

        /// The unit of the column coordinates, as written in JSON.
        public var unit: String {
            switch self {
            case .priorStandardDeviations: return "prior-sd"
            case .dataQuantiles: return "data-quantile"
            case .explicit: return "latent"
            }
        }
    }

    /// The code the traversal starts from.
    public enum Base<Example> {
        /// The zero vector (the prior mean).
        case zero
        /// A given latent vector.
        case vector([Float])
        /// The posterior mean of an example.
        case posteriorMean(Example)

        var kind: String {
            switch self {
            case .zero: return "zero"
            case .vector: return "vector"
            case .posteriorMean: return "posterior-mean"
            }
        }
    }

    public var dimensions: Dimensions
    public var values: Values
    public var decoding: LatentDecoding
    /// Most latent codes decoded in one batch.
    public var batchSize: Int

    public init(dimensions: Dimensions = .all, values: Values = .standard,
                decoding: LatentDecoding = LatentDecoding(), batchSize: Int = 512) {
        self.dimensions = dimensions
        self.values = values
        self.decoding = decoding
        self.batchSize = batchSize
    }

    /// Traverses `model`'s latent space from `base`.
    /// - Parameter codes: the data set's ``LatentCodes`` (for KL ordering, active flags and
    ///   quantile values); optional otherwise.
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for a base of the wrong length, a
    ///   dimension out of range, no values, or quantiles without codes.
    public func run<M: LatentModel>(on model: M, from base: Base<M.Example>, codes: LatentCodes? = nil) throws -> TraversalResult {
        let z = model.latentDimension
        if let codes, codes.latentDimension != z {
            throw AttributionError.invalidParameter("codes have \(codes.latentDimension) dimensions, the model \(z)")
        }
        let baseZ = try Self.resolve(base, model: model)
        let rows = try selectedDimensions(latentDimension: z, codes: codes)
        let (columns, perRow) = try columnValues(for: rows, codes: codes)

        var latents: [[Float]] = []
        latents.reserveCapacity(rows.count * columns.count)
        for (r, d) in rows.enumerated() {
            for v in perRow[r] {
                var code = baseZ
                code[d] = Float(v)
                latents.append(code)
            }
        }
        latents.append(baseZ)  // the base code's own decoding, last
        var cells = try model.decodedCells(for: latents, decoding: decoding, batchSize: batchSize)
        let reconstruction = cells.removeLast()
        let resultRows = rows.enumerated().map { r, d in
            TraversalResult.Row(dimension: d, kl: codes?.klPerDimension[d], isActive: codes?.isActive[d],
                                values: perRow[r], cells: Array(cells[(r * columns.count)..<((r + 1) * columns.count)]))
        }
        return TraversalResult(model: LatentModelInfo(model), baseKind: base.kind, baseZ: baseZ, values: columns,
                               valueUnit: values.unit, rows: resultRows,
                               decoding: reconstruction.text != nil ? decoding : nil, reconstruction: reconstruction)
    }

    /// The base code as a vector of length `Z`.
    static func resolve<M: LatentModel>(_ base: Base<M.Example>, model: M) throws -> [Float] {
        let z = model.latentDimension
        switch base {
        case .zero:
            return [Float](repeating: 0, count: z)
        case .vector(let v):
            guard v.count == z else { throw AttributionError.invalidParameter("base code has \(v.count) values, the model \(z) dimensions") }
            guard v.allSatisfy(\.isFinite) else { throw AttributionError.invalidParameter("base code holds NaN or infinity") }
            return v
        case .posteriorMean(let example):
            return try model.posteriorRows(of: [example]).mu[0]
        }
    }

    func selectedDimensions(latentDimension z: Int, codes: LatentCodes?) throws -> [Int] {
        let ordered = codes?.ranking ?? Array(0..<z)
        switch dimensions {
        case .all:
            return ordered
        case .top(let k):
            guard k >= 1 else { throw AttributionError.invalidParameter("top dimensions must be at least 1, got \(k)") }
            return Array(ordered.prefix(k))
        case .indices(let list):
            guard !list.isEmpty else { throw AttributionError.invalidParameter("no dimensions to traverse") }
            if let bad = list.first(where: { !(0..<z).contains($0) }) {
                throw AttributionError.invalidParameter("dimension \(bad) outside 0..<\(z)")
            }
            return list
        }
    }

    /// Column coordinates, and the latent values of each row.
    func columnValues(for rows: [Int], codes: LatentCodes?) throws -> ([Double], [[Double]]) {
        switch values {
        case .priorStandardDeviations(let lower, let upper, let count):
            guard count >= 1, lower.isFinite, upper.isFinite else {
                throw AttributionError.invalidParameter("prior-sd range \(lower)…\(upper) with \(count) values")
            }
            let columns = count == 1 ? [(lower + upper) / 2]
                : (0..<count).map { lower + (upper - lower) * Double($0) / Double(count - 1) }
            return (columns, rows.map { _ in columns })
        case .explicit(let list):
            guard !list.isEmpty, list.allSatisfy(\.isFinite) else {
                throw AttributionError.invalidParameter("traversal values must be finite and non-empty")
            }
            return (list, rows.map { _ in list })
        case .dataQuantiles(let levels):
            guard let codes, codes.count > 0 else {
                throw AttributionError.invalidParameter("data-quantile values need the latent codes of a data set")
            }
            guard !levels.isEmpty, levels.allSatisfy({ (0...1).contains($0) }) else {
                throw AttributionError.invalidParameter("quantile levels must lie in [0, 1]")
            }
            return (levels, try rows.map { d in try levels.map { try codes.quantile($0, ofDimension: d) } })
        }
    }
}
