import Foundation
@testable import LoupeNN
import LoupeTensor
import Testing

/// Builders for safetensors bytes and access to the reference fixtures.
enum SafeTensorsTestData {
    static let referenceNames = ["bag-of-embeddings", "transformer-classifier", "text-vae", "image-vae"]

    static func referenceURL(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/reference/\(name)")
    }

    /// 8-byte length (the header's own unless `declaredLength` is given), header text, data bytes.
    static func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        file(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
    }

    static func file(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
        return Data(bytes + headerBytes + data)
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    /// A header with one entry.
    static func entry(_ name: String, dtype: String = "F32", shape: String, offsets: String) -> String {
        "{\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}}"
    }

    static func randomTensors(seed: UInt64) -> [String: Tensor] {
        var rng = RandomGenerator(seed: seed)
        let shapes: [String: [Int]] = [
            "encoder.layers.0.linear1.weight": [7, 5], "encoder.layers.0.linear1.bias": [7], "scalar": [],
            "empty": [0], "cube": [2, 3, 4], "zero.middle": [3, 0, 2], "ünïcode.weight": [1, 1],
        ]
        return shapes.mapValues { Tensor.randomNormal($0, using: &rng) }
    }
}

/// A malformed file and what its error must say.
struct BadSafeTensors: Sendable, CustomTestStringConvertible {
    let name: String
    let data: Data
    let kind: CheckpointError.Kind
    let key: String?
    let fragments: [String]
    var testDescription: String { name }

    init(_ name: String, _ data: Data, _ kind: CheckpointError.Kind, key: String? = nil, _ fragments: String...) {
        self.name = name
        self.data = data
        self.kind = kind
        self.key = key
        self.fragments = fragments
    }

