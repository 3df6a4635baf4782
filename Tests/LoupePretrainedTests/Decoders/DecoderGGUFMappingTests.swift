import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// A GGUF-shaped store in memory: llama.cpp's metadata keys and tensor names, with Q and K rows
/// permuted as its converter does.
final class InMemoryGGUF: GGUFMetadataReading, WeightStore {
    var metadata: [String: Any]
    let store: InMemoryWeightStore

    init(metadata: [String: Any], store: InMemoryWeightStore) {
        self.metadata = metadata
        self.store = store
    }

    var source: URL { URL(fileURLWithPath: "/fixtures/in-memory.gguf") }
    var names: [String] { store.names }
    func weight(named name: String) throws -> StoredWeight {
        guard let w = store.tensors[name] else { throw PretrainedError.missingTensor(file: "in-memory.gguf", name: name) }
        return w
    }

    func value<T>(_ key: String, as: T.Type) throws -> T? {
        guard let v = metadata[key] else { return nil }
        guard let typed = v as? T else { throw PretrainedError.badConfig(file: "in-memory.gguf", key: key, detail: "wrong type") }
        return typed
    }
    func stringIfPresent(_ key: String) throws -> String? { try value(key, as: String.self) }
    func integerIfPresent(_ key: String) throws -> Int? { try value(key, as: Int.self) }
    func floatIfPresent(_ key: String) throws -> Double? { try value(key, as: Double.self) }
    func arrayCountIfPresent(_ key: String) throws -> Int? { try value(key, as: [String].self)?.count }

    /// llama.cpp's `permute`: within each head, row `h·d + 2i + j` takes row `h·d + j·d/2 + i`.
    static func permuted(_ t: Tensor, heads: Int) -> Tensor {
        let rows = t.shape[0], width = t.count / rows, d = rows / heads
        var out = [Float](repeating: 0, count: t.count)
        for h in 0..<heads {
            for i in 0..<(d / 2) {
                for j in 0..<2 {
                    let to = h * d + 2 * i + j, from = h * d + j * (d / 2) + i
                    for c in 0..<width { out[to * width + c] = t.scalars[from * width + c] }
                }
            }
        }
        return Tensor(shape: t.shape, scalars: out)
    }

    /// The HF fixture `name` (a LLaMA or Qwen2) rewritten as llama.cpp's converter would.
    static func converted(_ name: String, architecture: String) throws -> InMemoryGGUF {
        let c = try DecoderFixtures.configuration(name)
        let hf = try DecoderFixtures.store(name)
        var tensors: [String: StoredWeight] = [:]
        for (key, weight) in hf.tensors {
            guard case .dense(var t) = weight else { continue }
            if architecture == "llama", key.contains("q_proj") { t = permuted(t, heads: c.headCount) }
            if architecture == "llama", key.contains("k_proj") { t = permuted(t, heads: c.keyValueHeadCount) }
            tensors[DecoderConfiguration.ggufTensorName(key)] = .dense(t)
        }
        let p = architecture + "."
        let metadata: [String: Any] = [
            "general.architecture": architecture, p + "block_count": c.layerCount, p + "embedding_length": c.hiddenSize,
            p + "feed_forward_length": c.intermediateSize, p + "attention.head_count": c.headCount,
            p + "attention.head_count_kv": c.keyValueHeadCount, p + "attention.layer_norm_rms_epsilon": Double(c.normEpsilon),
            p + "rope.freq_base": c.rotary?.theta ?? 10000, p + "context_length": c.maximumPositions,
            "tokenizer.ggml.tokens": (0..<c.vocabularySize).map { "t\($0)" }, "tokenizer.ggml.eos_token_id": 2,
        ]
        return InMemoryGGUF(metadata: metadata, store: InMemoryWeightStore(source: hf.source, tensors: tensors))
    }
}

