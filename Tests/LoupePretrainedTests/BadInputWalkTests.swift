import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Every public entry point of the pretrained models — encoder and decoder forward passes,
/// generation, the logit lens, direct logit attribution, attention summaries, activation patching
/// and explained generation — given bad input (ids outside the vocabulary, empty or over-long
/// sequences, targets, layers and positions out of range, empty batches) throws an error that
/// names what is wrong; none traps. (The tiny committed fixtures: vocabulary 128, 64 positions,
/// 2 blocks.)
@Suite struct BadInputWalkTests {
    static let decoders = ["gpt2", "llama_gqa"]
    static let good = [5, 17, 99, 3]
    static let tooLong = Array(repeating: 5, count: 65)

    /// `body` throws, and the error's description mentions each of `mentions`.
    static func expectError(_ what: String, mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what): no error", sourceLocation: sourceLocation)
        } catch {
            let text = String(describing: error)
            for needle in mentions where !text.contains(needle) {
                Issue.record("\(what): '\(needle)' not in \(text)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Bad prompts and what their error names. A model with learned positions (GPT-2) takes at
    /// most its 64; rotary models (LLaMA) have no hard limit (`maximumSequenceLength` nil, as in
    /// transformers) and run longer prompts.
    static func badPrompts(for model: DecoderLanguageModel) -> [(String, [Int], String)] {
        [("empty", [], "no tokens"), ("id = V", [5, 128], "outside the vocabulary"), ("negative id", [-1, 5], "outside the vocabulary")]
            + (model.maximumSequenceLength == nil ? [] : [("longer than the context", tooLong, "at most 64")])
    }

    @Test(arguments: decoders)
    func decoderForwardAndGeneration(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        for (what, ids, mention) in Self.badPrompts(for: model) {
            Self.expectError("validate \(what)", mentions: [mention]) { try model.validate(tokenIDs: [ids]) }
            Self.expectError("logits(appending:) \(what)") { _ = try model.logits(appending: ids, cache: model.makeCache()) }
            Self.expectError("generate \(what)", mentions: [mention]) {
                _ = try GreedyGenerator(model: model).generate(prompt: ids, maxNewTokens: 3)
            }
            Self.expectError("runWithCache \(what)") { _ = try model.runWithCache(tokenIDs: ids) }
        }
        Self.expectError("empty batch") { try model.validate(tokenIDs: []) }
        let long = try GreedyGenerator(model: model, ignoreEndOfSequence: true).generate(prompt: Array(repeating: 5, count: 60),
                                                                                      maxNewTokens: 20)
        if let limit = model.maximumSequenceLength {
            // Appending past the context to a cache that holds a prompt already.
            let cache = model.makeCache()
            _ = try model.logits(appending: Array(repeating: 5, count: 60), cache: cache)
            Self.expectError("cache past the context", mentions: ["64"]) { _ = try model.logits(appending: [1, 2, 3, 4, 5], cache: cache) }
            // Generation stops at the context: the last token is chosen from position 63's logits.
            #expect(long.tokens.count == limit - 60 + 1)
        } else {
            #expect(long.tokens.count == 20)
            #expect(try model.logits(appending: Self.tooLong, cache: model.makeCache()).shape[0] == 65)
        }
        Self.expectError("unknown site", mentions: ["available"]) {
            _ = try model.runWithCache(tokenIDs: Self.good, sites: [ActivationSiteName(rawValue: "blocks.9.hook_resid_post")])
        }
    }

    @Test(arguments: decoders)
    func lensAttributionAndAttention(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        for (what, ids, _) in Self.badPrompts(for: model) {
            Self.expectError("lens \(what)") { _ = try LogitLens().run(model, tokenIDs: ids) }
            Self.expectError("DLA \(what)") { _ = try DirectLogitAttribution().run(model, tokenIDs: ids, target: 1) }
            Self.expectError("attention \(what)") { _ = try AttentionSummary.run(model, tokenIDs: ids) }
        }
        Self.expectError("lens top-k 0", mentions: ["top-k"]) { _ = try LogitLens(topK: 0).run(model, tokenIDs: Self.good) }
        Self.expectError("lens layer 3", mentions: ["0...2"]) { _ = try LogitLens(layers: [3]).run(model, tokenIDs: Self.good) }
        Self.expectError("lens layer -1") { _ = try LogitLens(layers: [-1]).run(model, tokenIDs: Self.good) }
        Self.expectError("lens no layers") { _ = try LogitLens(layers: []).run(model, tokenIDs: Self.good) }
        Self.expectError("lens position 4", mentions: ["0..<4"]) { _ = try LogitLens(positions: [4]).run(model, tokenIDs: Self.good) }
        for target in [128, -1] {
            Self.expectError("lens target \(target)", mentions: ["0..<128"]) { _ = try LogitLens().run(model, tokenIDs: Self.good, target: target) }
            Self.expectError("lens foil \(target)") { _ = try LogitLens().run(model, tokenIDs: Self.good, target: 1, foil: target) }
            Self.expectError("DLA target \(target)", mentions: ["0..<128"]) {
                _ = try DirectLogitAttribution().run(model, tokenIDs: Self.good, target: target)
            }
            Self.expectError("DLA foil \(target)") { _ = try DirectLogitAttribution().run(model, tokenIDs: Self.good, target: 1, foil: target) }
        }
        Self.expectError("lens foil without target") { _ = try LogitLens().run(model, tokenIDs: Self.good, foil: 3) }
        for position in [4, -1] {
            Self.expectError("DLA position \(position)") {
                _ = try DirectLogitAttribution(position: position).run(model, tokenIDs: Self.good, target: 1)
            }
        }
        Self.expectError("attention layer 2") { _ = try AttentionSummary.run(model, tokenIDs: Self.good, layers: [2]) }
        Self.expectError("attention layer -1") { _ = try AttentionSummary.run(model, tokenIDs: Self.good, layers: [-1]) }
        let cache = try model.runWithCache(tokenIDs: Self.good)
        Self.expectError("attention summary of an uncached layer") { _ = try AttentionSummary(layer: 7, cache: cache) }
    }

    @Test(arguments: decoders)
    func activationPatching(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let clean = [5, 17, 99, 3, 42, 8], corrupt = [5, 61, 99, 3, 42, 8]
        let metric = PatchingMetric.logitDifference(target: 7, foil: 11)
        func patching(_ clean: [Int], _ corruption: PatchingCorruption, _ metric: PatchingMetric, rows: Int? = nil) throws {
            _ = try ActivationPatching(model: model, clean: clean, corruption: corruption, metric: metric, maximumBatchRows: rows)
        }
        for (what, ids, _) in Self.badPrompts(for: model) {
            Self.expectError("patching clean \(what)") { try patching(ids, .prompt(corrupt), metric) }
            Self.expectError("patching corrupt \(what)") { try patching(clean, .prompt(ids), metric) }
        }
        Self.expectError("different lengths") { try patching(clean, .prompt([5, 61, 99]), metric) }
        Self.expectError("identical prompts") { try patching(clean, .prompt(clean), metric) }
        for bad in [128, -1] {
            for m in [PatchingMetric.logitDifference(target: bad, foil: 11), .logitDifference(target: 7, foil: bad), .logit(target: bad),
                      .probability(target: bad), .logProbability(target: bad)] {
                Self.expectError("metric \(m)") { try patching(clean, .prompt(corrupt), m) }
            }
        }
        for noise in [EmbeddingNoise(positions: [6]), EmbeddingNoise(positions: [-1]), EmbeddingNoise(positions: []),
                      EmbeddingNoise(positions: [1], samples: 0), EmbeddingNoise(positions: [1], standardDeviation: -1),
                      EmbeddingNoise(positions: [1], standardDeviation: .nan), EmbeddingNoise(positions: [1], standardDeviation: .infinity)] {
            Self.expectError("noise \(noise)") { try patching(clean, .noise(noise), metric) }
        }
        Self.expectError("batch rows 0") { try patching(clean, .prompt(corrupt), metric, rows: 0) }
        let sweep = try ActivationPatching(model: model, clean: clean, corruption: .prompt(corrupt), metric: metric)
        for window in [0, -2] {
            Self.expectError("window \(window)") { _ = try sweep.sweep(.attention, window: window) }
            Self.expectError("run window \(window)") { _ = try sweep.run(sites: [.residual], window: window) }
        }
        Self.expectError("no sites") { _ = try sweep.run(sites: []) }
        #expect(sweep.windowLayers(around: 99, window: 3).isEmpty || sweep.windowLayers(around: 99, window: 3).allSatisfy { $0 < 2 })
        #expect(sweep.windowLayers(around: -5, window: 0).allSatisfy { $0 >= 0 && $0 < 2 })
        for patch in [ActivationPatch(site: .residualPre(9), positions: [0]), ActivationPatch(site: .residualPre(0), positions: [6]),
                      ActivationPatch(site: .residualPre(0), positions: [-1]), ActivationPatch(site: .attentionOutput(-1), positions: [0]),
                      ActivationPatch(site: .residualPre(0), positions: [0], columns: 0..<9_999),
                      ActivationPatch(site: .residualPre(0), positions: [])] {
            Self.expectError("patch \(patch)") { _ = try sweep.metric(patching: [patch]) }
        }
    }

    @Test func explainedGeneration() throws {
        let model = try DecoderFixtures.model("gpt2")
        let explainer = AttributedGeneration(methods: [Saliency()])
        Self.expectError("empty prompt", mentions: ["prompt"]) { _ = try explainer.explain(prompt: [], answer: [3], model: model) }
        Self.expectError("empty answer", mentions: ["answer"]) { _ = try explainer.explain(prompt: Self.good, answer: [], model: model) }
        Self.expectError("answer id = V") { _ = try explainer.explain(prompt: Self.good, answer: [128], model: model) }
        Self.expectError("prompt id -1") { _ = try explainer.explain(prompt: [-1], answer: [3], model: model) }
        Self.expectError("too long", mentions: ["64"]) { _ = try explainer.explain(prompt: Array(repeating: 5, count: 62), answer: [3, 4, 5], model: model) }
        Self.expectError("step 5 of 1") { _ = try explainer.explain(prompt: Self.good, answer: [3], model: model, steps: [5]) }
        Self.expectError("step -1") { _ = try explainer.explain(prompt: Self.good, answer: [3], model: model, steps: [-1]) }
        Self.expectError("foil = V") { _ = try explainer.explain(prompt: Self.good, answer: [3], model: model, foils: [128]) }
        Self.expectError("two foils for one step") { _ = try explainer.explain(prompt: Self.good, answer: [3], model: model, foils: [1, 2]) }
        Self.expectError("segment outside the prompt") {
            _ = try explainer.explain(prompt: Self.good, answer: [3], model: model, segments: [[7]])
        }
        Self.expectError("negative top-k") {
            _ = try AttributedGeneration(methods: [Saliency()], topK: -1).explain(prompt: Self.good, answer: [3], model: model)
        }
    }

    @Test func encoderForward() throws {
        let encoder = try HFEncoderClassifier.load(folder: EncoderFixtures.folder("bert_cls"))
        let v = encoder.vocabularySize
        for (what, ids) in [("empty", [Int]()), ("id = V", [2, v, 3]), ("negative id", [2, -4, 3]),
                            ("too long", Array(repeating: 5, count: (encoder.maximumSequenceLength ?? 512) + 1))] {
            Self.expectError("validate \(what)") { try encoder.validate(tokenIDs: [ids]) }
            Self.expectError("attribute \(what)") { _ = try Saliency().attribute(ids, targets: [0], model: encoder) }
        }
        Self.expectError("empty batch") { try encoder.validate(tokenIDs: []) }
        Self.expectError("target 99") { _ = try Saliency().attribute([2, 17, 3], targets: [99], model: encoder) }
        let base = encoder.encoder
        Self.expectError("hidden states, bad id") { _ = try base.hiddenStates(tokenIDs: [[2, v]]) }
        Self.expectError("token types of another shape") { _ = try base.hiddenStates(tokenIDs: [[2, 17, 3]], tokenTypeIDs: [[0, 0]]) }
        Self.expectError("token type 9") { _ = try base.hiddenStates(tokenIDs: [[2, 17, 3]], tokenTypeIDs: [[0, 9, 0]]) }
        Self.expectError("pooled, empty") { _ = try base.pooledOutput(tokenIDs: [[]]) }
        Self.expectError("all hidden, empty batch") { _ = try base.allHiddenStates(tokenIDs: []) }
    }
}