    static var all: [BadSafeTensors] {
        typealias T = SafeTensorsTestData
        let four = T.floats([1, 2, 3, 4])
        return [
            BadSafeTensors("truncated", Data([1, 0, 0, 0, 0]), .truncated, "5 bytes", "shorter than the 8-byte"),
            BadSafeTensors("huge header length", T.file(header: "{}", declaredLength: 200_000_000), .headerTooLarge,
                           "200000000", "100 MB"),
            BadSafeTensors("header length beyond file", T.file(header: "{}", data: four, declaredLength: 500),
                           .headerTooLarge, "500", "larger than the 18 bytes"),
            BadSafeTensors("maximal header length", T.file(header: "{}", declaredLength: .max), .headerTooLarge, "limit"),
            BadSafeTensors("empty header", T.file(header: ""), .invalidJSON, "header is not valid JSON", "end of input"),
            BadSafeTensors("non-JSON header", T.file(header: "{not json}"), .invalidJSON, "header is not valid JSON"),
            BadSafeTensors("header not an object", T.file(header: "[1, 2]"), .invalidEntry, "not a JSON object"),
            BadSafeTensors("invalid UTF-8", T.file(headerBytes: Array("{\"a".utf8) + [0xFF, 0xFE] + Array("\":1}".utf8)),
                           .invalidJSON, "UTF-8"),
            BadSafeTensors("deep nesting", T.file(header: String(repeating: "[", count: 100_000)), .invalidJSON,
                           "nesting deeper"),
            BadSafeTensors("duplicate key", T.file(header: "{\"a\":{},\"a\":{}}"), .invalidJSON, "duplicate key 'a'"),
            BadSafeTensors("overlapping offsets",
                           T.file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                                  + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}",
                                  data: T.floats([0, 1, 2, 3, 4, 5])),
                           .overlappingData, key: "b", "[8, 24]", "overlap tensor 'a'"),
            BadSafeTensors("offsets out of range", T.file(header: T.entry("a", shape: "[4]", offsets: "[0,16]"),
                                                          data: T.floats([1, 2])),
                           .offsetsOutOfRange, key: "a", "[0, 16]", "outside the data section of 8 bytes"),
            BadSafeTensors("negative offset", T.file(header: T.entry("a", shape: "[0]", offsets: "[-4,0]"), data: four),
                           .offsetsOutOfRange, key: "a", "[-4, 0]"),
            BadSafeTensors("begin after end", T.file(header: T.entry("a", shape: "[4]", offsets: "[16,0]"), data: four),
                           .offsetsOutOfRange, key: "a", "begin after"),
            BadSafeTensors("shape disagrees with span",
                           T.file(header: T.entry("hidden.weight", shape: "[48,32]", offsets: "[0,6000]"),
                                  data: [UInt8](repeating: 0, count: 6000)),
                           .sizeMismatch, key: "hidden.weight", "shape [48, 32] needs 6144 bytes, data span is 6000"),
            BadSafeTensors("unknown dtype", T.file(header: T.entry("a", dtype: "Q7", shape: "[4]", offsets: "[0,16]"),
                                                   data: four), .unsupportedDType, key: "a", "unknown dtype 'Q7'"),
            BadSafeTensors("integer dtype", T.file(header: T.entry("a", dtype: "I32", shape: "[4]", offsets: "[0,16]"),
                                                   data: four), .unsupportedDType, key: "a", "unsupported dtype 'I32'"),
            BadSafeTensors("NaN weight", T.file(header: T.entry("w", shape: "[2,2]", offsets: "[0,16]"),
                                                data: T.floats([0, 1, .nan, 3])),
                           .nonFinite, key: "w", "index 2 ([1, 0])", "nan"),
            BadSafeTensors("Inf weight", T.file(header: T.entry("w", shape: "[2]", offsets: "[0,8]"),
                                                data: T.floats([1, -.infinity])),
                           .nonFinite, key: "w", "index 1", "-inf"),
            BadSafeTensors("negative dim", T.file(header: T.entry("a", shape: "[-3]", offsets: "[0,0]")),
                           .invalidShape, key: "a", "dimension 0 is -3, negative"),
            BadSafeTensors("fractional dim", T.file(header: T.entry("a", shape: "[2.5]", offsets: "[0,10]")),
                           .invalidShape, key: "a", "dimension 0", "not an integer"),
            BadSafeTensors("string dim", T.file(header: T.entry("a", shape: "[\"4\"]", offsets: "[0,16]"), data: four),
                           .invalidShape, key: "a", "dimension 0", "not an integer"),
            BadSafeTensors("dim beyond Int", T.file(header: T.entry("a", shape: "[1e300]", offsets: "[0,16]"), data: four),
                           .invalidShape, key: "a", "too large"),
            BadSafeTensors("element count overflow",
                           T.file(header: T.entry("big", shape: "[4294967296,4294967296,16]", offsets: "[0,16]"), data: four),
                           .invalidShape, key: "big", "overflows the element count"),
            BadSafeTensors("byte count overflow",
                           T.file(header: T.entry("big", shape: "[2305843009213693952]", offsets: "[0,16]"), data: four),
                           .invalidShape, key: "big", "overflows the byte count"),
            BadSafeTensors("missing dtype", T.file(header: "{\"a\":{\"shape\":[4],\"data_offsets\":[0,16]}}", data: four),
                           .invalidEntry, key: "a", "missing 'dtype'"),
            BadSafeTensors("missing shape", T.file(header: "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}", data: four),
                           .invalidEntry, key: "a", "missing 'shape'"),
            BadSafeTensors("missing offsets", T.file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", data: four),
                           .invalidEntry, key: "a", "missing 'data_offsets'"),
            BadSafeTensors("dtype not a string", T.file(header: T.entry("a", shape: "[4]", offsets: "[0,16]")
                                                            .replacingOccurrences(of: "\"F32\"", with: "32"), data: four),
                           .invalidEntry, key: "a", "'dtype' must be a string"),
            BadSafeTensors("shape not an array", T.file(header: T.entry("a", shape: "4", offsets: "[0,16]"), data: four),
                           .invalidEntry, key: "a", "'shape' must be an array"),
            BadSafeTensors("one offset", T.file(header: T.entry("a", shape: "[4]", offsets: "[16]"), data: four),
                           .invalidEntry, key: "a", "two integers"),
            BadSafeTensors("entry not an object", T.file(header: "{\"a\":[1]}"), .invalidEntry, key: "a", "must be an object"),
            BadSafeTensors("metadata value not a string", T.file(header: "{\"__metadata__\":{\"step\":1}}"),
                           .invalidEntry, key: "step", "must be a string"),
        ]
    }
}

@Suite("SafeTensors")
struct SafeTensorsTests {
    typealias T = SafeTensorsTestData

    @Test("write → read round trip keeps tensors bit-exact and metadata")
    func roundTrip() throws {
        let tensors = T.randomTensors(seed: 42)
        let metadata = ["format": "pt", "step": "1200", "note": "quote \" backslash \\ newline \n ✓"]
        let data = try SafeTensorsFile(tensors: tensors, metadata: metadata).serialized()
        let parsed = try SafeTensorsFile.parse(data, fileName: "model.safetensors")
        #expect(parsed.metadata == metadata)
        #expect(parsed.warnings.isEmpty)
        #expect(Set(parsed.tensors.keys) == Set(tensors.keys))
        for (name, tensor) in tensors {
            #expect(parsed.tensors[name]?.shape == tensor.shape, "\(name)")
            #expect(parsed.tensors[name]?.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name)")
        }
    }

