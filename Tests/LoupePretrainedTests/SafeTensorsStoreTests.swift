import Foundation
import LoupeTensor
import Testing
@testable import LoupePretrained

@Suite struct SafeTensorsStoreTests {
    /// The error's description, when `body` throws a ``PretrainedError``.
    func failure(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "did not throw"
        } catch let error as PretrainedError {
            return error.description
        } catch {
            return "other error \(error)"
        }
    }

    @Test func readsFloatHalfBFloatAndIntegerTensors() throws {
        let b = try SafeTensorsBuilder()
        defer { b.remove() }
        // 1.5, -2, 65504 (largest half), a subnormal 2⁻²⁴; bf16 1.0 and -0.5; int64 0, 7.
        let data = SafeTensorsBuilder.f32([1, 2, 3, 4, 5, 6]) + SafeTensorsBuilder.u16([0x3E00, 0xC000, 0x7BFF, 0x0001])
            + SafeTensorsBuilder.u16([0x3F80, 0xBF00]) + SafeTensorsBuilder.i64([0, 7])
        let url = try b.write("model.safetensors", entries: [
            "__metadata__": ["format": "pt"],
            "w": ["dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]],
            "h": ["dtype": "F16", "shape": [4], "data_offsets": [24, 32]],
            "bf": ["dtype": "BF16", "shape": [2], "data_offsets": [32, 36]],
            "position_ids": ["dtype": "I64", "shape": [1, 2], "data_offsets": [36, 52]],
        ], data: data)
        let store = try SafeTensorsStore(file: url)
        #expect(store.names == ["bf", "h", "position_ids", "w"])
        #expect(store.metadata == ["format": "pt"])
        #expect(try store.tensor(named: "w", shape: [2, 3]).scalars == [1, 2, 3, 4, 5, 6])
        #expect(try store.tensor(named: "h").scalars == [1.5, -2, 65504, 0x1p-24])
        #expect(try store.tensor(named: "bf").scalars == [1, -0.5])
        #expect(try store.tensor(named: "position_ids").scalars == [0, 7])
        #expect(store.elementType(of: "h") == .f16)
        #expect(throws: PretrainedError.missingTensor(file: "model.safetensors", name: "nope")) { try store.weight(named: "nope") }
        #expect(throws: PretrainedError.shapeMismatch(file: "model.safetensors", name: "w", expected: [3, 2], found: [2, 3])) {
            try store.tensor(named: "w", shape: [3, 2])
        }
        // The folder form finds model.safetensors.
        #expect(try SafeTensorsStore(folder: b.folder).names == store.names)
    }

    @Test func badHeadersThrowNamingFileAndTensor() throws {
        let b = try SafeTensorsBuilder()
        defer { b.remove() }
        let four = SafeTensorsBuilder.f32([1, 2, 3, 4])
        func entry(_ dtype: String = "F32", _ shape: [Any] = [4], _ offsets: [Any] = [0, 16]) -> [String: Any] {
            ["dtype": dtype, "shape": shape, "data_offsets": offsets]
        }
        let cases: [(String, () throws -> URL, [String])] = [
            ("short", { try b.raw("short.safetensors", [1, 2, 3]) }, ["short.safetensors", "8-byte"]),
            ("past end", { try b.write("long.safetensors", header: "{}", data: [], declaredLength: 1000) },
             ["long.safetensors", "past the end"]),
            ("huge", { try b.write("huge.safetensors", header: "{}", data: [], declaredLength: UInt64.max) },
             ["huge.safetensors", "limit"]),
            ("json", { try b.write("json.safetensors", header: "{\"a\": [1,", data: []) }, ["json.safetensors"]),
            ("array", { try b.write("array.safetensors", header: "[1, 2]", data: []) }, ["array.safetensors", "not a JSON object"]),
            ("dtype", { try b.write("dtype.safetensors", entries: ["t": entry("F17")], data: four) },
             ["dtype.safetensors", "'t'", "F17"]),
            ("range", { try b.write("range.safetensors", entries: ["t": entry("F32", [4], [0, 20])], data: four) },
             ["range.safetensors", "'t'", "out of range"]),
            ("reversed", { try b.write("rev.safetensors", entries: ["t": entry("F32", [0], [8, 4])], data: four) },
             ["rev.safetensors", "'t'", "out of range"]),
            ("span", { try b.write("span.safetensors", entries: ["t": entry("F32", [3], [0, 16])], data: four) },
             ["span.safetensors", "'t'", "needs 12 bytes"]),
            ("negative", { try b.write("neg.safetensors", entries: ["t": entry("F32", [-4], [0, 16])], data: four) },
             ["neg.safetensors", "'t'", "non-negative"]),
            ("overflow", { try b.write("ovf.safetensors", entries: ["t": entry("F32", [1 << 40, 1 << 40], [0, 16])], data: four) },
             ["ovf.safetensors", "'t'", "overflows"]),
            ("overlap", { try b.write("overlap.safetensors", entries: ["a": entry("F32", [3], [0, 12]), "b": entry("F32", [2], [8, 16])],
                                      data: four) }, ["overlap.safetensors", "'b'", "overlap tensor 'a'"]),
            ("offsets", { try b.write("offs.safetensors", entries: ["t": ["dtype": "F32", "shape": [4]]], data: four) },
             ["offs.safetensors", "'t'", "data_offsets"]),
            ("metadata", { try b.write("meta.safetensors", entries: ["__metadata__": ["a": 1]], data: []) },
             ["meta.safetensors", "__metadata__"]),
        ]
        for (label, make, needles) in cases {
            let url = try make()
            let message = failure { _ = try SafeTensorsStore(file: url) }
            for needle in needles { #expect(message.contains(needle), "\(label): \(message)") }
        }
    }

    @Test func badValuesThrowOnRead() throws {
        let b = try SafeTensorsBuilder()
        defer { b.remove() }
        let url = try b.write("model.safetensors", entries: [
            "nan": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
            "inf": ["dtype": "F16", "shape": [1], "data_offsets": [8, 10]],
            "fp8": ["dtype": "F8_E4M3", "shape": [2], "data_offsets": [10, 12]],
        ], data: SafeTensorsBuilder.f32([1, .nan]) + SafeTensorsBuilder.u16([0x7C00]) + [0, 0])
        let store = try SafeTensorsStore(file: url)
        #expect(failure { _ = try store.weight(named: "nan") }.contains("'nan': value at index 1"))
        #expect(failure { _ = try store.weight(named: "inf") }.contains("after conversion from F16"))
        #expect(failure { _ = try store.weight(named: "fp8") }.contains("unsupported: tensor 'fp8' has dtype F8_E4M3"))
    }

    @Test func shardedIndexFindsEachTensorInItsShard() throws {
        let b = try SafeTensorsBuilder()
        defer { b.remove() }
        try b.write("part-1.safetensors", entries: ["a": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]]],
                    data: SafeTensorsBuilder.f32([1, 2]))
        try b.write("part-2.safetensors", entries: ["b": ["dtype": "F32", "shape": [1], "data_offsets": [0, 4]]],
                    data: SafeTensorsBuilder.f32([3]))
        func index(_ map: [String: Any]) throws {
            let data = try JSONSerialization.data(withJSONObject: ["metadata": ["total_size": 12], "weight_map": map])
            try data.write(to: b.folder.appendingPathComponent("model.safetensors.index.json"))
        }
        try index(["a": "part-1.safetensors", "b": "part-2.safetensors"])
        let store = try SafeTensorsStore(folder: b.folder)
        #expect(store.names == ["a", "b"])
        #expect(try store.tensor(named: "b").scalars == [3])
        #expect(store.fileName(of: "b") == "part-2.safetensors")

        try index(["a": "part-1.safetensors", "b": "part-3.safetensors"])
        #expect(failure { _ = try SafeTensorsStore(folder: b.folder) }
            == "model.safetensors.index.json: shard 'part-3.safetensors' named in weight_map is missing")
        try index(["a": "part-1.safetensors", "b": "part-1.safetensors"])
        #expect(failure { _ = try SafeTensorsStore(folder: b.folder) }.contains("part-1.safetensors: tensor 'b' is placed in this shard"))
        try index(["a": "../part-1.safetensors"])
        #expect(failure { _ = try SafeTensorsStore(folder: b.folder) }.contains("is not a file name in the folder"))
        try index(["a": 3])
        #expect(failure { _ = try SafeTensorsStore(folder: b.folder) }.contains("weight_map['a']"))
        try Data("{\"weight_map\": ".utf8).write(to: b.folder.appendingPathComponent("model.safetensors.index.json"))
        #expect(failure { _ = try SafeTensorsStore(folder: b.folder) }.hasPrefix("model.safetensors.index.json: "))
    }

    @Test func emptyFolderThrows() throws {
        let b = try SafeTensorsBuilder()
        defer { b.remove() }
        #expect(failure { _ = try SafeTensorsStore(folder: b.folder) }.contains("no model.safetensors"))
        #expect(failure { _ = try SafeTensorsStore(file: b.folder.appendingPathComponent("x.safetensors")) }.contains("cannot open"))
    }

    @Test func halfPrecisionFixturesConvertExactly() throws {
        // Every F16/BF16 value of the fixtures is representable in Float: the F32 view is exact.
        let store = try SafeTensorsStore(folder: EncoderFixtures.folder("bert_cls_f16"))
        let name = "bert.embeddings.word_embeddings.weight"
        #expect(store.elementType(of: name) == .f16)
        let t = try store.tensor(named: name)
        #expect(t.shape == [100, 32])
        #expect(t.scalars.allSatisfy { Float(Float16($0)) == $0 })
        let bf = try SafeTensorsStore(folder: EncoderFixtures.folder("bert_cls_bf16"))
        #expect(bf.elementType(of: name) == .bf16)
        #expect(try bf.tensor(named: name).scalars.allSatisfy { $0.bitPattern & 0xFFFF == 0 })
    }
}
