import Foundation

/// Settings of a ``TextVAETrainer`` run.
public struct TextVAETrainingOptions: Sendable {
    public var epochs = 10
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var optimizer: OptimizerChoice = .adam
    public var weightDecay: Float = 0
    /// How the learning rate changes over the run (default: constant).
    public var learningRateSchedule: LearningRateSchedule = .constant
    /// Clip the total gradient norm (recurrent models need it; `nil`: no clipping).
    public var gradientClipNorm: Float? = 5
    /// Sentences are truncated to this many tokens (the model's `max_len` when the trainer builds it).
    public var maxLength = 32
    /// Seed of the weights, batch order, latent noise and word dropout.
    public var seed: UInt64 = 0
    /// The KL weight schedule (default: a linear warm-up over 2,000 steps, Bowman et al., 2016);
    /// `.cyclical(cycleSteps:rampFraction:)` repeats the warm-up (Fu et al., 2019, "Cyclical
    /// Annealing Schedule: A Simple Approach to Mitigating KL Vanishing", NAACL), which the bundled
    /// default text VAE uses (`TextVAERecipe` in LoupeDefaults).
    public var klAnnealing: KLAnnealing = .linear(warmupSteps: 2_000)
    /// Probability of replacing each decoder input token by [UNK] (word dropout: Bowman et al., 2016,
    /// "Generating Sentences from a Continuous Space", CoNLL),
    /// which forces the decoder to rely on `z`. The reconstruction targets are unchanged.
    public var wordDropout: Float = 0.3
    /// Free bits λ (Kingma et al., 2016, "Improved Variational Inference with Inverse Autoregressive
    /// Flow", NeurIPS), in nats per latent dimension: the KL term of the loss is
    /// `Σ_d max(λ, mean_B KL_d)`, so no dimension is pushed below λ and the encoder keeps using it.
    /// 0 (the default) is the plain KL. The reported KL is always the true one.
    public var freeBits: Float = 0
    /// `Var_x(μ_d)` above this makes dimension `d` active.
    public var activeUnitThreshold = 0.01
    /// At most this many examples (the first ones) for active units and held-out figures.
    public var evaluationLimit = 2_000
    /// Vocabulary built from the training texts (when the trainer builds the model).
    public var minimumTokenCount = 1
    public var maximumVocabularySize = 16_000
    /// Group sentences of similar length into a batch (the batch order is still shuffled).
    public var bucketsByLength = true
    /// When set, the model, vocabulary and `training.json` are saved there after every epoch.
    public var checkpointDirectory: URL? = nil
    /// Who hears about the run's progress (epochs, steps, summaries), e.g. the `Loupe` module's
    /// `ProgressReporter`; `nil` (the default): nobody, nothing is printed.
    public var observer: (any TrainingObserver)? = nil

    public init(epochs: Int = 10, batchSize: Int = 32, learningRate: Float = 1e-3, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
    }
}
