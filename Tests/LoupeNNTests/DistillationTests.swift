import Foundation
@testable import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Soft-label cross-entropy and the distillation loss of ``SoftTargets``.
@Suite struct DistillationTests {
    @Test func oneHotTargetsGiveTheHardCrossEntropy() {
        let x = testTensor([3, 4], seed: 3, range: -2...2)
        let labels = [2, 0, 3]
        var oneHot = [Float](repeating: 0, count: 12)
        for (row, label) in labels.enumerated() { oneHot[row * 4 + label] = 1 }
        let soft = softCrossEntropy(logits: x, targetProbabilities: Tensor(shape: [3, 4], scalars: oneHot))
        expectClose(soft.scalar, crossEntropy(logits: x, targets: labels).scalar, absolute: 1e-6)
    }

    @Test(arguments: [LossReduction.mean, .sum, .none])
    func softCrossEntropyGradientMatchesFiniteDifferences(_ reduction: LossReduction) {
        let q = Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.9, 0.05, 0.05])
        GradientChecker().check([testTensor([2, 3], seed: 5)]) {
            softCrossEntropy(logits: $0[0], targetProbabilities: q, reduction: reduction)
        }
    }

    @Test func rowsWithoutATeacherLearnFromTheLabelAlone() {
        let logits = testTensor([2, 2], seed: 9, range: -2...2)
        let targets = SoftTargets(teacherLogits: [nil, nil], weight: 0.9, temperature: 2)
        expectClose(targets.loss(logits: logits, labels: [1, 0], batch: [0, 1]).scalar,
                    crossEntropy(logits: logits, targets: [1, 0]).scalar, absolute: 1e-6)
    }

    @Test func theDistillationLossMixesLabelAndSoftenedTeacher() {
        let logits = Tensor(shape: [2, 2], scalars: [0.5, -0.5, 1.0, 2.0])
        let teacher: [[Float]?] = [[2, -2], nil]
        let (w, tau): (Float, Float) = (0.7, 2)
        let loss = SoftTargets(teacherLogits: teacher, weight: w, temperature: tau)
            .loss(logits: logits, labels: [1, 1], batch: [0, 1]).scalar
        func logSoftmax(_ z: [Float]) -> [Float] {
            let m = z.max()!
            let l = m + log(z.reduce(0) { $0 + exp($1 - m) })
            return z.map { $0 - l }
        }
        let hard0 = -logSoftmax([0.5, -0.5])[1], hard1 = -logSoftmax([1.0, 2.0])[1]
        let q = logSoftmax([2 / tau, -2 / tau]).map { exp($0) }
        let student = logSoftmax([0.5 / tau, -0.5 / tau])
        let soft0 = -(q[0] * student[0] + q[1] * student[1])
        let expected = ((1 - w) * hard0 + w * tau * tau * soft0 + hard1) / 2
        expectClose(loss, expected, absolute: 1e-5)
    }

    @Test func mismatchedSoftTargetsThrow() throws {
        let data = TextDataSet(examples: [TextExample(text: "good", label: 1), TextExample(text: "bad", label: 0)],
                               labelNames: ["negative", "positive"])
        var options = ClassifierTrainingOptions(epochs: 1, batchSize: 2)
        options.maxLength = 8
        let trainer = try ClassifierTrainer.make(architecture: .bagOfEmbeddings(embedDimension: 4, hiddenDimension: 4),
                                                 trainingData: data, options: options)
        #expect(throws: DataSetError.self) {
            try trainer.train(on: data, softTargets: SoftTargets(teacherLogits: [[1, 0]]))
        }
        let result = try trainer.train(on: data, softTargets: SoftTargets(teacherLogits: [[0, 3], nil]))
        #expect(result.state.completedEpochs == 1)
    }
}
