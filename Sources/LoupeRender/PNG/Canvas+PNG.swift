import LoupeIO
import Foundation

extension Canvas {
    /// Encodes the canvas as PNG bytes. See ``PNGEncoder/encode(_:colorType:text:)``.
    public func pngData(colorType: PNGColorType = .automatic, text: [PNGTextChunk] = []) throws -> [UInt8] {
        try PNGEncoder.encode(self, colorType: colorType, text: text)
    }

    /// Writes the canvas as a PNG file, atomically (temporary file + rename in the same
    /// folder); on error no file is left behind.
    public func writePNG(to url: URL, colorType: PNGColorType = .automatic,
                         text: [PNGTextChunk] = []) throws {
        try RenderError.writing { try AtomicFile.write(pngData(colorType: colorType, text: text), to: url) }
    }

    /// Reads a PNG file into an RGBA8 canvas plus its text entries.
    public static func readPNG(from url: URL) throws -> DecodedPNG {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RenderError.io(path: url.path, message: "cannot read file: \(error.localizedDescription)")
        }
        return try PNGDecoder.decode([UInt8](data))
    }
}
