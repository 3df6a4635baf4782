import Foundation
import LoupeTensor

/// What a trainer hands a ``TrainingLoop``: the batches of each epoch, the forward pass with its
/// loss, the figures it keeps per step, and the epoch's record and evaluation.
///
/// The loop calls, per epoch: ``beginEpoch(_:)`` once; per batch ``loss(on:step:)`` (after it has
/// zeroed the gradients) and, after backward, clipping and the optimizer step,
/// ``recordStep(_:loss:)``; then ``finishEpoch(_:)`` and ``evaluate(_:)``. Every random draw of a
/// procedure should be seeded in ``beginEpoch(_:)`` from the epoch number, so that a resumed run
/// draws what the uninterrupted one would have.
public protocol TrainingProcedure {
    /// One optimizer step's worth of data (e.g. example indices).
    associatedtype Batch
    /// What one epoch measured (what `training.json` keeps per epoch).
    associatedtype EpochRecord: TrainingEpochRecord

    /// Optimizer steps of one epoch; 0 means there is nothing to train on. The learning-rate
    /// schedule plans for `stepsPerEpoch × epochs` steps.
    var stepsPerEpoch: Int { get }
    /// What ``TrainingStepTally/processed`` counts (`tok`, `img`, `ex`), for progress rates.
    var progressUnit: String { get }

    /// Starts epoch `epoch` (1-based): puts the model in training mode, seeds the epoch's random
    /// draws and returns its batches in order.
    mutating func beginEpoch(_ epoch: Int) throws -> [Batch]
    /// The forward pass: the scalar loss of `batch` on the tape. `step` is the 0-based index of
    /// this optimizer step in the whole run (for schedules such as KL annealing).
    mutating func loss(on batch: Batch, step: Int) throws -> Tensor
    /// Adds the finished step to the epoch's figures; returns the running loss and progress.
    mutating func recordStep(_ batch: Batch, loss: Tensor) -> TrainingStepTally
    /// The epoch's training figures, once its last step is done (put the model back in
    /// evaluation mode here).
    mutating func finishEpoch(_ context: TrainingEpochContext) throws -> EpochRecord
    /// Held-out figures of the epoch, written into `record`; returns the score that early
    /// stopping and the best checkpoint follow (higher is better), or `nil` without one.
    mutating func evaluate(_ record: inout EpochRecord) throws -> Double?
    /// The one-line account of an epoch that observers show.
    func summaryLine(for record: EpochRecord, isBest: Bool, stopsEarly: Bool) -> String
    /// The running figures and random generators of the epoch in progress (after a step), so a run
    /// stopped there can continue exactly; nil when the procedure cannot (the loop then stops only
    /// between epochs). See ``PartialEpoch``.
    func partialEpochState() throws -> Data?
    /// Restores what ``partialEpochState()`` returned, right after ``beginEpoch(_:)``.
    mutating func restorePartialEpoch(_ data: Data) throws
}

extension TrainingProcedure {
    public var progressUnit: String { "ex" }

    /// No held-out figures and no score.
    public mutating func evaluate(_ record: inout EpochRecord) throws -> Double? { nil }
}

/// The part of an epoch record that the loop reads and writes.
public protocol TrainingEpochRecord {
    /// 1-based epoch number.
    var epoch: Int { get }
    /// The epoch's mean training loss as the trainer reports it.
    var trainingLoss: Double { get }
    /// Wall time of the epoch, evaluation included; the loop sets it.
    var seconds: Double { get set }
}

/// An epoch's running figures after a step, for observers.
public struct TrainingStepTally: Equatable, Sendable {
    /// The epoch's mean loss so far.
    public var loss: Double
    /// Units processed in the epoch so far (tokens, images, examples).
    public var processed: Int

    public init(loss: Double, processed: Int) {
        self.loss = loss
        self.processed = processed
    }
}

/// What the loop measured of an epoch's steps, for ``TrainingProcedure/finishEpoch(_:)``.
public struct TrainingEpochContext: Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Steps taken in this epoch.
    public var steps: Int
    /// The learning rate of the epoch's last step.
    public var learningRate: Float
    /// Where the steps' time went.
    public var timing: TrainingTiming
}
