import Foundation
import Testing
@testable import LoupeRender

@Suite("PNG encode, decode and files")
struct PNGTests {
    static func sampleCanvas() throws -> Canvas {
        var rgba = [UInt8]()
        for y in 0..<5 {
            for x in 0..<7 {
                rgba += [UInt8(x * 36), UInt8(y * 60), UInt8((x * y * 13) % 256), UInt8(255 - x * 20)]
            }
        }
        return try Canvas(width: 7, height: 5, rgba: rgba)
    }

    @Test(arguments: PNGColorType.allCases)
    func roundTripKeepsPixelsAndText(colorType: PNGColorType) throws {
        var canvas = try Self.sampleCanvas()
        if colorType == .gray {
            canvas = try Canvas(grayscale: (0..<35).map { UInt8($0 * 7) }, width: 7, height: 5)
        } else if colorType == .rgb {
            canvas = try Canvas(rgb: (0..<105).map { UInt8(($0 * 37) % 256) }, width: 7, height: 5)
        }
        let text = [PNGTextChunk(key: "Software", value: "Loupe"),
                    PNGTextChunk(key: "method", value: "Integrated Gradients"),
                    PNGTextChunk(key: "model", value: "bert-tiny / 中文")]
        let bytes = try canvas.pngData(colorType: colorType, text: text)
        let decoded = try PNGDecoder.decode(bytes)
        #expect(decoded.canvas == canvas)
        #expect(decoded.text == text)
        #expect(decoded.textValue(forKey: "method") == "Integrated Gradients")
    }

    @Test func writesTheRequestedColorType() throws {
        let canvas = try Self.sampleCanvas()
        for (type, code) in [(PNGColorType.gray, 0), (.rgb, 2), (.rgba, 6)] {
            let bytes = try canvas.pngData(colorType: type)
            #expect(Int(bytes[25]) == code, "IHDR colour type for \(type)")
            #expect(Int(bytes[24]) == 8, "bit depth")
        }
        let opaqueGray = try Canvas(grayscale: [0, 128, 255, 7], width: 2, height: 2)
        #expect(try opaqueGray.pngData()[25] == 0, "automatic picks gray")
    }

    @Test func rgbDropsAlphaOverWhite() throws {
        let canvas = try Canvas(width: 1, height: 1, rgba: [0, 0, 0, 0])
        let decoded = try PNGDecoder.decode(try canvas.pngData(colorType: .rgb))
        #expect(decoded.canvas.pixel(x: 0, y: 0) == .white)
    }

    @Test(arguments: [0, 7, 8, 20, 40, 60])
    func truncatedDataThrows(length: Int) throws {
        let bytes = try Self.sampleCanvas().pngData(colorType: .rgba)
        #expect(throws: RenderError.self) {
            _ = try PNGDecoder.decode(Array(bytes.prefix(min(length, bytes.count - 13))))
        }
    }

    @Test func corruptDataThrows() throws {
        var bytes = try Self.sampleCanvas().pngData(colorType: .rgba)
        // Damage the compressed image data (IDAT payload) and the IHDR CRC in two variants.
        let idat = try #require(PNGChunk.chunks(in: bytes).first { $0.type == "IDAT" })
        var damaged = bytes
        for i in (idat.start + 8)..<(idat.end - 4) { damaged[i] ^= 0x5a }
        #expect(throws: RenderError.self) { _ = try PNGDecoder.decode(damaged) }
        bytes[29] ^= 0xff   // IHDR CRC
        #expect(throws: RenderError.self) { _ = try PNGDecoder.decode(bytes) }
        #expect(throws: RenderError.self) { _ = try PNGDecoder.decode(Array("not a png".utf8)) }
    }

    @Test func invalidTextKeysAreRejected() throws {
        let canvas = try Self.sampleCanvas()
        for key in ["", " lead", "trail ", "dou  ble", String(repeating: "k", count: 80), "键"] {
            #expect(throws: RenderError.self) {
                _ = try canvas.pngData(text: [PNGTextChunk(key: key, value: "v")])
            }
        }
    }

    @Test func emptyCanvasCannotBeEncoded() throws {
        #expect(throws: RenderError.self) { _ = try Canvas(width: 0, height: 3).pngData() }
    }

    @Test func crcMatchesKnownValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test func atomicWriteCreatesFileAndLeavesNoTemporaries() throws {
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let url = folder.appendingPathComponent("out.png")
        let canvas = try Self.sampleCanvas()
        try canvas.writePNG(to: url, text: [PNGTextChunk(key: "Software", value: "Loupe")])
        try canvas.writePNG(to: url)   // overwrite
        let read = try Canvas.readPNG(from: url)
        #expect(read.canvas == canvas)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.png"])
    }

    @Test func atomicWriteToMissingFolderLeavesNothing() throws {
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let url = folder.appendingPathComponent("missing/out.png")
        #expect(throws: RenderError.self) { try Self.sampleCanvas().writePNG(to: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func atomicWriteUnderAFileLeavesNothing() throws {
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let blocker = folder.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: blocker)
        #expect(throws: RenderError.self) { try Self.sampleCanvas().writePNG(to: blocker.appendingPathComponent("out.png")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["plain-file"])
    }

    @Test func atomicWriteToReadOnlyFolderLeavesNothing() throws {
        guard getuid() != 0 else {
            print("skipped: running as root, permissions are not enforced")
            return
        }
        let folder = try makeTemporaryFolder()
        defer {
            chmod(folder.path, 0o755)
            cleanUp(folder)
        }
        chmod(folder.path, 0o555)
        let url = folder.appendingPathComponent("out.png")
        #expect(throws: RenderError.self) { try Self.sampleCanvas().writePNG(to: url) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func readingMissingFileThrows() {
        #expect(throws: RenderError.self) {
            _ = try Canvas.readPNG(from: URL(fileURLWithPath: "/nonexistent/loupe.png"))
        }
    }
}
