import Foundation
import LoupeIO
import Testing

@Suite("Atomic file writes")
struct AtomicFileTests {
    func scratch(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("loupe-io-\(name.filter(\.isLetter))-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a new file holds exactly the bytes and no temporary sibling is left")
    func writesNewFile() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("out.json")
        try AtomicFile.write("{\"a\": 1}\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\"a\": 1}\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
    }

    @Test("an existing file is replaced whole")
    func replaces() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("out.bin")
        try AtomicFile.write(Array(repeating: UInt8(7), count: 100_000), to: url)
        try AtomicFile.write([1, 2, 3], to: url)
        #expect(try Data(contentsOf: url) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.bin"])
    }

    @Test("a folder in the way, a missing folder and an unwritable folder are errors naming the path")
    func failures() throws {
        let folder = try scratch()
        defer {
            chmod(folder.path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        let error = #expect(throws: AtomicFileError.self) { try AtomicFile.write([1], to: folder) }
        #expect(error?.path == folder.path)
        #expect(error?.reason.contains("is a folder") == true)
        let missing = folder.appendingPathComponent("no/such/out.txt")
        let second = #expect(throws: AtomicFileError.self) { try AtomicFile.write([1], to: missing) }
        #expect(second?.path == missing.path)
        #expect(second?.reason.contains("No such file") == true)
        // Root ignores permissions; the check is meaningful for ordinary users only.
        if getuid() != 0 {
            chmod(folder.path, 0o555)
            #expect(throws: AtomicFileError.self) { try AtomicFile.write([1], to: folder.appendingPathComponent("x")) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("temporary names are hidden siblings the writer recognises")
    func temporaryNames() {
        let url = URL(fileURLWithPath: "/tmp/run/model.safetensors")
        let sibling = AtomicFile.temporarySibling(of: url)
        #expect(sibling.deletingLastPathComponent() == url.deletingLastPathComponent())
        #expect(AtomicFile.isTemporaryName(sibling.lastPathComponent, for: "model.safetensors"))
        #expect(!AtomicFile.isTemporaryName("model.safetensors", for: "model.safetensors"))
        #expect(sibling.lastPathComponent.count == ".model.safetensors.tmp-".count + 16)
    }
}
