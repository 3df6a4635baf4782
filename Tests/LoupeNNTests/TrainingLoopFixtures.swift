import Foundation
@testable import LoupeNN
import LoupeTensor

/// A model with one parameter vector `w` (a checkpointable ``Module``).
final class VectorModel: Module {
    let path = ""
    let w: Parameter
    init(_ values: [Float]) { w = Parameter(name: "w", value: Tensor(values)) }
    var ownParameters: [Parameter] { [w] }
    static let config = CheckpointConfig(architecture: "test-vector")
}

/// One epoch's figures of ``QuadraticProcedure``.
struct QuadraticRecord: Codable, Equatable, TrainingEpochRecord {
    var epoch: Int
    var trainingLoss: Double
    var seconds: Double
}

/// `training.json` of the loop tests.
struct QuadraticState: Codable, TrainingRunState {
    var completedEpochs = 0
    var globalStep = 0
    var history: [QuadraticRecord] = []
    var earlyStopping = EarlyStoppingProgress()
}

/// Loss `½ Σ (w − t)²` per batch target `t` (gradient `w − t`). Each epoch takes the targets in a
/// seeded order (per-epoch seed, as the trainers do), one target per step. `scores[e − 1]`, when
/// given, is epoch `e`'s held-out score.
struct QuadraticProcedure: TrainingProcedure {
    let model: VectorModel
    let targets: [[Float]]
    var shuffles = false
    var seed: UInt64 = 0
    var scores: [Double]? = nil
    private var lossSum = 0.0
    private var steps = 0

    init(model: VectorModel, targets: [[Float]], shuffles: Bool = false, seed: UInt64 = 0, scores: [Double]? = nil) {
        self.model = model
        self.targets = targets
        self.shuffles = shuffles
        self.seed = seed
        self.scores = scores
    }

    var stepsPerEpoch: Int { targets.count }

    mutating func beginEpoch(_ epoch: Int) throws -> [[Float]] {
        (lossSum, steps) = (0, 0)
        guard shuffles else { return targets }
        return seededPermutation(count: targets.count, seed: TrainingSeed.derive(seed, .shuffle, epoch: epoch))
            .map { targets[$0] }
    }

    mutating func loss(on batch: [Float], step: Int) throws -> Tensor {
        let difference = model.w.tensor - Tensor(batch)
        return (difference * difference).sum() * 0.5
    }

    mutating func recordStep(_ batch: [Float], loss: Tensor) -> TrainingStepTally {
        lossSum += Double(loss.scalar)
        steps += 1
        return TrainingStepTally(loss: lossSum / Double(steps), processed: steps)
    }

    mutating func finishEpoch(_ context: TrainingEpochContext) throws -> QuadraticRecord {
        QuadraticRecord(epoch: context.epoch, trainingLoss: lossSum / Double(Swift.max(steps, 1)), seconds: 0)
    }

    mutating func evaluate(_ record: inout QuadraticRecord) throws -> Double? {
        scores.map { $0[record.epoch - 1] }
    }

    func summaryLine(for record: QuadraticRecord, isBest: Bool, stopsEarly: Bool) -> String {
        "epoch \(record.epoch)" + (isBest ? " best" : "") + (stopsEarly ? " stop" : "")
    }
}

/// Keeps every event, in order.
final class RecordingObserver: TrainingObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrainingEvent] = []
    /// Run at every event (e.g. to look at the checkpoint folder when an epoch ends).
    var onEvent: (TrainingEvent) -> Void = { _ in }

    var events: [TrainingEvent] { lock.lock(); defer { lock.unlock() }; return stored }

    func observe(_ event: TrainingEvent) {
        lock.lock()
        stored.append(event)
        lock.unlock()
        onEvent(event)
    }

    /// `began 1/2 (2 steps)`, `step 1/2 (global 1)`, `ended 1`, `message …`: the order, without timings.
    var outline: [String] {
        events.map { event in
            switch event {
            case .epochBegan(let s): return "began \(s.epoch)/\(s.epochs) (\(s.steps) steps)"
            case .stepFinished(let s): return "step \(s.step)/\(s.steps) (global \(s.globalStep))"
            case .epochEnded(let s): return "ended \(s.epoch)"
            case .message(let text): return "message \(text)"
            }
        }
    }
}
