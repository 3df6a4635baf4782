import Foundation
import Testing
import LoupeTensor
@testable import LoupePretrained

/// Well-formed GGUF files written by the test writer: every metadata value type round-trips,
/// typed accessors, tensor infos (shape reversed from GGUF's fastest-first order), weights.
@Suite struct GGUFFileTests {
    static func everyValueType() -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.add("general.architecture", .string("llama"))
        w.add("v.u8", .u8(200))
        w.add("v.i8", .i8(-5))
        w.add("v.u16", .u16(60_000))
        w.add("v.i16", .i16(-30_000))
        w.add("v.u32", .u32(4_000_000_000))
        w.add("v.i32", .i32(-2_000_000_000))
        w.add("v.f32", .f32(0.25))
        w.add("v.bool", .bool(true))
        w.add("v.string", .string("héllo ✓"))
        w.add("v.u64", .u64(1 << 40))
        w.add("v.i64", .i64(-(1 << 40)))
        w.add("v.f64", .f64(-1.5e300))
        w.add("v.strings", .array(8, [.string("a"), .string(""), .string("Ġthe")]))
        w.add("v.ints", .array(5, [.i32(1), .i32(-2), .i32(3)]))
        w.add("v.floats", .array(6, [.f32(0.5), .f32(-1)]))
        w.add("v.empty", .array(4, []))
        w.add("v.nested", .array(9, [.array(0, [.u8(1), .u8(2)]), .array(0, [.u8(3)])]))
        return w
    }

    @Test func everyMetadataValueTypeRoundTrips() throws {
        let file = try GGUFFile.open(try Self.everyValueType().write())
        #expect(file.version == 3)
        #expect(try file.architecture == "llama")
        #expect(file.metadata["v.u8"] == .uint8(200))
        #expect(file.metadata["v.i8"] == .int8(-5))
        #expect(file.metadata["v.u16"] == .uint16(60_000))
        #expect(file.metadata["v.i16"] == .int16(-30_000))
        #expect(file.metadata["v.u32"] == .uint32(4_000_000_000))
        #expect(file.metadata["v.i32"] == .int32(-2_000_000_000))
        #expect(file.metadata["v.f32"] == .float32(0.25))
        #expect(file.metadata["v.bool"] == .bool(true))
        #expect(file.metadata["v.string"] == .string("héllo ✓"))
        #expect(file.metadata["v.u64"] == .uint64(1 << 40))
        #expect(file.metadata["v.i64"] == .int64(-(1 << 40)))
        #expect(file.metadata["v.f64"] == .float64(-1.5e300))
        #expect(file.metadataKeys.first == "general.architecture")
        #expect(file.metadataKeys.count == 18)
        #expect(file.alignment == 32)

        #expect(try file.integer("v.u32") == 4_000_000_000)
        #expect(try file.integer("v.i64") == -(1 << 40))
        #expect(try file.float("v.f32") == 0.25)
        #expect(try file.float("v.f64") == -1.5e300)
        #expect(try file.bool("v.bool"))
        #expect(try file.string("v.string") == "héllo ✓")
        #expect(try file.stringArray("v.strings") == ["a", "", "Ġthe"])
        #expect(try file.integerArray("v.ints") == [1, -2, 3])
        #expect(try file.floatArray("v.floats") == [0.5, -1])
        #expect(try file.integerArray("v.empty") == [])

        let nested = try file.array("v.nested")
        #expect(nested.elementType == .array && nested.count == 2)
        let inner = nested.values()
        guard inner.count == 2, case .array(let first) = inner[0], case .array(let second) = inner[1] else {
            Issue.record("nested array decoded as \(inner)")
            return
        }
        #expect(first.values() == [.uint8(1), .uint8(2)])
        #expect(second.values() == [.uint8(3)])
        #expect(try file.array("v.strings").values() == [.string("a"), .string(""), .string("Ġthe")])
    }

    @Test func accessorsNameTheKeyOfAMissingOrMistypedValue() throws {
        let url = try Self.everyValueType().write(name: "typed.gguf")
        let file = try GGUFFile.open(url)
        #expect(throws: PretrainedError.badConfig(file: "typed.gguf", key: "llama.block_count", detail: "missing")) {
            try file.integer("llama.block_count")
        }
        #expect(try file.integerIfPresent("llama.block_count") == nil)
        #expect(try file.stringArrayIfPresent("tokenizer.ggml.merges") == nil)
        let cases: [(String, (GGUFFile) throws -> Any)] = [
            ("v.string", { try $0.integer("v.string") }),
            ("v.u8", { try $0.string("v.u8") }),
            ("v.string", { try $0.float("v.string") }),
            ("v.u8", { try $0.bool("v.u8") }),
            ("v.ints", { try $0.stringArray("v.ints") }),
            ("v.strings", { try $0.integerArray("v.strings") }),
            ("v.strings", { try $0.floatArray("v.strings") }),
            ("v.u32", { try $0.stringArray("v.u32") }),
            ("v.ints", { try $0.integer("v.ints") }),
        ]
        for (key, read) in cases {
            do {
                _ = try read(file)
                Issue.record("reading \(key) with the wrong type did not throw")
            } catch let error as PretrainedError {
                guard case .badConfig(let f, let k, let detail) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(f == "typed.gguf" && k == key && detail.hasPrefix("expected"))
            }
        }
        // A u64 beyond Int.max is not an integer that fits.
        var w = GGUFTestWriter()
        w.add("big", .u64(UInt64.max))
        let big = try GGUFFile.open(try w.write())
        #expect(throws: PretrainedError.self) { try big.integer("big") }
    }

    @Test func architectureIsRequiredWhenAsked() throws {
        let file = try GGUFFile.open(try GGUFTestWriter().write(name: "empty.gguf"))
        #expect(file.tensorInfos.isEmpty && file.metadata.isEmpty)
        #expect(throws: PretrainedError.badConfig(file: "empty.gguf", key: "general.architecture", detail: "missing")) {
            try file.architecture
        }
    }

    static func tensors(alignment: Int = 32, version: UInt32 = 3) -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.version = version
        w.alignment = alignment
        if alignment != 32 { w.add("general.alignment", .u32(UInt32(alignment))) }
        w.addTensor("norm.weight", shape: [3], floats: [1, 2, 3])
        w.addTensor("dense.weight", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])
        w.addTensor("cube.weight", shape: [2, 1, 2], floats: [1, 2, 3, 4])
        var half: [UInt8] = []
        for f: Float in [0.5, -1, 2, 65504, 1e-7, -0.0] { GGUFTestWriter.append(&half, HalfPrecision.halfBits(from: f)) }
        w.addTensor("half.weight", shape: [3, 2], type: .f16, data: half)
        w.addTensor("half.bias", shape: [6], type: .f16, data: half)
        return w
    }

    @Test(arguments: [(32, UInt32(3)), (64, 3), (32, 2), (8, 2)])
    func tensorInfosAndWeights(alignment: Int, version: UInt32) throws {
        let file = try GGUFFile.open(try Self.tensors(alignment: alignment, version: version).write(name: "w.gguf"))
        #expect(file.version == Int(version))
        #expect(file.alignment == alignment)
        #expect(file.dataOffset % alignment == 0)
        #expect(file.names == ["cube.weight", "dense.weight", "half.bias", "half.weight", "norm.weight"])
        #expect(file.tensorInfos.map(\.name) == ["norm.weight", "dense.weight", "cube.weight", "half.weight", "half.bias"])
        let dense = try #require(file.tensorInfo(named: "dense.weight"))
        #expect(dense.shape == [2, 3] && dense.type == .f32 && dense.byteCount == 24 && dense.offset % alignment == 0)
        #expect(try file.tensor(named: "dense.weight").scalars == [1, 2, 3, 4, 5, 6])
        #expect(try file.tensor(named: "norm.weight", shape: [3]).scalars == [1, 2, 3])
        let cube = try file.tensor(named: "cube.weight")
        #expect(cube.shape == [2, 1, 2] && cube.scalars == [1, 2, 3, 4])

        guard case .quantized(let q) = try file.weight(named: "half.weight") else {
            Issue.record("F16 matrix should stay quantized")
            return
        }
        #expect(q.type == .f16 && q.shape == [3, 2])
        let expected: [Float] = [0.5, -1, 2, 65504, Float(HalfPrecision.float(fromHalfBits: HalfPrecision.halfBits(from: 1e-7))), -0.0]
        #expect(q.dequantized().scalars == expected)
        guard case .dense(let bias) = try file.weight(named: "half.bias") else {
            Issue.record("an F16 vector is decoded to dense floats")
            return
        }
        #expect(bias.shape == [6] && bias.scalars == expected)

        #expect(file.contains("half.bias") && !file.contains("nope"))
        #expect(throws: PretrainedError.missingTensor(file: "w.gguf", name: "nope")) { try file.weight(named: "nope") }
        #expect(throws: PretrainedError.shapeMismatch(file: "w.gguf", name: "dense.weight", expected: [3, 2], found: [2, 3])) {
            try file.tensor(named: "dense.weight", shape: [3, 2])
        }
    }

    @Test func matricesOutliveTheFileObject() throws {
        var q: QuantizedMatrix?
        do {
            let file = try GGUFFile.open(try Self.tensors().write())
            if case .quantized(let m) = try file.weight(named: "half.weight") { q = m }
        }
        let m = try #require(q)
        #expect(m.dequantized().scalars.prefix(3) == [0.5, -1, 2])
    }
}
