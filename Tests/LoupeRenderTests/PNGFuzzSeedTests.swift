import Foundation
import Testing
@testable import LoupeRender

/// The committed seed corpus of the PNG fuzz target (`Fuzz/corpus/png`) goes through the decoder as
/// the fuzzer's inputs do: an image that encodes and decodes back to the same pixels and text, or a
/// `RenderError`, nothing else; a header claiming far more pixels than its data can hold is refused
/// before the pixels are allocated.
@Suite("PNG: fuzz seeds")
struct PNGFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/png")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: corpus.appendingPathComponent(name))) }

    /// Decodes, then checks the round trip; `nil` when the decoder refused the bytes.
    static func decode(_ name: String) throws -> DecodedPNG? {
        let decoded: DecodedPNG
        do { decoded = try PNGDecoder.decode(try bytes(name)) } catch is RenderError { return nil }
        var text = decoded.text
        let encoded: [UInt8]
        do { encoded = try PNGEncoder.encode(decoded.canvas, text: text) } catch RenderError.invalidArgument {
            text = []
            encoded = try PNGEncoder.encode(decoded.canvas)
        }
        let again = try PNGDecoder.decode(encoded)
        #expect(again.canvas == decoded.canvas, "\(name)")
        #expect(again.text == text, "\(name)")
        return decoded
    }

    @Test func theCorpusIsThere() {
        #expect(Self.seeds.count >= 10, "\(Self.corpus.path)")
    }

    @Test(arguments: seeds)
    func aSeedDecodesOrFailsCleanly(_ name: String) throws {
        _ = try Self.decode(name)
    }

    @Test(arguments: [("gray-1bit.png", 8, 2), ("gray-8bit-gamma.png", 3, 2), ("rgb-8bit.png", 2, 2), ("rgba-16bit.png", 1, 2),
                      ("gray-alpha.png", 2, 1), ("palette-trns.png", 4, 1), ("interlaced.png", 3, 3), ("text-chunks.png", 1, 1)])
    func aWellFormedSeedDecodes(_ name: String, _ width: Int, _ height: Int) throws {
        let decoded = try #require(try Self.decode(name), "\(name) did not decode")
        #expect(decoded.canvas.width == width && decoded.canvas.height == height)
    }

    @Test func theTextEntriesAreRead() throws {
        let decoded = try #require(try Self.decode("text-chunks.png"))
        #expect(decoded.textValue(forKey: "loupe.schema") == "loupe.traversal.v1")
        #expect(decoded.textValue(forKey: "Comment") == "naïve ✓")
        #expect(decoded.textValue(forKey: "Title") == nil)   // zTXt: compressed, skipped
    }

    /// 16384 × 16384 RGBA pixels (1 GiB) and a 2³¹-pixel row, each from a few bytes of image data:
    /// refused from the header and the data size, before the pixels are allocated.
    @Test(arguments: ["claims-16384x16384.png", "claims-2-31-wide.png"])
    func aHeaderClaimingMorePixelsThanItsDataIsRefused(_ name: String) throws {
        #expect(throws: RenderError.self) { try PNGDecoder.decode(try Self.bytes(name)) }
    }

    @Test func aSignatureAloneIsRefused() throws {
        #expect(throws: RenderError.self) { try PNGDecoder.decode(try Self.bytes("signature-only.png")) }
    }

    /// libpng's simplified reader is lenient: a bad CRC in IEND, or no IEND after complete image
    /// data, still decodes, into an image that round-trips like any other.
    @Test(arguments: ["bad-crc.png", "truncated-idat.png"])
    func aDamagedEndDecodesLeniently(_ name: String) throws {
        #expect(try Self.decode(name) != nil)
    }

    /// Found by the `png` fuzz target: a 224-byte file whose last chunk claims more bytes than
    /// follow made libpng allocate 1.5 GB from the length field. Every chunk must fit in the file
    /// now, checked before libpng sees the bytes.
    @Test func aChunkLongerThanTheFileIsRefused() throws {
        #expect(throws: RenderError.png("truncated or corrupt: chunk 'iTXt' at byte 76 claims 1514578977 bytes, but 136 follow")) {
            try PNGDecoder.decode(try Self.bytes("found-chunk-past-the-end-oom.png"))
        }
        var cut = try Self.bytes("rgb-8bit.png")
        cut.removeLast(20)   // into the IDAT chunk
        #expect(throws: RenderError.self) { try PNGDecoder.decode(cut) }
    }
}
