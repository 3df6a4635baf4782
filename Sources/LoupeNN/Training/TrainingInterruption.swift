import Foundation

/// Where a run that was stopped in the middle of an epoch stands, as `training.json` keeps it:
/// a run resumed from it starts that epoch's batches at `stepsDone`, with the procedure's running
/// figures and random generators as they were (``TrainingProcedure/partialEpochState()``).
public struct PartialEpoch: Equatable, Sendable, Codable {
    /// The epoch that was cut short (1-based).
    public var epoch: Int
    /// Its steps already taken.
    public var stepsDone: Int
    /// The procedure's own encoding of its running figures and generators.
    public var procedureState: Data?

    public init(epoch: Int, stepsDone: Int, procedureState: Data?) {
        self.epoch = epoch
        self.stepsDone = stepsDone
        self.procedureState = procedureState
    }
}

/// A ``TrainingLoop`` run stopped on request (``TrainingLoop/stopRequested``, e.g. Ctrl-C).
public struct TrainingInterrupted: Error, CustomStringConvertible, Equatable {
    /// The epoch in progress, or the last completed one when the stop came between epochs.
    public var epoch: Int
    /// Steps of `epoch` taken (nil: the epoch was completed).
    public var step: Int?
    /// The checkpoint to resume from (nil: nothing was trained by this call, or no checkpoints).
    public var checkpoint: URL?

    public var description: String {
        let position = step.map { "in epoch \(epoch) after step \($0)" } ?? "after epoch \(epoch)"
        guard let checkpoint else { return "training stopped \(position); nothing new was written" }
        return "training stopped \(position); its state is saved in \(checkpoint.path)"
    }
}

extension TrainingProcedure {
    /// No mid-epoch state: the loop then stops only between epochs.
    public func partialEpochState() throws -> Data? { nil }

    public mutating func restorePartialEpoch(_ data: Data) throws {
        throw CheckpointError(.invalidEntry, file: TrainingCheckpoint.stateFileName,
                              "partial_epoch: this trainer cannot resume in the middle of an epoch")
    }
}
