import Foundation
import Loupe
import Testing

/// The public entry points of the `Loupe` module's ``TextExplainer`` (explain, predict, relabel)
/// given bad input — an empty text, a target or contrast the model does not have, ids outside the
/// vocabulary, more ids than the model takes, label lists of the wrong size — throw an error
/// naming what is wrong; none traps. (The committed reference checkpoints, no real model.)
@Suite struct TextExplainerBadInputWalkTests {
    static func explainer(_ name: String) throws -> TextExplainer {
        try TextExplainer(checkpoint: ModelFactory.load(from: URL(fileURLWithPath: CLI.fixture(name))))
    }

    static func expectError(_ what: String, mentions: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what): no error", sourceLocation: sourceLocation)
        } catch {
            if let mentions, !String(describing: error).contains(mentions) {
                Issue.record("\(what): '\(mentions)' not in \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: ["bag-of-embeddings", "transformer-classifier"])
    func explainPredictAndRelabel(_ name: String) throws {
        let explainer = try Self.explainer(name)
        let methods: [any AttributionMethod] = [Saliency(), IntegratedGradients(stepCount: 4), LeaveOneOut()]
        let v = explainer.model.vocabularySize
        Self.expectError("empty text") { _ = try explainer.explain("", methods: methods) }
        Self.expectError("blank text") { _ = try explainer.explain(" \t ", methods: methods) }
        #expect(try explainer.explain("a good film", methods: []).attributions.isEmpty, "no methods: the prediction alone")
        for target in [TargetSelection.index(2), .index(-1), .label("neutral")] {
            Self.expectError("target \(target)") { _ = try explainer.explain("a good film", methods: methods, target: target) }
            Self.expectError("contrast \(target)") {
                _ = try explainer.explain("a good film", methods: methods, target: .index(0), contrast: target)
            }
        }
        Self.expectError("contrast = target", mentions: "itself") {
            _ = try explainer.explain("a good film", methods: methods, target: .index(1), contrast: .index(1))
        }
        Self.expectError("contrast all") { _ = try explainer.explain("a good film", methods: methods, contrast: .all) }
        for (what, ids) in [("empty", [Int]()), ("id = V", [4, v]), ("id -1", [-1]), ("too long", Array(repeating: 4, count: 5_000))] {
            if what == "too long" && explainer.model.maximumSequenceLength == nil { continue }
            Self.expectError("predict \(what)") { _ = try explainer.predict(ids) }
        }
        let prediction = try explainer.predict([4, 5])
        #expect(prediction.probabilities.count == 2 && abs(prediction.probabilities.reduce(0, +) - 1) < 1e-9)
        for names in [["a"], ["a", "b", "c"], ["a", "a"], ["a", " "], []] {
            Self.expectError("labels \(names)") { _ = try explainer.renamingLabels(names) }
        }
    }
}
