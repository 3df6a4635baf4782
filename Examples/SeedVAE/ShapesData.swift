import Loupe

/// Procedural sprites (``ShapesGenerator``) with their factor grid indices.
struct ShapesImages {
    var images: [[Float]]
    /// `[shape, scale, rotation, x, y]` grid indices per image.
    var factors: [[Int]]
    var side: Int

    static let factorNames = ["shape", "scale", "rotation", "x", "y"]

    /// `count` 10×10 binary images: sprites rendered at 40×40, area-downsampled to 10×10 and
    /// thresholded at 0.5.
    static func binary10(count: Int, seed: UInt64) -> ShapesImages {
        let generator = ShapesGenerator(imageSize: 40, scaleCount: 6, rotationCount: 40, positionCount: 32,
                                        baseRadius: 0.3, supersampling: 1)
        let data = generator.randomSamples(count: count, seed: seed)
        let images = data.images.map { image in
            image.downsampled(width: 10, height: 10).pixels.map { $0 >= 0.5 ? Float(1) : 0 }
        }
        return ShapesImages(images: images, factors: data.factorIndices.map(\.array), side: 10)
    }

    /// `count` grayscale `side`×`side` sprites (covered fraction per pixel).
    static func grayscale(side: Int, count: Int, seed: UInt64) -> ShapesImages {
        let generator = ShapesGenerator(imageSize: side, supersampling: 2)
        let data = generator.randomSamples(count: count, seed: seed)
        return ShapesImages(images: data.images.map(\.pixels), factors: data.factorIndices.map(\.array), side: side)
    }
}
