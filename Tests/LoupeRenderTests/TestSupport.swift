import Foundation
@testable import LoupeRender

/// A fresh temporary folder for one test, removed by the caller with `cleanUp`.
func makeTemporaryFolder(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("loupe-render-\(safe)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func cleanUp(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

/// Where tests drop PNGs for a human to look at when LOUPE_RENDER_ARTIFACTS is set.
func saveArtifact(_ canvas: Canvas, name: String) {
    guard let folder = ProcessInfo.processInfo.environment["LOUPE_RENDER_ARTIFACTS"] else { return }
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try? canvas.writePNG(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
}

/// Largest per-channel difference between two colours.
func colorDistance(_ a: RGBA, _ b: RGBA) -> Int {
    max(abs(Int(a.r) - Int(b.r)), abs(Int(a.g) - Int(b.g)), abs(Int(a.b) - Int(b.b)))
}

/// The most common colour inside `rect` (the box background under any text).
func dominantColor(in canvas: Canvas, rect: PixelRect) -> RGBA? {
    var counts: [RGBA: Int] = [:]
    for y in rect.minY..<rect.maxY {
        for x in rect.minX..<rect.maxX {
            if let c = canvas.pixel(x: x, y: y) { counts[c, default: 0] += 1 }
        }
    }
    return counts.max { $0.value < $1.value }?.key
}

/// A shared renderer that does not print warnings during tests.
let quietRenderer: TextRenderer = {
    let r = TextRenderer()
    r.reportsMissingGlyphs = false
    return r
}()
