import Foundation

/// Settings of an ``ImageVAETrainer`` run.
public struct ImageVAETrainingOptions: Sendable {
    public var epochs = 10
    public var batchSize = 128
    public var learningRate: Float = 1e-3
    /// How the learning rate moves over the planned steps (constant by default).
    public var learningRateSchedule: LearningRateSchedule = .constant
    public var optimizer: OptimizerChoice = .adam
    public var weightDecay: Float = 0
    public var gradientClipNorm: Float? = nil
    /// The KL weight (β-VAE; 1 is the plain ELBO). Use `klAnnealing` for a schedule instead.
    public var beta: Float {
        get { if case .constant(let b) = klAnnealing { return b } else { return .nan } }
        set { klAnnealing = .constant(newValue) }
    }
    /// The KL weight schedule (default: constant β = 1).
    public var klAnnealing: KLAnnealing = .constant(1)
    /// When set, the KL term is replaced by the β-TCVAE penalty of Chen et al. (2018),
    /// `α · I(z; x) + β · TC(z) + γ · Σ_j KL(q(z_j) ‖ p(z_j))`, estimated on each minibatch by
    /// minibatch-weighted sampling (``TotalCorrelationTerms``); `klAnnealing` then scales the
    /// whole penalty (keep it at `.constant(1)` for the paper's objective).
    public var totalCorrelation: BetaTCVAEWeights? = nil
    public var seed: UInt64 = 0
    public var activeUnitThreshold = 0.01
    /// At most this many examples for active units and held-out figures.
    public var evaluationLimit = 2_000
    /// When set, the model and `training.json` are saved there after every epoch.
    public var checkpointDirectory: URL? = nil
    /// Who hears about the run's progress (epochs, steps, summaries), e.g. the `Loupe` module's
    /// `ProgressReporter`; `nil` (the default): nobody, nothing is printed.
    public var observer: (any TrainingObserver)? = nil

    public init(epochs: Int = 10, batchSize: Int = 128, learningRate: Float = 1e-3, beta: Float = 1, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.klAnnealing = .constant(beta)
        self.seed = seed
    }
}