    @Test("serialisation is byte-stable, padded to 8 bytes and contiguous")
    func byteStable() throws {
        let file = SafeTensorsFile(tensors: T.randomTensors(seed: 7), metadata: ["a": "b"])
        let first = try file.serialized()
        #expect(try file.serialized() == first)
        #expect(try SafeTensorsFile.parse(first, fileName: "x").serialized() == first)
        let headerLength = first.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let dataBytes = T.randomTensors(seed: 7).values.reduce(0) { $0 + 4 * $1.count }
        #expect(first.count == 8 + headerLength + dataBytes)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try file.write(to: url)
        let once = try Data(contentsOf: url)
        try file.write(to: url)  // replaces the existing file
        #expect(try Data(contentsOf: url) == once)
        #expect(once == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
        let reread = try SafeTensorsFile.read(from: url)
        #expect(reread.metadata == ["a": "b"])
    }

    @Test("writing refuses non-finite values and the reserved name")
    func writeValidation() {
        let nan = SafeTensorsFile(tensors: ["w": Tensor(shape: [2], scalars: [1, .nan])])
        let error = #expect(throws: CheckpointError.self) { try nan.serialized() }
        #expect(error?.kind == .nonFinite && error?.key == "w")
        let reserved = SafeTensorsFile(tensors: ["__metadata__": Tensor([1])])
        #expect(throws: CheckpointError.self) { try reserved.serialized() }
    }

