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

    /// `PromptLayout` and `GenerationExplainer` on the tiny committed LLaMA: empty prompts, empty or
    /// foreign target and contrast texts, answer ids outside the vocabulary, contrast steps past the
    /// answer, segments not in the text, and a prompt beyond the context throw.
    @Test func languageModels() throws {
        let folder = CLI.packageRoot.appendingPathComponent("Tests/LoupeCLITests/Fixtures/pretrained/tiny-llama-chat")
        let loaded = try PretrainedModel.load(folder)
        let v = try #require(loaded.languageModel).vocabularySize
        Self.expectError("empty prompt") { _ = try PromptLayout(loaded, text: "", chat: false) }
        Self.expectError("empty chat") { _ = try PromptLayout(loaded, messages: []) }
        let layout = try PromptLayout(loaded, text: "this is a good", chat: false)
        let explainer = GenerationExplainer(methods: [Saliency()], maxNewTokens: 2)
        Self.expectError("empty target text") { _ = try explainer.explain(loaded, prompt: layout, targetText: "") }
        Self.expectError("empty contrast text") { _ = try explainer.explain(loaded, prompt: layout, targetText: " movie", contrastText: "") }
        Self.expectError("answer id = V") { _ = try explainer.explain(loaded, prompt: layout, answerIDs: [v]) }
        Self.expectError("answer id -1") { _ = try explainer.explain(loaded, prompt: layout, answerIDs: [-1]) }
        Self.expectError("no answer ids") { _ = try explainer.explain(loaded, prompt: layout, answerIDs: []) }
        Self.expectError("contrast step 9") {
            _ = try explainer.explain(loaded, prompt: layout, targetText: " movie", contrastText: " story", contrastStep: 9)
        }
        Self.expectError("contrast step -1") {
            _ = try explainer.explain(loaded, prompt: layout, targetText: " movie", contrastText: " story", contrastStep: -1)
        }
        Self.expectError("segment not in the text") {
            _ = try GenerationExplainer(methods: [Saliency()], maxNewTokens: 2, segments: ["zebra"]).explain(loaded, prompt: layout)
        }
        Self.expectError("max new tokens 0") { _ = try GenerationExplainer(methods: [Saliency()], maxNewTokens: 0).explain(loaded, prompt: layout) }
        Self.expectError("max new tokens -3") { _ = try GenerationExplainer(methods: [Saliency()], maxNewTokens: -3).explain(loaded, prompt: layout) }
        Self.expectError("negative top-k") { _ = try GenerationExplainer(methods: [Saliency()], maxNewTokens: 2, topK: -1).explain(loaded, prompt: layout) }
        if let limit = loaded.languageModel?.maximumSequenceLength {
            let long = try PromptLayout(loaded, text: Array(repeating: "good", count: limit + 5).joined(separator: " "), chat: false)
            Self.expectError("beyond the context") { _ = try explainer.explain(loaded, prompt: long) }
        }
        // Unit scores from token scores that do not line up are computed, not trapped on.
        // (TextUnit is Codable: a saved document can name any token.)
        let units = try JSONDecoder().decode([TextUnit].self, from: Data(#"""
            [{"text": "ab", "start": 0, "end": 2, "tokens": [0, 5]}, {"text": "c", "start": 3, "end": 4, "tokens": [-1]}]
            """#.utf8))
        #expect(TextUnit.scores([1], units: units, spans: [0..<2]) == [1, 0])
    }
}
