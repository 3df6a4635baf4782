import CLibPNG

/// Encodes canvases as PNG bytes with libpng's simplified API, then adds text chunks.
///
/// libpng reports failures through `png_image.message`; its `setjmp`/`longjmp` stays inside
/// libpng's own frames, so no error unwinds across Swift code.
public enum PNGEncoder {
    /// Encodes `canvas` as an 8-bit PNG of `colorType` with `text` entries after the header.
    ///
    /// - Throws: ``RenderError/png(_:)`` when libpng fails, ``RenderError/invalidArgument(_:)``
    ///   for an empty canvas or an invalid text key.
    public static func encode(_ canvas: Canvas, colorType: PNGColorType = .automatic,
                              text: [PNGTextChunk] = []) throws -> [UInt8] {
        guard canvas.width > 0, canvas.height > 0 else {
            throw RenderError.invalidArgument("cannot encode an empty \(canvas.width)×\(canvas.height) image")
        }
        let type = colorType.resolved(for: canvas)
        let samples = samples(of: canvas, as: type)
        let textChunks = try text.flatMap { try $0.encodedChunk() }

        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(canvas.width)
        image.height = UInt32(canvas.height)
        image.format = type.libpngFormat

        // Compressed data is always smaller than this bound (see PNG_IMAGE_PNG_SIZE_MAX).
        var capacity = samples.count + canvas.height + 1024 + samples.count / 100
        var output = [UInt8](repeating: 0, count: capacity)
        var ok = samples.withUnsafeBytes { raw in
            output.withUnsafeMutableBytes { out in
                png_image_write_to_memory(&image, out.baseAddress, &capacity, 0, raw.baseAddress, 0, nil)
            }
        }
        if ok == 0 && capacity > output.count {
            // Buffer too small: libpng told us the size it needs.
            output = [UInt8](repeating: 0, count: capacity)
            image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            image.width = UInt32(canvas.width)
            image.height = UInt32(canvas.height)
            image.format = type.libpngFormat
            ok = samples.withUnsafeBytes { raw in
                output.withUnsafeMutableBytes { out in
                    png_image_write_to_memory(&image, out.baseAddress, &capacity, 0, raw.baseAddress, 0, nil)
                }
            }
        }
        guard ok != 0 else {
            let message = PNGDecoder.message(of: &image)
            png_image_free(&image)
            throw RenderError.png(message.isEmpty ? "libpng could not encode the image" : message)
        }
        output.removeSubrange(capacity...)
        return textChunks.isEmpty ? output : try PNGChunk.insertAfterHeader(output, chunks: textChunks)
    }

    /// Converts RGBA pixels to the interleaved samples libpng expects for `type`.
    static func samples(of canvas: Canvas, as type: PNGColorType) -> [UInt8] {
        if type == .rgba || type == .automatic { return canvas.pixels }
        let n = canvas.width * canvas.height
        var out = [UInt8](repeating: 0, count: n * type.channels)
        canvas.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let a = Int(src[4 * i + 3])
                    // Composite over white.
                    let r = (Int(src[4 * i]) * a + 255 * (255 - a) + 127) / 255
                    let g = (Int(src[4 * i + 1]) * a + 255 * (255 - a) + 127) / 255
                    let b = (Int(src[4 * i + 2]) * a + 255 * (255 - a) + 127) / 255
                    if type == .gray {
                        dst[i] = UInt8(r == g && g == b ? r : (299 * r + 587 * g + 114 * b + 500) / 1000)
                    } else {
                        dst[3 * i] = UInt8(r); dst[3 * i + 1] = UInt8(g); dst[3 * i + 2] = UInt8(b)
                    }
                }
            }
        }
        return out
    }
}
