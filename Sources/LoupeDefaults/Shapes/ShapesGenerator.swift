import Foundation
import LoupeNN
import LoupeTensor

/// The shape of a generated sprite.
public enum ShapeKind: Int, CaseIterable, Sendable, Codable {
    case square, ellipse, heart, triangle

    /// Whether the point `(u, v)` (unit coordinates, v up, radius about 1) is inside the shape.
    func contains(u: Float, v: Float) -> Bool {
        switch self {
        case .square:
            return Swift.max(Swift.abs(u), Swift.abs(v)) <= 0.8
        case .ellipse:
            return u * u + (v / 0.5) * (v / 0.5) <= 1
        case .heart:
            // (x² + y² − 1)³ − x² y³ ≤ 0, scaled and shifted so its extent is about [-1, 1]².
            let x = u * 1.15, y = v * 1.15 + 0.125
            let r = x * x + y * y - 1
            return r * r * r - x * x * y * y * y <= 0
        case .triangle:
            // Equilateral, circumradius 1, one vertex up.
            let s: Float = 1.732_050_8
            return v >= -0.5 && s * u + v <= 1 && -s * u + v <= 1
        }
    }
}

/// The generative factors of one sprite image.
public struct ShapeFactors: Equatable, Sendable {
    public var shape: ShapeKind
    /// Size relative to the largest sprite (dSprites uses 0.5…1).
    public var scale: Float
    /// Counter-clockwise rotation in radians.
    public var rotation: Float
    /// Horizontal position in [0, 1], left to right (the sprite always stays inside the image).
    public var x: Float
    /// Vertical position in [0, 1], top to bottom.
    public var y: Float

    public init(shape: ShapeKind, scale: Float, rotation: Float, x: Float, y: Float) {
        self.shape = shape
        self.scale = scale
        self.rotation = rotation
        self.x = x
        self.y = y
    }
}

/// Grid indices of a sprite's factors, in the generator's factor order (shape, scale, rotation, x, y).
public struct ShapeFactorIndices: Equatable, Hashable, Sendable {
    public var shape: Int, scale: Int, rotation: Int, x: Int, y: Int
    public init(shape: Int, scale: Int, rotation: Int, x: Int, y: Int) {
        self.shape = shape
        self.scale = scale
        self.rotation = rotation
        self.x = x
        self.y = y
    }
    /// `[shape, scale, rotation, x, y]`.
    public var array: [Int] { [shape, scale, rotation, x, y] }
}

/// Generated sprites with their known factors (for disentanglement checks on VAEs).
public struct ShapesDataSet: Sendable {
    public var images: [GrayImage]
    public var factors: [ShapeFactors]
    public var factorIndices: [ShapeFactorIndices]

    /// Number of images.
    public var count: Int { images.count }

    /// The images as an ``ImageDataSet`` labelled with the shape index.
    public var imageDataSet: ImageDataSet {
        ImageDataSet(width: images.first?.width ?? 0, height: images.first?.height ?? 0, images: images,
                     labels: factorIndices.map(\.shape))
    }
}

/// A procedural, dSprites-like sprite generator: a square, ellipse, heart or triangle at a given
/// scale, rotation and position, rendered into an N×N grayscale (or binary) image.
///
/// Each factor takes values from a grid (by default 4 shapes × 6 scales × 40 rotations × 32 × 32
/// positions, as in dSprites plus the triangle); ``fullGrid()`` enumerates every combination (shape
/// outermost, y innermost) and ``randomSamples(count:seed:)`` draws grid points with a seed. Grayscale
/// pixels hold the covered fraction of the pixel, estimated with `supersampling²` samples.
public struct ShapesGenerator: Sendable {
    /// Side of the square image in pixels.
    public var imageSize: Int
    public var shapes: [ShapeKind]
    public var scales: [Float]
    public var rotations: [Float]
    public var xPositions: [Float]
    public var yPositions: [Float]
    /// Radius of a scale-1 sprite as a fraction of the image side.
    public var baseRadius: Float
    /// Samples per pixel side for anti-aliasing (1 = one sample at the pixel centre).
    public var supersampling: Int
    /// Threshold the covered fraction at 0.5, giving 0 / 1 pixels.
    public var binary: Bool

