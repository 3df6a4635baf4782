import Foundation
import LoupeNN
import LoupeTensor

/// A Hugging Face BERT-family encoder (BERT, Chinese BERT, MiniLM, DistilBERT, RoBERTa, XLM-R)
/// with its pretrained weights: token ids → hidden states `[B, T, H]`, as transformers'
/// `BertModel` / `DistilBertModel` / `RobertaModel` compute them in evaluation mode.
///
/// Module paths and parameter names are the checkpoint's state-dict keys (`embeddings.…`,
/// `encoder.layer.N.…`, `pooler.dense.…`, under the `bert.` / `distilbert.` / `roberta.`
/// prefix when the checkpoint has one), so ``LoupeNN/Module/namedParameters`` mirrors the file.
/// Attention masks come from the ids: a [PAD] id (``EncoderConfig/padTokenID``) is masked out
/// as a key wherever it sits.
///
/// Load one with ``HFEncoder/load(folder:)``; put a classification head on it with
/// ``HFEncoderClassifier``.
public final class HFEncoder: Module {
    public let path: String
    public let config: EncoderConfig
    public let embeddings: EncoderEmbeddings
    public let layers: [EncoderLayer]
    /// `pooler.dense` (BERT, RoBERTa), when the checkpoint has it: `tanh(dense(h[CLS]))`.
    public let pooler: Linear?

    init(config: EncoderConfig, names: EncoderStateNames, loader: WeightLoader) throws {
        self.config = config
        path = names.prefix
        embeddings = try EncoderEmbeddings(config: config, path: names.qualified("embeddings"), loader: loader)
        layers = try (0..<config.layerCount).map { try EncoderLayer(config: config, names: names, index: $0, loader: loader) }
        let poolerPath = names.qualified("pooler.dense")
        pooler = config.family != .distilbert && loader.has(poolerPath + ".weight")
            ? try loader.linear(config.hiddenSize, config.hiddenSize, path: poolerPath) : nil
    }

    public var submodules: [Module] { [embeddings] + layers + (pooler.map { [$0] } ?? []) }

    /// The word-embedding table (the ``LoupeNN/ActivationSiteName/embed`` site).
    public var tokenEmbedding: Embedding { embeddings.word }

    /// The named activation sites in forward order: `hook_embed`, `hook_pos_embed`, then per
    /// layer `blocks.N.hook_resid_pre`, `blocks.N.attn.hook_pattern`, `blocks.N.hook_attn_out`,
    /// `blocks.N.hook_mlp_out`, `blocks.N.hook_resid_post`.
    public var activationSites: [ActivationSite] {
        [ActivationSite(.embed, embeddings.word), ActivationSite(.positionEmbed, embeddings.position)]
            + layers.enumerated().flatMap { i, layer in layer.activationSites(block: i) }
    }

    /// Checks a batch before it reaches the model: non-empty sequences, ids inside the
    /// vocabulary, lengths within ``EncoderConfig/maximumSequenceLength``, and token types (when
    /// given) shaped like the ids and inside `type_vocab_size`.
    /// - Throws: ``LoupeNN/ModelInputError`` for the ids, ``EncoderInputError`` for the token types.
    public func validate(tokenIDs: [[Int]], tokenTypeIDs: [[Int]]? = nil) throws {
        guard !tokenIDs.isEmpty else { throw ModelInputError.emptyBatch }
        for (row, ids) in tokenIDs.enumerated() {
            guard !ids.isEmpty else { throw ModelInputError.emptySequence(index: row) }
            if ids.count > config.maximumSequenceLength {
                throw ModelInputError.sequenceTooLong(index: row, length: ids.count, maximum: config.maximumSequenceLength)
            }
            if let position = ids.firstIndex(where: { $0 < 0 || $0 >= config.vocabularySize }) {
                throw ModelInputError.tokenOutOfVocabulary(index: row, position: position, id: ids[position],
                                                           vocabularySize: config.vocabularySize)
            }
        }
        guard let tokenTypeIDs else { return }
        guard tokenTypeIDs.map(\.count) == tokenIDs.map(\.count) else {
            throw EncoderInputError.tokenTypesShape(ids: tokenIDs.map(\.count), types: tokenTypeIDs.map(\.count))
        }
        for (row, types) in tokenTypeIDs.enumerated() {
            if let position = types.firstIndex(where: { $0 < 0 || $0 >= Swift.max(1, config.typeVocabularySize) }) {
                throw EncoderInputError.tokenTypeOutOfRange(index: row, position: position, id: types[position],
                                                           typeVocabularySize: config.typeVocabularySize)
            }
        }
    }

