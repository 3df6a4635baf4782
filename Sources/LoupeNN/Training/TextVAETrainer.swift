import Foundation
import LoupeTensor

/// Trains a ``TextVAE`` on sentences by maximising the ELBO with KL annealing and word dropout.
///
/// Per batch of sentences `x` (token ids, truncated to `maxLength`):
///
///     μ, logσ² = encode(x);   z = μ + σ ⊙ ε
///     recon = Σ_t CE(decoder(z, x̃)_t, (x + [EOS])_t) / B      (teacher forcing, [PAD] targets skipped)
///     loss  = recon + β_step · mean_B KL(q(z|x) ‖ N(0, I))
///
/// where `x̃` is `x` with each token replaced by [UNK] with probability `wordDropout` (decoder
/// input only) and `β_step` follows `klAnnealing` (with `freeBits` λ > 0 the KL term becomes
/// `Σ_d max(λ, mean_B KL_d)`). Both measures keep the latent in use: the
/// per-epoch report shows the reconstruction, the KL and the active units
/// (`Var_x(μ_d) > 0.01`, see ``LatentActivity``) — a collapsed model has KL ≈ 0 and no active units.
///
/// Every random draw of epoch `e` (batch order, `ε`, word dropout) is seeded by `(seed, e)`, so a
/// run is reproducible.
public final class TextVAETrainer {
    public let model: TextVAE
    public let encoder: TextEncoder
    public let options: TextVAETrainingOptions
    public let optimizer: Optimizer
    public private(set) var state = VAETrainingState()

    /// A trainer for an existing model and its vocabulary.
    public init(model: TextVAE, vocabulary: Vocabulary, options: TextVAETrainingOptions) {
        precondition(vocabulary.count == model.config.vocabularySize,
                     "vocabulary of \(vocabulary.count) tokens for a model of \(model.config.vocabularySize)")
        self.model = model
        self.encoder = TextEncoder(vocabulary: vocabulary, maximumLength: options.maxLength)
        self.options = options
        self.optimizer = options.optimizer.make(parameters: model.parameters, learningRate: options.learningRate,
                                                weightDecay: options.weightDecay)
        state.seed = options.seed
    }

    /// A trainer for a new model whose vocabulary is built from `texts`.
    public static func make(texts: [String], embedDimension: Int = 64, hiddenDimension: Int = 128,
                            latentDimension: Int = 16, bidirectionalEncoder: Bool = false,
                            options: TextVAETrainingOptions) -> TextVAETrainer {
        let tokenizer = Tokenizer()
        let vocabulary = Vocabulary.build(from: texts.lazy.map { tokenizer.tokenize($0).map(\.text) },
                                          minimumCount: options.minimumTokenCount,
                                          maximumSize: options.maximumVocabularySize)
        let config = TextVAEConfig(vocabularySize: vocabulary.count, embedDimension: embedDimension,
                                   hiddenDimension: hiddenDimension, latentDimension: latentDimension,
                                   maxLength: options.maxLength, padID: Vocabulary.padID, bosID: Vocabulary.beginID,
                                   eosID: Vocabulary.endID, bidirectionalEncoder: bidirectionalEncoder)
        return TextVAETrainer(model: TextVAE(config: config, seed: options.seed), vocabulary: vocabulary, options: options)
    }

    /// The ids of `text` (truncated; at least one token: an empty text becomes [UNK]).
    public func encode(_ text: String) -> [Int] { ClassifierBatching.encode(text, encoder: encoder) }

