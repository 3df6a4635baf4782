extension TextRenderer {
    /// The font file and FreeType glyph index `scalar` is drawn with; `(nil, 0)` when no font has it
    /// (it is then drawn as a box). Does not record anything in ``missingGlyphs``.
    func glyphSource(for scalar: Unicode.Scalar, bold: Bool = false) -> (path: String?, glyphIndex: UInt32) {
        lock.withLock {
            let found = resolve(scalar, bold: bold)
            guard let face = found.face else { return (nil, 0) }
            return (faces[face].location.path, found.glyphIndex)
        }
    }

    /// The `.notdef` glyph (index 0: the font's own box) of the opened font at `path`, rendered at
    /// `font`'s size; `nil` when no such font is open.
    func notdefGlyph(ofFontAt path: String, font: FontSpec) -> Glyph? {
        lock.withLock {
            faces.first { $0.location.path == path }?.render(glyphIndex: 0, size26_6: font.size26_6)
        }
    }
}
