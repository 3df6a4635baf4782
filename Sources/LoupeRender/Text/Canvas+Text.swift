extension Canvas {
    /// Draws `text` on one line with its baseline at `baseline` and its pen starting at `x`
    /// (pixels), antialiased and blended over what is there. Returns the advance width in pixels.
    @discardableResult
    public mutating func drawText(_ text: String, x: Double, baseline: Double, font: FontSpec,
                                  color: RGBA, renderer: TextRenderer = .shared) -> Double {
        let shaped = renderer.shape(text, font: font)
        draw(shaped, x: x, baseline: baseline, color: color)
        return shaped.widthInPixels
    }

    /// Draws already shaped text.
    mutating func draw(_ shaped: ShapedText, x: Double, baseline: Double, color: RGBA) {
        let originX = Int((x * 64).rounded())
        let baseY = Int(baseline.rounded())
        let w = width, h = height
        pixels.withUnsafeMutableBufferPointer { p in
            for (glyph, pen) in zip(shaped.glyphs, shaped.positions) where glyph.width > 0 && glyph.rows > 0 {
                let gx = (originX + pen + 32) >> 6 + glyph.left
                let gy = baseY - glyph.top
                let x0 = max(0, -gx), x1 = min(glyph.width, w - gx)
                let y0 = max(0, -gy), y1 = min(glyph.rows, h - gy)
                guard x0 < x1, y0 < y1 else { continue }
                glyph.coverage.withUnsafeBufferPointer { cov in
                    for row in y0..<y1 {
                        var di = ((gy + row) * w + gx + x0) * 4
                        var si = row * glyph.width + x0
                        for _ in x0..<x1 {
                            let c = cov[si]
                            if c != 0 { Canvas.blend(p, at: di, color, coverage: Int(c)) }
                            di += 4
                            si += 1
                        }
                    }
                }
            }
        }
    }
}
