import CLibPNG

/// A decoded PNG: its pixels as RGBA8 plus its text entries.
public struct DecodedPNG: Sendable {
    /// The image, converted to 8-bit RGBA whatever the file's colour type.
    public var canvas: Canvas
    /// `tEXt` and uncompressed `iTXt` entries in file order (compressed ones are skipped).
    public var text: [PNGTextChunk]

    /// The value of the first text entry named `key`.
    public func textValue(forKey key: String) -> String? {
        text.first { $0.key == key }?.value
    }
}

/// Decodes PNG bytes with libpng's simplified API; failures become ``RenderError``.
public enum PNGDecoder {
    /// Decodes any valid PNG into RGBA8 pixels and its text entries.
    ///
    /// - Throws: ``RenderError/png(_:)`` for data that is not a PNG, truncated or corrupt,
    ///   decodes to more than ``Canvas/maxPixelCount`` pixels, has a chunk longer than the rest of
    ///   the file, or has a header claiming more pixels than its image data can hold (all checked
    ///   before anything is allocated).
    public static func decode(_ bytes: [UInt8]) throws -> DecodedPNG {
        guard bytes.count >= 8, Array(bytes[0..<8]) == PNGChunk.signature else {
            throw RenderError.png("data is not a PNG (bad signature)")
        }
        try checkChunkLengths(bytes)
        // libpng keeps a pointer to the input between begin and finish, so both calls
        // run inside one borrow of the bytes.
        let canvas: Canvas = try bytes.withUnsafeBytes { raw in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                let text = message(of: &image)
                png_image_free(&image)
                throw RenderError.png(text.isEmpty ? "libpng could not read the header" : text)
            }
            let width = Int(image.width), height = Int(image.height)
            guard width > 0, height > 0, height <= Canvas.maxPixelCount / width else {
                png_image_free(&image)
                throw RenderError.png("image size \(width)×\(height) is too large")
            }
            // The header alone must not size the allocation: the image data has to be able to hold
            // the pixels it claims (at least one bit each, deflated at most 1032:1, RFC 1951's bound).
            let dataBytes = PNGChunk.chunks(in: bytes).lazy.filter { $0.type == "IDAT" }.reduce(0) { $0 + $1.data.count }
            let leastInflated = (width * height + 7) / 8
            guard leastInflated <= Self.maximumDeflateRatio * (dataBytes + 1) else {
                png_image_free(&image)
                throw RenderError.png("header claims \(width)×\(height) pixels, more than its \(dataBytes) bytes of image data can hold")
            }
            image.format = 3   // PNG_FORMAT_RGBA: 8-bit sRGB, straight alpha
            var pixels = [UInt8](repeating: 0, count: width * height * 4)
            let finished = pixels.withUnsafeMutableBytes { out in
                png_image_finish_read(&image, nil, out.baseAddress, 0, nil)
            }
            guard finished != 0 else {
                let text = message(of: &image)
                png_image_free(&image)
                throw RenderError.png(text.isEmpty ? "libpng could not decode the image" : text)
            }
            return Canvas(uncheckedWidth: width, height: height, pixels: pixels)
        }
        let text = PNGChunk.chunks(in: bytes)
            .filter { $0.crcValid }
            .compactMap { PNGTextChunk.decode(type: $0.type, data: $0.data) }
        return DecodedPNG(canvas: canvas, text: text)
    }

    /// Throws unless every chunk up to IEND fits in the file: libpng allocates a chunk's buffer
    /// from its length field before reading it, so a 200-byte file whose text chunk claims 1.5 GB
    /// made it allocate 1.5 GB (found by the `png` fuzz target).
    static func checkChunkLengths(_ bytes: [UInt8]) throws {
        var i = 8
        while i + 8 <= bytes.count {
            let length = Int(PNGChunk.readBigEndian(bytes, at: i))
            let type = String(decoding: bytes[(i + 4)..<(i + 8)].map { (32...126).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            let available = bytes.count - i - 12
            guard length <= available else {
                throw RenderError.png("truncated or corrupt: chunk '\(type)' at byte \(i) claims \(length) bytes, "
                                      + "but \(max(available, 0)) follow")
            }
            if type == "IEND" { return }
            i += 12 + length
        }
    }

    /// The largest ratio of inflated to deflated bytes (a 258-byte match in one bit, plus block
    /// overhead: 1032:1, the limit of the deflate format of RFC 1951).
    static let maximumDeflateRatio = 1032

    /// The NUL-terminated error text libpng left in `image.message`.
    static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
