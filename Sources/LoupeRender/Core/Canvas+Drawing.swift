extension Canvas {
    /// Composites `color` over the pixel at byte offset `i` with extra coverage `coverage` (0...255).
    @inline(__always)
    static func blend(_ p: UnsafeMutableBufferPointer<UInt8>, at i: Int, _ color: RGBA, coverage: Int) {
        let sa = Int(color.a) * coverage / 255
        if sa == 0 { return }
        if sa == 255 {
            p[i] = color.r; p[i + 1] = color.g; p[i + 2] = color.b; p[i + 3] = 255
            return
        }
        let da = Int(p[i + 3])
        if da == 255 {
            let inv = 255 - sa
            p[i] = UInt8((Int(color.r) * sa + Int(p[i]) * inv + 127) / 255)
            p[i + 1] = UInt8((Int(color.g) * sa + Int(p[i + 1]) * inv + 127) / 255)
            p[i + 2] = UInt8((Int(color.b) * sa + Int(p[i + 2]) * inv + 127) / 255)
            return
        }
        // General straight-alpha source-over.
        let outA = sa * 255 + da * (255 - sa)   // scaled by 255
        if outA == 0 { return }
        func channel(_ s: UInt8, _ d: UInt8) -> UInt8 {
            UInt8((Int(s) * sa * 255 + Int(d) * da * (255 - sa) + outA / 2) / outA)
        }
        p[i] = channel(color.r, p[i])
        p[i + 1] = channel(color.g, p[i + 1])
        p[i + 2] = channel(color.b, p[i + 2])
        p[i + 3] = UInt8((outA + 127) / 255)
    }

    /// Fills `rect` (clipped to the canvas) with `color`, compositing when it is translucent.
    public mutating func fill(_ rect: PixelRect, with color: RGBA) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { p in
            for y in r.minY..<r.maxY {
                var i = (y * w + r.minX) * 4
                for _ in 0..<r.width {
                    Canvas.blend(p, at: i, color, coverage: 255)
                    i += 4
                }
            }
        }
    }

    /// Draws the outline of `rect` with lines `thickness` pixels wide, inside the rectangle.
    public mutating func stroke(_ rect: PixelRect, with color: RGBA, thickness: Int = 1) {
        let t = max(1, min(thickness, rect.width / 2 + 1, rect.height / 2 + 1))
        fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: t), with: color)
        fill(PixelRect(x: rect.x, y: rect.maxY - t, width: rect.width, height: t), with: color)
        fill(PixelRect(x: rect.x, y: rect.y + t, width: t, height: rect.height - 2 * t), with: color)
        fill(PixelRect(x: rect.maxX - t, y: rect.y + t, width: t, height: rect.height - 2 * t), with: color)
    }

    /// Draws a straight line from (`x0`, `y0`) to (`x1`, `y1`), `thickness` pixels wide.
    ///
    /// Horizontal and vertical lines are exact rectangles; other lines use Bresenham steps
    /// with square pens.
    public mutating func drawLine(x0: Int, y0: Int, x1: Int, y1: Int, color: RGBA, thickness: Int = 1) {
        let t = max(1, thickness)
        let before = (t - 1) / 2
        if y0 == y1 {
            fill(PixelRect(x: min(x0, x1), y: y0 - before, width: abs(x1 - x0) + 1, height: t), with: color)
            return
        }
        if x0 == x1 {
            fill(PixelRect(x: x0 - before, y: min(y0, y1), width: t, height: abs(y1 - y0) + 1), with: color)
            return
        }
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            fill(PixelRect(x: x - before, y: y - before, width: t, height: t), with: color)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Composites `color` onto the pixel at (`x`, `y`) with coverage 0...255 (used for glyphs).
    public mutating func blendPixel(x: Int, y: Int, _ color: RGBA, coverage: UInt8 = 255) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 4
        pixels.withUnsafeMutableBufferPointer { p in
            Canvas.blend(p, at: i, color, coverage: Int(coverage))
        }
    }

    /// Composites `image` onto the canvas with its top-left corner at (`x`, `y`), each source
    /// pixel repeated `scale` × `scale` times (nearest-neighbour upscale). Clipped to the canvas.
    public mutating func draw(_ image: Canvas, x: Int, y: Int, scale: Int = 1) {
        let s = max(1, scale)
        draw(image, in: PixelRect(x: x, y: y, width: image.width * s, height: image.height * s))
    }

    /// Composites `image` scaled (nearest-neighbour) to fill `rect`. Clipped to the canvas.
    public mutating func draw(_ image: Canvas, in rect: PixelRect) {
        guard image.width > 0, image.height > 0, !rect.isEmpty else { return }
        let clip = rect.intersection(bounds)
        guard !clip.isEmpty else { return }
        let w = width
        image.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in clip.minY..<clip.maxY {
                    let sy = (y - rect.y) * image.height / rect.height
                    var di = (y * w + clip.minX) * 4
                    for x in clip.minX..<clip.maxX {
                        let sx = (x - rect.x) * image.width / rect.width
                        let si = (sy * image.width + sx) * 4
                        let c = RGBA(src[si], src[si + 1], src[si + 2], src[si + 3])
                        Canvas.blend(dst, at: di, c, coverage: 255)
                        di += 4
                    }
                }
            }
        }
    }
}
