import Loupe

/// The seed's own VAE for 10×10 binary images, built from LoupeNN `Linear` layers:
///
///     x (100) → Dense 256 ReLU → μ (64), log σ² (64)        encoder
///     z (64)  → Dense 256 ReLU → Dense 100 → sigmoid         decoder
///
/// The σ head predicts `log σ²` (so σ = exp(½ log σ²) is always positive). Trained with binary
/// cross-entropy plus the KL term. Conforming to ``ImageLatentModel`` is all Loupe needs to
/// compute its latent codes and traversals.
final class SeedVAE: ImageLatentModel {
    let path = ""
    let side: Int
    let encoderHidden: Linear
    let toMu: Linear
    let toLogVariance: Linear
    let decoderHidden: Linear
    let decoderOutput: Linear

    init(side: Int = 10, hidden: Int = 256, latent: Int = 64, seed: UInt64 = 0) {
        self.side = side
        var rng = RandomGenerator(seed: seed)
        let pixels = side * side
        encoderHidden = Linear(pixels, hidden, path: "encoder_hidden", generator: &rng)
        toMu = Linear(hidden, latent, path: "to_mu", generator: &rng)
        toLogVariance = Linear(hidden, latent, path: "to_logvar", generator: &rng)
        decoderHidden = Linear(latent, hidden, path: "decoder_hidden", generator: &rng)
        decoderOutput = Linear(hidden, pixels, path: "decoder_output", generator: &rng)
    }

    var submodules: [Module] { [encoderHidden, toMu, toLogVariance, decoderHidden, decoderOutput] }
    var latentDimension: Int { toMu.outputSize }
    var architectureName: String { "seed-vae" }
    var imageWidth: Int { side }
    var imageHeight: Int { side }

    func encode(_ images: Tensor) -> (mu: Tensor, logVariance: Tensor) {
        let h = encoderHidden(images).relu()
        return (toMu(h), toLogVariance(h))
    }

    func decodeLogits(_ z: Tensor) -> Tensor { decoderOutput(decoderHidden(z).relu()) }

    func decode(_ z: Tensor) -> Tensor { decodeLogits(z).sigmoid() }
}
