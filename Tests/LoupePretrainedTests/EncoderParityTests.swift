import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Logits and hidden states of the tiny fixture encoders against transformers (≤ 1e-4).
@Suite struct EncoderParityTests {
    static let classifiers = ["bert_cls", "distilbert_cls", "roberta_cls", "xlmr_cls", "bert_cls_f16", "bert_cls_bf16"]

    @Test(arguments: classifiers)
    func logitsMatchTransformers(_ name: String) throws {
        let expected = try EncoderFixtures.expected(name)
        let model = try HFEncoderClassifier.load(folder: EncoderFixtures.folder(name))
        #expect(model.config.architecture == expected["architecture"] as? String)
        #expect(model.labels == expected["labels"] as? [String])
        #expect(model.paddingID == expected["pad_token_id"] as? Int)
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let logits = withoutGradients { model.logits(tokenIDs: ids) }
        #expect(logits.shape == (expected["logits_shape"] as? [Int]))
        expectClose(logits.scalars, try EncoderFixtures.floats(expected["logits"]), absolute: 1e-4, "\(name) logits")
    }

    @Test(arguments: classifiers)
    func parameterNamesAreTheStateDictKeys(_ name: String) throws {
        let folder = try EncoderFixtures.folder(name)
        let model = try HFEncoderClassifier.load(folder: folder)
        let store = try SafeTensorsStore(folder: folder)
        let stored = Set(store.names.filter { store.elementType(of: $0)?.isFloatingPoint == true })
        #expect(Set(model.namedParameters.keys) == stored)
        #expect(model.parameters.count == stored.count, "no parameter listed twice")
        for (key, parameter) in model.namedParameters {
            #expect(parameter.value.scalars == (try store.tensor(named: key)).scalars, "\(key)")
        }
    }

    @Test func bareEncoderHiddenStatesMatchTransformers() throws {
        let expected = try EncoderFixtures.expected("bert_model_sharded")
        let encoder = try HFEncoder.load(folder: EncoderFixtures.folder("bert_model_sharded"))
        #expect(encoder.path == "", "a bare BertModel checkpoint has no prefix")
        #expect(encoder.pooler != nil)
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let hidden = try withoutGradients { try encoder.hiddenStates(tokenIDs: ids) }
        #expect(hidden.shape == (expected["shape"] as? [Int]))
        expectClose(hidden.scalars, try EncoderFixtures.floats(expected["last_hidden_state"]), absolute: 1e-4)

        let all = try withoutGradients { try encoder.allHiddenStates(tokenIDs: ids) }
        let reference = try #require(expected["hidden_states"] as? [[NSNumber]])
        #expect(all.count == reference.count)
        for (state, want) in zip(all, reference) {
            expectClose(state.scalars, want.map(\.floatValue), absolute: 1e-4)
        }
        let pooled = try withoutGradients { try encoder.pooledOutput(tokenIDs: ids) }
        expectClose(pooled.scalars, try EncoderFixtures.floats(expected["pooler_output"]), absolute: 1e-4)
    }

