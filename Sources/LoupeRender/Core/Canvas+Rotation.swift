extension Canvas {
    /// The canvas turned a quarter turn counter-clockwise: the top row becomes the left
    /// column, read bottom to top (how vertical axis labels are set).
    public func rotatedCounterclockwise() -> Canvas {
        var out = [UInt8](repeating: 0, count: pixels.count)
        let w = width, h = height
        // Source (x, y) goes to (y, w − 1 − x) in a canvas h wide and w tall.
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let si = (y * w + x) * 4
                        let di = ((w - 1 - x) * h + y) * 4
                        dst[di] = src[si]; dst[di + 1] = src[si + 1]; dst[di + 2] = src[si + 2]; dst[di + 3] = src[si + 3]
                    }
                }
            }
        }
        return Canvas(uncheckedWidth: h, height: w, pixels: out)
    }

    /// Fills `rect` with `background` and diagonal hatching in `lineColor` (lines `spacing`
    /// pixels apart), the mark of cells that were not attributed.
    mutating func hatch(_ rect: PixelRect, background: RGBA, lineColor: RGBA, spacing: Int) {
        fill(rect, with: background)
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        let step = max(2, spacing)
        for y in r.minY..<r.maxY {
            for x in r.minX..<r.maxX where (x - rect.x + y - rect.y) % step == 0 {
                setPixel(x: x, y: y, lineColor)
            }
        }
    }
}
