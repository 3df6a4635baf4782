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
    /// ``logits(suffix:after:positions:)`` when only the logits of `tokens` (distinct ids) are
    /// read: `[B, K, V]` with those columns computed; every other column is either its logit or
    /// 0 (a model that restricts its head to `tokens`), so a caller reads the `tokens` columns
    /// only. The default computes them all.
    func logits(suffix: Tensor, after prefix: KeyValueCache, positions: [Int], tokens: [Int]) -> Tensor
}

extension PrefixSharingLanguageModel {
    public func logits(suffix: Tensor, after prefix: KeyValueCache, positions: [Int], tokens: [Int]) -> Tensor {
        logits(suffix: suffix, after: prefix, positions: positions)
    }
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
    /// A layer's keys or values: the scalars of a `[B, T, …]` tensor, grown in place when
    /// `B == 1` (a generation step appends one position: amortised O(1) instead of copying the
    /// whole prefix, which was 6 % of a SmolLM2 decode step).
    struct Rows {
        var shape: [Int]
        var scalars: [Float]
        var tensor: Tensor { Tensor(shape: shape, scalars: scalars) }

        mutating func append(_ new: Tensor) {
            if shape[0] == 1, new.shape[0] == 1, Array(shape.dropFirst(2)) == Array(new.shape.dropFirst(2)) {
                scalars.append(contentsOf: new.scalars)
                shape[1] += new.shape[1]
            } else {
                let joined = Tensor.concatenate([tensor, new], alongAxis: 1)
                (shape, scalars) = (joined.shape, joined.scalars)
            }
        }
    }

    private var keyRows: [Rows?]
    private var valueRows: [Rows?]

    /// Per layer: keys and values `[heads, T, headDimension]` (or whatever layout the model
    /// uses; the cache only appends along the position axis, axis 1).
    public var keys: [Tensor?] { keyRows.map { $0?.tensor } }
    public var values: [Tensor?] { valueRows.map { $0?.tensor } }
    /// Layer `layer`'s keys and values, `nil` before its first append (without building the
    /// other layers' tensors, as ``keys`` and ``values`` do).
    public func entry(layer: Int) -> (keys: Tensor, values: Tensor)? {
        guard let k = keyRows[layer], let v = valueRows[layer] else { return nil }
        return (k.tensor, v.tensor)
    }

    /// Number of positions cached.
    public private(set) var length = 0

    /// An empty cache for `layerCount` attention layers.
    public init(layerCount: Int) {
        keyRows = Array(repeating: nil, count: layerCount)
        valueRows = Array(repeating: nil, count: layerCount)
    }

    /// Appends `key` and `value` (`[heads, n, d]`) of layer `layer`; returns the layer's full
    /// keys and values. Call for every layer with the same `n`, then ``advance(by:)``.
    /// The returned tensors share the cache's storage until the next append (which then copies
    /// once if they are still alive, as copy-on-write does).
    public func append(layer: Int, key: Tensor, value: Tensor) -> (keys: Tensor, values: Tensor) {
        func start(_ new: Tensor) -> Rows {
            var scalars = new.scalars
            scalars.reserveCapacity(2 * new.count)
            return Rows(shape: new.shape, scalars: scalars)
        }
        if GradientMode.isEnabled && (key.requiresGradient || value.requiresGradient) {
            // On the tape: the returned keys and values carry the new rows' gradient.
            let k = keyRows[layer].map { Tensor.concatenate([$0.tensor, key], alongAxis: 1) } ?? key
            let v = valueRows[layer].map { Tensor.concatenate([$0.tensor, value], alongAxis: 1) } ?? value
            keyRows[layer] = Rows(shape: k.shape, scalars: k.scalars)
            valueRows[layer] = Rows(shape: v.shape, scalars: v.scalars)
            return (k, v)
        }
        // Mutated in place (the array element's accessor), so the append finds its buffer
        // uniquely referenced once the tensors returned last time are gone.
        if keyRows[layer] == nil { keyRows[layer] = start(key) } else { keyRows[layer]!.append(key) }
        if valueRows[layer] == nil { valueRows[layer] = start(value) } else { valueRows[layer]!.append(value) }
        return (keyRows[layer]!.tensor, valueRows[layer]!.tensor)
    }

    /// Records that `count` new positions were appended to every layer.
    public func advance(by count: Int) { length += count }

    /// Empties the cache.
    public func reset() {
        keyRows = keyRows.map { _ in nil }
        valueRows = valueRows.map { _ in nil }
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
