import LoupeTensor

/// Sizes and special ids of a ``TextVAE`` (the `config.json` keys in comments).
public struct TextVAEConfig: Equatable, Sendable {
    public var vocabularySize: Int   // vocab_size
    public var embedDimension: Int   // embed_dim
    public var hiddenDimension: Int  // hidden_dim
    public var latentDimension: Int  // latent_dim
    public var maxLength: Int        // max_len
    public var padID: Int            // pad_id
    public var bosID: Int            // bos_id
    public var eosID: Int            // eos_id
    /// A second encoder GRU reads the sentence backwards and the posterior reads both last states
    /// (Schuster & Paliwal, 1997, bidirectional recurrent networks); `false` for checkpoints
    /// without the key.
    public var bidirectionalEncoder: Bool  // bidirectional_encoder

    public init(vocabularySize: Int, embedDimension: Int, hiddenDimension: Int, latentDimension: Int,
                maxLength: Int, padID: Int = 0, bosID: Int = 2, eosID: Int = 3, bidirectionalEncoder: Bool = false) {
        self.vocabularySize = vocabularySize
        self.embedDimension = embedDimension
        self.hiddenDimension = hiddenDimension
        self.latentDimension = latentDimension
        self.maxLength = maxLength
        self.padID = padID
        self.bosID = bosID
        self.eosID = eosID
        self.bidirectionalEncoder = bidirectionalEncoder
    }
}

/// The `text-vae` architecture (a GRU sentence VAE, after Bowman et al., 2016).
///
/// Encoder: `embedding` → `encoder` GRU(E → H) → state after the last real token → `to_mu`,
/// `to_logvar` Linear(H, Z). With ``TextVAEConfig/bidirectionalEncoder``, `encoder_reverse`
/// GRU(E → H) also reads the sentence from its last token to its first, and `to_mu`, `to_logvar`
/// read both final states, Linear(2H, Z) — so the words the decoder emits first are the last the
/// encoder saw. Decoder: `h₀ = tanh(latent_to_hidden(z))`; `decoder` GRU(E + Z → H)
/// reads `[embedding(previous token); z]` at every step starting from [BOS]; `output`
/// Linear(H, V) gives the next-token logits.
public final class TextVAE: VariationalAutoencoder, TokenModel {
    public let path = ""
    public let config: TextVAEConfig
    public let embedding: Embedding
    public let encoder: GRU
    /// The backward encoder GRU (`encoder_reverse`), with ``TextVAEConfig/bidirectionalEncoder``.
    public let reverseEncoder: GRU?
    public let toMu: Linear
    public let toLogVariance: Linear
    public let latentToHidden: Linear
    public let decoder: GRU
    public let output: Linear

    /// A model with fresh random weights (the [PAD] row of `embedding` is zero).
    public init(config: TextVAEConfig, seed: UInt64 = 0) {
        self.config = config
        var rng = RandomGenerator(seed: seed)
        let (v, e, h, z) = (config.vocabularySize, config.embedDimension, config.hiddenDimension, config.latentDimension)
        embedding = Embedding(vocabularySize: v, dimension: e, paddingIndex: config.padID, path: "embedding", generator: &rng)
        encoder = GRU(inputSize: e, hiddenSize: h, path: "encoder", generator: &rng)
        let summary = config.bidirectionalEncoder ? 2 * h : h
        toMu = Linear(summary, z, path: "to_mu", generator: &rng)
        toLogVariance = Linear(summary, z, path: "to_logvar", generator: &rng)
        latentToHidden = Linear(z, h, path: "latent_to_hidden", generator: &rng)
        decoder = GRU(inputSize: e + z, hiddenSize: h, path: "decoder", generator: &rng)
        output = Linear(h, v, path: "output", generator: &rng)
        // Drawn last, so a unidirectional model's weights do not depend on the flag's existence.
        reverseEncoder = config.bidirectionalEncoder
            ? GRU(inputSize: e, hiddenSize: h, path: "encoder_reverse", generator: &rng) : nil
    }

    public var submodules: [Module] {
        [embedding, encoder] + (reverseEncoder.map { [$0] } ?? []) + [toMu, toLogVariance, latentToHidden, decoder, output]
    }
    public var latentDimension: Int { config.latentDimension }
    public var tokenEmbedding: Embedding { embedding }
    public var paddingID: Int { config.padID }
    /// The encoder's posterior.
    public var outputLayout: OutputLayout { .posterior(latentDimension: config.latentDimension) }

    /// The encoder's posterior from given token embeddings (what attribution of the KL term reads).
    public func outputs(embeddings: Tensor, tokenIDs: [[Int]]) -> ModelOutput {
        let (mu, logVariance) = encode(embeddings: embeddings, tokenIDs: tokenIDs)
        return ModelOutput(posterior: GaussianPosterior(mu: mu, logVariance: logVariance))
    }

    // MARK: Encoder

    /// The posterior `mu`, `logVariance` `[B, Z]` of a ragged batch of sentences (token ids
    /// without [BOS]/[EOS]).
    public func encode(tokenIDs: [[Int]]) -> (mu: Tensor, logVariance: Tensor) {
        let batch = TokenBatch(tokenIDs, padID: paddingID)
        return encode(embeddings: embedding(batch.ids, shape: batch.shape), tokenIDs: tokenIDs)
    }

