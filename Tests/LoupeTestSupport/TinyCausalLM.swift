import Foundation
import LoupeNN
import LoupeTensor

/// A one-block causal language model small enough to check by hand: token + position embeddings,
/// one single-head causal self-attention with a residual connection, and a linear head to
/// next-token logits. It conforms to ``CausalLanguageModel`` the way a real decoder does — full
/// sequences for attribution, a key/value cache for generation — and exposes TransformerLens
/// sites (`hook_embed`, `blocks.0.attn.hook_pattern`, `blocks.0.hook_resid_post`).
public final class TinyCausalLM: CausalLanguageModel {
    public let path = ""
    public let embedding: Embedding
    public let position: Embedding
    public let query: Linear
    public let key: Linear
    public let value: Linear
    public let head: Linear
    public let pattern = HookPoint(path: "blocks.0.attn.hook_pattern")
    public let residualPost = HookPoint(path: "blocks.0.hook_resid_post")
    public let maximumLength: Int

    public init(vocabularySize: Int = 16, dimension: Int = 6, maximumLength: Int = 12, seed: UInt64 = 21) {
        var rng = RandomGenerator(seed: seed)
        embedding = Embedding(vocabularySize: vocabularySize, dimension: dimension, paddingIndex: 0,
                              path: "embedding", generator: &rng)
        position = Embedding(vocabularySize: maximumLength, dimension: dimension, path: "position", generator: &rng)
        query = Linear(dimension, dimension, path: "query", generator: &rng)
        key = Linear(dimension, dimension, path: "key", generator: &rng)
        value = Linear(dimension, dimension, path: "value", generator: &rng)
        head = Linear(dimension, vocabularySize, path: "head", generator: &rng)
        self.maximumLength = maximumLength
    }

    public var submodules: [Module] { [embedding, position, query, key, value, head] }
    public var tokenEmbedding: Embedding { embedding }
    public var paddingID: Int { 0 }
    public var maximumSequenceLength: Int? { maximumLength }
    public var activationSites: [ActivationSite] {
        [ActivationSite(.embed, embedding), ActivationSite(.positionEmbed, position),
         ActivationSite(.attentionPattern(0), pattern), ActivationSite(.residualPost(0), residualPost)]
    }

    public func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor {
        let t = embeddings.shape[1]
        let h = embeddings + position(Array(0..<t))
        return block(h, keys: key(h), values: value(h), firstPosition: 0)
    }

    public func makeCache() -> KeyValueCache { KeyValueCache(layerCount: 1) }

    public func logits(appending tokenIDs: [Int], cache: KeyValueCache) throws -> Tensor {
        try validate(tokenIDs: [tokenIDs])
        let start = cache.length
        guard start + tokenIDs.count <= maximumLength else {
            throw ModelInputError.sequenceTooLong(index: 0, length: start + tokenIDs.count, maximum: maximumLength)
        }
        let n = tokenIDs.count
        let h = embedding(tokenIDs, shape: [1, n]) + position(Array(start..<(start + n)))
        let (keys, values) = cache.append(layer: 0, key: key(h), value: value(h))
        cache.advance(by: n)
        return block(h, keys: keys, values: values, firstPosition: start).reshaped([n, vocabularySize])
    }

    /// Causal attention of the queries of `h` (positions `firstPosition…`) over `keys`/`values`
    /// (positions `0…`), the residual sum, and the head.
    func block(_ h: Tensor, keys: Tensor, values: Tensor, firstPosition: Int) -> Tensor {
        let (n, total, e) = (h.shape[1], keys.shape[1], h.shape[2])
        var mask = [Float](repeating: 0, count: n * total)
        for i in 0..<n { for j in 0..<total where j > firstPosition + i { mask[i * total + j] = -1e9 } }
        let scores = query(h).matmul(keys, transposeOther: true) * (1 / Float(e).squareRoot())
        let weights = pattern((scores + Tensor(shape: [n, total], scalars: mask)).softmax(alongAxis: -1))
        return head(residualPost(h + weights.matmul(values)))
    }
}
