import LoupeNN
import LoupeTensor

/// An image VAE over `height × width` images flattened to `P` intensities in [0, 1]: it needs only
/// an encoder to the posterior and a decoder to pixel probabilities, and gets ``LatentModel``'s
/// requirements for free (an example is its `P` pixels, a cell is the decoded image).
///
/// ``ImageVAE`` conforms; so can any user model built from LoupeNN layers.
public protocol ImageLatentModel: LatentModel where Example == [Float] {
    /// Image width in pixels.
    var imageWidth: Int { get }
    /// Image height in pixels.
    var imageHeight: Int { get }
    /// The posterior of images `[B, P]`: `mu`, `logVariance` `[B, Z]`.
    func encode(_ images: Tensor) -> (mu: Tensor, logVariance: Tensor)
    /// Pixel probabilities `[N, P]` for latents `[N, Z]`.
    func decode(_ z: Tensor) -> Tensor
}

extension ImageLatentModel {
    /// Pixels per image.
    public var pixelCount: Int { imageWidth * imageHeight }

    public func posterior(of examples: [[Float]]) -> (mu: Tensor, logVariance: Tensor) {
        let p = pixelCount
        precondition(examples.allSatisfy { $0.count == p }, "every image needs \(p) pixels (\(imageWidth)×\(imageHeight))")
        return encode(Tensor(shape: [examples.count, p], scalars: examples.flatMap { $0 }))
    }

    public func decodedCells(for latents: Tensor, decoding: LatentDecoding) -> [DecodedCell] {
        let images = decode(latents)
        let p = pixelCount
        precondition(images.count == latents.shape[0] * p, "decoder gave \(images.shape) for \(latents.shape[0]) images of \(p) pixels")
        return (0..<latents.shape[0]).map { i in
            .image(DecodedImage(width: imageWidth, height: imageHeight, pixels: Array(images.scalars[(i * p)..<((i + 1) * p)])))
        }
    }
}

extension ImageVAE: ImageLatentModel {
    public var architectureName: String { ImageVAEConfig.architecture }
    public var imageWidth: Int { config.width }
    public var imageHeight: Int { config.height }
}
