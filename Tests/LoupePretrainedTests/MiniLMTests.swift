import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// sentence-transformers/all-MiniLM-L6-v2 (a real BertModel, never committed) against the numbers
/// transformers and Captum computed in `make_encoder_fixtures.py --minilm` (committed as
/// `Fixtures/encoders/minilm/expected.json`, with the seeded head `head.safetensors`).
@Suite(.enabled(if: RealModels.miniLM != nil)) struct MiniLMTests {
    static func expected() throws -> [String: Any] {
        try EncoderFixtures.json(EncoderFixtures.root.appendingPathComponent("minilm/expected.json"))
    }

    static func classifier() throws -> HFEncoderClassifier {
        try HFEncoderClassifier.load(folder: try #require(RealModels.miniLM),
                                     head: EncoderFixtures.root.appendingPathComponent("minilm/head.safetensors"))
    }

    @Test func loadsAsABareBertModel() throws {
        let encoder = try HFEncoder.load(folder: try #require(RealModels.miniLM))
        #expect(encoder.config.architecture == "BertModel" && encoder.config.layerCount == 6 && encoder.config.hiddenSize == 384)
        #expect(encoder.namedParameters["encoder.layer.5.output.LayerNorm.weight"] != nil)
        #expect(encoder.namedParameters["pooler.dense.weight"] != nil)
        #expect(encoder.parameterCount == 22_713_216)
        #expect(encoder.config.specialTokenIDs == [101, 102], "config.json names none; tokenizer.json's post-processor does")
        let fresh = try HFEncoderClassifier.withFreshHead(on: encoder, labels: ["negative", "positive"], seed: 0)
        #expect(fresh.specialTokenIDs == [101, 102], "the pad baseline of a fresh head keeps [CLS] and [SEP]")
    }

    @Test func hiddenStatesMatchTransformers() throws {
        let expected = try Self.expected()
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let encoder = try HFEncoder.load(folder: try #require(RealModels.miniLM))
        let hidden = try withoutGradients { try encoder.hiddenStates(tokenIDs: ids) }   // the batch is padded
        let perSentence = try #require(expected["hidden_states"] as? [[[String: Any]]])
        let (t, h) = (hidden.shape[1], hidden.shape[2])
        for (b, tokens) in perSentence.enumerated() {
            #expect(tokens.count == ids[b].count)
            for (i, token) in tokens.enumerated() {
                let row = Array(hidden.scalars[((b * t + i) * h)..<((b * t + i + 1) * h)])
                expectClose(Array(row.prefix(4)), try EncoderFixtures.floats(token["first"]), absolute: 1e-4, "sentence \(b) token \(i)")
                expectClose(Array(row.suffix(4)), try EncoderFixtures.floats(token["last"]), absolute: 1e-4, "sentence \(b) token \(i)")
                let sum = row.reduce(0.0) { $0 + Double($1) }, absSum = row.reduce(0.0) { $0 + Double(Swift.abs($1)) }
                #expect(Swift.abs(sum - (try #require(token["sum"] as? Double))) < 2e-3, "sentence \(b) token \(i) sum")
                #expect(Swift.abs(absSum - (try #require(token["abs_sum"] as? Double))) < 2e-3, "sentence \(b) token \(i) |sum|")
            }
        }
    }

    @Test func headLogitsMatchTransformers() throws {
        let expected = try Self.expected()
        let model = try Self.classifier()
        #expect(model.specialTokenIDs == [101, 102], "read from tokenizer.json's post-processor")
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let logits = withoutGradients { model.logits(tokenIDs: ids) }
        expectClose(logits.scalars, try EncoderFixtures.floats(expected["logits"]), absolute: 1e-4)
    }

    @Test func integratedGradientsMatchCaptum() throws {
        let expected = try Self.expected()
        let model = try Self.classifier()
        let cases = try #require(expected["captum"] as? [[String: Any]])
        #expect(cases.count == 3)
        let ig = IntegratedGradients(rule: .gaussLegendre, stepCount: 50, baseline: .pad)
        for case_ in cases {
            let ids = try #require(case_["input_ids"] as? [Int])
            let target = try #require(case_["target"] as? Int)
            let want = try EncoderFixtures.floats(case_["scores"]).map(Double.init)
            let got = try ig.attribute(ids, targets: [target], model: model)[0]
            #expect(got.scores.count == want.count)
            for (i, (g, w)) in zip(got.scores, want).enumerated() {
                #expect(Swift.abs(g - w) <= 1e-4, "token \(i) of \(ids): Loupe \(g), Captum \(w)")
            }
            #expect(Swift.abs(try #require(got.convergenceDelta)) < 1e-3)
        }
    }
}
