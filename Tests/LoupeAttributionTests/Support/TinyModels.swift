import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

/// Pads ragged rows with `pad`.
func padRows(_ ids: [[Int]], pad: Int) -> [[Int]] {
    let width = ids.map(\.count).max() ?? 0
    return ids.map { $0 + Array(repeating: pad, count: width - $0.count) }
}

/// Embeds padded ids and pools `[B, T, F]` features by a masked mean (or sum) over non-PAD ids.
/// Masks come from the ids, as `TokenModel` requires.
func poolTokens(_ x: Tensor, rows: [[Int]], pad: Int, mean: Bool) -> Tensor {
    let (b, t) = (rows.count, rows.first?.count ?? 0)
    let mask = Tensor(shape: [b, t, 1], scalars: rows.flatMap { $0.map { $0 == pad ? Float(0) : 1 } })
    let summed = (x * mask).sum(alongAxis: 1)
    guard mean else { return summed }
    let counts = rows.map { row in Float(Swift.max(1, row.filter { $0 != pad }.count)) }
    return summed / Tensor(shape: [b, 1], scalars: counts)
}

/// The bag-of-embeddings classifier: Embedding (PAD = 0) → masked mean over non-PAD ids → Linear →
/// ReLU → Linear.
final class BagOfEmbeddingsClassifier: TextClassifier {
    let path = ""
    let labels: [String]
    let paddingID = 0
    let tokenEmbedding: Embedding
    let hidden: Linear
    let classifier: Linear

    init(vocabularySize: Int = 24, dimension: Int = 6, hiddenSize: Int = 10, classes: Int = 3, seed: UInt64 = 11) {
        var rng = RandomGenerator(seed: seed)
        labels = (0..<classes).map { "class\($0)" }
        tokenEmbedding = Embedding(vocabularySize: vocabularySize, dimension: dimension, paddingIndex: 0,
                                   path: "embedding", generator: &rng)
        hidden = Linear(dimension, hiddenSize, path: "hidden", generator: &rng)
        classifier = Linear(hiddenSize, classes, path: "classifier", generator: &rng)
    }

    var submodules: [Module] { [tokenEmbedding, hidden, classifier] }

    func logits(embeddings x: Tensor, tokenIDs: [[Int]]) -> Tensor {
        let rows = padRows(tokenIDs, pad: paddingID)
        return classifier(hidden(poolTokens(x, rows: rows, pad: paddingID, mean: true)).relu())
    }
}

/// The small nonlinear one, with token-wise hidden layers (for layer attribution):
/// Embedding → `encoder.0` (Linear) → tanh → `encoder.1` (Linear) → tanh → masked mean → `classifier`.
final class TokenwiseTanhClassifier: TextClassifier {
    let path = ""
    let labels = ["negative", "neutral", "positive"]
    let paddingID = 0
    let tokenEmbedding: Embedding
    let first: Linear
    let second: Linear
    let classifier: Linear

    init(vocabularySize: Int = 24, dimension: Int = 5, hiddenSize: Int = 7, seed: UInt64 = 5) {
        var rng = RandomGenerator(seed: seed)
        tokenEmbedding = Embedding(vocabularySize: vocabularySize, dimension: dimension, paddingIndex: 0,
                                   path: "embedding", generator: &rng)
        first = Linear(dimension, hiddenSize, path: "encoder.0", generator: &rng)
        second = Linear(hiddenSize, hiddenSize, path: "encoder.1", generator: &rng)
        classifier = Linear(hiddenSize, 3, path: "classifier", generator: &rng)
    }

    var submodules: [Module] { [tokenEmbedding, first, second, classifier] }

    func logits(embeddings x: Tensor, tokenIDs: [[Int]]) -> Tensor {
        let rows = padRows(tokenIDs, pad: paddingID)
        let h = second(first(x).tanh()).tanh()
        return classifier(poolTokens(h, rows: rows, pad: paddingID, mean: true))
    }
}

/// A linear model: Embedding → masked sum (or mean) → Linear. Linear in the embeddings; with sum
/// pooling also linear in token presence (each present token adds `W·e(id)` to the logits).
final class LinearBagModel: TextClassifier {
    let path = ""
    let labels: [String]
    let paddingID = 0
    let tokenEmbedding: Embedding
    let classifier: Linear
    let meanPooling: Bool

    init(vocabularySize: Int = 24, dimension: Int = 4, classes: Int = 2, meanPooling: Bool = false, seed: UInt64 = 3) {
        var rng = RandomGenerator(seed: seed)
        labels = (0..<classes).map { "c\($0)" }
        self.meanPooling = meanPooling
        tokenEmbedding = Embedding(vocabularySize: vocabularySize, dimension: dimension, paddingIndex: 0,
                                   path: "embedding", generator: &rng)
        classifier = Linear(dimension, classes, path: "classifier", generator: &rng)
    }

