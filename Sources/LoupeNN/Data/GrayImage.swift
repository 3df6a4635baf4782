/// A single-channel image with intensities in [0, 1], row-major (row 0 at the top).
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width × height` intensities, row by row.
    public var pixels: [Float]

    /// An image from row-major pixels.
    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "\(pixels.count) pixels for a \(width)×\(height) image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) { self.init(width: width, height: height, pixels: [Float](repeating: 0, count: width * height)) }

    /// The intensity at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Float {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Resamples to `newWidth × newHeight` by area averaging: each output pixel is the mean of the
    /// input area it covers, with fractional weights where the grids do not align (28 → 10 works).
    public func downsampled(width newWidth: Int, height newHeight: Int) -> GrayImage {
        precondition(newWidth > 0 && newHeight > 0, "target size must be positive")
        let columns = Self.areaWeights(from: width, to: newWidth)
        let rows = Self.areaWeights(from: height, to: newHeight)
        var out = [Float](repeating: 0, count: newWidth * newHeight)
        for (oy, rowWeights) in rows.enumerated() {
            for (ox, columnWeights) in columns.enumerated() {
                var sum: Float = 0
                for (sy, wy) in rowWeights {
                    for (sx, wx) in columnWeights { sum += wy * wx * pixels[sy * width + sx] }
                }
                out[oy * newWidth + ox] = sum
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// For each of `n` output cells, the source cells it overlaps and their weights (summing to 1).
    static func areaWeights(from size: Int, to n: Int) -> [[(Int, Float)]] {
        let scale = Double(size) / Double(n)
        return (0..<n).map { o in
            let lo = Double(o) * scale, hi = Double(o + 1) * scale
            var weights: [(Int, Float)] = []
            var s = Int(lo.rounded(.down))
            while Double(s) < hi && s < size {
                let overlap = Swift.min(hi, Double(s + 1)) - Swift.max(lo, Double(s))
                if overlap > 1e-12 { weights.append((s, Float(overlap / scale))) }
                s += 1
            }
            return weights
        }
    }

    /// 1 where the intensity is at least `threshold`, else 0.
    public func binarized(threshold: Float = 0.5) -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { $0 >= threshold ? 1 : 0 })
    }

    /// Sum of intensities.
    public var mass: Float { pixels.reduce(0, +) }

    /// The intensity-weighted mean position in pixel coordinates (pixel centres at `i + 0.5`), or nil
    /// for a black image.
    public var centroid: (x: Float, y: Float)? {
        var sx: Float = 0, sy: Float = 0, total: Float = 0
        for y in 0..<height {
            for x in 0..<width {
                let v = pixels[y * width + x]
                sx += v * (Float(x) + 0.5)
                sy += v * (Float(y) + 0.5)
                total += v
            }
        }
        return total > 0 ? (sx / total, sy / total) : nil
    }

    /// A text picture for logs and test failures: one character per pixel, darker to brighter.
    public func asciiArt() -> String {
        let ramp = Array(" .:-=+*#%@")
        return (0..<height).map { y in
            String((0..<width).map { x in ramp[Swift.min(ramp.count - 1, Int(self[x, y] * Float(ramp.count)))] })
        }.joined(separator: "\n")
    }
}