    /// The last layer's hidden states `[B, T, H]` (`last_hidden_state`) for a ragged batch,
    /// padded with [PAD] (rows at [PAD] positions are computed but meaningless).
    /// - Parameter tokenTypeIDs: segment ids (`token_type_ids`), zeros when `nil`.
    public func hiddenStates(tokenIDs: [[Int]], tokenTypeIDs: [[Int]]? = nil) throws -> Tensor {
        try validate(tokenIDs: tokenIDs, tokenTypeIDs: tokenTypeIDs)
        return encode(embeddings: wordEmbeddings(tokenIDs: tokenIDs), tokenIDs: tokenIDs, tokenTypeIDs: tokenTypeIDs)
    }

    /// The embedding block's output and every layer's output (`hidden_states` with
    /// `output_hidden_states=True`): `layerCount + 1` tensors `[B, T, H]`.
    public func allHiddenStates(tokenIDs: [[Int]], tokenTypeIDs: [[Int]]? = nil) throws -> [Tensor] {
        try validate(tokenIDs: tokenIDs, tokenTypeIDs: tokenTypeIDs)
        var states: [Tensor] = []
        _ = run(embeddings: wordEmbeddings(tokenIDs: tokenIDs), tokenIDs: tokenIDs, tokenTypeIDs: tokenTypeIDs) {
            states.append($0)
        }
        return states
    }

    /// The pooled output `tanh(pooler.dense(h[CLS]))` `[B, H]` (`pooler_output`).
    /// - Throws: ``PretrainedError/missingTensor(file:name:)`` when the checkpoint has no pooler.
    public func pooledOutput(tokenIDs: [[Int]], tokenTypeIDs: [[Int]]? = nil) throws -> Tensor {
        guard let pooler else {
            throw PretrainedError.missingTensor(file: "model.safetensors", name: joinPath(path, "pooler.dense.weight"))
        }
        return pooler(Self.firstToken(try hiddenStates(tokenIDs: tokenIDs, tokenTypeIDs: tokenTypeIDs))).tanh()
    }

    /// The word embeddings `[B, T, H]` of a ragged batch padded with [PAD] (through the
    /// embedding module, so its hooks apply).
    public func wordEmbeddings(tokenIDs: [[Int]]) -> Tensor {
        let batch = TokenBatch(tokenIDs, padID: config.padTokenID)
        return embeddings.word(batch.ids, shape: batch.shape)
    }

    /// The last hidden states `[B, T, H]` from given word embeddings `[B, T, H]` (`T` = the
    /// longest of `tokenIDs`): position and token-type embeddings are added here; masks and
    /// positions come from `tokenIDs`. Inputs must be valid (see ``validate(tokenIDs:tokenTypeIDs:)``).
    public func encode(embeddings words: Tensor, tokenIDs: [[Int]], tokenTypeIDs: [[Int]]? = nil) -> Tensor {
        run(embeddings: words, tokenIDs: tokenIDs, tokenTypeIDs: tokenTypeIDs) { _ in }
    }

    private func run(embeddings words: Tensor, tokenIDs: [[Int]], tokenTypeIDs: [[Int]]?,
                     observe: (Tensor) -> Void) -> Tensor {
        let batch = TokenBatch(tokenIDs, padID: config.padTokenID)
        precondition(words.shape == batch.shape + [config.hiddenSize],
                     "embeddings \(words.shape) for a \(batch.batchSize)×\(batch.length) batch of width \(config.hiddenSize)")
        precondition(batch.length <= config.maximumSequenceLength,
                     "sequence of \(batch.length) tokens exceeds the \(config.maximumSequenceLength) positions of the model")
        let types = tokenTypeIDs.map { TokenBatch($0, padID: 0, minimumLength: batch.length).ids }
        var x = embeddings(words, batch: batch, tokenTypeIDs: types)
        observe(x)
        let padding = batch.isPadding
        let mask: [Bool]? = padding.contains(true) ? padding : nil
        for layer in layers {
            x = layer(x, padding: mask)
            observe(x)
        }
        return x
    }

    /// Row 0 (`[CLS]` / `<s>`) of `[B, T, H]` → `[B, H]`.
    static func firstToken(_ h: Tensor) -> Tensor {
        h.sliced(alongAxis: 1, 0..<1).reshaped([h.shape[0], h.shape[2]])
    }
}

/// Bad token types given to an ``HFEncoder``.
public enum EncoderInputError: Error, Equatable, CustomStringConvertible {
    /// The token-type rows do not have the lengths of the id rows.
    case tokenTypesShape(ids: [Int], types: [Int])
    /// A token type outside `0..<type_vocab_size`.
    case tokenTypeOutOfRange(index: Int, position: Int, id: Int, typeVocabularySize: Int)

    public var description: String {
        switch self {
        case .tokenTypesShape(let ids, let types):
            return "token type ids have lengths \(types); the token ids have lengths \(ids)"
        case .tokenTypeOutOfRange(let i, let position, let id, let size):
            return "sequence \(i), position \(position): token type \(id) is outside 0..<\(size) (type_vocab_size)"
        }
    }
}
