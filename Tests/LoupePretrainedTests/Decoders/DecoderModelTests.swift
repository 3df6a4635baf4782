import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Names (parameters = the checkpoint's keys, TransformerLens sites), hooks, and what the
/// configuration reader makes of each config.json.
@Suite struct DecoderModelTests {
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func parameterNamesAreTheStateDictKeys(name: String) throws {
        let model = try DecoderFixtures.model(name)
        let store = try DecoderFixtures.store(name)
        #expect(Set(model.namedParameters.keys) == Set(store.names))
        #expect(model.parameters.count == store.names.count)
    }

    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func activationSitesAreNamedAndHookable(name: String) throws {
        let model = try DecoderFixtures.model(name)
        let names = model.activationSites.map(\.name.rawValue)
        var expected = ["hook_embed"] + (name == "gpt2" ? ["hook_pos_embed"] : [])
        for i in 0..<2 {
            expected += ["blocks.\(i).hook_resid_pre", "blocks.\(i).attn.hook_pattern", "blocks.\(i).attn.hook_z",
                         "blocks.\(i).hook_attn_out", "blocks.\(i).hook_resid_mid", "blocks.\(i).hook_mlp_out",
                         "blocks.\(i).hook_resid_post"]
        }
        expected.append("ln_final.hook_normalized")
        #expect(names == expected)

        let ids = [[5, 17, 99, 3], [8, 120]]
        let pattern = ActivationCapture(), final = ActivationCapture(), post = ActivationCapture()
        let logits = try withHooks([.capture(try model.site(named: .attentionPattern(1)).module, into: pattern),
                                    .capture(try model.site(named: .finalNormalized).module, into: final),
                                    .capture(try model.site(named: .residualPost(1)).module, into: post)]) {
            withoutGradients { model.logits(tokenIDs: ids) }
        }
        let heads = model.configuration.headCount
        let weights = try #require(pattern.last)
        #expect(weights.shape == [2, heads, 4, 4])
        // Causal and padded keys get zero weight; each row sums to one.
        #expect(weights[0, 0, 0, 1] == 0 && weights[1, heads - 1, 1, 2] == 0 && weights[1, 0, 3, 3] == 0)
        expectClose(weights.sum(alongAxis: -1).scalars, [Float](repeating: 1, count: 2 * heads * 4), absolute: 1e-5)
        // Unembedding the captured final-norm output gives the logits (the logit lens).
        let normalized = try #require(final.last)
        let relogits = withoutGradients {
            model.outputHead.map { $0(normalized) } ?? normalized.linear(weight: model.tokenEmbedding.weight.value, bias: nil)
        }
        expectClose(relogits.scalars, logits.scalars, absolute: 1e-5)
        #expect(post.last?.shape == [2, 4, model.configuration.hiddenSize])

        // Zeroing the last block's MLP output changes the logits (sites are live, not copies).
        let patched = try withHooks([.replace(try model.site(named: .mlpOutput(1)).module) { $0 * 0 }]) {
            withoutGradients { model.logits(tokenIDs: ids) }
        }
        #expect(patched.scalars != logits.scalars)
    }

    @Test func configurationsReadTransformersDefaults() throws {
        let gpt2 = try DecoderFixtures.configuration("gpt2")
        #expect(gpt2.architecture == .gpt2 && gpt2.intermediateSize == 128 && gpt2.activation == .geluTanh)
        #expect(gpt2.tieWordEmbeddings && gpt2.rotary == nil && gpt2.maximumPositions == 64 && gpt2.headDimension == 8)
        let llama = try DecoderFixtures.configuration("llama_gqa")
        #expect(llama.keyValueHeadCount == 2 && llama.headDimension == 8 && !llama.tieWordEmbeddings)
        #expect(llama.rotary == RotaryConfiguration(theta: 10000, dimension: 8))
        let tied = try DecoderFixtures.configuration("llama_tied_llama3")
        #expect(tied.headDimension == 16 && tied.keyValueHeadCount == 1 && tied.tieWordEmbeddings)
        #expect(tied.rotary?.scaling == .llama3(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalContext: 16))
        let qwen = try DecoderFixtures.configuration("qwen2")
        #expect(qwen.attentionBias && !qwen.outputBias && qwen.rotary?.theta == 1_000_000 && qwen.endOfSequenceIDs.isEmpty)

        // Absent keys take transformers' defaults.
        let minimal = try DecoderConfiguration(huggingFaceConfig: Data(#"{"model_type": "llama"}"#.utf8))
        #expect(minimal.hiddenSize == 4096 && minimal.layerCount == 32 && minimal.keyValueHeadCount == 32)
        #expect(minimal.headDimension == 128 && minimal.intermediateSize == 11008 && minimal.normEpsilon == 1e-6)
        #expect(minimal.rotary == RotaryConfiguration(theta: 10000, dimension: 128) && minimal.endOfSequenceIDs == [2])
        let eosList = try DecoderConfiguration(huggingFaceConfig: Data(#"{"model_type": "qwen2", "eos_token_id": [3, 9]}"#.utf8))
        #expect(eosList.endOfSequenceIDs == [3, 9] && eosList.vocabularySize == 151936)
    }

    @Test func rotaryFrequenciesMatchTransformers() throws {
        for (index, rope) in try DecoderFixtures.ropeCases().enumerated() {
            guard case .object(var dictionary) = rope.config else { Issue.record("case \(index)"); continue }
            dictionary["model_type"] = "llama"
            let data = Data(try JSONValue.object(dictionary).serialized().utf8)
            let configuration = try DecoderConfiguration(huggingFaceConfig: data)
            let rotary = try #require(configuration.rotary)
            expectClose(rotary.inverseFrequencies, rope.inverse_frequencies, absolute: 0, relative: 1e-6, "rope case \(index)")
            #expect(rope.attention_scaling == 1)
        }
    }

    @Test(arguments: [
        (#"{"model_type": "bert"}"#, "unsupported: model_type 'bert'"),
        (#"{"model_type": "llama", "rope_scaling": {"rope_type": "yarn", "factor": 4}}"#, "rope_type 'yarn'"),
        (#"{"model_type": "llama", "rope_parameters": {"rope_type": "linear"}}"#, "rope_parameters.factor"),
        (#"{"model_type": "llama", "hidden_size": "big"}"#, "key 'hidden_size': expected an integer"),
        (#"{"model_type": "llama", "num_attention_heads": 0}"#, "num_attention_heads"),
        (#"{"model_type": "llama", "num_key_value_heads": 5}"#, "does not divide"),
        (#"{"model_type": "qwen2", "use_sliding_window": true}"#, "use_sliding_window"),
        (#"{"model_type": "llama", "rope_scaling": {"type": "llama3", "factor": 8}}"#, "low_freq_factor"),
        (#"{"model_type": "gpt2", "activation_function": "mish"}"#, "activation_function 'mish'"),
        (#"[1, 2]"#, "not a JSON object"),
        (#"{"model_type": "llama",,}"#, "config.json"),
        (#"{"hidden_size": 8}"#, "model_type"),
    ])
    func badConfigurationsThrowNamingTheKey(json: String, message: String) {
        do {
            _ = try DecoderConfiguration(huggingFaceConfig: Data(json.utf8))
            Issue.record("accepted \(json)")
        } catch let error as PretrainedError {
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.hasPrefix("config.json"), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func missingAndMisshapenTensorsThrowNamingTheTensor() throws {
        let configuration = try DecoderFixtures.configuration("llama_gqa")
        let store = try DecoderFixtures.store("llama_gqa")
        store.tensors["model.layers.1.mlp.up_proj.weight"] = nil
        #expect(throws: PretrainedError.missingTensor(file: "model.safetensors", name: "model.layers.1.mlp.up_proj.weight")) {
            try DecoderLanguageModel(configuration: configuration, weights: store)
        }
        let misshapen = try DecoderFixtures.store("llama_gqa")
        misshapen.tensors["model.layers.0.self_attn.k_proj.weight"] = .dense(Tensor.zeros([32, 32]))
        #expect(throws: PretrainedError.shapeMismatch(file: "model.safetensors", name: "model.layers.0.self_attn.k_proj.weight",
                                                     expected: [16, 32], found: [32, 32])) {
            try DecoderLanguageModel(configuration: configuration, weights: misshapen)
        }
        let gpt2 = try DecoderFixtures.store("gpt2")
        gpt2.tensors["transformer.h.0.attn.c_attn.weight"] = .dense(Tensor.zeros([96, 32]))
        #expect(throws: PretrainedError.self) {
            try DecoderLanguageModel(configuration: try DecoderFixtures.configuration("gpt2"), weights: gpt2)
        }
    }

    @Test func gpt2CheckpointsWithoutTheTransformerPrefixLoad() throws {
        let store = try DecoderFixtures.store("gpt2")
        let bare = InMemoryWeightStore(source: store.source, tensors: Dictionary(uniqueKeysWithValues: store.tensors.map {
            (String($0.key.dropFirst("transformer.".count)), $0.value)
        }))
        let configuration = try DecoderFixtures.configuration("gpt2")
        let a = try DecoderLanguageModel(configuration: configuration, weights: store)
        let b = try DecoderLanguageModel(configuration: configuration, weights: bare)
        #expect(withoutGradients { a.logits(tokenIDs: [[1, 2, 3]]).scalars == b.logits(tokenIDs: [[1, 2, 3]]).scalars })
        #expect(b.namedParameters.keys.contains("transformer.h.0.attn.c_attn.weight"))
    }

    @Test func unpermutingRowsInvertsLlamaCppsPermutation() throws {
        // llama.cpp: w.reshape(n_head, 2, d/2, ...).swapaxes(1, 2): row h·d + 2i + j ← row h·d + j·d/2 + i.
        let heads = 2, d = 4
        var permuted = [Int](repeating: 0, count: heads * d)
        for h in 0..<heads { for i in 0..<(d / 2) { for j in 0..<2 { permuted[h * d + 2 * i + j] = h * d + j * d / 2 + i } } }
        let order = DecoderWeightReader.unpermutedRowOrder(rows: heads * d, heads: heads)
        #expect(order.map { permuted[$0] } == Array(0..<(heads * d)))
    }
}
