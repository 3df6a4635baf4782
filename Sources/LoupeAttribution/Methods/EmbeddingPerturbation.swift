import LoupeNN
import LoupeTensor

/// How large the Gaussian noise of ``NoiseTunnel`` and ``GradientSHAP`` is.
///
/// Smilkov et al. (2017, §3) recommend a standard deviation of 10–20 % of the input's value range,
/// so the default is relative: σ = level × (max − min) over the input's token embeddings (the
/// real tokens of that one input). `absolute` gives σ directly in embedding units.
public enum NoiseScale: Equatable, Sendable {
    /// σ = level × (max − min) of the input's embeddings.
    case relative(Double)
    /// σ in embedding units.
    case absolute(Double)

    /// The standard deviation for an input whose embeddings are `x`.
    func standardDeviation(for x: Tensor) -> Double {
        switch self {
        case .absolute(let s): return s
        case .relative(let level):
            guard let lo = x.scalars.min(), let hi = x.scalars.max() else { return 0 }
            return level * Double(hi - lo)
        }
    }

    var isValid: Bool {
        switch self {
        case .absolute(let s), .relative(let s): return s.isFinite && s >= 0
        }
    }

    /// `mode` (`relative`/`absolute`) and `level`, as recorded in parameters.
    var parameters: [String: ParameterValue] {
        switch self {
        case .relative(let l): return ["noise_mode": .string("relative"), "noise_level": .double(l)]
        case .absolute(let s): return ["noise_mode": .string("absolute"), "noise_level": .double(s)]
        }
    }
}

/// Adding a fixed offset to the token-embedding output for the duration of a call.
///
/// The offset is installed as a scoped replace hook on the model's embedding module. Because
/// ``SiteProbe/embeddings(_:)`` and every model forward run the embedding module under the
/// active hooks, a wrapped attribution method sees `x + offset` as its input (and its own inner
/// replace hooks, installed later, still take precedence inside its forward passes).
enum EmbeddingPerturbation {
    /// Runs `body` with `offset` (`[1, T, E]`, broadcast over the batch) added to every embedding
    /// output of shape `[B, T, E]`. Throws if the wrapped code runs the embedding on sequences of
    /// another length (the offset would not line up with the tokens).
    static func withOffset<R>(_ offset: Tensor, model: TokenModel, _ body: () throws -> R) throws -> R {
        let mismatch = ShapeMismatch()
        let hook = Hook.replace(model.tokenEmbedding) { original in
            guard original.rank == 3, Array(original.shape.dropFirst()) == Array(offset.shape.dropFirst()) else {
                mismatch.shape = original.shape
                return original
            }
            return original + offset
        }
        let result = try withHooks([hook]) { try body() }
        if let shape = mismatch.shape {
            throw AttributionError.notSupported(
                "embedding output \(shape) does not match the perturbation \(offset.shape): the wrapped method changes the sequence length")
        }
        return result
    }

    /// Gaussian noise `[1, T, E]` with standard deviation `sigma`.
    static func gaussian(like x: Tensor, sigma: Double, using rng: inout RandomGenerator) -> Tensor {
        Tensor.randomNormal([1] + Array(x.shape.dropFirst()), standardDeviation: Float(sigma), using: &rng)
    }
}


extension ParameterValue {
    /// A seed as a JSON-safe integer (bit pattern of the `UInt64`).
    static func seed(_ s: UInt64) -> ParameterValue { .int(Int(truncatingIfNeeded: s)) }
}
