import Foundation
import Testing
import LoupeTensor
@testable import LoupePretrained

/// Crafted bad GGUF files: each fails with one `PretrainedError` naming the file and the key or
/// tensor at fault, never a trap and never an allocation sized by an unchecked number.
@Suite struct GGUFRobustnessTests {
    static let file = "bad.gguf"

    /// A small well-formed file with metadata strings, an array and two tensors.
    static func good() -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.add("general.description", .string(String(repeating: "x", count: 200)))
        w.add("general.architecture", .string("llama"))
        w.add("general.name", .string("tiny"))
        w.add("tokenizer.ggml.tokens", .array(8, [.string("a"), .string("bc")]))
        w.addTensor("a.weight", shape: [2, 4], floats: [1, 2, 3, 4, 5, 6, 7, 8])
        var q8: [UInt8] = []
        GGUFTestWriter.append(&q8, HalfPrecision.halfBits(from: 0.5))
        q8 += (0..<32).map { UInt8($0) }
        w.addTensor("b.weight", shape: [1, 32], type: .q8_0, data: q8)
        return w
    }

    /// Opens `bytes` and returns the error's description (recording an issue when it opens).
    static func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> PretrainedError? {
        let url = try GGUFTestWriter.write(bytes, name: file)
        do {
            _ = try GGUFFile.open(url)
            Issue.record("opened a bad file", sourceLocation: sourceLocation)
            return nil
        } catch let error as PretrainedError {
            #expect(error.description.hasPrefix(file + ":"), "\(error)", sourceLocation: sourceLocation)
            return error
        }
    }

    static func expectFailure(_ w: GGUFTestWriter, _ fragments: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectFailure(w.bytes(), fragments, sourceLocation: sourceLocation)
    }

    static func expectFailure(_ bytes: [UInt8], _ fragments: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let error = try failure(bytes, sourceLocation: sourceLocation) else { return }
        for f in fragments {
            #expect(error.description.contains(f), "'\(error)' should mention '\(f)'", sourceLocation: sourceLocation)
        }
    }

    @Test func theGoodFileOpens() throws {
        let file = try GGUFFile.open(try Self.good().write())
        #expect(file.tensorInfos.count == 2 && file.metadata.count == 4)
        #expect(try file.stringArray("tokenizer.ggml.tokens") == ["a", "bc"])
    }

    /// Every prefix of the good file that cuts a section fails as truncated, naming the section.
    @Test func truncatedAtEverySection() throws {
        let (bytes, layout) = Self.good().bytesAndLayout()
        let cuts: [(Int, String)] = [
            (0, "magic"), (2, "magic"), (6, "version"), (12, "tensor count"), (20, "metadata count"),
            (layout.metadataStart + 4, "metadata entries"),
            (layout.metadataStart + 100, "value of 'general.description'"),
            (layout.metadataStart + 239 + 4, "key of metadata entry 1"),
            (layout.metadataStart + 239 + 8 + 20 + 4 + 8 + 2, "value of 'general.architecture'"),
            (layout.tensorInfoStart - 3, "'tokenizer.ggml.tokens'"),
            (layout.tensorInfoStart + 2, "tensor info 0"),
            (layout.tensorInfoStart + 8 + 8 + 2, "tensor 'a.weight'"),
            (layout.dataStart - 40, "tensor 'b.weight'"),
            (layout.dataStart + 10, "data of tensor 'a.weight'"),
            (layout.end - 1, "data of tensor 'b.weight'"),
        ]
        for (cut, fragment) in cuts {
            try Self.expectFailure(Array(bytes.prefix(cut)), ["truncated", fragment])
        }
        // Every other cut fails too (each cut is one error, never a trap).
        for cut in stride(from: 0, to: bytes.count, by: 3) { _ = try Self.failure(Array(bytes.prefix(cut))) }
    }

    @Test func badMagic() throws {
        var w = Self.good()
        w.magic = Array("GGML".utf8)
        try Self.expectFailure(w, ["not a GGUF file", "GGML"])
    }

    @Test(arguments: [UInt32(1), 0, 4, 99])
    func unsupportedVersion(_ version: UInt32) throws {
        var w = Self.good()
        w.version = version
        try Self.expectFailure(w, ["unsupported", "version \(version)"])
    }

    @Test func bigEndianFilesAreNamedAsSuch() throws {
        var w = Self.good()
        w.version = UInt32(3).byteSwapped
        try Self.expectFailure(w, ["big-endian"])
    }

    @Test func unknownValueType() throws {
        var w = Self.good()
        w.add("odd.key", .raw(type: 13, bytes: [0, 0, 0, 0]))
        try Self.expectFailure(w, ["'odd.key'", "unknown value type 13"])
        var a = Self.good()
        a.add("odd.array", .arrayWithCount(elementType: 77, count: 1, bytes: [0]))
        try Self.expectFailure(a, ["'odd.array'", "unknown value type 77"])
    }

    @Test func hugeStringLength() throws {
        var w = Self.good()
        w.add("general.license", .stringWithLength(1 << 60, bytes: Array("short".utf8)))
        try Self.expectFailure(w, ["truncated", "'general.license'", "length 1152921504606846976"])
        var key = GGUFTestWriter()
        key.metadata = []
        var bytes = Array(key.bytes().prefix(24))  // the header alone
        bytes.replaceSubrange(16..<24, with: withUnsafeBytes(of: UInt64(1).littleEndian, Array.init))
        GGUFTestWriter.append(&bytes, UInt64(1) << 60)
        bytes += [UInt8](repeating: 0, count: 16)
        try Self.expectFailure(bytes, ["truncated", "key of metadata entry 0"])
    }

    @Test func hugeArrayCount() throws {
        for elementType: UInt32 in [0, 6, 8, 9, 12] {
            var w = Self.good()
            w.add("tokenizer.ggml.merges", .arrayWithCount(elementType: elementType, count: 1 << 60, bytes: [1, 2, 3]))
            try Self.expectFailure(w, ["'tokenizer.ggml.merges'", "1152921504606846976"])
        }
        // A nested array's count is checked the same way.
        var n = Self.good()
        var inner: [UInt8] = []
        GGUFTestWriter.append(&inner, UInt32(4))
        GGUFTestWriter.append(&inner, UInt64(1) << 60)
        n.add("nested", .arrayWithCount(elementType: 9, count: 1, bytes: inner))
        try Self.expectFailure(n, ["'nested[0]'", "1152921504606846976"])
    }

    @Test func deeplyNestedArrays() throws {
        var value = GGUFTestWriter.Value.array(0, [.u8(1)])
        for _ in 0..<20 { value = .array(9, [value]) }
        var w = Self.good()
        w.add("deep", value)
        try Self.expectFailure(w, ["'deep", "nests arrays deeper"])
    }

    @Test func absurdCounts() throws {
        var t = Self.good()
        t.tensorCountOverride = 1 << 60
        try Self.expectFailure(t, ["1152921504606846976 tensors", "impossible"])
        var k = Self.good()
        k.kvCountOverride = UInt64.max
        try Self.expectFailure(k, ["\(UInt64.max) metadata entries", "impossible"])
        var more = Self.good()
        more.tensorCountOverride = 3  // plausible, but the infos run into the data
        _ = try Self.failure(more.bytes())
    }

    @Test func badDimensions() throws {
        let cases: [([UInt64], String)] = [
            ([4, 2, 1, 1, 1], "5 dimensions"),
            ([], "0 dimensions"),
            ([4, 0], "dimension 1 of size 0"),
            ([1 << 40, 1 << 40], "overflows"),
            ([UInt64.max, 1], "dimension 0 of size \(UInt64.max)"),
        ]
        for (dims, fragment) in cases {
            var w = Self.good()
            w.tensors[0].dimsOverride = dims
            try Self.expectFailure(w, ["tensor 'a.weight'", fragment])
        }
    }

    @Test func unknownGGMLType() throws {
        var w = Self.good()
        w.tensors[1].typeID = 10
        try Self.expectFailure(w, ["tensor 'b.weight'", "ggml type id 10 (Q2_K)", "unsupported"])
        var u = Self.good()
        u.tensors[0].typeID = 1234
        try Self.expectFailure(u, ["tensor 'a.weight'", "ggml type id 1234"])
    }

    @Test func dataOffsetPastTheEndOrMisaligned() throws {
        var w = Self.good()
        w.tensors[1].offsetOverride = 1 << 40
        try Self.expectFailure(w, ["tensor 'b.weight'", "past the end"])
        var m = Self.good()
        m.tensors[1].offsetOverride = 33
        try Self.expectFailure(m, ["tensor 'b.weight'", "not a multiple of the alignment 32"])
        var o = Self.good()
        o.tensors[1].offsetOverride = UInt64.max - 31
        _ = try Self.failure(o.bytes())
    }

    @Test func columnsNotAMultipleOfTheBlockSize() throws {
        var w = Self.good()
        w.tensors[1].dimsOverride = [33, 1]
        try Self.expectFailure(w, ["tensor 'b.weight'", "Q8_0", "33", "block size 32"])
    }

    @Test func duplicateNames() throws {
        var k = Self.good()
        k.add("general.name", .string("again"))
        try Self.expectFailure(k, ["'general.name' appears twice"])
        var t = Self.good()
        t.tensors[1].name = "a.weight"
        try Self.expectFailure(t, ["tensor 'a.weight' appears twice"])
    }

    @Test func badAlignmentAndValues() throws {
        var w = Self.good()
        w.add("general.alignment", .u32(24))
        try Self.expectFailure(w, ["general.alignment", "power of two"])
        var z = Self.good()
        z.add("general.alignment", .u32(0))
        try Self.expectFailure(z, ["general.alignment"])
        var s = Self.good()
        s.add("general.alignment", .string("32"))
        try Self.expectFailure(s, ["general.alignment"])
        var b = Self.good()
        b.add("flag", .raw(type: 7, bytes: [2]))
        try Self.expectFailure(b, ["'flag'", "bool"])
        var u = Self.good()
        u.add("general.author", .stringWithLength(2, bytes: [0xC3, 0x28]))
        try Self.expectFailure(u, ["'general.author'", "UTF-8"])
    }

    @Test func invalidUTF8InAStringArrayNamesTheKeyWhenRead() throws {
        var w = Self.good()
        var bytes: [UInt8] = []
        GGUFTestWriter.append(&bytes, UInt64(1))
        bytes.append(0x61)
        GGUFTestWriter.append(&bytes, UInt64(1))
        bytes.append(0xFF)
        w.add("tokenizer.ggml.merges", .arrayWithCount(elementType: 8, count: 2, bytes: bytes))
        let file = try GGUFFile.open(try w.write(name: Self.file))
        #expect(throws: PretrainedError.badConfig(file: Self.file, key: "tokenizer.ggml.merges",
                                                  detail: "element 1 is not valid UTF-8")) {
            try file.stringArray("tokenizer.ggml.merges")
        }
    }

    @Test func missingAndNonRegularFiles() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).gguf")
        #expect(throws: PretrainedError.self) { try GGUFFile.open(missing) }
        #expect(throws: PretrainedError.self) { try GGUFFile.open(FileManager.default.temporaryDirectory) }
    }
}
