import LoupeTensor

/// Sizes of an ``ImageVAE`` (the `config.json` keys in comments).
public struct ImageVAEConfig: Equatable, Sendable {
    public var height: Int           // height
    public var width: Int            // width
    public var hiddenDimension: Int  // hidden_dim
    public var latentDimension: Int  // latent_dim
    /// Hidden layers of width `hiddenDimension` in the encoder and in the decoder (1 by default;
    /// the key is written only when it is not 1).
    public var hiddenLayers: Int     // hidden_layers

    public init(height: Int, width: Int, hiddenDimension: Int, latentDimension: Int, hiddenLayers: Int = 1) {
        precondition(hiddenLayers >= 1, "an image VAE needs at least one hidden layer")
        self.height = height
        self.width = width
        self.hiddenDimension = hiddenDimension
        self.latentDimension = latentDimension
        self.hiddenLayers = hiddenLayers
    }

    /// Pixels per image, `height · width`.
    public var pixelCount: Int { height * width }
}

/// The `image-vae` architecture over images flattened to `P = height·width` values in [0, 1]:
/// encoder `encoder_hidden` Linear(P, H) → ReLU → `to_mu`, `to_logvar` Linear(H, Z);
/// decoder `decoder_hidden` Linear(Z, H) → ReLU → `decoder_output` Linear(H, P) → sigmoid.
/// With `hidden_layers` L > 1, each side has L − 1 further Linear(H, H) → ReLU layers after its
/// first (`encoder_hidden_2` …, `decoder_hidden_2` …), as in the MLP VAEs of Chen et al. (2018).
public final class ImageVAE: VariationalAutoencoder {
    public let path = ""
    public let config: ImageVAEConfig
    public let encoderHidden: Linear
    public let toMu: Linear
    public let toLogVariance: Linear
    public let decoderHidden: Linear
    public let decoderOutput: Linear
    /// The further hidden layers (empty with one hidden layer).
    public let encoderDeeper: [Linear]
    public let decoderDeeper: [Linear]

    /// A model with fresh random weights (PyTorch's default initialisation).
    public init(config: ImageVAEConfig, seed: UInt64 = 0) {
        self.config = config
        var rng = RandomGenerator(seed: seed)
        let (p, h, z) = (config.pixelCount, config.hiddenDimension, config.latentDimension)
        encoderHidden = Linear(p, h, path: "encoder_hidden", generator: &rng)
        toMu = Linear(h, z, path: "to_mu", generator: &rng)
        toLogVariance = Linear(h, z, path: "to_logvar", generator: &rng)
        decoderHidden = Linear(z, h, path: "decoder_hidden", generator: &rng)
        decoderOutput = Linear(h, p, path: "decoder_output", generator: &rng)
        let extra = 2..<(config.hiddenLayers + 1)
        encoderDeeper = extra.map { Linear(h, h, path: "encoder_hidden_\($0)", generator: &rng) }
        decoderDeeper = extra.map { Linear(h, h, path: "decoder_hidden_\($0)", generator: &rng) }
    }

    public var submodules: [Module] {
        [encoderHidden, toMu, toLogVariance, decoderHidden, decoderOutput] + encoderDeeper + decoderDeeper
    }
    public var latentDimension: Int { config.latentDimension }

    /// The posterior of images `[B, P]` (or `[B, height, width]`): `mu`, `logVariance` `[B, Z]`.
    public func encode(_ images: Tensor) -> (mu: Tensor, logVariance: Tensor) {
        let x = images.rank == 2 ? images : images.reshaped([images.shape[0], -1])
        precondition(x.shape.count == 2 && x.shape[1] == config.pixelCount,
                     "images \(images.shape) for \(config.height)×\(config.width) pixels")
        var h = encoderHidden(x).relu()
        for layer in encoderDeeper { h = layer(h).relu() }
        return (toMu(h), toLogVariance(h))
    }

    /// Decoder logits `[B, P]` for latents `z` `[B, Z]` (use with a binary cross-entropy on logits).
    public func decodeLogits(_ z: Tensor) -> Tensor {
        var h = decoderHidden(z).relu()
        for layer in decoderDeeper { h = layer(h).relu() }
        return decoderOutput(h)
    }

    /// Pixel probabilities `[B, P]` for latents `z` `[B, Z]`.
    public func decode(_ z: Tensor) -> Tensor {
        hooked(decodeLogits(z).sigmoid())
    }

    /// Latent traversal: for each latent dimension `d` (rows) and each of `values` (columns), the
    /// decoded image of `base` `[Z]` with dimension `d` set to the value. Returns `[Z, values.count, P]`.
    public func traversal(base: [Float], values: [Float]) -> Tensor {
        let z = latentDimension
        precondition(base.count == z, "base latent has \(base.count) values, expected \(z)")
        var latents = [Float]()
        latents.reserveCapacity(z * values.count * z)
        for d in 0..<z {
            for v in values {
                var row = base
                row[d] = v
                latents.append(contentsOf: row)
            }
        }
        let images = decode(Tensor(shape: [z * values.count, z], scalars: latents))
        return images.reshaped([z, values.count, config.pixelCount])
    }
}
