extension TextRenderer {
    /// Ascent, descent and line height for `font`, in pixels.
    public func lineMetrics(for font: FontSpec) -> LineMetrics {
        lock.withLock { unlockedLineMetrics(font) }
    }

    func unlockedLineMetrics(_ font: FontSpec) -> LineMetrics {
        let px = Double(font.size26_6) / 64
        guard let face = metricsFace, let m = face.verticalMetrics(size26_6: font.size26_6) else {
            return LineMetrics(ascent: px * 0.8, descent: px * 0.2, lineHeight: px * 1.2)
        }
        let ascent = Double(m.ascent) / 64, descent = Double(m.descent) / 64
        return LineMetrics(ascent: ascent, descent: descent, lineHeight: max(Double(m.height) / 64, ascent + descent))
    }

    /// The size of `text` set on one line (newlines are ignored; use ``wrap(_:font:maxWidth:)``).
    public func measure(_ text: String, font: FontSpec) -> TextMetrics {
        lock.withLock {
            let line = unlockedLineMetrics(font)
            let width = unlockedShape(text, font: font).widthInPixels
            return TextMetrics(width: width, ascent: line.ascent, descent: line.descent, lineHeight: line.lineHeight)
        }
    }

    /// The advance width of `text` on one line, kerning included, in pixels.
    public func width(of text: String, font: FontSpec) -> Double {
        lock.withLock { unlockedShape(text, font: font).widthInPixels }
    }

    /// Lays out `text` on one line.
    func shape(_ text: String, font: FontSpec) -> ShapedText {
        lock.withLock { unlockedShape(text, font: font) }
    }

    /// Lays out `text` on one line. Caller holds the lock.
    func unlockedShape(_ text: String, font: FontSpec) -> ShapedText {
        let size = font.size26_6
        let bold = font.weight == .bold
        var out = ShapedText()
        let count = text.unicodeScalars.count
        out.glyphs.reserveCapacity(count)
        out.positions.reserveCapacity(count)
        out.advances.reserveCapacity(count)
        var pen = 0
        var previous: (face: Int, glyph: UInt32)?
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                let space = glyph(for: " ", bold: bold, size: size)
                out.glyphs.append(.empty)
                out.positions.append(pen)
                out.advances.append(space.glyph.advance * 4)
                pen += space.glyph.advance * 4
                previous = nil
                continue
            }
            if TextRenderer.isInvisible(scalar) {
                out.glyphs.append(.empty)
                out.positions.append(pen)
                out.advances.append(0)
                continue
            }
            let (g, location) = glyph(for: scalar, bold: bold, size: size)
            var kern = 0
            if let location, let previous, previous.face == location.face {
                kern = kerning(face: location.face, previous.glyph, location.glyph, size: size)
            }
            pen += kern
            out.glyphs.append(g)
            out.positions.append(pen)
            out.advances.append(kern + g.advance)
            pen += g.advance
            previous = location
        }
        out.width = pen
        return out
    }

    /// The rendered glyph for `scalar` (a box when no font has it). Caller holds the lock.
    private func glyph(for scalar: Unicode.Scalar, bold: Bool, size: Int)
        -> (glyph: Glyph, location: (face: Int, glyph: UInt32)?) {
        let found = resolve(scalar, bold: bold)
        guard let face = found.face else {
            recordMissing(scalar)
            if let tofu = tofuCache[size] { return (tofu, nil) }
            let tofu = Glyph.tofu(size26_6: size)
            tofuCache[size] = tofu
            return (tofu, nil)
        }
        let key = GlyphKey(face: face, glyphIndex: found.glyphIndex, size26_6: size)
        if let hit = glyphCache[key] { return (hit, (face, found.glyphIndex)) }
        let g = faces[face].render(glyphIndex: found.glyphIndex, size26_6: size) ?? .tofu(size26_6: size)
        glyphCache[key] = g
        return (g, (face, found.glyphIndex))
    }

    /// Cached kerning between two glyphs of one face. Caller holds the lock.
    private func kerning(face: Int, _ left: UInt32, _ right: UInt32, size: Int) -> Int {
        guard faces[face].hasKerning else { return 0 }
        let key = KerningKey(face: face, left: left, right: right, size26_6: size)
        if let hit = kerningCache[key] { return hit }
        let value = faces[face].kerning(left, right, size26_6: size)
        kerningCache[key] = value
        return value
    }

    /// Whether the font that draws `scalar` has a kerning table.
    func hasKerning(for scalar: Unicode.Scalar) -> Bool {
        lock.withLock {
            guard let face = resolve(scalar, bold: false).face else { return false }
            return faces[face].hasKerning
        }
    }
}
