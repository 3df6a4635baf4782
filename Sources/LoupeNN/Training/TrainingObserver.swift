/// Receives what a ``TrainingLoop`` does, as it happens: a progress bar, a log, a test's recorder.
///
/// LoupeNN draws nothing itself; the `Loupe` module's `ProgressReporter` is the terminal view.
/// Events arrive on the training thread, in order: for every epoch one
/// ``TrainingEvent/epochBegan(_:)``, one ``TrainingEvent/stepFinished(_:)`` per optimizer step
/// and one ``TrainingEvent/epochEnded(_:)``; ``TrainingEvent/message(_:)`` lines come between
/// epochs (e.g. when a run resumes).
public protocol TrainingObserver: AnyObject, Sendable {
    /// Called for every event of the run.
    func observe(_ event: TrainingEvent)
}

/// One thing that happened during training.
public enum TrainingEvent: Equatable, Sendable {
    /// An epoch is about to take its first step.
    case epochBegan(TrainingEpochStart)
    /// An optimizer step has been taken.
    case stepFinished(TrainingStepReport)
    /// An epoch is over: trained, evaluated and checkpointed.
    case epochEnded(TrainingEpochSummary)
    /// A free-form line (e.g. `resuming after epoch 2 (step 10)`).
    case message(String)
}

/// The start of an epoch.
public struct TrainingEpochStart: Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The epochs the run plans.
    public var epochs: Int
    /// Optimizer steps in this epoch.
    public var steps: Int

    public init(epoch: Int, epochs: Int, steps: Int) {
        self.epoch = epoch
        self.epochs = epochs
        self.steps = steps
    }
}

/// One finished optimizer step.
public struct TrainingStepReport: Equatable, Sendable {
    public var epoch: Int
    public var epochs: Int
    /// 1-based step within the epoch, of `steps`.
    public var step: Int
    public var steps: Int
    /// Steps taken in the whole run, this one included.
    public var globalStep: Int
    /// The epoch's running mean training loss so far.
    public var loss: Double
    /// The learning rate of this step.
    public var learningRate: Float
    /// Units processed in the epoch so far (tokens, images, examples), for a rate.
    public var processed: Int
    /// What `processed` counts (`tok`, `img`, `ex`).
    public var unit: String

    public init(epoch: Int, epochs: Int, step: Int, steps: Int, globalStep: Int, loss: Double, learningRate: Float,
                processed: Int, unit: String) {
        self.epoch = epoch
        self.epochs = epochs
        self.step = step
        self.steps = steps
        self.globalStep = globalStep
        self.loss = loss
        self.learningRate = learningRate
        self.processed = processed
        self.unit = unit
    }
}

/// The summary of a finished epoch.
public struct TrainingEpochSummary: Equatable, Sendable {
    public var epoch: Int
    public var epochs: Int
    /// The epoch's mean training loss (the objective the trainer minimises).
    public var loss: Double
    /// The held-out score early stopping and the best checkpoint follow (`nil`: none).
    public var score: Double?
    /// Whether this epoch is the best so far by `score` (always, without a score).
    public var isBest: Bool
    /// Whether early stopping ends the run after this epoch.
    public var stopsEarly: Bool
    /// Wall time of the epoch, evaluation included.
    public var seconds: Double
    /// The trainer's one-line account of the epoch.
    public var line: String

    public init(epoch: Int, epochs: Int, loss: Double, score: Double?, isBest: Bool, stopsEarly: Bool, seconds: Double,
                line: String) {
        self.epoch = epoch
        self.epochs = epochs
        self.loss = loss
        self.score = score
        self.isBest = isBest
        self.stopsEarly = stopsEarly
        self.seconds = seconds
        self.line = line
    }
}
