import Foundation
import LoupeNN
import LoupeTensor
import Testing

/// LoupeNN's public entry points that take ids or labels from a caller — the models' checked
/// forward passes (bag of embeddings, transformer, text VAE), ``ClassifierEvaluation`` and its
/// streaming ``ClassifierEvaluation/Accumulator``, the labelled-line parser — given bad input
/// (ids outside the vocabulary, empty batches and sequences, sequences longer than the model
/// allows, labels out of range, counts that disagree) throw a ``ModelInputError`` or
/// ``DataSetError`` naming the argument and the bound; none traps.
@Suite struct BadInputWalkTests {
    static let labels = ["negative", "positive"]
    static let bag = BagOfEmbeddingsClassifier(config: BagOfEmbeddingsConfig(vocabularySize: 20, embedDimension: 4, hiddenDimension: 4,
                                                                             labels: labels))
    static let transformer = TransformerClassifier(config: TransformerClassifierConfig(
        vocabularySize: 20, embedDimension: 8, heads: 2, layerCount: 1, feedForwardDimension: 16, maxLength: 6, labels: labels))
    static let vae = TextVAE(config: TextVAEConfig(vocabularySize: 20, embedDimension: 6, hiddenDimension: 8, latentDimension: 3,
                                                   maxLength: 7), seed: 5)

    static let classifiers: [(String, any TextClassifier)] = [("bag", bag), ("transformer", transformer)]

    /// Batches no model takes, with the words their error must hold.
    static func badBatches(maximum: Int?) -> [(String, [[Int]], String)] {
        var cases: [(String, [[Int]], String)] = [
            ("empty batch", [], "no sequences"), ("empty sequence", [[3], []], "sequence 1 has no tokens"),
            ("id = V", [[3, 4], [5, 20]], "sequence 1, position 1: token id 20 is outside the vocabulary (0..<20)"),
            ("negative id", [[-1]], "token id -1 is outside the vocabulary"),
        ]
        if let maximum { cases.append(("too long", [Array(repeating: 3, count: maximum + 1)], "accepts at most \(maximum)")) }
        return cases
    }

    static func expectError(_ what: String, mentions: String, sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what): no error", sourceLocation: sourceLocation)
        } catch {
            #expect(String(describing: error).contains(mentions), "\(what): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func classifiersForwardChecked() throws {
        #expect(Self.bag.maximumSequenceLength == nil && Self.transformer.maximumSequenceLength == 6)
        for (name, model) in Self.classifiers {
            for (what, batch, mention) in Self.badBatches(maximum: model.maximumSequenceLength) {
                Self.expectError("\(name) outputs \(what)", mentions: mention) { _ = try model.checkedOutputs(tokenIDs: batch) }
                Self.expectError("\(name) logits \(what)", mentions: mention) { _ = try model.checkedLogits(tokenIDs: batch) }
                Self.expectError("\(name) probabilities \(what)", mentions: mention) { _ = try model.checkedProbabilities(tokenIDs: batch) }
                if !batch.isEmpty {
                    Self.expectError("\(name) logit rows \(what)", mentions: mention) { _ = try model.checkedLogitRows(tokenIDs: batch) }
                }
            }
            Self.expectError("\(name) logit rows batch 0", mentions: "batchSize") { _ = try model.checkedLogitRows(tokenIDs: [[3]], batchSize: 0) }
            #expect(try model.checkedLogits(tokenIDs: [[3, 4], [5]]).shape == [2, 2])
            #expect(try model.checkedLogitRows(tokenIDs: []).isEmpty)
        }
    }

    @Test func textVAEForwardChecked() {
        for (what, batch, mention) in Self.badBatches(maximum: Self.vae.maximumSequenceLength) {
            Self.expectError("VAE \(what)", mentions: mention) { _ = try Self.vae.checkedOutputs(tokenIDs: batch) }
        }
    }

    @Test func evaluationRefusesBadLabelsAndIds() throws {
        let model = Self.transformer
        let texts = [[3, 4], [5, 6, 7]]
        Self.expectError("fewer labels", mentions: "1 labels for 2 texts") {
            _ = try ClassifierEvaluation(classifier: model, encodedTexts: texts, labels: [0])
        }
        Self.expectError("label 2", mentions: "label 2 of text 1 is outside 0..<2") {
            _ = try ClassifierEvaluation(classifier: model, encodedTexts: texts, labels: [0, 2])
        }
        Self.expectError("label -1", mentions: "outside 0..<2") { _ = try ClassifierEvaluation(classifier: model, encodedTexts: texts, labels: [-1, 0]) }
        Self.expectError("batch 0", mentions: "batchSize") {
            _ = try ClassifierEvaluation(classifier: model, encodedTexts: texts, labels: [0, 1], batchSize: 0)
        }
        for (what, batch, mention) in Self.badBatches(maximum: 6) where !batch.isEmpty {
            Self.expectError("evaluation \(what)", mentions: mention) {
                _ = try ClassifierEvaluation(classifier: model, encodedTexts: batch, labels: batch.map { _ in 0 })
            }
        }
        let none = try ClassifierEvaluation(classifier: model, encodedTexts: [], labels: [])
        #expect(none.count == 0 && none.accuracy == 0 && none.loss == 0)
        var figures = try ClassifierEvaluation.Accumulator(labels: Self.labels)
        Self.expectError("accumulator label 5", mentions: "label 5 is outside 0..<2") { try figures.add(logits: [0, 1], label: 5) }
        Self.expectError("accumulator NaN", mentions: "not finite") { try figures.add(logits: [.nan, 1], label: 0) }
    }
}
