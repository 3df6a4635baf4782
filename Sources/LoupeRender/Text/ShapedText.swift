/// Text laid out on one line: one glyph per Unicode scalar, with pen positions.
struct ShapedText {
    /// One entry per scalar of the source text (empty glyphs for invisible scalars).
    var glyphs: [Glyph] = []
    /// Pen x position (26.6 pixels) of each glyph's origin.
    var positions: [Int] = []
    /// Advance of each scalar including the kerning applied before it (26.6 pixels).
    var advances: [Int] = []
    /// Total advance (26.6 pixels).
    var width: Int = 0

    /// Total advance in pixels.
    var widthInPixels: Double { Double(width) / 64 }
}
