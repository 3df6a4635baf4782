import LoupeNN
import LoupeTensor

/// What the path methods (integrated gradients, layer IG, GradientSHAP) integrate from: the
/// input "with its information removed". The choice is part of the explanation — IG explains
/// `F(x) − F(baseline)`, so a baseline the model already gives the explained output says little
/// (Sturmfels, Lundberg & Lee, "Visualizing the Impact of Feature Attribution Baselines",
/// Distill 2020). Every baseline but ``zero`` keeps the model's special tokens ([CLS], [SEP],
/// `<s>`, …: ``LoupeNN/TokenModel/specialTokenIDs``); all keep the positions an ``InputFeatures``
/// fixes at their own embedding.
///
/// Sampled baselines (``uniform(samples:seed:)``, ``expected(samples:seed:)``) and
/// ``average(_:)`` are several baselines: the path methods integrate from each and average, so
/// completeness reads `Σ scores ≈ F(x) − mean F(baseline)` — the expected-gradients estimator of
/// Erion et al. ("Improving performance of deep learning models with axiomatic attribution priors
/// and expected gradients", Nature Machine Intelligence 2021) with the inner path integral taken by
/// quadrature rather than by one random α per sample.
public enum Baseline: Hashable, Sendable {
    /// The embedding of [PAD] at every non-special position — the "masked-out" reference of
    /// Captum's BERT tutorial (zeros when the model's padding row is zero).
    case pad
    /// Zero vectors at every position, special tokens included (Sundararajan et al.'s black image).
    case zero
    /// One token's embedding at every non-special position: [UNK] or [MASK] (`name` is how the
    /// record spells it, e.g. `unk`, `mask`).
    case token(id: Int, name: String)
    /// The mean of the token-embedding table (every row but padding) at every non-special position:
    /// a "neutral", average token.
    case meanEmbedding
    /// A reference text: its tokens (`ids`, without special tokens) fill the input's non-special
    /// positions in order; positions past its end get [PAD], and tokens past the input's end are
    /// dropped. `text` is recorded.
    case reference(ids: [Int], text: String)
    /// `samples` draws of uniform noise inside the box of the embedding table (each coordinate
    /// between its smallest and largest value over the vocabulary), averaged — Sturmfels et al.'s
    /// uniform baseline.
    case uniform(samples: Int, seed: UInt64)
    /// `samples` sequences of tokens drawn uniformly from the vocabulary (special and padding
    /// tokens excluded), averaged — expected gradients over a baseline distribution.
    case expected(samples: Int, seed: UInt64)
    /// Several baselines, averaged (e.g. the references of several neutral texts).
    case average([Baseline])

    /// The name in records and on the command line: `pad`, `zero`, the token's name, `mean`,
    /// `text`, `uniform`, `expected` or `average`.
    public var rawValue: String {
        switch self {
        case .pad: return "pad"
        case .zero: return "zero"
        case .token(_, let name): return name
        case .meanEmbedding: return "mean"
        case .reference: return "text"
        case .uniform: return "uniform"
        case .expected: return "expected"
        case .average: return "average"
        }
    }

    /// The baselines that need nothing but the model: `pad`, `zero`, `mean`, and `uniform` /
    /// `expected` with 8 samples and seed 0.
    public init?(rawValue: String) {
        switch rawValue {
        case "pad": self = .pad
        case "zero": self = .zero
        case "mean": self = .meanEmbedding
        case "uniform": self = .uniform(samples: 8, seed: 0)
        case "expected": self = .expected(samples: 8, seed: 0)
        default: return nil
        }
    }

    /// The names ``init(rawValue:)`` accepts.
    public static let modelOnlyNames = ["pad", "zero", "mean", "uniform", "expected"]

    /// How many baselines the path methods integrate from.
    public var count: Int {
        switch self {
        case .uniform(let k, _), .expected(let k, _): return Swift.max(0, k)
        case .average(let parts): return parts.reduce(0) { $0 + $1.count }
        default: return 1
        }
    }

