import Foundation

/// The decoder-only architectures Loupe loads, named as Hugging Face's `architectures` entry.
public enum DecoderArchitecture: String, Sendable, CaseIterable {
    /// GPT-2 (Radford et al., 2019): learned positions, pre-LayerNorm blocks, fused `c_attn`.
    case gpt2 = "GPT2LMHeadModel"
    /// LLaMA (Touvron et al., 2023): RMSNorm, rotary positions, grouped-query attention, SwiGLU.
    case llama = "LlamaForCausalLM"
    /// Qwen2 (Yang et al., 2024): LLaMA with biases on the query, key and value projections.
    case qwen2 = "Qwen2ForCausalLM"

    /// The architecture for a `config.json` `model_type` (`gpt2`, `llama`, `qwen2`).
    public init?(modelType: String) {
        switch modelType {
        case "gpt2": self = .gpt2
        case "llama": self = .llama
        case "qwen2": self = .qwen2
        default: return nil
        }
    }
}

/// A feed-forward activation, by its transformers `ACT2FN` name.
public enum DecoderActivation: String, Sendable, CaseIterable {
    /// `x·σ(x)` (`silu`, `swish`).
    case silu
    /// GELU's tanh approximation (`gelu_new`, `gelu_pytorch_tanh`, `gelu_fast` is not this one).
    case geluTanh = "gelu_new"
    /// GELU, exact erf form (`gelu`).
    case gelu
    /// `max(0, x)`.
    case relu

    /// The activation called `name` in a `config.json` (`hidden_act` / `activation_function`).
    public init?(transformersName name: String) {
        switch name {
        case "silu", "swish": self = .silu
        case "gelu_new", "gelu_pytorch_tanh": self = .geluTanh
        case "gelu": self = .gelu
        case "relu": self = .relu
        default: return nil
        }
    }
}

/// How the rotary embedding's frequencies are rescaled (transformers' `rope_type`).
public enum RotaryScaling: Sendable, Equatable {
    /// `θ⁻²ⁱᐟᵈ` unchanged (`default`).
    case none
    /// Every frequency divided by `factor` (`linear`, position interpolation: Chen et al., 2023).
    case linear(factor: Double)
    /// LLaMA 3.1's band-wise rescaling (`llama3`): low frequencies divided by `factor`, high ones
    /// kept, a smooth blend between (wavelength thresholds `originalContext / lowFrequencyFactor`
    /// and `originalContext / highFrequencyFactor`).
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalContext: Int)
}

/// Rotary position embedding parameters (Su et al., "RoFormer", 2021).
public struct RotaryConfiguration: Sendable, Equatable {
    /// The base `θ` (`rope_theta`).
    public var theta: Double
    /// Features of a head that rotate (`head_dim · partial_rotary_factor`, even).
    public var dimension: Int
    public var scaling: RotaryScaling
    /// Per-frequency divisors (GGUF's `rope_freqs.weight`), applied after `scaling`; `nil` for none.
    public var frequencyFactors: [Float]?

    public init(theta: Double, dimension: Int, scaling: RotaryScaling = .none, frequencyFactors: [Float]? = nil) {
        self.theta = theta
        self.dimension = dimension
        self.scaling = scaling
        self.frequencyFactors = frequencyFactors
    }

    /// The inverse frequencies `1 / θ^(2i/dimension)`, `i < dimension/2`, rescaled as
    /// transformers' `ROPE_INIT_FUNCTIONS` do (computed in single precision like them), and the
    /// attention scaling applied to `cos` and `sin` (1 for the supported types).
    public var inverseFrequencies: [Float] {
        let half = dimension / 2
        var frequencies = (0..<half).map { i -> Float in
            let exponent = Float(2 * i) / Float(dimension)
            return 1 / Foundation.pow(Float(theta), exponent)
        }
        switch scaling {
        case .none: break
        case .linear(let factor):
            frequencies = frequencies.map { $0 / Float(factor) }
        case .llama3(let factor, let low, let high, let original):
            let lowWavelength = Float(original) / Float(low)
            let highWavelength = Float(original) / Float(high)
            frequencies = frequencies.map { f in
                let wavelength = 2 * Float.pi / f
                let scaled = wavelength > lowWavelength ? f / Float(factor) : f
                let medium = !(wavelength < highWavelength) && !(wavelength > lowWavelength)
                guard medium else { return scaled }
                let smooth = (Float(original) / wavelength - Float(low)) / (Float(high) - Float(low))
                return (1 - smooth) * scaled / Float(factor) + smooth * scaled
            }
        }
        if let factors = frequencyFactors {
            for i in 0..<Swift.min(half, factors.count) where factors[i] != 0 { frequencies[i] /= factors[i] }
        }
        return frequencies
    }
}

