import LoupeNN
import LoupeTensor

extension DecoderLanguageModel: PrefixSharingLanguageModel {
    public func prefixCache(embeddings: Tensor, tokenIDs: [Int]) -> KeyValueCache {
        precondition(embeddings.rank == 3 && embeddings.shape[0] == 1 && embeddings.shape[1] == tokenIDs.count,
                     "prefixCache: embeddings \(embeddings.shape) for \(tokenIDs.count) ids")
        let cache = makeCache()
        withoutGradients {
            let positions = Array(0..<tokenIDs.count)
            var h = embeddings.detached
            if let positionEmbedding { h = h + positionEmbedding(positions) }
            for block in blocks { h = block(h, positions: positions, keyPadding: nil, cache: cache) }
        }
        cache.advance(by: tokenIDs.count)
        return cache
    }

    public func logits(suffix: Tensor, after prefix: KeyValueCache, positions: [Int]) -> Tensor {
        head(residual(suffix: suffix, after: prefix, positions: positions))
    }

    /// The tied head restricted to `tokens`: their embedding rows only, one product of
    /// `tokens.count` columns instead of the vocabulary's 49,152 (for SmolLM2 the full head
    /// re-packs 113 MB of weights each way per pass). The embedding is a constant (no gradient
    /// reaches it). An untied head computes them all.
    public func logits(suffix: Tensor, after prefix: KeyValueCache, positions: [Int], tokens: [Int]) -> Tensor {
        let h = residual(suffix: suffix, after: prefix, positions: positions)
        guard outputHead == nil, !tokens.isEmpty, tokens.count < vocabularySize / 2 else { return head(h) }
        let normalized = finalNormalized(finalNorm(h))
        // The embedding is a constant here: the logits' gradient flows to the suffix only.
        let rows = tokenEmbedding.weight.value.gatherRows(tokens)
        return normalized.linear(weight: rows, bias: nil).scatteredColumns(tokens, width: vocabularySize)
    }

    /// The last layer's residual stream at the absolute `positions` of rows made of the cached
    /// prefix followed by `suffix`.
    private func residual(suffix: Tensor, after prefix: KeyValueCache, positions: [Int]) -> Tensor {
        precondition(suffix.rank == 3 && positions.allSatisfy { $0 >= prefix.length && $0 < prefix.length + suffix.shape[1] },
                     "logits(suffix:): positions \(positions) outside the suffix \(prefix.length)..<\(prefix.length + suffix.shape[1])")
        let absolute = Array(prefix.length..<(prefix.length + suffix.shape[1]))
        var h = suffix
        if let positionEmbedding { h = h + positionEmbedding(absolute) }
        for block in blocks { h = block(h, positions: absolute, keyPadding: nil, cache: nil, prefix: prefix) }
        return h.gatheredPositions(positions.map { $0 - prefix.length })
    }
}

extension DecoderLanguageModel: ResidualStreamModel {
    public var layerCount: Int { blocks.count }
    public var headCount: Int { configuration.headCount }
    public var headDimension: Int { configuration.headDimension }
    public var residualWidth: Int { tokenEmbedding.weight.value.shape[1] }

    public func unembed(residual: Tensor) -> Tensor {
        let normalized = finalNorm(residual)
        if let outputHead { return outputHead(normalized) }
        return normalized.linear(weight: tokenEmbedding.weight.tensor, bias: nil)
    }

    public func directLogits(of component: Tensor, residual: Tensor, tokens: [Int]) -> Tensor {
        // A `[T, E]` component (the position embeddings) is one batch row.
        precondition(residual.rank == 3 && (component.shape == residual.shape
                                            || (residual.shape[0] == 1 && component.shape == Array(residual.shape.dropFirst()))),
                     "directLogits: component \(component.shape), residual \(residual.shape)")
        let e = residual.shape[2]
        let rows = residual.count / max(1, e)
        // The frozen normalisation: per position the scale of the final norm at `residual`, γ, and
        // (LayerNorm) the centring of the component.
        let gamma: [Float]
        let epsilon: Float
        let centred: Bool
        switch finalNorm {
        case let norm as RMSNorm: (gamma, epsilon, centred) = (norm.weight.value.scalars, norm.epsilon, false)
        case let norm as LayerNorm: (gamma, epsilon, centred) = (norm.weight.value.scalars, norm.epsilon, true)
        default: preconditionFailure("directLogits: unknown final normalisation \(type(of: finalNorm))")
        }
        var scaled = [Float](repeating: 0, count: component.count)
        residual.scalars.withUnsafeBufferPointer { r in
            component.scalars.withUnsafeBufferPointer { c in
                for row in 0..<rows {
                    let base = row * e
                    var mean = 0.0, meanC = 0.0
                    if centred {
                        for j in 0..<e { mean += Double(r[base + j]); meanC += Double(c[base + j]) }
                        mean /= Double(e); meanC /= Double(e)
                    }
                    var square = 0.0
                    for j in 0..<e { let d = Double(r[base + j]) - mean; square += d * d }
                    let scale = 1 / (square / Double(e) + Double(epsilon)).squareRoot()
                    for j in 0..<e {
                        scaled[base + j] = Float((Double(c[base + j]) - meanC) * scale) * gamma[j]
                    }
                }
            }
        }
        let unembedding: Tensor
        if let outputHead {
            switch outputHead.weight {
            case .dense(let p): unembedding = p.value.gatherRows(tokens)
            case .quantized(let q): unembedding = q.rows(tokens)
            }
        } else {
            unembedding = tokenEmbedding.weight.value.gatherRows(tokens)
        }
        return Tensor(shape: residual.shape, scalars: scaled).linear(weight: unembedding, bias: nil)
    }

    public func headOutputs(layer: Int, context z: Tensor) -> [Tensor] {
        precondition(layer >= 0 && layer < blocks.count, "headOutputs: layer \(layer) of \(blocks.count)")
        let d = headDimension, heads = headCount
        precondition(z.rank == 3 && z.shape[2] == heads * d, "headOutputs: context \(z.shape) for \(heads) heads of \(d)")
        let projection = blocks[layer].attention.output
        let weight = projection.denseWeight      // [E, heads·d]
        let e = weight.shape[0]
        return (0..<heads).map { h in
            let slice = z.sliced(alongAxis: 2, (h * d)..<((h + 1) * d))
            let w = weight.sliced(alongAxis: 1, (h * d)..<((h + 1) * d))  // [E, d]
            let out = slice.linear(weight: w, bias: nil)
            precondition(out.shape.last == e)
            return out
        }
    }
}
