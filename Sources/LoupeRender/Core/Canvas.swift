/// An RGBA8 raster image that pictures are drawn on and PNGs are read into.
///
/// Pixels are stored row-major, top row first, four bytes per pixel (R, G, B, A),
/// straight alpha. A `Canvas` is a value type; drawing methods are `mutating`.
public struct Canvas: Hashable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 4` bytes, RGBA, row-major.
    public internal(set) var pixels: [UInt8]

    /// The largest number of pixels a canvas may have (256 megapixels).
    public static let maxPixelCount = 1 << 28

    /// Creates a canvas filled with one colour.
    ///
    /// Sizes are clamped to at least 0; a request above ``maxPixelCount`` throws.
    public init(width: Int, height: Int, fill: RGBA = .white) throws {
        guard width >= 0, height >= 0 else {
            throw RenderError.invalidArgument("canvas size \(width)×\(height) is negative")
        }
        guard width == 0 || height <= Canvas.maxPixelCount / max(width, 1) else {
            throw RenderError.invalidArgument("canvas size \(width)×\(height) is too large")
        }
        self.init(uncheckedWidth: width, height: height, fill: fill)
    }

    /// Internal initialiser for sizes already known to be valid.
    init(uncheckedWidth width: Int, height: Int, fill: RGBA) {
        self.width = width
        self.height = height
        var buffer = [UInt8](repeating: 0, count: width * height * 4)
        if fill != .clear {
            buffer.withUnsafeMutableBufferPointer { p in
                var i = 0
                while i < p.count {
                    p[i] = fill.r; p[i + 1] = fill.g; p[i + 2] = fill.b; p[i + 3] = fill.a
                    i += 4
                }
            }
        }
        self.pixels = buffer
    }

    /// Internal initialiser for buffers already known to have the right size.
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Wraps existing RGBA8 bytes (`width * height * 4` of them).
    public init(width: Int, height: Int, rgba: [UInt8]) throws {
        guard width >= 0, height >= 0, rgba.count == width * height * 4 else {
            throw RenderError.countMismatch(what: "RGBA bytes for \(width)×\(height)",
                                            expected: max(0, width * height * 4), actual: rgba.count)
        }
        self.width = width
        self.height = height
        self.pixels = rgba
    }

    /// Builds an opaque canvas from 8-bit grayscale samples (`width * height` of them).
    public init(grayscale: [UInt8], width: Int, height: Int) throws {
        guard width >= 0, height >= 0, grayscale.count == width * height else {
            throw RenderError.countMismatch(what: "grayscale samples for \(width)×\(height)",
                                            expected: max(0, width * height), actual: grayscale.count)
        }
        var rgba = [UInt8](repeating: 255, count: grayscale.count * 4)
        for (i, v) in grayscale.enumerated() {
            rgba[4 * i] = v; rgba[4 * i + 1] = v; rgba[4 * i + 2] = v
        }
        try self.init(width: width, height: height, rgba: rgba)
    }

    /// Builds an opaque grayscale canvas from intensities in 0...1 (clamped; NaN → 0),
    /// e.g. a VAE decoder's sigmoid output.
    public init(intensities: [Float], width: Int, height: Int) throws {
        let bytes = intensities.map { v -> UInt8 in
            guard v.isFinite else { return 0 }
            return UInt8((min(max(v, 0), 1) * 255).rounded())
        }
        try self.init(grayscale: bytes, width: width, height: height)
    }

    /// Builds an opaque canvas from interleaved 8-bit RGB samples (`width * height * 3`).
    public init(rgb: [UInt8], width: Int, height: Int) throws {
        guard width >= 0, height >= 0, rgb.count == width * height * 3 else {
            throw RenderError.countMismatch(what: "RGB bytes for \(width)×\(height)",
                                            expected: max(0, width * height * 3), actual: rgb.count)
        }
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for i in 0..<(width * height) {
            rgba[4 * i] = rgb[3 * i]; rgba[4 * i + 1] = rgb[3 * i + 1]; rgba[4 * i + 2] = rgb[3 * i + 2]
        }
        try self.init(width: width, height: height, rgba: rgba)
    }

    /// The whole canvas as a rectangle.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// The colour at (`x`, `y`); `nil` outside the canvas.
    public func pixel(x: Int, y: Int) -> RGBA? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = (y * width + x) * 4
        return RGBA(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }

    /// Overwrites the pixel at (`x`, `y`); ignored outside the canvas.
    public mutating func setPixel(x: Int, y: Int, _ color: RGBA) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 4
        pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b; pixels[i + 3] = color.a
    }

    /// A copy of the region `rect` (clipped to the canvas).
    public func cropped(to rect: PixelRect) -> Canvas {
        let r = rect.intersection(bounds)
        var out = [UInt8](repeating: 0, count: max(0, r.width * r.height * 4))
        for row in 0..<max(0, r.height) {
            let src = ((r.y + row) * width + r.x) * 4
            let dst = row * r.width * 4
            out[dst..<(dst + r.width * 4)] = pixels[src..<(src + r.width * 4)]
        }
        return Canvas(uncheckedWidth: max(0, r.width), height: max(0, r.height), pixels: out)
    }

    /// Whether every pixel has alpha 255.
    public var isOpaque: Bool {
        var i = 3
        while i < pixels.count {
            if pixels[i] != 255 { return false }
            i += 4
        }
        return true
    }

    /// Whether every opaque pixel has R = G = B.
    public var isGrayscale: Bool {
        var i = 0
        while i < pixels.count {
            if pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2] { return false }
            i += 4
        }
        return true
    }
}
