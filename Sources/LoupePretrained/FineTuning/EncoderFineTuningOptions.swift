import Foundation
import LoupeNN

/// Settings of an ``EncoderFineTuner`` run. The defaults are the recipe of `loupe train --init`
/// (docs/training.md, "Fine-tuning a pretrained encoder"): AdamW, a linear warm-up over 6 % of the
/// steps then a linear decay to 0, as in BERT's fine-tuning recipe (Devlin et al., 2019).
public struct EncoderFineTuningOptions: Sendable {
    /// Passes over the training data.
    public var epochs = 1
    /// Examples per optimizer step.
    public var batchSize = 32
    /// Peak learning rate (reached at the end of the warm-up).
    public var learningRate: Float = 1e-4
    /// The share of the planned steps spent warming up (ignored when ``warmupSteps`` is set).
    public var warmupFraction = 0.06
    /// Warm-up steps (`nil`: ``warmupFraction`` of the planned steps).
    public var warmupSteps: Int? = nil
    /// AdamW's decoupled weight decay, applied to every weight matrix and embedding table; biases
    /// and LayerNorm parameters are not decayed (as in the BERT recipe and transformers' `Trainer`).
    public var weightDecay: Float = 0.01
    /// Clip the total gradient norm to this before each step (`nil`: no clipping).
    public var gradientClipNorm: Float? = 1
    /// Longest token sequence, special tokens included; longer texts keep their first tokens and
    /// the closing special token.
    public var maxLength = 128
    /// Seed of the new head's weights and of the batch order.
    public var seed: UInt64 = 0
    /// Stop after this many epochs without a better dev accuracy (`nil`: never).
    public var patience: Int? = nil
    /// Group examples of similar length into a batch (less padding); the batch order is shuffled.
    public var bucketsByLength = true
    /// Take at most this many optimizer steps per epoch (`nil`: the whole data) — for speed
    /// measurements and runs on a stated subset.
    public var stepLimit: Int? = nil
    /// Examples per batch when evaluating.
    public var evaluationBatchSize = 64
    /// Who hears about the run's progress (`nil`: nobody).
    public var observer: (any TrainingObserver)? = nil

    public init(epochs: Int = 1, batchSize: Int = 32, learningRate: Float = 1e-4, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
    }

    /// The warm-up of a run of `plannedSteps` steps.
    public func warmup(plannedSteps: Int) -> Int {
        warmupSteps ?? Int((Double(plannedSteps) * warmupFraction).rounded())
    }
}
