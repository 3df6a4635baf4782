import LoupeNN
import LoupeTensor

/// A pretrained decoder-only language model — GPT-2 (`GPT2LMHeadModel`), LLaMA
/// (`LlamaForCausalLM`) or Qwen2 (`Qwen2ForCausalLM`) — as a ``CausalLanguageModel``.
///
/// Parameter names are the Hugging Face state-dict keys (`model.layers.3.self_attn.q_proj.weight`,
/// `transformer.h.0.attn.c_attn.weight`, …) whichever file the weights came from; GPT-2's
/// `Conv1D` weights are transposed to PyTorch's `[out, in]` at load. Activation sites use
/// TransformerLens names: `hook_embed`, `hook_pos_embed` (GPT-2), per block
/// `blocks.N.hook_resid_pre`, `blocks.N.attn.hook_pattern`, `blocks.N.hook_attn_out`,
/// `blocks.N.hook_mlp_out`, `blocks.N.hook_resid_post`, and `ln_final.hook_normalized`.
///
/// Ragged batches are padded on the right: padded keys are masked, and logits at padded
/// positions are unspecified.
public final class DecoderLanguageModel: CausalLanguageModel {
    public let path = ""
    public let configuration: DecoderConfiguration
    public let tokenEmbedding: Embedding
    /// GPT-2's learned position embedding (`transformer.wpe`); `nil` for rotary models.
    public let positionEmbedding: Embedding?
    public let blocks: [DecoderBlock]
    let finalNorm: any DecoderNormalization
    /// The output head (`lm_head`); `nil` when tied to ``tokenEmbedding``.
    public let outputHead: Projection?
    /// The `ln_final.hook_normalized` hook point.
    public let finalNormalized = HookPoint(path: ActivationSiteName.finalNormalized.rawValue)
    /// The token embedding as stored in a GGUF file (Q8_0, Q4_0, Q4_1), kept beside its float
    /// copy: with a tied head, generation multiplies by it directly with the block kernels
    /// (``QuantizedArithmetic``). `nil` for float checkpoints.
    public let storedTokenEmbedding: QuantizedMatrix?

    init(configuration: DecoderConfiguration, tokenEmbedding: Embedding, positionEmbedding: Embedding?,
         blocks: [DecoderBlock], finalNorm: any DecoderNormalization, outputHead: Projection?,
         storedTokenEmbedding: QuantizedMatrix? = nil) {
        self.storedTokenEmbedding = storedTokenEmbedding?.supportsIntegerProducts == true ? storedTokenEmbedding : nil
        self.configuration = configuration
        self.tokenEmbedding = tokenEmbedding
        self.positionEmbedding = positionEmbedding
        self.blocks = blocks
        self.finalNorm = finalNorm
        self.outputHead = outputHead
    }

    public var submodules: [Module] {
        var list: [Module] = [tokenEmbedding]
        if let positionEmbedding { list.append(positionEmbedding) }
        list += blocks as [Module]
        list.append(finalNorm)
        if let outputHead { list.append(outputHead) }
        return list
    }

    /// `pad_token_id`, else the first end-of-sequence id, else 0 (padding is masked anyway).
    public var paddingID: Int { configuration.paddingTokenID ?? configuration.endOfSequenceIDs.first ?? 0 }

    /// GPT-2's `n_positions` (learned positions end there); no limit for rotary models.
    public var maximumSequenceLength: Int? { positionEmbedding == nil ? nil : configuration.maximumPositions }

    public var activationSites: [ActivationSite] {
        var sites = [ActivationSite(.embed, tokenEmbedding)]
        if let positionEmbedding { sites.append(ActivationSite(.positionEmbed, positionEmbedding)) }
        for block in blocks { sites += block.activationSites }
        sites.append(ActivationSite(.finalNormalized, finalNormalized))
        return sites
    }

    public func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor {
        head(residualStream(embeddings: embeddings, tokenIDs: tokenIDs))
    }

    /// Only the positions asked for go through the final norm and the unembedding.
    public func logits(embeddings: Tensor, tokenIDs: [[Int]], positions: [Int]) -> Tensor {
        head(residualStream(embeddings: embeddings, tokenIDs: tokenIDs).gatheredPositions(positions))
    }

    /// The last block's output `[B, T, E]`.
    func residualStream(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor {
        precondition(embeddings.rank == 3 && embeddings.shape[0] == tokenIDs.count,
                     "embeddings \(embeddings.shape) for \(tokenIDs.count) sequences")
        let (b, t) = (embeddings.shape[0], embeddings.shape[1])
        var padding = [Bool](repeating: false, count: b * t)
        var ragged = false
        for (row, ids) in tokenIDs.enumerated() where ids.count < t {
            ragged = true
            for j in ids.count..<t { padding[row * t + j] = true }
        }
        let positions = Array(0..<t)
        var h = embeddings
        if let positionEmbedding { h = h + positionEmbedding(positions) }
        for block in blocks {
            h = block(h, positions: positions, keyPadding: ragged ? padding : nil, cache: nil)
        }
        return h
    }

    public func makeCache() -> KeyValueCache { KeyValueCache(layerCount: blocks.count) }

    public func logits(appending tokenIDs: [Int], cache: KeyValueCache) throws -> Tensor {
        try validate(tokenIDs: [tokenIDs])
        let start = cache.length, n = tokenIDs.count
        if let limit = maximumSequenceLength, start + n > limit {
            throw ModelInputError.sequenceTooLong(index: 0, length: start + n, maximum: limit)
        }
        let positions = Array(start..<(start + n))
        var h = tokenEmbedding(tokenIDs, shape: [1, n])
        if let positionEmbedding { h = h + positionEmbedding(positions) }
        for block in blocks {
            h = block(h, positions: positions, keyPadding: nil, cache: cache)
        }
        cache.advance(by: n)
        return head(h).reshaped([n, vocabularySize])
    }

    /// Next-token logits `[V]` after `tokenIDs` (appended to `cache`), for the last of them only:
    /// the final norm and the unembedding run on one position (what generation needs), the
    /// blocks on all of them.
    /// - Throws: as ``logits(appending:cache:)``.
    public func lastLogits(appending tokenIDs: [Int], cache: KeyValueCache) throws -> Tensor {
        try validate(tokenIDs: [tokenIDs])
        let start = cache.length, n = tokenIDs.count
        if let limit = maximumSequenceLength, start + n > limit {
            throw ModelInputError.sequenceTooLong(index: 0, length: start + n, maximum: limit)
        }
        let positions = Array(start..<(start + n))
        var h = tokenEmbedding(tokenIDs, shape: [1, n])
        if let positionEmbedding { h = h + positionEmbedding(positions) }
        for block in blocks {
            h = block(h, positions: positions, keyPadding: nil, cache: cache)
        }
        cache.advance(by: n)
        let last = n == 1 ? h : h.gatheredPositions([n - 1])
        return head(last).reshaped([vocabularySize])
    }

    /// Final norm (the `ln_final.hook_normalized` site) and unembedding.
    func head(_ h: Tensor) -> Tensor {
        let normalized = finalNormalized(finalNorm(h))
        if let outputHead { return outputHead(normalized) }
        if QuantizedArithmetic.current != .decodedTiles, let stored = storedTokenEmbedding {
            // The tied head straight from the stored embedding (no float weight read).
            return normalized.linear(quantized: stored, bias: nil)
        }
        return normalized.linear(weight: tokenEmbedding.weight.tensor, bias: nil)
    }
}
