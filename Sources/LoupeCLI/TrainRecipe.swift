import ArgumentParser
import Loupe

/// The default training recipe of a classifier architecture: the best recipe measured on SST-2 dev
/// for it (docs/training.md, "Default recipes of `loupe train`"). `loupe train` starts from it; every
/// flag the user gives replaces the one setting it names.
struct ClassifierRecipe: Equatable {
    /// The learning-rate schedule: a linear warm-up then a linear decay to 0, or a constant rate.
    enum Schedule: String, CaseIterable, ExpressibleByArgument {
        case linearDecay = "linear-decay"
        case constant
    }

    var epochs: Int
    var learningRate: Float
    var optimizer: OptimizerChoice
    var weightDecay: Float
    var schedule: Schedule
    /// Warm-up steps of `.linearDecay`, at most ``maximumWarmupFraction`` of the planned steps (so
    /// that a small data set is not trained entirely inside the warm-up).
    var warmupSteps: Int
    var embeddingScale: Float
    var minimumTokenCount: Int
    var embedDimension: Int
    /// Bag: hidden layer; transformer: feed-forward width.
    var hiddenDimension: Int
    /// Transformer dropout (ignored by the bag of embeddings).
    var dropout: Float
    var gradientClipNorm: Float?

    /// The share of the planned steps a default warm-up may take at most.
    static let maximumWarmupFraction = 0.1

    /// The best measured recipe of `architecture` (bag: 82.9 % on SST-2 dev, transformer: 81.5 %;
    /// `loupe-bench train-sst2 bag|transformer` runs the same recipes).
    static func best(for architecture: TrainCommand.Architecture) -> ClassifierRecipe {
        switch architecture {
        case .transformerClassifier:
            return ClassifierRecipe(epochs: 3, learningRate: 1e-3, optimizer: .adamW, weightDecay: 0.01,
                                    schedule: .linearDecay, warmupSteps: 200, embeddingScale: 0.02, minimumTokenCount: 1,
                                    embedDimension: 128, hiddenDimension: 256, dropout: 0.1, gradientClipNorm: 1)
        default:
            return ClassifierRecipe(epochs: 6, learningRate: 1e-2, optimizer: .adam, weightDecay: 0,
                                    schedule: .linearDecay, warmupSteps: 200, embeddingScale: 0.1, minimumTokenCount: 1,
                                    embedDimension: 64, hiddenDimension: 64, dropout: 0, gradientClipNorm: 1)
        }
    }

    /// The warm-up actually used for `plannedSteps` optimizer steps: ``warmupSteps`` when the user
    /// gave it, else at most ``maximumWarmupFraction`` of the run.
    func warmup(plannedSteps: Int, userGiven: Bool) -> Int {
        userGiven ? warmupSteps : Swift.min(warmupSteps, Int((Double(plannedSteps) * Self.maximumWarmupFraction).rounded()))
    }

    /// The learning-rate schedule for `plannedSteps` optimizer steps.
    func learningRateSchedule(plannedSteps: Int, warmupGiven: Bool) -> LearningRateSchedule {
        switch schedule {
        case .constant: return .constant
        case .linearDecay: return .linearDecay(warmupSteps: warmup(plannedSteps: plannedSteps, userGiven: warmupGiven))
        }
    }

    /// One line naming the settings, for the run's notes.
    func summary(warmup: Int, architecture: TrainCommand.Architecture) -> String {
        var parts = ["\(optimizer.rawValue) lr \(learningRate)"]
        if weightDecay > 0 { parts.append("weight decay \(weightDecay)") }
        parts.append(schedule == .constant ? "constant rate" : "warm-up \(warmup) steps then linear decay")
        parts.append("\(epochs) epochs")
        parts.append("embed scale \(embeddingScale)")
        parts.append("min count \(minimumTokenCount)")
        parts.append(architecture == .transformerClassifier
                     ? "E=\(embedDimension), ffn \(hiddenDimension), dropout \(dropout)"
                     : "E=\(embedDimension), H=\(hiddenDimension)")
        parts.append(gradientClipNorm.map { "clip \($0)" } ?? "no clipping")
        return parts.joined(separator: ", ")
    }
}

extension OptimizerChoice: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