    /// Trains up to `options.epochs` through ``TrainingLoop``, reporting each epoch to
    /// `options.observer` and, with `options.checkpointDirectory`, saving the model after each;
    /// returns this call's records.
    @discardableResult
    public func train(on texts: [String], heldOut: [String]? = nil) throws -> [VAEEpochRecord] {
        var procedure = TextVAETrainingProcedure(trainer: self, encoded: texts.map(encode),
                                                 heldOut: heldOut.map { $0.prefix(options.evaluationLimit).map(encode) })
        let loop = TrainingLoop(
            optimizer: optimizer, epochs: options.epochs, learningRate: options.learningRate,
            learningRateSchedule: options.learningRateSchedule, gradientClipNorm: options.gradientClipNorm,
            checkpoint: try options.checkpointDirectory.map {
                TrainingCheckpointPlan(directory: $0, layout: .latest, module: model, config: try model.config.checkpointConfig(),
                                       vocabulary: encoder.vocabulary.tokens)
            },
            observer: options.observer)
        return try loop.run(&procedure, state: &state)
    }

    /// Mean reconstruction and KL per sentence over `texts` (no gradients, one seeded sample of `z`,
    /// no word dropout).
    public func evaluate(_ texts: [String], seed: UInt64 = 0) -> (reconstruction: Double, kl: Double) {
        evaluate(texts.map(encode), seed: seed)
    }

    // MARK: Internals

    /// Reconstruction (summed over tokens, mean over the batch), mean KL, and the KL term of the
    /// loss (with free bits, if any), all scalars on the tape.
    func lossTerms(_ rows: [[Int]], decoderInputs: [[Int]], generator: inout RandomGenerator)
        -> (reconstruction: Tensor, kl: Tensor, klObjective: Tensor) {
        let (mu, logVariance) = model.encode(tokenIDs: rows)
        let z = model.sampleLatent(mu: mu, logVariance: logVariance, generator: &generator)
        let logits = model.teacherForcedLogits(z: z, tokenIDs: decoderInputs)
        let targets = model.teacherForcingTargets(tokenIDs: rows)
        let flat = logits.reshaped([targets.ids.count, model.config.vocabularySize])
        let perToken = crossEntropy(logits: flat, targets: targets.ids, reduction: .none)
        let mask = Tensor(shape: [targets.ids.count], scalars: targets.ids.map { $0 == model.paddingID ? 0 : 1 })
        let reconstruction = (perToken * mask).sum() * (1 / Float(rows.count))
        let perDimension = model.klDivergencePerDimension(mu: mu, logVariance: logVariance).mean(alongAxis: 0)
        let kl = perDimension.sum()
        guard options.freeBits > 0 else { return (reconstruction, kl, kl) }
        return (reconstruction, kl, perDimension.maximum(Tensor(options.freeBits)).sum())
    }

    /// `rows` with each token replaced by [UNK] with probability `wordDropout`.
    func wordDropped(_ rows: [[Int]], generator: inout RandomGenerator) -> [[Int]] {
        guard options.wordDropout > 0 else { return rows }
        return rows.map { row in
            row.map { generator.nextUniform() < options.wordDropout ? Vocabulary.unknownID : $0 }
        }
    }

    func evaluate(_ rows: [[Int]], seed: UInt64) -> (Double, Double) {
        var generator = RandomGenerator(seed: seed)
        var (r, k) = (0.0, 0.0)
        withoutGradients {
            for start in stride(from: 0, to: rows.count, by: 128) {
                let chunk = Array(rows[start..<Swift.min(start + 128, rows.count)])
                let terms = lossTerms(chunk, decoderInputs: chunk, generator: &generator)
                r += Double(terms.reconstruction.scalar) * Double(chunk.count)
                k += Double(terms.kl.scalar) * Double(chunk.count)
            }
        }
        return (r / Double(Swift.max(rows.count, 1)), k / Double(Swift.max(rows.count, 1)))
    }

    /// Posterior means `[N, Z]` of `rows`.
    func posteriorMeans(_ rows: [[Int]]) -> Tensor {
        withoutGradients {
            var scalars: [Float] = []
            for start in stride(from: 0, to: rows.count, by: 128) {
                scalars += model.encode(tokenIDs: Array(rows[start..<Swift.min(start + 128, rows.count)])).mu.scalars
            }
            return Tensor(shape: [rows.count, model.latentDimension], scalars: scalars)
        }
    }
}
