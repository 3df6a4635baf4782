import LoupeNN
import LoupeTensor
import Testing

/// The streamed figures (one example at a time) are the batch evaluation's.
@Suite struct ClassifierEvaluationAccumulatorTests {
    static let model = TransformerClassifier(config: TransformerClassifierConfig(
        vocabularySize: 30, embedDimension: 8, heads: 2, layerCount: 1, feedForwardDimension: 16, maxLength: 12,
        labels: ["a", "b", "c"]))

    @Test func oneAtATimeEqualsTheBatch() throws {
        var generator = RandomGenerator(seed: 5)
        let texts = (0..<40).map { _ in (0..<Int.random(in: 1...10, using: &generator)).map { _ in Int.random(in: 1..<30, using: &generator) } }
        let labels = texts.map { $0.reduce(0, +) % 3 }
        let batch = try ClassifierEvaluation(classifier: Self.model, encodedTexts: texts, labels: labels, batchSize: 7)
        var streamed = try ClassifierEvaluation.Accumulator(labels: Self.model.labels)
        var predicted: [Int] = []
        for (ids, label) in zip(texts, labels) {
            let logits = withoutGradients { Self.model.logits(tokenIDs: [ids]).scalars }
            predicted.append(try streamed.add(logits: logits, label: label))
        }
        let figures = streamed.evaluation
        #expect(figures.confusion == batch.confusion)
        #expect(predicted == batch.predictions)
        #expect(abs(figures.loss - batch.loss) < 1e-5, "\(figures.loss) vs \(batch.loss)")
        #expect(figures.accuracy == batch.accuracy && streamed.count == 40 && figures.predictions.isEmpty)
    }

    @Test func badInputThrowsNamingTheArgument() throws {
        #expect(throws: ModelInputError.invalidArgument("labels", "the label list is empty")) {
            try ClassifierEvaluation.Accumulator(labels: [])
        }
        var figures = try ClassifierEvaluation.Accumulator(labels: ["x", "y"])
        #expect(throws: ModelInputError.invalidArgument("logits", "3 logits for 2 classes")) { try figures.add(logits: [1, 2, 3], label: 0) }
        #expect(throws: ModelInputError.invalidArgument("label", "label 2 is outside 0..<2")) { try figures.add(logits: [1, 2], label: 2) }
        #expect(throws: ModelInputError.invalidArgument("label", "label -1 is outside 0..<2")) { try figures.add(logits: [1, 2], label: -1) }
        #expect(throws: ModelInputError.self) { try figures.add(logits: [.nan, 2], label: 0) }
        #expect(figures.count == 0 && figures.evaluation.loss == 0)
    }
}
