import Foundation

/// Settings of a ``ClassifierTrainer`` run.
public struct ClassifierTrainingOptions: Sendable {
    /// Passes over the training data (a resumed run continues up to this epoch).
    public var epochs = 10
    /// Examples per optimizer step.
    public var batchSize = 32
    /// Base learning rate (scaled by ``learningRateSchedule``).
    public var learningRate: Float = 1e-3
    public var learningRateSchedule: LearningRateSchedule = .constant
    public var optimizer: OptimizerChoice = .adam
    /// Adam: L2 term; AdamW: decoupled decay; SGD: L2 term.
    public var weightDecay: Float = 0
    /// SGD momentum (ignored by Adam and AdamW).
    public var momentum: Float = 0.9
    /// Clip the total gradient norm to this value before each step (`nil`: no clipping).
    public var gradientClipNorm: Float? = 1
    /// Longest token sequence fed to the model; longer texts are truncated. The transformer's
    /// position table (`max_len`) is this long when the trainer builds the model.
    public var maxLength = 64
    /// Seed of the weights, the shuffling and the dropout masks: the same seed gives the same
    /// weights.
    public var seed: UInt64 = 0
    /// Stop after this many epochs without a better dev accuracy (`nil`: never; needs dev data).
    public var patience: Int? = nil
    /// Where checkpoints go: `best/` (the best dev accuracy so far, or the last epoch without dev
    /// data) and `last/` (the latest epoch plus the state to resume from). `nil`: nothing is written.
    public var checkpointDirectory: URL? = nil
    /// Continue from `checkpointDirectory/last` when it exists (see ``ClassifierTrainer/make(architecture:trainingData:options:)``).
    public var resume = false
    /// Vocabulary built from the training texts: tokens seen at least this often…
    public var minimumTokenCount = 1
    /// …and at most this many entries, the four special tokens included.
    public var maximumVocabularySize = 16_000
    /// Fresh embedding tables — the token embeddings and the transformer's position table, both
    /// PyTorch's `N(0, 1)` — are multiplied by this when the trainer builds the model. Smaller values
    /// (e.g. 0.1) train mean-pooled models faster and keep rarely trained rows (rare tokens, late
    /// positions) from adding large random vectors at test time.
    public var embeddingScale: Float = 1
    /// Group examples of similar length into the same batch (less padding, faster); the batch order
    /// is still shuffled.
    public var bucketsByLength = true
    /// Draw a new example order every epoch (default). When false, every epoch takes the examples
    /// in data-set order, in consecutive batches (no bucketing): for replaying fixed batches.
    public var shuffles = true
    /// Who hears about the run's progress (epochs, steps, summaries), e.g. the `Loupe` module's
    /// `ProgressReporter`; `nil` (the default): nobody, nothing is printed.
    public var observer: (any TrainingObserver)? = nil
    /// Asked after every optimizer step; true stops the run there, saving the epoch in progress
    /// to `checkpointDirectory/interrupted` (see ``TrainingLoop/stopRequested``). The CLI answers
    /// "did Ctrl-C or SIGTERM arrive?". `nil`: never.
    public var stopRequested: (@Sendable () -> Bool)? = nil
    /// Examples per batch when evaluating.
    public var evaluationBatchSize = 128

    public init(epochs: Int = 10, batchSize: Int = 32, learningRate: Float = 1e-3,
                optimizer: OptimizerChoice = .adam, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.seed = seed
    }
}