    @Test("reads data at any alignment, and F16 / BF16 / F64 converted to Float")
    func alignmentAndDTypes() throws {
        var header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[8,10]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[10,18]},"
            + "\"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[18,26]}}"
        // An odd header length puts the data at an odd byte offset, so F32/F64 loads are unaligned.
        if header.utf8.count % 2 == 0 { header += " " }
        var data: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00]  // 1, -2, 65504, 2⁻²⁴
        data += [0x80, 0x3F]  // BF16 1.0
        withUnsafeBytes(of: (0.5 as Double).bitPattern.littleEndian) { data += $0 }
        data += T.floats([3.25, -0.125])
        let bytes = T.file(header: header, data: data)
        // Parse from a Data slice whose start index is not 0 and whose storage is offset by one byte.
        let shifted = (Data([0xAA]) + bytes).dropFirst()
        #expect(try SafeTensorsFile.parse(bytes, fileName: "mixed.safetensors").tensors["f"]?.scalars == [3.25, -0.125])
        let file = try SafeTensorsFile.parse(shifted, fileName: "mixed.safetensors")
        #expect(file.tensors["h"]?.scalars == [1, -2, 65504, 0x1p-24])
        #expect(file.tensors["b"]?.scalars == [1])
        #expect(file.tensors["d"]?.scalars == [0.5])
        #expect(file.tensors["f"]?.scalars == [3.25, -0.125])
    }

    @Test("gaps between tensors are allowed and reported as warnings")
    func gapsWarn() throws {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"
        let file = try SafeTensorsFile.parse(T.file(header: header, data: T.floats([9, 2, 7])), fileName: "gap.safetensors")
        #expect(file.tensors["a"]?.scalars == [2])
        #expect(file.warnings.count == 2)
        #expect(file.warnings.first?.contains("4 unused bytes before tensor 'a'") == true)
    }

    @Test("malformed files throw a CheckpointError naming the problem", arguments: BadSafeTensors.all)
    func rejectsBadFile(_ bad: BadSafeTensors) {
        let error = #expect(throws: CheckpointError.self) {
            try SafeTensorsFile.parse(bad.data, fileName: "model.safetensors")
        }
        guard let error else { return }
        let text = error.description
        #expect(error.kind == bad.kind, "\(text)")
        #expect(text.hasPrefix("model.safetensors"), "\(text)")
        #expect(!text.contains("\n"), "one line: \(text)")
        if let key = bad.key {
            #expect(error.key == key, "\(text)")
            #expect(text.contains("'\(key)'"), "\(text)")
        }
        for fragment in bad.fragments {
            #expect(text.contains(fragment), "expected '\(fragment)' in: \(text)")
        }
    }

    @Test("reference checkpoints read with the names and shapes in their headers", arguments: T.referenceNames)
    func readsReference(_ name: String) throws {
        let url = T.referenceURL(name).appendingPathComponent("model.safetensors")
        let raw = try Data(contentsOf: url)
        let file = try SafeTensorsFile.read(from: url)
        #expect(file.warnings.isEmpty)

        // Compare against an independent decoding of the header with Foundation's JSON parser.
        let length = raw.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: raw.subdata(in: 8..<(8 + length))) as? [String: Any])
        let entries = header.filter { $0.key != "__metadata__" }
        #expect(Set(file.tensors.keys) == Set(entries.keys))
        for (key, value) in entries {
            let entry = try #require(value as? [String: Any])
            let shape = try #require(entry["shape"] as? [Int])
            let offsets = try #require(entry["data_offsets"] as? [Int])
            let tensor = try #require(file.tensors[key])
            #expect(tensor.shape == shape, "\(key)")
            // First element decoded by hand.
            if tensor.count > 0 {
                let start = 8 + length + offsets[0]
                let bits = raw[start..<(start + 4)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
                #expect(tensor.scalars[0] == Float(bitPattern: bits), "\(key)")
            }
        }
        let expectedCounts = ["bag-of-embeddings": 5, "transformer-classifier": 28, "text-vae": 17, "image-vae": 10]
        #expect(file.tensors.count == expectedCounts[name])
    }

    @Test("reference shapes spot check")
    func referenceSpotCheck() throws {
        let bag = try SafeTensorsFile.read(from: T.referenceURL("bag-of-embeddings").appendingPathComponent("model.safetensors"))
        #expect(bag.tensors["embedding.weight"]?.shape == [137, 32])
        #expect(bag.tensors["hidden.weight"]?.shape == [48, 32])
        #expect(bag.tensors["output.weight"]?.shape == [2, 48])
        let row0 = bag.tensors["embedding.weight"]?.scalars.prefix(32)
        #expect(row0?.allSatisfy { $0 == 0 } == true, "[PAD] row is zeros")
        let transformer = try SafeTensorsFile.read(
            from: T.referenceURL("transformer-classifier").appendingPathComponent("model.safetensors"))
        #expect(transformer.tensors["encoder.layers.1.self_attn.in_proj_weight"]?.shape == [96, 32])
        #expect(transformer.tensors["position.weight"]?.shape == [64, 32])
    }

    @Test("a missing file is an io error naming the path")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/model.safetensors")
        let error = #expect(throws: CheckpointError.self) { try SafeTensorsFile.read(from: url) }
        #expect(error?.kind == .io)
        #expect(error?.description.contains(url.path) == true)
    }

    @Test("seeded fuzzing: mutated files parse or throw CheckpointError, never trap")
    func fuzz() throws {
        let valid = try SafeTensorsFile(tensors: T.randomTensors(seed: 3), metadata: ["k": "v"]).serialized()
        var rng = RandomGenerator(seed: 2024)
        let headerEnd = 8 + valid.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var outcomes = (parsed: 0, rejected: 0)
        for _ in 0..<600 {
            var bytes = Array(valid)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                // Mostly mutate the header, where the structure lives.
                let inHeader = Int.random(in: 0..<4, using: &rng) > 0
                let position = inHeader ? Int.random(in: 0..<headerEnd, using: &rng)
                                        : Int.random(in: 0..<bytes.count, using: &rng)
                guard position < bytes.count else { continue }
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 2: bytes.removeSubrange(position...)
                case 3: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
                case 4: bytes.remove(at: position)
                default:
                    let digits = Array("0123456789-.e[]{},\"".utf8)
                    bytes[position] = digits[Int.random(in: 0..<digits.count, using: &rng)]
                }
            }
            do {
                _ = try SafeTensorsFile.parse(Data(bytes), fileName: "fuzz.safetensors")
                outcomes.parsed += 1
            } catch let error as CheckpointError {
                #expect(!error.description.isEmpty)
                outcomes.rejected += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(outcomes.parsed + outcomes.rejected == 600)
        #expect(outcomes.rejected > 0)
    }

    @Test("seeded fuzzing of the JSON parser")
    func fuzzJSON() throws {
        let text = Array(try String(contentsOf: T.referenceURL("transformer-classifier").appendingPathComponent("config.json"),
                                    encoding: .utf8).utf8)
        var rng = RandomGenerator(seed: 99)
        for _ in 0..<400 {
            var bytes = text
            let position = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.removeSubrange(position...)
            default: bytes.insert(contentsOf: Array("\\u{[\"".utf8).shuffled(using: &rng).prefix(2), at: position)
            }
            do {
                _ = try JSONValue.parse(Data(bytes), fileName: "config.json")
            } catch let error as CheckpointError {
                #expect(error.kind == .invalidJSON && error.line != nil, "\(error)")
            }
        }
    }
}
