import LoupeNN

/// Where each part of an encoder lives in its Hugging Face state dict, so that module paths and
/// parameter names equal the checkpoint's keys (`bert.encoder.layer.0.attention.self.query.weight`,
/// `distilbert.transformer.layer.0.attention.q_lin.weight`, …).
struct EncoderStateNames {
    /// `bert`, `distilbert`, `roberta`, or "" for a bare checkpoint saved without a prefix.
    var prefix: String
    var layers: String
    var query: String
    var key: String
    var value: String
    var attentionOutput: String
    var attentionNorm: String
    var intermediate: String
    var output: String
    var outputNorm: String

    init(family: EncoderConfig.Family, prefix: String) {
        self.prefix = prefix
        switch family {
        case .distilbert:
            layers = "transformer.layer"
            query = "attention.q_lin"
            key = "attention.k_lin"
            value = "attention.v_lin"
            attentionOutput = "attention.out_lin"
            attentionNorm = "sa_layer_norm"
            intermediate = "ffn.lin1"
            output = "ffn.lin2"
            outputNorm = "output_layer_norm"
        case .bert, .roberta, .xlmRoberta:
            layers = "encoder.layer"
            query = "attention.self.query"
            key = "attention.self.key"
            value = "attention.self.value"
            attentionOutput = "attention.output.dense"
            attentionNorm = "attention.output.LayerNorm"
            intermediate = "intermediate.dense"
            output = "output.dense"
            outputNorm = "output.LayerNorm"
        }
    }

    /// `prefix.name` (or `name` when there is no prefix).
    func qualified(_ name: String) -> String { joinPath(prefix, name) }

    /// The path of layer `index`.
    func layer(_ index: Int) -> String { qualified("\(layers).\(index)") }
}