    var submodules: [Module] { [tokenEmbedding, classifier] }

    func logits(embeddings x: Tensor, tokenIDs: [[Int]]) -> Tensor {
        let rows = padRows(tokenIDs, pad: paddingID)
        return classifier(poolTokens(x, rows: rows, pad: paddingID, mean: meanPooling))
    }

    /// What each present token with this id adds to class `c`'s logit (sum pooling).
    func contribution(of id: Int, toClass c: Int) -> Double {
        let e = tokenEmbedding.dimension
        return (0..<e).reduce(0.0) { sum, j in
            sum + Double(classifier.weight.value.scalars[c * e + j]) * Double(tokenEmbedding.weight.value.scalars[id * e + j])
        }
    }
}

/// A two-class model that only looks at token `key`: logit₁ = 4·(number of `key` tokens) − 2,
/// logit₀ = 0 (a linear bag whose only non-zero embedding row is `key`'s).
func oneTokenModel(key: Int = 7, vocabularySize: Int = 24) -> LinearBagModel {
    let model = LinearBagModel(vocabularySize: vocabularySize, dimension: 2, classes: 2)
    var table = [Float](repeating: 0, count: vocabularySize * 2)
    table[key * 2] = 1
    model.tokenEmbedding.weight.value = Tensor(shape: [vocabularySize, 2], scalars: table)
    model.classifier.weight.value = Tensor(shape: [2, 2], scalars: [0, 0, 4, 0])
    model.classifier.bias!.value = Tensor([0, -2])
    return model
}

/// A hand-made attention model: the given per-layer patterns `[1, heads, T, T]` (for one input of
/// length T, repeated over a batch), exposed at `blocks.N.attn.hook_pattern` sites, on top of a
/// bag-of-embeddings classifier.
final class HandAttentionModel: TextClassifier {
    let path = ""
    let layers: [Tensor]
    let inner = BagOfEmbeddingsClassifier()
    let patterns: [HookPoint]

    init(layers: [Tensor]) {
        self.layers = layers
        patterns = layers.indices.map { HookPoint(path: "blocks.\($0).attn.hook_pattern") }
    }

    var submodules: [Module] { [inner] }
    var labels: [String] { inner.labels }
    var paddingID: Int { inner.paddingID }
    var tokenEmbedding: Embedding { inner.tokenEmbedding }
    var activationSites: [ActivationSite] {
        [ActivationSite(.embed, tokenEmbedding)] + patterns.indices.map { ActivationSite(.attentionPattern($0), patterns[$0]) }
    }

    func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor {
        for (point, a) in zip(patterns, layers) {
            _ = point(Tensor.concatenate(Array(repeating: a, count: tokenIDs.count), alongAxis: 0))
        }
        return inner.logits(embeddings: embeddings, tokenIDs: tokenIDs)
    }
}

/// Sentences of different lengths (ids 1…23; 0 is PAD).
let sentences: [[Int]] = [[3, 9, 14, 2, 20], [5, 11], [17, 4, 8, 13, 21, 6, 10], [12]]

/// Both tiny models, for parameterised tests.
enum TinyModel: String, CaseIterable, CustomTestStringConvertible {
    case bag, tanh
    func make() -> TextClassifier {
        switch self {
        case .bag: return BagOfEmbeddingsClassifier()
        case .tanh: return TokenwiseTanhClassifier()
        }
    }
    var testDescription: String { rawValue }
}

/// Σ of a list.
func total(_ xs: [Double]) -> Double { xs.reduce(0, +) }

/// Class outputs of `ids` (no graph).
func outputs(_ model: TextClassifier, _ ids: [Int], _ output: AttributionOutput = .logit) -> [Double] {
    let y = withoutGradients { model.logits(tokenIDs: [ids]) }
    return output.applied(to: y).scalars.map(Double.init)
}

/// Largest absolute difference between two equally long lists.
func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "\(a.count) vs \(b.count)")
    return zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
}

/// The token embeddings `[1, T, E]` of `ids`.
func embeddings(_ model: TextClassifier, _ ids: [Int]) -> Tensor {
    withoutGradients { model.tokenEmbedding(ids, shape: [1, ids.count]).detached }
}

/// Class outputs of `ids` with the embedding output replaced by `x` (masks from the ids).
func outputs(_ model: TextClassifier, _ ids: [Int], embeddings x: Tensor, _ output: AttributionOutput = .logit) -> [Double] {
    let y = withoutGradients {
        withHooks([.replace(model.tokenEmbedding) { _ in x }]) { model.logits(tokenIDs: [ids]) }
    }
    return output.applied(to: y).scalars.map(Double.init)
}
