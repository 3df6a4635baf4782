import LoupeTensor

/// What a model's forward pass produces, for every family Loupe explains.
///
/// - Text classifiers fill ``logits`` with class scores `[B, C]`.
/// - Causal language models fill ``logits`` with next-token scores `[B, T, V]` at every position.
/// - Variational autoencoders fill ``posterior`` (the encoder's diagonal Gaussian, `[B, Z]` each).
///
/// Attribution targets (a class, the next token at a position, the KL term, …) read their scalar
/// from this value, so one attribution engine serves every family.
public struct ModelOutput {
    /// Class logits `[B, C]` or next-token logits `[B, T, V]` (`[B, K, V]` at ``logitPositions``).
    public var logits: Tensor?
    /// The posterior `q(z|x)` of a VAE encoder.
    public var posterior: GaussianPosterior?
    /// The positions next-token logits were computed at, when only some were asked for
    /// (``TokenModel/outputs(embeddings:tokenIDs:logitPositions:)``); nil: every position.
    public var logitPositions: [Int]?

    public init(logits: Tensor? = nil, posterior: GaussianPosterior? = nil, logitPositions: [Int]? = nil) {
        self.logits = logits
        self.posterior = posterior
        self.logitPositions = logitPositions
    }
}

/// A diagonal Gaussian posterior `N(μ, diag(exp(logvar)))`, `mu` and `logVariance` `[B, Z]`.
public struct GaussianPosterior {
    public var mu: Tensor
    public var logVariance: Tensor

    public init(mu: Tensor, logVariance: Tensor) {
        self.mu = mu
        self.logVariance = logVariance
    }

    /// `KL(q ‖ N(0, I))` per dimension `[B, Z]`: `½ (μ² + exp(logvar) − 1 − logvar)` (Kingma &
    /// Welling, "Auto-Encoding Variational Bayes", ICLR 2014).
    public var klPerDimension: Tensor {
        ((mu.squared() + logVariance.exp() - logVariance) - 1) * 0.5
    }
}

/// How a model's outputs are laid out: which targets make sense for it.
public enum OutputLayout: Equatable, Sendable {
    /// Class logits `[B, C]`, one per label.
    case classes(labels: [String])
    /// Next-token logits `[B, T, V]` over a vocabulary of `vocabularySize` tokens.
    case nextToken(vocabularySize: Int)
    /// A posterior of `latentDimension` dimensions.
    case posterior(latentDimension: Int)
}

/// A model that reads a sequence of token ids through a token-embedding layer: the one model
/// abstraction attribution, patching and the CLI work against.
///
/// Text classifiers (``TextClassifier``), VAE encoders (``TextVAE``) and causal language models
/// (``CausalLanguageModel``) conform. A conforming model:
/// - computes every mask (pooling, attention key padding, recurrent lengths) from the ids it is
///   given, never from the embeddings, so ``outputs(embeddings:tokenIDs:)`` with substituted
///   embeddings (the zero or [PAD] baseline of integrated gradients) keeps the input's masks;
/// - routes the outputs of its modules through ``Module/hooked(_:)`` so that the
///   ``activationSites`` can be captured, replaced or patched by name.
public protocol TokenModel: Module {
    /// The token-embedding module (its output is the ``ActivationSiteName/embed`` site).
    var tokenEmbedding: Embedding { get }
    /// Id of the padding token; ragged batches are padded with it and it is masked out.
    var paddingID: Int { get }
    /// The longest sequence the model accepts (`nil`: no limit).
    var maximumSequenceLength: Int? { get }
    /// What ``outputs(embeddings:tokenIDs:)`` produces.
    var outputLayout: OutputLayout { get }
    /// The forward pass from token embeddings `[B, T, E]` (`T` = the longest of `tokenIDs`); masks
    /// come from `tokenIDs`.
    func outputs(embeddings: Tensor, tokenIDs: [[Int]]) -> ModelOutput
    /// The forward pass with next-token logits only at `logitPositions` (the same in every row),
    /// when the model can skip the others — a language model's unembedding is a fifth of its
    /// work and its `[B, T, V]` logits the largest tensor of a batched attribution. Models
    /// without per-position outputs ignore the positions (``ModelOutput/logitPositions`` nil).
    func outputs(embeddings: Tensor, tokenIDs: [[Int]], logitPositions: [Int]) -> ModelOutput
    /// The named activation sites of the model, in forward order.
    var activationSites: [ActivationSite] { get }
    /// Ids of the special tokens a tokenizer adds around the text ([CLS], [SEP], `<s>`, …); the
    /// [PAD] baseline keeps them. Empty for models whose input has none.
    var specialTokenIDs: Set<Int> { get }
}