    /// The posterior from given token embeddings `[B, T, E]`; each sequence's length comes from
    /// `tokenIDs` (the encoder state is read at its last real token).
    public func encode(embeddings: Tensor, tokenIDs: [[Int]]) -> (mu: Tensor, logVariance: Tensor) {
        let batch = TokenBatch(tokenIDs, padID: paddingID)
        precondition(embeddings.shape == batch.shape + [config.embedDimension],
                     "embeddings \(embeddings.shape) for a \(batch.batchSize)×\(batch.length) batch")
        var last = encoder(embeddings, lengths: batch.lengths).last
        if let reverseEncoder {
            let reversed = Self.reversedRows(embeddings, lengths: batch.lengths)
            last = Tensor.concatenate([last, reverseEncoder(reversed, lengths: batch.lengths).last], alongAxis: 1)
        }
        return (toMu(last), toLogVariance(last))
    }

    /// `x` `[B, T, E]` with each row's first `lengths[b]` steps in reverse order (the padding after
    /// them stays in place); differentiable.
    static func reversedRows(_ x: Tensor, lengths: [Int]) -> Tensor {
        let (b, t, e) = (x.shape[0], x.shape[1], x.shape[2])
        var order: [Int] = []
        order.reserveCapacity(b * t)
        for (row, length) in lengths.enumerated() {
            for step in 0..<t { order.append(row * t + (step < length ? length - 1 - step : step)) }
        }
        return x.reshaped([b * t, e]).gatherRows(order, indexShape: [b, t])
    }

    /// `KL(q(z|x) ‖ N(0, I))` per sentence `[B]`.
    public func klDivergence(tokenIDs: [[Int]]) -> Tensor {
        let (mu, logVariance) = encode(tokenIDs: tokenIDs)
        return klDivergence(mu: mu, logVariance: logVariance)
    }

    // MARK: Decoder

    /// The decoder's initial state `tanh(latent_to_hidden(z))` `[B, H]`.
    public func initialDecoderState(_ z: Tensor) -> Tensor {
        latentToHidden(z).tanh()
    }

    /// Teacher-forced next-token logits `[B, T + 1, V]`: the decoder reads [BOS] followed by the
    /// sentence (`T` = the longest sentence), so position `t` predicts token `t` and position
    /// `length` predicts [EOS]. Positions past a sentence's length + 1 are padding (their
    /// logits are computed from the carried-over state and should be ignored by a loss).
    public func teacherForcedLogits(z: Tensor, tokenIDs: [[Int]]) -> Tensor {
        let inputs = TokenBatch(tokenIDs.map { [config.bosID] + $0 }, padID: paddingID)
        precondition(z.shape == [inputs.batchSize, latentDimension],
                     "latents \(z.shape) for a batch of \(inputs.batchSize)")
        let embedded = embedding(inputs.ids, shape: inputs.shape)
        let states = decoder(decoderInput(embedded, z: z), initialState: initialDecoderState(z),
                             lengths: inputs.lengths).outputs
        return output(states)
    }

    /// The targets aligned with ``teacherForcedLogits(z:tokenIDs:)``: each sentence followed by
    /// [EOS], padded with [PAD] to `T + 1` (positions holding [PAD] should be left out of the loss).
    public func teacherForcingTargets(tokenIDs: [[Int]]) -> TokenBatch {
        TokenBatch(tokenIDs.map { $0 + [config.eosID] }, padID: paddingID)
    }

    /// Greedy decoding from latents `z` `[B, Z]`: starting from [BOS], repeatedly feeds back the
    /// most likely token, for at most `maxLength` tokens (default `max_len`). A sequence ends
    /// at [EOS], which is not included; [PAD] and [BOS] are never chosen (they are not words a
    /// sentence can hold), nor any id in `excluding` (e.g. [UNK], for sentences shown to a person).
    /// No gradients are recorded.
    public func greedyDecode(z: Tensor, maxLength: Int? = nil, excluding: Set<Int> = []) -> [[Int]] {
        withoutGradients {
            let b = z.shape[0]
            let steps = maxLength ?? config.maxLength
            var state = initialDecoderState(z)
            var previous = [Int](repeating: config.bosID, count: b)
            var sequences = [[Int]](repeating: [], count: b)
            var finished = [Bool](repeating: false, count: b)
            for _ in 0..<steps {
                let embedded = embedding(previous, shape: [b, 1])
                let (_, last) = decoder(decoderInput(embedded, z: z), initialState: state)
                state = last
                let next = choosableArgmax(output(last), excluding: excluding)
                for i in 0..<b where !finished[i] {
                    if next[i] == config.eosID { finished[i] = true } else { sequences[i].append(next[i]) }
                }
                if finished.allSatisfy({ $0 }) { break }
                previous = next
            }
            return sequences
        }
    }

    /// The most likely token of each row of `logits` `[B, V]` other than [PAD], [BOS] and `excluding`.
    func choosableArgmax(_ logits: Tensor, excluding: Set<Int> = []) -> [Int] {
        let v = logits.shape[logits.rank - 1]
        let scalars = logits.scalars
        return stride(from: 0, to: scalars.count, by: v).map { base in
            var best = -1
            for j in 0..<v where j != config.padID && j != config.bosID && !excluding.contains(j) {
                if best < 0 || scalars[base + j] > scalars[base + best] { best = j }
            }
            return Swift.max(best, 0)
        }
    }

    /// `[embedding; z]` at every step: `[B, T, E]` and `[B, Z]` → `[B, T, E + Z]`.
    private func decoderInput(_ embedded: Tensor, z: Tensor) -> Tensor {
        let (b, t) = (embedded.shape[0], embedded.shape[1])
        let repeated = z.reshaped([b, 1, latentDimension]).expanded(to: [b, t, latentDimension])
        return Tensor.concatenate([embedded, repeated], alongAxis: 2)
    }
}
