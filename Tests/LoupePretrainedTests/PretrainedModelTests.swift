import Foundation
import LoupeTestSupport
import LoupeAttribution
import LoupeNN
import LoupeTokenizers
import Testing
@testable import LoupePretrained

/// The one loader entry point: what it recognises, what it refuses, and the real models end to end.
@Suite struct PretrainedModelTests {
    static var fixtures: URL {
        get throws { try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures") }
    }

    @Test func recognisesHuggingFaceFoldersAndGGUFFiles() throws {
        let encoders = try Self.fixtures.appendingPathComponent("encoders")
        let folders = try FileManager.default.contentsOfDirectory(at: encoders, includingPropertiesForKeys: nil)
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
        #expect(!folders.isEmpty)
        for folder in folders { #expect(PretrainedModel.isPretrained(folder), "\(folder.lastPathComponent)") }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID())")
        #expect(!PretrainedModel.isPretrained(missing))
        let loupeLayout = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-layout-\(UUID())")
        try FileManager.default.createDirectory(at: loupeLayout, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: loupeLayout) }
        try Data(#"{"architecture": "bag-of-embeddings", "labels": ["a", "b"]}"#.utf8)
            .write(to: loupeLayout.appendingPathComponent("config.json"))
        #expect(!PretrainedModel.isPretrained(loupeLayout), "Loupe's own layout is not a pretrained folder")
        let notGGUF = loupeLayout.appendingPathComponent("model.gguf")
        try Data("NOPE and more bytes".utf8).write(to: notGGUF)
        #expect(!PretrainedModel.isPretrained(notGGUF))
    }

    @Test func missingPathsAndBadFilesThrowNamingThem() throws {
        let missing = "/nonexistent/model-\(UUID())"
        #expect(throws: PretrainedError.malformed(file: missing, detail: "no such file or folder")) {
            _ = try PretrainedModel.load(URL(fileURLWithPath: missing))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bad-gguf-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let truncated = folder.appendingPathComponent("model.gguf")
        try Data("GGUF\u{3}\u{0}".utf8).write(to: truncated)
        do {
            _ = try PretrainedModel.load(truncated)
            Issue.record("a truncated GGUF loaded")
        } catch let error as PretrainedError {
            #expect(error.description.contains("model.gguf"), "\(error)")
        }
    }
}

/// The two real models through the one entry point.
@Suite(.enabled(if: RealModels.directory != nil, "real models not downloaded (see .ci/run)"))
struct PretrainedRealModelTests {
    @Test(.enabled(if: RealModels.smolLM2 != nil)) func smolLM2AnswersPositive() throws {
        let loaded = try PretrainedModel.load(try #require(RealModels.smolLM2))
        #expect(loaded.format == .gguf)
        #expect(loaded.architecture == "llama")
        #expect(loaded.storageCensus["Q4_1"] == 210)
        let lm = try #require(loaded.languageModel)
        let prompt = try loaded.renderChat([ChatMessage(role: "user", content: "我今天过得很好。Is this sentence positive or negative?")])
        #expect(prompt.hasSuffix("<|im_start|>assistant\n"))
        let ids = loaded.tokenizer.encode(prompt, addSpecialTokens: false).map(\.id)
        let generation = try GreedyGenerator(model: lm, endOfSequenceIDs: loaded.endOfSequenceIDs)
            .generate(prompt: ids, maxNewTokens: 32)
        let text = loaded.tokenizer.decode(generation.ids, skipSpecialTokens: true)
        // transformers (same GGUF, dequantized) replies with exactly this, then <|im_end|>.
        #expect(text == "This sentence is positive. It describes a positive outcome. The original sentence is negative, "
                + "as it implies a negative outcome.", "\(text)")
        #expect(generation.stop == .endOfSequence)
        #expect(generation.ids.last == loaded.tokenizer.id(forToken: "<|im_end|>"))
    }

    /// The ids transformers gives for the raw prompts (`tokenizer(prompt)`) and for
    /// `apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True)`,
    /// from `benchmarks/fixtures/make_decoder_real_fixtures.py`.
    struct PromptIDs: Decodable {
        struct Case: Decodable { let prompt: String; let raw_ids: [Int]; let chat_ids: [Int] }
        let cases: [Case]
    }

    @Test(.enabled(if: RealModels.smolLM2 != nil)) func smolLM2PromptsTokenizeAsTransformers() throws {
        let loaded = try PretrainedModel.load(try #require(RealModels.smolLM2))
        let data = try Data(contentsOf: DecoderFixtures.url("smollm2_expected.json"))
        let expected = try JSONDecoder().decode(PromptIDs.self, from: data)
        #expect(expected.cases.count == 10)
        for c in expected.cases {
            #expect(loaded.tokenizer.encode(c.prompt, addSpecialTokens: true).map(\.id) == c.raw_ids, "raw: \(c.prompt)")
            let rendered = try loaded.renderChat([ChatMessage(role: "user", content: c.prompt)])
            #expect(loaded.tokenizer.encode(rendered, addSpecialTokens: false).map(\.id) == c.chat_ids, "chat: \(c.prompt)")
        }
    }

    /// Gradients flow through the quantized matrices of the real model: integrated gradients of
    /// the answer's first token ("This") over the chat prompt gives finite scores for every token,
    /// and the contrast with the runner-up equals the difference of the two attributions (one
    /// backward pass per target, seeded linearly). Completeness on the 30-block model needs many
    /// more steps than the tiny fixtures (|delta| ≈ 10 at 16 steps): measured, not asserted, here.
    @Test(.enabled(if: RealModels.smolLM2 != nil)) func smolLM2AttributionThroughQuantizedWeights() throws {
        let loaded = try PretrainedModel.load(try #require(RealModels.smolLM2))
        let lm = try #require(loaded.languageModel)
        let prompt = try loaded.renderChat([ChatMessage(role: "user", content: "我今天过得很好。Is this sentence positive or negative?")])
        let ids = loaded.tokenizer.encode(prompt, addSpecialTokens: false).map(\.id)
        let first = try #require(try GreedyGenerator(model: lm).generate(prompt: ids, maxNewTokens: 1).tokens.first)
        #expect(loaded.tokenizer.decode([first.id], skipSpecialTokens: true) == "This")
        let runnerUp = try #require(first.alternatives.dropFirst().first).id
        let ig = IntegratedGradients(rule: .gaussLegendre, stepCount: 8, baseline: .pad)
        let (yes, no) = (OutputTarget.nextToken(token: first.id, position: nil), OutputTarget.nextToken(token: runnerUp, position: nil))
        let results = try ig.attribute(ids, targets: [yes, no, .contrast(yes, foil: no)], model: lm)
        #expect(results.count == 3)
        for r in results {
            #expect(r.scores.count == ids.count)
            #expect(r.scores.allSatisfy { $0.isFinite } && r.scores.contains { $0 != 0 })
            print("SmolLM2 IG (8 steps, pad baseline) \(r.target): Σ = \(r.scores.reduce(0, +)), delta = \(r.convergenceDelta ?? .nan)")
        }
        let scale = results.flatMap(\.scores).map(Swift.abs).max() ?? 1
        for i in ids.indices {
            #expect(Swift.abs(results[2].scores[i] - (results[0].scores[i] - results[1].scores[i])) <= 1e-4 * scale)
        }
    }

    @Test(.enabled(if: RealModels.miniLM != nil)) func miniLMLoadsAsABareEncoderWithItsTokenizer() throws {
        let loaded = try PretrainedModel.load(try #require(RealModels.miniLM))
        #expect(loaded.format == .huggingFace)
        #expect(loaded.encoder != nil && loaded.classifier == nil && loaded.languageModel == nil)
        #expect(loaded.tokenizer.kind == "WordPiece")
        #expect(loaded.chatTemplate == nil)
        #expect(loaded.tokenizer.encode("hello", addSpecialTokens: true).map(\.id) == [101, 7592, 102])
    }
}