    /// A generator; `positionCount` values in [0, 1] for both x and y, `rotationCount` angles in [0, 2π).
    public init(imageSize: Int = 32, shapes: [ShapeKind] = ShapeKind.allCases, scaleCount: Int = 6,
                rotationCount: Int = 40, positionCount: Int = 32, baseRadius: Float = 0.18,
                supersampling: Int = 4, binary: Bool = false) {
        precondition(imageSize > 0 && supersampling > 0 && !shapes.isEmpty, "invalid shapes generator settings")
        precondition(scaleCount > 0 && rotationCount > 0 && positionCount > 0, "every factor needs at least one value")
        self.imageSize = imageSize
        self.shapes = shapes
        self.scales = Self.values(count: scaleCount, from: 0.5, to: 1)
        self.rotations = (0..<rotationCount).map { Float($0) * 2 * .pi / Float(rotationCount) }
        self.xPositions = Self.values(count: positionCount, from: 0, to: 1)
        self.yPositions = self.xPositions
        self.baseRadius = baseRadius
        self.supersampling = supersampling
        self.binary = binary
    }

    /// `count` evenly spaced values from `a` to `b` inclusive (the midpoint when `count` is 1).
    static func values(count: Int, from a: Float, to b: Float) -> [Float] {
        count == 1 ? [(a + b) / 2] : (0..<count).map { a + (b - a) * Float($0) / Float(count - 1) }
    }

    /// Grid size of each factor: `[shapes, scales, rotations, x, y]`.
    public var factorSizes: [Int] { [shapes.count, scales.count, rotations.count, xPositions.count, yPositions.count] }
    /// Number of images in the full grid.
    public var gridCount: Int { factorSizes.reduce(1, *) }

    /// The factor values at grid indices.
    public func factors(at i: ShapeFactorIndices) -> ShapeFactors {
        ShapeFactors(shape: shapes[i.shape], scale: scales[i.scale], rotation: rotations[i.rotation],
                     x: xPositions[i.x], y: yPositions[i.y])
    }

    /// The grid indices of the `flat`-th image of ``fullGrid()``.
    public func indices(atFlatIndex flat: Int) -> ShapeFactorIndices {
        precondition(flat >= 0 && flat < gridCount, "flat index \(flat) outside 0..<\(gridCount)")
        var rest = flat
        var digits = [Int](repeating: 0, count: 5)
        for (d, size) in factorSizes.enumerated().reversed() {
            digits[d] = rest % size
            rest /= size
        }
        return ShapeFactorIndices(shape: digits[0], scale: digits[1], rotation: digits[2], x: digits[3], y: digits[4])
    }

    /// Renders one sprite.
    public func render(_ f: ShapeFactors) -> GrayImage {
        let n = imageSize
        let radius = baseRadius * f.scale
        let margin = baseRadius * (scales.max() ?? 1) * 1.15
        let cx = margin + f.x * (1 - 2 * margin), cy = margin + f.y * (1 - 2 * margin)
        let c = Float(Foundation.cos(Double(f.rotation))), s = Float(Foundation.sin(Double(f.rotation)))
        let k = supersampling
        var image = GrayImage(width: n, height: n)
        for py in 0..<n {
            for px in 0..<n {
                var hits = 0
                for sy in 0..<k {
                    for sx in 0..<k {
                        let dx = (Float(px) + (Float(sx) + 0.5) / Float(k)) / Float(n) - cx
                        let dy = cy - (Float(py) + (Float(sy) + 0.5) / Float(k)) / Float(n)   // v points up
                        let u = (c * dx + s * dy) / radius, v = (-s * dx + c * dy) / radius
                        if f.shape.contains(u: u, v: v) { hits += 1 }
                    }
                }
                let coverage = Float(hits) / Float(k * k)
                image[px, py] = binary ? (coverage >= 0.5 ? 1 : 0) : coverage
            }
        }
        return image
    }

    /// Every combination of factor values (``gridCount`` images; mind the size with the defaults).
    public func fullGrid() -> ShapesDataSet {
        make((0..<gridCount).map(indices(atFlatIndex:)))
    }

    /// `count` grid points drawn uniformly (with replacement) with a seed: same seed, same images.
    public func randomSamples(count: Int, seed: UInt64) -> ShapesDataSet {
        var generator = RandomGenerator(seed: seed)
        let sizes = factorSizes
        let drawn = (0..<count).map { _ -> ShapeFactorIndices in
            let d = sizes.map { generator.dataIndex(below: $0) }
            return ShapeFactorIndices(shape: d[0], scale: d[1], rotation: d[2], x: d[3], y: d[4])
        }
        return make(drawn)
    }

    private func make(_ indices: [ShapeFactorIndices]) -> ShapesDataSet {
        let factors = indices.map(factors(at:))
        return ShapesDataSet(images: factors.map(render), factors: factors, factorIndices: indices)
    }
}
