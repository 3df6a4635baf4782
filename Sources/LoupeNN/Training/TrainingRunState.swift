/// The progress of a run that a ``TrainingLoop`` keeps: what `training.json` holds, so that a
/// run can resume.
public protocol TrainingRunState: Encodable {
    associatedtype EpochRecord
    /// Epochs finished.
    var completedEpochs: Int { get set }
    /// Optimizer steps taken (the learning-rate schedule's position).
    var globalStep: Int { get set }
    /// One record per finished epoch.
    var history: [EpochRecord] { get set }
    /// The best epoch so far and the early-stopping count. A state without such fields may
    /// leave the default, which keeps nothing (every epoch then counts as the best).
    var earlyStopping: EarlyStoppingProgress { get set }
    /// The epoch cut short by a stop request, when the run was stopped mid-epoch (nil otherwise).
    /// A state without such a field may leave the default, which keeps nothing.
    var partialEpoch: PartialEpoch? { get set }
}

extension TrainingRunState {
    public var partialEpoch: PartialEpoch? {
        get { nil }
        set {}
    }

    public var earlyStopping: EarlyStoppingProgress {
        get { EarlyStoppingProgress() }
        set {}
    }
}

/// The best epoch by held-out score, and how long since it improved (a state may store it as is).
public struct EarlyStoppingProgress: Equatable, Sendable, Codable {
    /// The epoch of the best score (0 before the first epoch).
    public var bestEpoch = 0
    /// The best score so far (`nil` without held-out data).
    public var bestScore: Double?
    /// Epochs since the score last improved.
    public var epochsWithoutImprovement = 0
    /// Whether early stopping ended the run.
    public var stoppedEarly = false

    public init(bestEpoch: Int = 0, bestScore: Double? = nil, epochsWithoutImprovement: Int = 0,
                stoppedEarly: Bool = false) {
        self.bestEpoch = bestEpoch
        self.bestScore = bestScore
        self.epochsWithoutImprovement = epochsWithoutImprovement
        self.stoppedEarly = stoppedEarly
    }

    /// Records epoch `epoch`'s `score` (higher is better); returns whether it is the best so far.
    /// Without a score every epoch is the best. With `patience`, the run stops once that many
    /// epochs in a row have not improved, unless `epoch` is already the last one (`lastEpoch`).
    mutating func record(score: Double?, epoch: Int, patience: Int?, lastEpoch: Int) -> Bool {
        let improved = score.map { s in bestScore.map { s > $0 } ?? true } ?? true
        if improved {
            bestEpoch = epoch
            bestScore = score
            epochsWithoutImprovement = 0
        } else {
            epochsWithoutImprovement += 1
        }
        if let patience, score != nil, epochsWithoutImprovement >= patience, epoch < lastEpoch {
            stoppedEarly = true
        }
        return improved
    }
}
