import Foundation
import LoupeNN
import LoupeTensor

extension DecoderLanguageModel {
    /// Builds the model of `configuration` from a Hugging Face checkpoint's tensors
    /// (`model.safetensors` names: `model.layers.N.…` for LLaMA / Qwen2, `transformer.h.N.…` or
    /// `h.N.…` for GPT-2). Dense weights become parameters; block-quantized ones stay quantized.
    /// - Throws: ``PretrainedError`` for an invalid configuration, a missing tensor or a tensor
    ///   of the wrong shape (naming the file and tensor).
    public convenience init(configuration: DecoderConfiguration, weights: WeightStore) throws {
        var prefix = ""
        if configuration.architecture == .gpt2, !weights.contains("transformer.wte.weight"), weights.contains("wte.weight") {
            prefix = "transformer."
        }
        let strip = prefix
        let reader = DecoderWeightReader(store: weights,
                                         storeName: { strip.isEmpty ? $0 : String($0.dropFirst(strip.count)) },
                                         unpermuteQueryKey: false, configuration: configuration)
        try self.init(configuration: configuration, reader: reader)
    }

    convenience init(configuration c: DecoderConfiguration, reader: DecoderWeightReader) throws {
        try c.validate(file: reader.file)
        switch c.architecture {
        case .gpt2: try self.init(gpt2: c, reader: reader)
        case .llama, .qwen2: try self.init(llamaFamily: c, reader: reader)
        }
    }

    private convenience init(gpt2 c: DecoderConfiguration, reader: DecoderWeightReader) throws {
        let e = c.hiddenSize
        let embedding = Self.embedding(try reader.dense("transformer.wte.weight", shape: [c.vocabularySize, e]),
                                       path: "transformer.wte")
        let positions = Self.embedding(try reader.dense("transformer.wpe.weight", shape: [c.maximumPositions, e]),
                                       path: "transformer.wpe")
        func layerNorm(_ path: String) throws -> LayerNorm {
            let norm = LayerNorm(e, epsilon: c.normEpsilon, path: path)
            norm.weight.value = try reader.dense(path + ".weight", shape: [e])
            norm.bias.value = try reader.dense(path + ".bias", shape: [e])
            return norm
        }
        func conv1D(_ path: String, _ input: Int, _ output: Int) throws -> Projection {
            Projection(path: path, weight: .dense(try reader.conv1DWeight(path + ".weight", input: input, output: output)),
                       bias: try reader.dense(path + ".bias", shape: [output]))
        }
        var blocks: [DecoderBlock] = []
        for i in 0..<c.layerCount {
            let p = "transformer.h.\(i)"
            let attention = DecoderAttention(path: p + ".attn", layer: i,
                                             inputs: .fused(try conv1D(p + ".attn.c_attn", e, 3 * e)),
                                             output: try conv1D(p + ".attn.c_proj", e, e), configuration: c)
            let mlp = DecoderMLP(path: p + ".mlp",
                                 kind: .plain(input: try conv1D(p + ".mlp.c_fc", e, c.intermediateSize),
                                              output: try conv1D(p + ".mlp.c_proj", c.intermediateSize, e)),
                                 activation: c.activation)
            blocks.append(DecoderBlock(path: p, layer: i, attentionNorm: try layerNorm(p + ".ln_1"), attention: attention,
                                       mlpNorm: try layerNorm(p + ".ln_2"), mlp: mlp))
        }
        let head = c.tieWordEmbeddings ? nil : try Self.projection(reader, "lm_head", [c.vocabularySize, e], bias: false)
        self.init(configuration: c, tokenEmbedding: embedding, positionEmbedding: positions, blocks: blocks,
                  finalNorm: try layerNorm("transformer.ln_f"), outputHead: head)
    }

    private convenience init(llamaFamily c: DecoderConfiguration, reader: DecoderWeightReader) throws {
        let e = c.hiddenSize
        let (qWidth, kvWidth) = (c.headCount * c.headDimension, c.keyValueHeadCount * c.headDimension)
        let storedEmbedding = try reader.weight("model.embed_tokens.weight", shape: [c.vocabularySize, e])
        let embedding: Embedding
        var quantizedEmbedding: QuantizedMatrix?
        switch storedEmbedding {
        case .dense(let t): embedding = Self.embedding(t, path: "model.embed_tokens")
        case .quantized(let q):
            embedding = Self.embedding(q.dequantized(), path: "model.embed_tokens")
            quantizedEmbedding = q
        }
        func norm(_ path: String) throws -> RMSNorm {
            RMSNorm(weight: try reader.dense(path + ".weight", shape: [e]), epsilon: c.normEpsilon, path: path)
        }
        var blocks: [DecoderBlock] = []
        for i in 0..<c.layerCount {
            let p = "model.layers.\(i)"
            let a = p + ".self_attn"
            let attention = DecoderAttention(
                path: a, layer: i,
                inputs: .separate(query: try Self.projection(reader, a + ".q_proj", [qWidth, e], bias: c.attentionBias),
                                  key: try Self.projection(reader, a + ".k_proj", [kvWidth, e], bias: c.attentionBias),
                                  value: try Self.projection(reader, a + ".v_proj", [kvWidth, e], bias: c.attentionBias)),
                output: try Self.projection(reader, a + ".o_proj", [e, qWidth], bias: c.outputBias), configuration: c)
            let m = p + ".mlp"
            let mlp = DecoderMLP(
                path: m,
                kind: .gated(gate: try Self.projection(reader, m + ".gate_proj", [c.intermediateSize, e], bias: c.mlpBias),
                             up: try Self.projection(reader, m + ".up_proj", [c.intermediateSize, e], bias: c.mlpBias),
                             down: try Self.projection(reader, m + ".down_proj", [e, c.intermediateSize], bias: c.mlpBias)),
                activation: c.activation)
            blocks.append(DecoderBlock(path: p, layer: i, attentionNorm: try norm(p + ".input_layernorm"),
                                       attention: attention, mlpNorm: try norm(p + ".post_attention_layernorm"), mlp: mlp))
        }
        let head = c.tieWordEmbeddings ? nil : try Self.projection(reader, "lm_head", [c.vocabularySize, e], bias: false)
        self.init(configuration: c, tokenEmbedding: embedding, positionEmbedding: nil, blocks: blocks,
                  finalNorm: try norm("model.norm"), outputHead: head,
                  storedTokenEmbedding: c.tieWordEmbeddings ? quantizedEmbedding : nil)
    }

    /// An embedding table holding `weight` (no padding row: pretrained tables are used as stored).
    static func embedding(_ weight: Tensor, path: String) -> Embedding {
        var generator = RandomGenerator(seed: 0)
        let table = Embedding(vocabularySize: 0, dimension: 0, path: path, generator: &generator)
        table.weight.value = weight
        return table
    }

    static func projection(_ reader: DecoderWeightReader, _ path: String, _ shape: [Int], bias: Bool) throws -> Projection {
        Projection(path: path, weight: try reader.weight(path + ".weight", shape: shape),
                   bias: bias ? try reader.dense(path + ".bias", shape: [shape[0]]) : nil)
    }
}