    @Test func tokenTypesAreAdded() throws {
        let expected = try EncoderFixtures.expected("bert_model_sharded")
        let encoder = try HFEncoder.load(folder: EncoderFixtures.folder("bert_model_sharded"))
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let types = try EncoderFixtures.ids(expected["token_type_ids"])
        let hidden = try withoutGradients { try encoder.hiddenStates(tokenIDs: ids, tokenTypeIDs: types) }
        expectClose(hidden.scalars, try EncoderFixtures.floats(expected["last_hidden_state_typed"]), absolute: 1e-4)
        #expect(throws: EncoderInputError.self) { try encoder.hiddenStates(tokenIDs: ids, tokenTypeIDs: [[0], [0], [0]]) }
        #expect(throws: EncoderInputError.self) {
            try encoder.hiddenStates(tokenIDs: [ids[0]], tokenTypeIDs: [ids[0].map { _ in 2 }])
        }
    }

    @Test func attentionPatternSiteCapturesTheWeights() throws {
        let expected = try EncoderFixtures.expected("bert_model_sharded")
        let encoder = try HFEncoder.load(folder: EncoderFixtures.folder("bert_model_sharded"))
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let site = try #require(encoder.activationSites.first { $0.name == .attentionPattern(1) })
        let capture = ActivationCapture()
        let plain = try withoutGradients { try encoder.hiddenStates(tokenIDs: ids) }
        let hooked = try withoutGradients {
            try withHooks([.capture(site.module, into: capture)]) { try encoder.hiddenStates(tokenIDs: ids) }
        }
        let pattern = try #require(capture.last)
        #expect(pattern.shape == [3, 4, 6, 6])
        expectClose(pattern.scalars, try EncoderFixtures.floats(expected["attention_layer1"]), absolute: 1e-5)
        expectClose(hooked.scalars, plain.scalars, absolute: 1e-5, "the on-tape pattern path gives the same output")
    }

    @Test func separateHeadFileMakesAClassifier() throws {
        let expected = try EncoderFixtures.expected("bert_model_sharded")
        let folder = try EncoderFixtures.folder("bert_model_sharded")
        let model = try HFEncoderClassifier.load(folder: folder, head: folder.appendingPathComponent("head.safetensors"))
        #expect(model.labels == ["LABEL_0", "LABEL_1"])
        #expect(model.namedParameters["classifier.weight"] != nil && model.namedParameters["pooler.dense.weight"] != nil)
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let logits = withoutGradients { model.logits(tokenIDs: ids) }
        expectClose(logits.scalars, try EncoderFixtures.floats(expected["head_logits"]), absolute: 1e-4)
        #expect(throws: PretrainedError.shapeMismatch(file: "head.safetensors", name: "classifier.weight",
                                                      expected: [3, 32], found: [2, 32])) {
            try HFEncoderClassifier.load(folder: folder, head: folder.appendingPathComponent("head.safetensors"),
                                         labels: ["a", "b", "c"])
        }
    }

    @Test func sitesHaveTransformerLensNames() throws {
        let model = try HFEncoderClassifier.load(folder: EncoderFixtures.folder("bert_cls"))
        let names = model.activationSites.map(\.name.rawValue)
        #expect(names.prefix(7) == ["hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre", "blocks.0.attn.hook_pattern",
                                    "blocks.0.hook_attn_out", "blocks.0.hook_mlp_out", "blocks.0.hook_resid_post"])
        #expect(names.count == 2 + 5 * 2)
        #expect(model.hasAttentionPatterns)
        #expect(model.maximumSequenceLength == 24)
        let roberta = try HFEncoderClassifier.load(folder: EncoderFixtures.folder("roberta_cls"))
        #expect(roberta.maximumSequenceLength == 26 - 2)
        #expect(model.module(named: "bert.embeddings.word_embeddings") === model.tokenEmbedding)
    }

    @Test func residualSitesCaptureTheLayerStates() throws {
        let expected = try EncoderFixtures.expected("bert_model_sharded")
        let folder = try EncoderFixtures.folder("bert_model_sharded")
        let model = try HFEncoderClassifier.load(folder: folder, head: folder.appendingPathComponent("head.safetensors"))
        let ids = try EncoderFixtures.ids(expected["input_ids"])
        let reference = try #require(expected["hidden_states"] as? [[NSNumber]])
        let pre = ActivationCapture(), post = ActivationCapture()
        _ = try withoutGradients {
            try withHooks([.capture(model.site(named: .residualPre(1)).module, into: pre),
                           .capture(model.site(named: .residualPost(1)).module, into: post)]) { model.logits(tokenIDs: ids) }
        }
        expectClose(try #require(pre.last).scalars, reference[1].map(\.floatValue), absolute: 1e-4)
        expectClose(try #require(post.last).scalars, reference[2].map(\.floatValue), absolute: 1e-4)
    }

    @Test func tooLongAndOutOfVocabularyInputsThrow() throws {
        let encoder = try HFEncoder.load(folder: EncoderFixtures.folder("bert_model_sharded"))
        #expect(throws: ModelInputError.sequenceTooLong(index: 0, length: 25, maximum: 24)) {
            try encoder.hiddenStates(tokenIDs: [Array(repeating: 5, count: 25)])
        }
        #expect(throws: ModelInputError.tokenOutOfVocabulary(index: 0, position: 1, id: 100, vocabularySize: 100)) {
            try encoder.hiddenStates(tokenIDs: [[2, 100, 3]])
        }
        #expect(throws: ModelInputError.emptyBatch) { try encoder.hiddenStates(tokenIDs: []) }
    }
}