/// The hyper-parameters of a decoder language model, with transformers' defaults for keys a
/// `config.json` leaves out (`LlamaConfig`, `Qwen2Config`, `GPT2Config`).
public struct DecoderConfiguration: Sendable, Equatable {
    public var architecture: DecoderArchitecture
    public var vocabularySize: Int
    /// Width of the residual stream (`hidden_size`, `n_embd`).
    public var hiddenSize: Int
    public var layerCount: Int
    /// Query heads (`num_attention_heads`, `n_head`).
    public var headCount: Int
    /// Key/value heads (`num_key_value_heads`; `headCount` without grouped-query attention).
    public var keyValueHeadCount: Int
    /// Features per head (`head_dim`, default `hiddenSize / headCount`).
    public var headDimension: Int
    /// Width of the feed-forward layer (`intermediate_size`, `n_inner`, default `4 · n_embd`).
    public var intermediateSize: Int
    /// Epsilon of the normalisation layers (`rms_norm_eps`, `layer_norm_epsilon`).
    public var normEpsilon: Float
    /// `max_position_embeddings` / `n_positions`: a hard limit for learned positions (GPT-2).
    public var maximumPositions: Int
    /// The output head shares the token embedding (`tie_word_embeddings`).
    public var tieWordEmbeddings: Bool
    /// Biases on the query, key and value projections (`attention_bias`; Qwen2: always).
    public var attentionBias: Bool
    /// Bias on the attention output projection (`attention_bias` for LLaMA; none for Qwen2).
    public var outputBias: Bool
    /// Biases on the feed-forward projections (`mlp_bias`).
    public var mlpBias: Bool
    public var activation: DecoderActivation
    /// Rotary positions (`nil`: learned absolute positions, GPT-2).
    public var rotary: RotaryConfiguration?
    /// Attention scores are scaled by `1/√d` (GPT-2's `scale_attn_weights`, always for RoPE models).
    public var scaleAttentionWeights: Bool
    /// GPT-2's `scale_attn_by_inverse_layer_idx`: layer `i`'s scores are further divided by `i + 1`.
    public var scaleAttentionByInverseLayer: Bool
    public var beginningOfSequenceID: Int?
    /// End-of-sequence ids (`eos_token_id`, one or several).
    public var endOfSequenceIDs: [Int]
    /// `pad_token_id` when the configuration names one.
    public var paddingTokenID: Int?

    public init(architecture: DecoderArchitecture, vocabularySize: Int, hiddenSize: Int, layerCount: Int,
                headCount: Int, keyValueHeadCount: Int? = nil, headDimension: Int? = nil, intermediateSize: Int,
                normEpsilon: Float, maximumPositions: Int, tieWordEmbeddings: Bool, attentionBias: Bool = false,
                outputBias: Bool = false, mlpBias: Bool = false, activation: DecoderActivation,
                rotary: RotaryConfiguration?, scaleAttentionWeights: Bool = true,
                scaleAttentionByInverseLayer: Bool = false, beginningOfSequenceID: Int? = nil,
                endOfSequenceIDs: [Int] = [], paddingTokenID: Int? = nil) {
        self.architecture = architecture
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.keyValueHeadCount = keyValueHeadCount ?? headCount
        self.headDimension = headDimension ?? (headCount > 0 ? hiddenSize / headCount : 0)
        self.intermediateSize = intermediateSize
        self.normEpsilon = normEpsilon
        self.maximumPositions = maximumPositions
        self.tieWordEmbeddings = tieWordEmbeddings
        self.attentionBias = attentionBias
        self.outputBias = outputBias
        self.mlpBias = mlpBias
        self.activation = activation
        self.rotary = rotary
        self.scaleAttentionWeights = scaleAttentionWeights
        self.scaleAttentionByInverseLayer = scaleAttentionByInverseLayer
        self.beginningOfSequenceID = beginningOfSequenceID
        self.endOfSequenceIDs = endOfSequenceIDs
        self.paddingTokenID = paddingTokenID
    }

    /// Checks the sizes fit together (positive, heads divide evenly, rotary fits a head).
    /// - Throws: ``PretrainedError/badConfig(file:key:detail:)`` naming `file` and the key.
    public func validate(file: String) throws {
        func positive(_ value: Int, _ key: String) throws {
            guard value > 0 else { throw PretrainedError.badConfig(file: file, key: key, detail: "must be positive, got \(value)") }
        }
        try positive(vocabularySize, "vocab_size")
        try positive(hiddenSize, "hidden_size")
        try positive(layerCount, "num_hidden_layers")
        try positive(headCount, "num_attention_heads")
        try positive(keyValueHeadCount, "num_key_value_heads")
        try positive(headDimension, "head_dim")
        try positive(intermediateSize, "intermediate_size")
        try positive(maximumPositions, "max_position_embeddings")
        guard headCount % keyValueHeadCount == 0 else {
            throw PretrainedError.badConfig(file: file, key: "num_key_value_heads",
                                            detail: "\(keyValueHeadCount) does not divide \(headCount) attention heads")
        }
        // Products of sizes a file claims are taken with overflow checks (2³² heads of 2³² would trap).
        let (attentionWidth, attentionOverflow) = headCount.multipliedReportingOverflow(by: headDimension)
        if architecture == .gpt2, attentionOverflow || attentionWidth != hiddenSize {
            throw PretrainedError.badConfig(file: file, key: "n_head", detail: "\(headCount) heads do not divide n_embd \(hiddenSize)")
        }
        if let rotary {
            guard rotary.dimension > 0, rotary.dimension % 2 == 0, rotary.dimension <= headDimension else {
                throw PretrainedError.badConfig(file: file, key: "rope",
                                                detail: "rotary dimension \(rotary.dimension) for heads of \(headDimension)")
            }
            guard rotary.theta > 0, rotary.theta.isFinite else {
                throw PretrainedError.badConfig(file: file, key: "rope_theta", detail: "must be positive, got \(rotary.theta)")
            }
        }
        guard normEpsilon >= 0, normEpsilon.isFinite else {
            throw PretrainedError.badConfig(file: file, key: "rms_norm_eps", detail: "must be a non-negative number")
        }
        // Sizes a file may claim but no machine could hold (unbounded allocation guard).
        let limit = 1 << 31
        guard vocabularySize < limit, hiddenSize < 1 << 20, layerCount < 1 << 12, intermediateSize < 1 << 22,
              !attentionOverflow, attentionWidth < 1 << 22, vocabularySize.multipliedReportingOverflow(by: hiddenSize).overflow == false,
              maximumPositions < 1 << 26 else {
            throw PretrainedError.badConfig(file: file, key: "hidden_size", detail: "sizes are implausibly large")
        }
    }
}
