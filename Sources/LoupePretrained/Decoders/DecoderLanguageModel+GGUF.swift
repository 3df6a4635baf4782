import Foundation
import LoupeNN
import LoupeTensor

/// Typed reads of a GGUF file's metadata (`GGUFFile` conforms): `nil` for an absent key, a
/// ``PretrainedError`` for a value of the wrong type.
public protocol GGUFMetadataReading {
    func stringIfPresent(_ key: String) throws -> String?
    func integerIfPresent(_ key: String) throws -> Int?
    func floatIfPresent(_ key: String) throws -> Double?
    /// The number of elements of the array at `key`, `nil` when absent.
    func arrayCountIfPresent(_ key: String) throws -> Int?
}

extension DecoderConfiguration {
    /// The configuration of a GGUF language model of the `llama` or `qwen2` architecture
    /// (llama.cpp's metadata keys `<arch>.block_count`, `<arch>.embedding_length`,
    /// `<arch>.attention.head_count[_kv]`, `<arch>.rope.freq_base`, …), read the way
    /// transformers' GGUF integration does; `tensors` tells whether `output.weight` exists (else
    /// the head is tied) and whether the attention has biases.
    /// - Throws: ``PretrainedError`` naming the file and key (unknown architecture, missing or
    ///   wrong-typed key, unsupported RoPE scaling).
    public init(gguf metadata: GGUFMetadataReading, tensors: WeightStore) throws {
        let file = tensors.source.lastPathComponent
        let architectureName = try metadata.stringIfPresent("general.architecture")
        let architecture: DecoderArchitecture
        switch architectureName {
        case "llama": architecture = .llama
        case "qwen2": architecture = .qwen2
        case nil: throw PretrainedError.badConfig(file: file, key: "general.architecture", detail: "missing")
        case let other?: throw PretrainedError.unsupported(file: file, detail: "GGUF architecture '\(other)' (supported: llama, qwen2)")
        }
        let p = (architectureName ?? "") + "."
        func required(_ key: String) throws -> Int {
            guard let value = try metadata.integerIfPresent(p + key) else {
                throw PretrainedError.badConfig(file: file, key: p + key, detail: "missing")
            }
            return value
        }
        let hidden = try required("embedding_length")
        let heads = try required("attention.head_count")
        guard heads > 0 else {
            throw PretrainedError.badConfig(file: file, key: p + "attention.head_count", detail: "must be positive, got \(heads)")
        }
        let ropeDimension = try metadata.integerIfPresent(p + "rope.dimension_count")
        // transformers reads `rope.dimension_count` as LLaMA's head_dim; Qwen2 derives it.
        let headDimension = try metadata.integerIfPresent(p + "attention.key_length")
            ?? (architecture == .llama ? ropeDimension : nil) ?? hidden / heads
        guard let epsilon = try metadata.floatIfPresent(p + "attention.layer_norm_rms_epsilon") else {
            throw PretrainedError.badConfig(file: file, key: p + "attention.layer_norm_rms_epsilon", detail: "missing")
        }
        let context = try metadata.integerIfPresent(p + "context_length") ?? 2048
        var scaling = RotaryScaling.none
        switch try metadata.stringIfPresent(p + "rope.scaling.type") {
        case nil, "none": break
        case "linear":
            guard let factor = try metadata.floatIfPresent(p + "rope.scaling.factor"), factor > 0 else {
                throw PretrainedError.badConfig(file: file, key: p + "rope.scaling.factor", detail: "missing or not positive")
            }
            scaling = .linear(factor: factor)
        case let other?:
            throw PretrainedError.unsupported(file: file, detail: "\(p)rope.scaling.type '\(other)' (supported: none, linear)")
        }
        var factors: [Float]?
        if tensors.contains("rope_freqs.weight") { factors = try tensors.tensor(named: "rope_freqs.weight").scalars }
        let vocabulary = try metadata.integerIfPresent(p + "vocab_size")
            ?? metadata.arrayCountIfPresent("tokenizer.ggml.tokens")
            ?? (tensors.contains("token_embd.weight") ? try tensors.weight(named: "token_embd.weight").shape.first : nil)
        guard let vocabulary else { throw PretrainedError.badConfig(file: file, key: p + "vocab_size", detail: "missing") }
        let eos = try metadata.integerIfPresent("tokenizer.ggml.eos_token_id")
        self.init(architecture: architecture, vocabularySize: vocabulary, hiddenSize: hidden,
                  layerCount: try required("block_count"), headCount: heads,
                  keyValueHeadCount: try metadata.integerIfPresent(p + "attention.head_count_kv") ?? heads,
                  headDimension: headDimension, intermediateSize: try required("feed_forward_length"),
                  normEpsilon: Float(epsilon), maximumPositions: context,
                  tieWordEmbeddings: !tensors.contains("output.weight"),
                  attentionBias: tensors.contains("blk.0.attn_q.bias"),
                  outputBias: tensors.contains("blk.0.attn_output.bias"),
                  mlpBias: tensors.contains("blk.0.ffn_up.bias"), activation: .silu,
                  rotary: RotaryConfiguration(theta: try metadata.floatIfPresent(p + "rope.freq_base") ?? 10000,
                                              dimension: ropeDimension ?? headDimension, scaling: scaling,
                                              frequencyFactors: factors),
                  beginningOfSequenceID: try metadata.integerIfPresent("tokenizer.ggml.bos_token_id"),
                  endOfSequenceIDs: eos.map { [$0] } ?? [],
                  paddingTokenID: try metadata.integerIfPresent("tokenizer.ggml.padding_token_id"))
        try validate(file: file)
    }

    /// llama.cpp's tensor name for a Hugging Face LLaMA / Qwen2 state-dict key.
    static func ggufTensorName(_ name: String) -> String {
        switch name {
        case "model.embed_tokens.weight": return "token_embd.weight"
        case "model.norm.weight": return "output_norm.weight"
        case "lm_head.weight": return "output.weight"
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "model", parts[1] == "layers" else { return name }
        let layer = parts[2], rest = parts[3]
        let table = [
            "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
            "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
            "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
            "mlp.down_proj": "ffn_down",
        ]
        guard let dot = rest.lastIndex(of: "."), let mapped = table[String(rest[..<dot])] else { return name }
        return "blk.\(layer).\(mapped)\(rest[dot...])"
    }
}

extension DecoderLanguageModel {
    /// A LLaMA or Qwen2 model from a GGUF file (its metadata and tensors). Matrices stay in their
    /// stored quantization; the token embedding is dequantized once (it is also the tied head).
    /// For the `llama` architecture the rows of Q and K, which llama.cpp's converter permuted for
    /// GGML's adjacent-pair rotation, are put back in Hugging Face's order, so parameters,
    /// hooks and logits are those of the original checkpoint.
    /// - Throws: ``PretrainedError`` naming the file and the key or tensor at fault.
    public convenience init(gguf: GGUFMetadataReading & WeightStore) throws {
        let configuration = try DecoderConfiguration(gguf: gguf, tensors: gguf)
        let reader = DecoderWeightReader(store: gguf, storeName: DecoderConfiguration.ggufTensorName,
                                         unpermuteQueryKey: configuration.architecture == .llama,
                                         configuration: configuration)
        try self.init(configuration: configuration, reader: reader)
    }
}
