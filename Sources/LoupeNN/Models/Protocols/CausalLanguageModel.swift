import LoupeTensor

/// A ``TokenModel`` that predicts the next token at every position (GPT-2, LLaMA, Qwen2, …),
/// with a key/value cache for incremental decoding.
///
/// `logits(embeddings:tokenIDs:)` runs the whole sequence at once (what attribution needs: the
/// gradient of a next-token score with respect to every earlier token);
/// `logits(appending:cache:)` runs only new tokens against the cached keys and values of the
/// earlier ones (what generation needs). Both give the same logits for the same positions.
public protocol CausalLanguageModel: TokenModel {
    /// Next-token logits `[B, T, V]`: row `t` scores the token after position `t`.
    func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor
    /// Next-token logits `[B, K, V]` at `positions` (`K` of them, each `< T`) only.
    func logits(embeddings: Tensor, tokenIDs: [[Int]], positions: [Int]) -> Tensor
    /// A cache for one sequence, empty.
    func makeCache() -> KeyValueCache
    /// Next-token logits `[n, V]` for `tokenIDs` (n ≥ 1 new tokens) placed after the tokens
    /// `cache` holds; their keys and values are appended to `cache`.
    /// - Throws: ``ModelInputError`` when the ids are outside the vocabulary or the sequence
    ///   would exceed ``TokenModel/maximumSequenceLength``.
    func logits(appending tokenIDs: [Int], cache: KeyValueCache) throws -> Tensor
}

/// A causal language model that can continue a batch from a shared prefix read once: every row
/// starts with the same prefix (the template of a chat prompt, held fixed by an attribution), so
/// its keys and values are computed once and the rows run only their own suffixes. Gradients flow
/// to the suffix embeddings only.
public protocol PrefixSharingLanguageModel: CausalLanguageModel {
    /// The keys and values of `embeddings` `[1, P, E]` (the embeddings of `tokenIDs`, P ids), read
    /// without a graph.
    func prefixCache(embeddings: Tensor, tokenIDs: [Int]) -> KeyValueCache
    /// Next-token logits `[B, K, V]` at the absolute `positions` (each ≥ the prefix's length) of
    /// rows made of the cached prefix followed by `suffix` `[B, S, E]` (the cache is not changed).
    func logits(suffix: Tensor, after prefix: KeyValueCache, positions: [Int]) -> Tensor
}

extension CausalLanguageModel {
    public var outputLayout: OutputLayout { .nextToken(vocabularySize: vocabularySize) }

    public func outputs(embeddings: Tensor, tokenIDs: [[Int]]) -> ModelOutput {
        ModelOutput(logits: logits(embeddings: embeddings, tokenIDs: tokenIDs))
    }

    public func outputs(embeddings: Tensor, tokenIDs: [[Int]], logitPositions: [Int]) -> ModelOutput {
        ModelOutput(logits: logits(embeddings: embeddings, tokenIDs: tokenIDs, positions: logitPositions),
                    logitPositions: logitPositions)
    }

    /// Every position's logits, then the ones asked for (models that can skip the rest override it).
    public func logits(embeddings: Tensor, tokenIDs: [[Int]], positions: [Int]) -> Tensor {
        logits(embeddings: embeddings, tokenIDs: tokenIDs).gatheredPositions(positions)
    }

    /// Next-token logits `[B, T, V]` for a ragged batch of token ids.
    public func logits(tokenIDs: [[Int]]) -> Tensor {
        logits(embeddings: embeddings(tokenIDs: tokenIDs), tokenIDs: tokenIDs)
    }
}

/// The keys and values a causal language model has computed for the tokens it has read, one
/// entry per attention layer, so that the next token costs one position, not the whole prefix.
public final class KeyValueCache {
    /// Per layer: keys and values `[heads, T, headDimension]` (or whatever layout the model
    /// uses; the cache only appends along the position axis, axis 1).
    public private(set) var keys: [Tensor?]
    public private(set) var values: [Tensor?]
    /// Number of positions cached.
    public private(set) var length = 0

    /// An empty cache for `layerCount` attention layers.
    public init(layerCount: Int) {
        keys = Array(repeating: nil, count: layerCount)
        values = Array(repeating: nil, count: layerCount)
    }

    /// Appends `key` and `value` (`[heads, n, d]`) of layer `layer`; returns the layer's full
    /// keys and values. Call for every layer with the same `n`, then ``advance(by:)``.
    public func append(layer: Int, key: Tensor, value: Tensor) -> (keys: Tensor, values: Tensor) {
        let k = keys[layer].map { Tensor.concatenate([$0, key], alongAxis: 1) } ?? key
        let v = values[layer].map { Tensor.concatenate([$0, value], alongAxis: 1) } ?? value
        keys[layer] = k.detached
        values[layer] = v.detached
        return (k, v)
    }

    /// Records that `count` new positions were appended to every layer.
    public func advance(by count: Int) { length += count }

    /// Empties the cache.
    public func reset() {
        keys = keys.map { _ in nil }
        values = values.map { _ in nil }
        length = 0
    }
}

extension Tensor {
    /// Rows `positions` of axis 1 of a `[B, T, …]` tensor, in that order: `[B, K, …]`
    /// (differentiable: slices and a concatenation).
    public func gatheredPositions(_ positions: [Int]) -> Tensor {
        precondition(rank >= 2 && !positions.isEmpty, "gatheredPositions: \(positions) of \(shape)")
        if positions == Array(0..<shape[1]) { return self }
        let rows = positions.map { sliced(alongAxis: 1, $0..<($0 + 1)) }
        return rows.count == 1 ? rows[0] : Tensor.concatenate(rows, alongAxis: 1)
    }
}