    /// The parameters an attribution records for this baseline: `baseline` and, where they
    /// apply, `baseline_text`, `baseline_token_id`, `baseline_samples`, `baseline_seed`.
    public var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = ["baseline": .string(rawValue)]
        switch self {
        case .token(let id, _): p["baseline_token_id"] = .int(id)
        case .reference(_, let text): p["baseline_text"] = .string(text)
        case .uniform(let k, let seed), .expected(let k, let seed):
            p["baseline_samples"] = .int(k)
            p["baseline_seed"] = .seed(seed)
        case .average(let parts): p["baseline_samples"] = .int(parts.reduce(0) { $0 + $1.count })
        default: break
        }
        return p
    }

    /// Rejects sample counts below 1, an empty average, and token ids outside `model`'s vocabulary.
    func validate(for model: TokenModel) throws {
        let size = model.vocabularySize
        switch self {
        case .token(let id, let name):
            guard id >= 0 && id < size else {
                throw AttributionError.invalidParameter("baseline \(name): token id \(id) is outside the vocabulary of \(size)")
            }
        case .reference(let ids, _):
            if let bad = ids.first(where: { $0 < 0 || $0 >= size }) {
                throw AttributionError.invalidParameter("baseline text: token id \(bad) is outside the vocabulary of \(size)")
            }
        case .uniform(let k, _), .expected(let k, _):
            guard k >= 1 else { throw AttributionError.invalidParameter("baseline \(rawValue): samples must be ≥ 1 (got \(k))") }
        case .average(let parts):
            guard !parts.isEmpty else { throw AttributionError.invalidParameter("an average of no baselines") }
            for part in parts { try part.validate(for: model) }
        case .pad, .zero, .meanEmbedding: break
        }
    }

    /// Every baseline embedding shaped like `x` `[1, T, E]` (the embeddings of `ids`) for `model`
    /// — one, or ``count`` for the sampled and averaged baselines; the positions `kept` keep their
    /// own embedding (``InputFeatures/fixed``).
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for a token outside the vocabulary, no
    ///   samples or a kept position outside the text; ``AttributionError/invalidInput(_:)`` /
    ///   ``AttributionError/emptyInput`` for ids the model cannot take or `x` not `[1, ids.count, E]`.
    public func embeddingSet(like x: Tensor, ids: [Int], model: TokenModel, keeping kept: Set<Int> = []) throws -> [Tensor] {
        try validate(for: model)
        try model.validateInput([ids])
        guard x.rank == 3, x.shape[0] == 1, x.shape[1] == ids.count else {
            throw AttributionError.invalidInput("baseline: embeddings of shape \(x.shape) for \(ids.count) ids "
                                                + "(expected [1, \(ids.count), E])")
        }
        if let bad = kept.first(where: { $0 < 0 || $0 >= ids.count }) {
            throw AttributionError.invalidParameter("kept position \(bad) is outside the text's 0..<\(ids.count)")
        }
        return rows(like: x, ids: ids, model: model).map { keep(kept, of: x, in: $0) }
    }

    /// The one baseline embedding shaped like `x` (the mean of ``embeddingSet(like:ids:model:keeping:)``
    /// for the sampled baselines).
    public func embeddings(like x: Tensor, ids: [Int], model: TokenModel, keeping kept: Set<Int> = []) throws -> Tensor {
        let set = try embeddingSet(like: x, ids: ids, model: model, keeping: kept)
        guard set.count > 1 else { return set[0] }
        var sum = [Float](repeating: 0, count: x.count)
        for t in set { for j in 0..<sum.count { sum[j] += t.scalars[j] } }
        let n = Float(set.count)
        return Tensor(shape: x.shape, scalars: sum.map { $0 / n })
    }

    /// `base` with the positions `kept` set to their embedding in `x`.
    private func keep(_ kept: Set<Int>, of x: Tensor, in base: Tensor) -> Tensor {
        guard !kept.isEmpty else { return base }
        let e = x.shape[2]
        var out = base.scalars
        x.scalars.withUnsafeBufferPointer { p in
            for t in kept where t < x.shape[1] {
                for j in 0..<e { out[t * e + j] = p[t * e + j] }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// The baselines before fixed positions are applied.
    private func rows(like x: Tensor, ids: [Int], model: TokenModel) -> [Tensor] {
        let e = x.shape[2]
        let table = model.tokenEmbedding.weight.value
        let special = model.specialTokenIDs
        let isSpecial: (Int) -> Bool = { t in t < ids.count && special.contains(ids[t]) }
        /// The baseline with row `row(t)` at every non-special position t.
        func fill(_ row: (Int) -> [Float]) -> Tensor {
            var out = [Float](repeating: 0, count: x.count)
            let positions = x.shape[1]
            for t in 0..<positions {
                let base = t * e
                if isSpecial(t) {
                    for j in 0..<e { out[base + j] = x.scalars[base + j] }
                } else {
                    let r = row(t)
                    for j in 0..<e { out[base + j] = r[j] }
                }
            }
            return Tensor(shape: x.shape, scalars: out)
        }
        func tokenRow(_ id: Int) -> [Float] { table.gatherRows([id]).scalars }

        switch self {
        case .zero:
            return [Tensor.zeros(x.shape)]
        case .pad:
            let row = tokenRow(model.paddingID)
            return [fill { _ in row }]
        case .token(let id, _):
            let row = tokenRow(id)
            return [fill { _ in row }]
        case .meanEmbedding:
            let v = table.shape[0]
            var mean = [Double](repeating: 0, count: e)
            var n = 0
            table.scalars.withUnsafeBufferPointer { p in
                for r in 0..<v where r != model.paddingID {
                    for j in 0..<e { mean[j] += Double(p[r * e + j]) }
                    n += 1
                }
            }
            let row = mean.map { Float($0 / Double(Swift.max(1, n))) }
            return [fill { _ in row }]
        case .reference(let refs, _):
            // The i-th non-special position of the input takes the i-th reference token.
            var order = [Int: Int]()
            var next = 0
            for t in 0..<x.shape[1] where !isSpecial(t) {
                order[t] = next
                next += 1
            }
            let pad = tokenRow(model.paddingID)
            var cache = [Int: [Float]]()
            return [fill { t in
                guard let i = order[t], i < refs.count else { return pad }
                if let r = cache[refs[i]] { return r }
                let r = tokenRow(refs[i])
                cache[refs[i]] = r
                return r
            }]
        case .uniform(let k, let seed):
            let v = table.shape[0]
            var low = [Float](repeating: .infinity, count: e), high = [Float](repeating: -.infinity, count: e)
            table.scalars.withUnsafeBufferPointer { p in
                for r in 0..<v {
                    for j in 0..<e {
                        low[j] = Swift.min(low[j], p[r * e + j])
                        high[j] = Swift.max(high[j], p[r * e + j])
                    }
                }
            }
            var rng = RandomGenerator(seed: seed)
            return (0..<k).map { _ in
                fill { _ in (0..<e).map { j in low[j] + rng.nextUniform() * (high[j] - low[j]) } }
            }
        case .expected(let k, let seed):
            let excluded = special.union([model.paddingID])
            let v = table.shape[0]
            var rng = RandomGenerator(seed: seed)
            return (0..<k).map { _ in
                fill { _ in
                    guard v > excluded.count else { return tokenRow(model.paddingID) }
                    var id = rng.nextInt(below: v)
                    while excluded.contains(id) { id = rng.nextInt(below: v) }
                    return tokenRow(id)
                }
            }
        case .average(let parts):
            return parts.flatMap { $0.rows(like: x, ids: ids, model: model) }
        }
    }
}