extension TokenModel {
    public var maximumSequenceLength: Int? { nil }
    public var specialTokenIDs: Set<Int> { [] }

    /// Only the token embeddings; models with more sites list them.
    public var activationSites: [ActivationSite] { [ActivationSite(.embed, tokenEmbedding)] }

    /// True when the model exposes attention patterns (what attention rollout reads).
    public var hasAttentionPatterns: Bool { activationSites.contains { $0.name.isAttentionPattern } }

    /// Number of token ids the embedding knows.
    public var vocabularySize: Int { tokenEmbedding.vocabularySize }

    /// The token embeddings `[B, T, E]` of a ragged batch padded with ``paddingID``.
    public func embeddings(tokenIDs: [[Int]]) -> Tensor {
        let batch = TokenBatch(tokenIDs, padID: paddingID)
        return tokenEmbedding(batch.ids, shape: batch.shape)
    }

    /// The forward pass from token ids (padded with ``paddingID``).
    public func outputs(tokenIDs: [[Int]]) -> ModelOutput {
        outputs(embeddings: embeddings(tokenIDs: tokenIDs), tokenIDs: tokenIDs)
    }

    /// Every position's outputs: the positions are a hint this model does not use.
    public func outputs(embeddings: Tensor, tokenIDs: [[Int]], logitPositions: [Int]) -> ModelOutput {
        outputs(embeddings: embeddings, tokenIDs: tokenIDs)
    }

    /// The forward pass from token ids with next-token logits only at `logitPositions`.
    public func outputs(tokenIDs: [[Int]], logitPositions: [Int]) -> ModelOutput {
        outputs(embeddings: embeddings(tokenIDs: tokenIDs), tokenIDs: tokenIDs, logitPositions: logitPositions)
    }

    /// Checks a batch a user gave before it reaches the model: at least one sequence, no empty
    /// sequence, every id inside the vocabulary, no sequence longer than
    /// ``maximumSequenceLength``.
    /// - Throws: ``ModelInputError`` naming the sequence and position.
    public func validate(tokenIDs: [[Int]]) throws {
        guard !tokenIDs.isEmpty else { throw ModelInputError.emptyBatch }
        let vocabulary = vocabularySize
        for (row, ids) in tokenIDs.enumerated() {
            guard !ids.isEmpty else { throw ModelInputError.emptySequence(index: row) }
            if let limit = maximumSequenceLength, ids.count > limit {
                throw ModelInputError.sequenceTooLong(index: row, length: ids.count, maximum: limit)
            }
            if let position = ids.firstIndex(where: { $0 < 0 || $0 >= vocabulary }) {
                throw ModelInputError.tokenOutOfVocabulary(index: row, position: position, id: ids[position],
                                                           vocabularySize: vocabulary)
            }
        }
    }

    /// The site called `name`.
    /// - Throws: ``ModelInputError/unknownSite(_:available:)`` listing the sites the model has.
    public func site(named name: ActivationSiteName) throws -> ActivationSite {
        let sites = activationSites
        guard let site = sites.first(where: { $0.name == name }) else {
            throw ModelInputError.unknownSite(name.rawValue, available: sites.map(\.name.rawValue))
        }
        return site
    }
}

/// Bad input to a ``TokenModel``, found before the forward pass (which would otherwise trap).
public enum ModelInputError: Error, Equatable, CustomStringConvertible {
    case emptyBatch
    case emptySequence(index: Int)
    case sequenceTooLong(index: Int, length: Int, maximum: Int)
    case tokenOutOfVocabulary(index: Int, position: Int, id: Int, vocabularySize: Int)
    case unknownSite(String, available: [String])
    /// An argument outside what the call accepts: the argument's name, then what it was and the
    /// bound it broke (`"target: class 5 is outside 0..<2"`).
    case invalidArgument(String, String)

    public var description: String {
        switch self {
        case .emptyBatch: return "empty input: no sequences"
        case .emptySequence(let i): return "empty input: sequence \(i) has no tokens"
        case .sequenceTooLong(let i, let length, let maximum):
            return "sequence \(i) has \(length) tokens; the model accepts at most \(maximum) (max_len)"
        case .tokenOutOfVocabulary(let i, let position, let id, let size):
            return "sequence \(i), position \(position): token id \(id) is outside the vocabulary (0..<\(size))"
        case .unknownSite(let name, let available):
            return "unknown activation site '\(name)'; available: \(available.joined(separator: ", "))"
        case .invalidArgument(let argument, let problem):
            return "\(argument): \(problem)"
        }
    }
}