@Suite struct DecoderGGUFMappingTests {
    @Test(arguments: [("llama_gqa", "llama"), ("qwen2", "qwen2")])
    func convertedCheckpointsGiveTheOriginalLogits(name: String, architecture: String) throws {
        let original = try DecoderFixtures.model(name)
        let gguf = try DecoderLanguageModel(gguf: InMemoryGGUF.converted(name, architecture: architecture))
        let ids = [[5, 17, 99, 3, 64], [8, 120]]
        let a = withoutGradients { original.logits(tokenIDs: ids) }
        let b = withoutGradients { gguf.logits(tokenIDs: ids) }
        // Real positions only (the two configurations pad with different ids).
        for (row, sequence) in ids.enumerated() {
            let range = (row * 5 * 128)..<((row * 5 + sequence.count) * 128)
            expectClose(Array(b.scalars[range]), Array(a.scalars[range]), absolute: 1e-5, "sequence \(row)")
        }
        // Parameters carry the Hugging Face names, with the rows un-permuted.
        let q = try #require(gguf.namedParameters["model.layers.1.self_attn.q_proj.weight"])
        #expect(q.value.scalars == original.namedParameters["model.layers.1.self_attn.q_proj.weight"]?.value.scalars)
        #expect(Set(gguf.namedParameters.keys) == Set(original.namedParameters.keys))
        #expect(gguf.configuration.endOfSequenceIDs == [2] && gguf.configuration.vocabularySize == 128)
        #expect(gguf.configuration.attentionBias == (architecture == "qwen2"))
        #expect(gguf.configuration.tieWordEmbeddings == original.configuration.tieWordEmbeddings)
    }

    @Test func quantizedRowsAreUnpermutedAsWholeRows() throws {
        // Q8_0 rows of 32 columns: 34 bytes each (fp16 scale + 32 int8); rows are moved, not decoded.
        let rows = 8, stride = 34
        let owner = OwnedBytes(count: rows * stride)
        for r in 0..<rows { for b in 0..<stride { owner.buffer[r * stride + b] = UInt8(r) } }
        let q = QuantizedMatrix(type: .q8_0, rows: rows, columns: 32, bytes: UnsafeRawBufferPointer(owner.buffer), owner: owner)
        let result = try DecoderWeightReader.unpermutingRows(.quantized(q), heads: 2, file: "f", name: "attn_q")
        guard case .quantized(let out) = result else { Issue.record("not quantized"); return }
        let firstBytes = (0..<rows).map { out.bytes[$0 * stride] }
        #expect(firstBytes == [0, 2, 1, 3, 4, 6, 5, 7])
        #expect(throws: PretrainedError.self) {
            try DecoderWeightReader.unpermutingRows(.quantized(q), heads: 3, file: "f", name: "attn_q")
        }
    }

    @Test(arguments: [
        ("general.architecture", "gpt2" as Any, "GGUF architecture 'gpt2'"),
        ("llama.embedding_length", nil, "llama.embedding_length"),
        ("llama.attention.layer_norm_rms_epsilon", nil, "layer_norm_rms_epsilon"),
        ("llama.rope.scaling.type", "yarn", "rope.scaling.type 'yarn'"),
        ("llama.attention.head_count", 0, "head_count"),
        ("llama.block_count", "two", "wrong type"),
    ] as [(String, Any?, String)])
    func badMetadataThrowsNamingTheKey(key: String, value: Any?, message: String) throws {
        let gguf = try InMemoryGGUF.converted("llama_gqa", architecture: "llama")
        gguf.metadata[key] = value
        do {
            _ = try DecoderLanguageModel(gguf: gguf)
            Issue.record("accepted \(key) = \(String(describing: value))")
        } catch let error as PretrainedError {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func tensorNamesMapToLlamaCpps() {
        #expect(DecoderConfiguration.ggufTensorName("model.layers.12.self_attn.o_proj.weight") == "blk.12.attn_output.weight")
        #expect(DecoderConfiguration.ggufTensorName("model.layers.0.self_attn.q_proj.bias") == "blk.0.attn_q.bias")
        #expect(DecoderConfiguration.ggufTensorName("model.layers.3.post_attention_layernorm.weight") == "blk.3.ffn_norm.weight")
        #expect(DecoderConfiguration.ggufTensorName("model.layers.3.mlp.down_proj.weight") == "blk.3.ffn_down.weight")
        #expect(DecoderConfiguration.ggufTensorName("lm_head.weight") == "output.weight")
        #expect(DecoderConfiguration.ggufTensorName("model.embed_tokens.weight") == "token_embd.weight")
    }
}
