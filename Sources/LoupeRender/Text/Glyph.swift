/// A rendered glyph: an 8-bit coverage bitmap plus placement, in pixels.
struct Glyph {
    /// Horizontal advance in 26.6 fixed point.
    var advance: Int
    /// Offset from the pen position to the bitmap's left edge.
    var left: Int
    /// Offset from the baseline up to the bitmap's top edge.
    var top: Int
    var width: Int
    var rows: Int
    /// `width * rows` coverage values, 0 = transparent, 255 = ink.
    var coverage: [UInt8]

    static let empty = Glyph(advance: 0, left: 0, top: 0, width: 0, rows: 0, coverage: [])

    /// A "tofu" box drawn for characters no installed font has.
    static func tofu(size26_6: Int) -> Glyph {
        let px = Double(size26_6) / 64
        let width = max(3, Int((px * 0.5).rounded()))
        let rows = max(4, Int((px * 0.7).rounded()))
        let t = max(1, Int((px / 14).rounded()))
        var coverage = [UInt8](repeating: 0, count: width * rows)
        for y in 0..<rows {
            for x in 0..<width where x < t || x >= width - t || y < t || y >= rows - t {
                coverage[y * width + x] = 255
            }
        }
        let side = max(1, Int((px * 0.08).rounded()))
        return Glyph(advance: (width + 2 * side) * 64, left: side, top: rows, width: width, rows: rows,
                     coverage: coverage)
    }
}

/// Cache key for a rendered glyph.
struct GlyphKey: Hashable {
    var face: Int
    var glyphIndex: UInt32
    var size26_6: Int
}

/// Cache key for a kerning pair.
struct KerningKey: Hashable {
    var face: Int
    var left: UInt32
    var right: UInt32
    var size26_6: Int
}
