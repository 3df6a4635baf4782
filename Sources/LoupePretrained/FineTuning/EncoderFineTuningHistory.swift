import Foundation
import LoupeNN

/// What one epoch of an ``EncoderFineTuner`` run measured (one entry of `training.json`'s `history`).
public struct EncoderFineTuningEpochRecord: Equatable, Sendable, Codable, TrainingEpochRecord {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training cross-entropy over the epoch's examples.
    public var loss: Double
    /// Training accuracy during the epoch (weights changing as it goes).
    public var trainAccuracy: Double
    /// Dev accuracy and mean loss after the epoch (`nil` without dev data).
    public var devAccuracy: Double?
    public var devLoss: Double?
    /// Optimizer steps and examples of the epoch.
    public var steps: Int
    public var examples: Int
    /// Real (non-[PAD]) tokens and padded positions fed to the model.
    public var tokens: Int
    public var paddedTokens: Int
    /// Time in training steps (forward, backward, optimizer), and the epoch's wall time with evaluation.
    public var trainingSeconds: Double
    public var seconds: Double
    /// Learning rate of the epoch's last step.
    public var learningRate: Double
    public var timing: TrainingTiming

    public var trainingLoss: Double { loss }
    /// Real tokens per second of training-step time.
    public var tokensPerSecond: Double { trainingSeconds > 0 ? Double(tokens) / trainingSeconds : 0 }
}

/// Progress of an ``EncoderFineTuner`` run (written as `training.json` beside the saved model).
public struct EncoderFineTuningState: Equatable, Sendable, Codable, TrainingRunState {
    public var completedEpochs = 0
    public var globalStep = 0
    public var history: [EncoderFineTuningEpochRecord] = []
    /// The best epoch by dev accuracy (the model ends with that epoch's weights).
    public var earlyStopping = EarlyStoppingProgress()

    public init() {}
}

/// What ``EncoderFineTuner/train(ids:labels:devIDs:devLabels:)`` returns.
public struct EncoderFineTuningResult: Sendable {
    public var state: EncoderFineTuningState
    /// Wall time of the run.
    public var seconds: Double
    /// The epoch whose weights the model holds now (the best dev epoch; the last without dev data).
    public var keptEpoch: Int
}
