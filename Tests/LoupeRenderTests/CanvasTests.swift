import Testing
@testable import LoupeRender

@Suite("Canvas drawing")
struct CanvasTests {
    @Test func fillsAndClipsRectangles() throws {
        var c = try Canvas(width: 10, height: 6)
        c.fill(PixelRect(x: -5, y: 4, width: 8, height: 10), with: RGBA(255, 0, 0))
        #expect(c.pixel(x: 0, y: 4) == RGBA(255, 0, 0))
        #expect(c.pixel(x: 2, y: 5) == RGBA(255, 0, 0))
        #expect(c.pixel(x: 3, y: 5) == .white)
        #expect(c.pixel(x: 0, y: 3) == .white)
        #expect(c.pixel(x: 10, y: 0) == nil)
    }

    @Test func blendsTranslucentColours() throws {
        var c = try Canvas(width: 2, height: 1, fill: .black)
        c.fill(PixelRect(x: 0, y: 0, width: 1, height: 1), with: RGBA(255, 255, 255, 128))
        let p = try #require(c.pixel(x: 0, y: 0))
        #expect(abs(Int(p.r) - 128) <= 1 && p.a == 255)
        var clear = try Canvas(width: 1, height: 1, fill: .clear)
        clear.fill(PixelRect(x: 0, y: 0, width: 1, height: 1), with: RGBA(10, 20, 30, 100))
        #expect(clear.pixel(x: 0, y: 0) == RGBA(10, 20, 30, 100))
    }

    @Test func upscalesWithNearestNeighbour() throws {
        let src = try Canvas(grayscale: [0, 255, 128, 64], width: 2, height: 2)
        var c = try Canvas(width: 10, height: 10, fill: RGBA(1, 2, 3))
        c.draw(src, x: 1, y: 2, scale: 3)
        for y in 0..<6 {
            for x in 0..<6 {
                let v = [0, 255, 128, 64][(y / 3) * 2 + x / 3]
                #expect(c.pixel(x: 1 + x, y: 2 + y) == RGBA(UInt8(v), UInt8(v), UInt8(v)))
            }
        }
        #expect(c.pixel(x: 0, y: 2) == RGBA(1, 2, 3))
        #expect(c.pixel(x: 7, y: 2) == RGBA(1, 2, 3))
        c.draw(src, x: 8, y: 8, scale: 4)   // clipped, no crash
        #expect(c.pixel(x: 9, y: 9) == RGBA(0, 0, 0))
    }

    @Test func strokesAndLines() throws {
        var c = try Canvas(width: 8, height: 8)
        c.stroke(PixelRect(x: 1, y: 1, width: 6, height: 6), with: .black)
        #expect(c.pixel(x: 1, y: 3) == .black && c.pixel(x: 6, y: 6) == .black && c.pixel(x: 3, y: 3) == .white)
        var d = try Canvas(width: 8, height: 8)
        d.drawLine(x0: 0, y0: 0, x1: 7, y1: 7, color: .black)
        #expect((0..<8).allSatisfy { d.pixel(x: $0, y: $0) == .black })
        #expect(d.pixel(x: 1, y: 0) == .white)
    }

    @Test func cropsAndConvertsInputs() throws {
        let c = try Canvas(rgb: [1, 2, 3, 4, 5, 6], width: 2, height: 1)
        #expect(c.pixel(x: 1, y: 0) == RGBA(4, 5, 6))
        #expect(c.cropped(to: PixelRect(x: 1, y: 0, width: 5, height: 5)).width == 1)
        let f = try Canvas(intensities: [0, 0.5, 1, .nan], width: 2, height: 2)
        #expect(f.pixel(x: 1, y: 0) == RGBA(128, 128, 128) && f.pixel(x: 1, y: 1) == RGBA(0, 0, 0))
        #expect(f.isGrayscale && f.isOpaque)
    }

    @Test func rejectsBadSizes() {
        #expect(throws: RenderError.self) { _ = try Canvas(width: -1, height: 2) }
        #expect(throws: RenderError.self) { _ = try Canvas(width: 1 << 20, height: 1 << 20) }
        #expect(throws: RenderError.self) { _ = try Canvas(grayscale: [1, 2, 3], width: 2, height: 2) }
        #expect(throws: RenderError.self) { _ = try Canvas(width: 2, height: 2, rgba: [0]) }
    }
}
