import Foundation

/// What one epoch of classifier training measured.
public struct ClassifierEpochRecord: Equatable, Sendable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training cross-entropy over the epoch's examples.
    public var loss: Double
    /// Training accuracy over the epoch (predictions made during the training forward passes).
    public var trainAccuracy: Double
    /// Accuracy on the dev data after the epoch (`nil` without dev data).
    public var devAccuracy: Double?
    /// Mean cross-entropy on the dev data (`nil` without dev data).
    public var devLoss: Double?
    /// Real (non-[PAD]) training tokens processed.
    public var tokens: Int
    /// Padded positions processed (`batch × longest row`, summed over batches).
    public var paddedTokens: Int
    /// Wall time of the training steps (forward, backward, optimizer), without evaluation.
    public var trainingSeconds: Double
    /// Wall time of the whole epoch, evaluation and checkpointing included.
    public var seconds: Double
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Where the step time went.
    public var timing: TrainingTiming

    /// Real tokens per second of training-step time.
    public var tokensPerSecond: Double { trainingSeconds > 0 ? Double(tokens) / trainingSeconds : 0 }
}

/// Progress of a classifier training run: what `training.json` holds, so a run can resume.
public struct ClassifierTrainingState: Equatable, Sendable, Codable {
    /// Format version of `training.json`.
    public var format = 1
    /// Epochs finished.
    public var completedEpochs = 0
    /// Optimizer steps taken.
    public var globalStep = 0
    /// The epoch of the best checkpoint (0 before the first epoch).
    public var bestEpoch = 0
    /// The best dev accuracy so far (`nil` without dev data).
    public var bestDevAccuracy: Double?
    /// Epochs since the dev accuracy last improved.
    public var epochsWithoutImprovement = 0
    /// Whether early stopping ended the run.
    public var stoppedEarly = false
    /// The run's seed and optimizer (for the record; the options decide on resume).
    public var seed: UInt64 = 0
    public var optimizer: OptimizerChoice = .adam
    /// One record per finished epoch.
    public var history: [ClassifierEpochRecord] = []
    /// The epoch a stop request cut short (an `interrupted/` checkpoint), or nil.
    public var partialEpoch: PartialEpoch?

    public init() {}
}

/// What ``ClassifierTrainer/train(on:dev:)`` returns.
public struct ClassifierTrainingResult: Sendable {
    /// The final state (history, best epoch, early stopping).
    public var state: ClassifierTrainingState
    /// The epoch records of this call only (a resumed run leaves out the earlier ones).
    public var epochs: [ClassifierEpochRecord]
    /// Total wall time of this call.
    public var seconds: Double
    /// `checkpointDirectory/best` when checkpoints were written.
    public var bestCheckpoint: URL?
}

/// The one-line summary of a classifier epoch that trainers print
/// (`epoch 2/4  loss 0.2894  train acc 87.94%  dev acc 88.49%  40343 tok/s  61.9 s  [best]`).
public enum ClassifierEpochSummary {
    public static func line(epoch: Int, of epochs: Int, loss: Double, trainAccuracy: Double, devAccuracy: Double?,
                            tokensPerSecond: Double, seconds: Double, isBest: Bool, stopsEarly: Bool) -> String {
        var line = String(format: "epoch %d/%d  loss %.4f  train acc %.2f%%", epoch, epochs, loss, 100 * trainAccuracy)
        if let devAccuracy { line += String(format: "  dev acc %.2f%%", 100 * devAccuracy) }
        line += String(format: "  %.0f tok/s  %.1f s", tokensPerSecond, seconds)
        if isBest { line += "  [best]" }
        if stopsEarly { line += "  (early stop)" }
        return line
    }
}
