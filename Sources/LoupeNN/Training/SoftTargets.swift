import Foundation
import LoupeTensor

/// A teacher's class distributions for some training examples, for knowledge distillation
/// (Hinton et al. 2015, "Distilling the Knowledge in a Neural Network"): an example with a
/// teacher row is trained on `(1 − weight) · CE(label) + weight · τ² · CE(softmax(teacher / τ),
/// softmax(student / τ))`; one without (nil row) on its label alone.
public struct SoftTargets: Sendable {
    /// Teacher logits per training example (index = example index), nil where there is no teacher.
    public var teacherLogits: [[Float]?]
    /// Share of the distillation term, in `0...1`.
    public var weight: Float
    /// Softening temperature τ of both distributions (1: the teacher's own probabilities).
    public var temperature: Float

    public init(teacherLogits: [[Float]?], weight: Float = 0.7, temperature: Float = 2) {
        self.teacherLogits = teacherLogits
        self.weight = weight
        self.temperature = temperature
    }

    /// The per-example loss of a batch: rows `batch` of the training data, student `logits [N, C]`.
    func loss(logits: Tensor, labels: [Int], batch: [Int]) -> Tensor {
        let classes = logits.shape[1]
        let hard = crossEntropy(logits: logits, targets: labels, reduction: .none)
        var targets = [Float](repeating: 0, count: batch.count * classes)
        var hardWeights = [Float](repeating: 1, count: batch.count)
        var anyTeacher = false
        for (row, index) in batch.enumerated() {
            guard index < teacherLogits.count, let teacher = teacherLogits[index], teacher.count == classes else { continue }
            anyTeacher = true
            let scaled = teacher.map { $0 / temperature }
            let top = scaled.max() ?? 0
            let exps = scaled.map { expf($0 - top) }
            let sum = exps.reduce(0, +)
            for c in 0..<classes { targets[row * classes + c] = exps[c] / sum }
            hardWeights[row] = 1 - weight
        }
        guard anyTeacher else { return hard.mean() }
        let soft = softCrossEntropy(logits: logits * (1 / temperature),
                                    targetProbabilities: Tensor(shape: [batch.count, classes], scalars: targets),
                                    reduction: .none)
        // Rows without a teacher have zero targets, so their soft term is 0.
        return (hard * Tensor(hardWeights) + soft * (weight * temperature * temperature)).mean()
    }
}
