import Foundation

extension ShapesGenerator {
    /// Names of the factors in grid order, as reported by MIG: shape, scale, rotation, x, y.
    public static let factorNames = ["shape", "scale", "rotation", "x", "y"]

    /// A dSprites-like generator (Matthey, Higgins, Hassabis & Lerchner, "dSprites: Disentanglement
    /// testing Sprites dataset", 2017; the factor grid of Higgins et al., "β-VAE", ICLR 2017): 64 × 64
    /// images of a square, an ellipse or a heart at 6 scales (0.5…1), 40 rotations over a full turn
    /// and 32 × 32 positions — 737,280 combinations, each rendered on demand by Loupe (no data file).
    ///
    /// Pixels are the covered fraction of 2 × 2 samples per pixel (`binary: true` thresholds them at
    /// ½ like the original binary sprites). Pass smaller counts for a coarser grid.
    public static func dSpritesLike(imageSize: Int = 64, scaleCount: Int = 6, rotationCount: Int = 40,
                                    positionCount: Int = 32, supersampling: Int = 2, binary: Bool = false) -> ShapesGenerator {
        ShapesGenerator(imageSize: imageSize, shapes: [.square, .ellipse, .heart], scaleCount: scaleCount,
                        rotationCount: rotationCount, positionCount: positionCount, baseRadius: 0.12,
                        supersampling: supersampling, binary: binary)
    }
}

extension ShapesDataSet {
    /// The factor grid indices as rows `[shape, scale, rotation, x, y]` (the labels MIG scores against).
    public var factorRows: [[Int]] { factorIndices.map(\.array) }

    /// The flattened pixels of every image, one row each.
    public var pixelRows: [[Float]] { images.map(\.pixels) }
}
