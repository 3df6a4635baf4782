import Foundation
import Testing
import LoupeTensor
import LoupeTestSupport
@testable import LoupePretrained

/// Reference values written by `benchmarks/fixtures/make_gguf_fixtures.py` (gguf-py's
/// quantizers and dequantizers).
struct GGUFReference: Decodable {
    struct Entry: Decodable {
        let type: String
        let shape: [Int]
        let values: [Double]
    }
    let tensors: [String: Entry]

    static func load() throws -> GGUFReference {
        let url = try #require(Bundle.module.url(forResource: "every_type", withExtension: "json", subdirectory: "Fixtures/gguf"))
        return try JSONDecoder().decode(GGUFReference.self, from: Data(contentsOf: url))
    }

    static func fixture() throws -> GGUFFile {
        let url = try #require(Bundle.module.url(forResource: "every_type", withExtension: "gguf", subdirectory: "Fixtures/gguf"))
        return try GGUFFile.open(url)
    }
}

/// Our block decoders against gguf-py's, on a file gguf-py wrote: every storage type, exactly.
@Suite struct QuantizedMatrixTests {
    static let names = ["f32.weight", "f16.weight", "bf16.weight", "q8_0.weight", "q4_0.weight", "q4_1.weight",
                        "q4_k.weight", "q5_k.weight", "q6_k.weight", "f16.bias"]

    @Test(arguments: names)
    func dequantizationEqualsGGUFPy(name: String) throws {
        let file = try GGUFReference.fixture()
        let entry = try #require(try GGUFReference.load().tensors[name])
        let info = try #require(file.tensorInfo(named: name))
        #expect(info.type.rawValue == entry.type)
        #expect(info.shape == entry.shape)
        let dense = try file.tensor(named: name)
        #expect(dense.shape == entry.shape)
        expectClose(dense.scalars, entry.values.map(Float.init), absolute: 1e-6, "\(name)")
        let exact = zip(dense.scalars, entry.values).filter { Double($0) == $1 }.count
        #expect(exact == entry.values.count, "\(name): \(entry.values.count - exact) values differ in their last bits")

        guard case .quantized(let q) = try file.weight(named: name) else {
            #expect(info.type == .f32 || info.shape.count == 1, "\(name) should be a quantized matrix")
            return
        }
        // Row ranges and picked rows decode the same values.
        var buffer = [Float](repeating: .nan, count: 2 * q.columns)
        buffer.withUnsafeMutableBufferPointer { q.dequantizeRows(1..<3, into: $0.baseAddress!) }
        #expect(buffer == Array(dense.scalars[q.columns..<(3 * q.columns)]))
        let picked = q.rows([3, 0, 3])
        #expect(picked.shape == [3, q.columns])
        #expect(picked.scalars == Array(dense.scalars[(3 * q.columns)...]) + Array(dense.scalars[..<q.columns])
                + Array(dense.scalars[(3 * q.columns)...]))
        #expect(q.rows([]).shape == [0, q.columns])
    }

    @Test func fixtureMetadataOfEveryType() throws {
        let file = try GGUFReference.fixture()
        #expect(try file.architecture == "llama")
        #expect(file.metadata["test.u8"] == .uint8(200))
        #expect(file.metadata["test.i8"] == .int8(-5))
        #expect(file.metadata["test.u16"] == .uint16(60000))
        #expect(file.metadata["test.i16"] == .int16(-30000))
        #expect(file.metadata["test.u32"] == .uint32(4_000_000_000))
        #expect(file.metadata["test.i32"] == .int32(-2_000_000_000))
        #expect(file.metadata["test.f32"] == .float32(0.1))
        #expect(file.metadata["test.bool"] == .bool(true))
        #expect(file.metadata["test.string"] == .string("héllo ✓"))
        #expect(file.metadata["test.u64"] == .uint64(1 << 40))
        #expect(file.metadata["test.i64"] == .int64(-(1 << 40)))
        #expect(file.metadata["test.f64"] == .float64(1e-300))
        #expect(try file.stringArray("test.strings") == ["a", "Ġthe", "<|im_start|>"])
        #expect(try file.integerArray("test.ints") == [1, -2, 3])
        #expect(try file.floatArray("test.floats") == [0.5, -1.25])
        let nested = try file.array("test.nested").values()
        #expect(nested.count == 2)
        if case .array(let a) = nested.first { #expect(a.values() == [.int32(1), .int32(2)]) } else { Issue.record("\(nested)") }
        if case .array(let a) = nested.last { #expect(a.values() == [.int32(3)]) } else { Issue.record("\(nested)") }
    }

    @Test(arguments: ["f16.weight", "bf16.weight", "q8_0.weight", "q4_0.weight", "q4_1.weight",
                      "q4_k.weight", "q5_k.weight", "q6_k.weight"])
    func quantizedLinearMatchesDenseLinear(name: String) throws {
        let file = try GGUFReference.fixture()
        guard case .quantized(let q) = try file.weight(named: name) else {
            Issue.record("\(name) should be a quantized matrix")
            return
        }
        let w = q.dequantized()
        let bias = testTensor([q.rows], seed: 3)
        for batch in [[q.columns], [1, q.columns], [5, q.columns], [2, 3, q.columns]] {
            let x = testTensor(batch, seed: 9)
            let expected = x.linear(weight: w, bias: bias)
            let actual = x.linear(quantized: q, bias: bias)
            #expect(actual.shape == expected.shape)
            expectClose(actual.scalars, expected.scalars, absolute: 1e-5, relative: 1e-5, "\(name) \(batch)")
            expectClose(x.linear(quantized: q, bias: nil).scalars, x.linear(weight: w, bias: nil).scalars,
                        absolute: 1e-5, relative: 1e-5, "\(name) \(batch) no bias")
        }
    }
}

/// The real SmolLM2-135M-Instruct Q4_1 file (never committed): metadata, census, and a few
/// dequantized values measured with gguf-py (`smollm2_reference.json`).
@Suite(.enabled(if: RealModels.smolLM2 != nil))
struct SmolLM2GGUFTests {
    struct Reference: Decodable {
        struct Row: Decodable {
            let tensor: String
            let type: String
            let shape: [Int]
            let row: Int
            let values: [Double]
        }
        let census: [String: Int]
        let tensor_count: Int
        let rows: [Row]
    }

    func open() throws -> GGUFFile { try GGUFFile.open(try #require(RealModels.smolLM2)) }

    @Test func metadata() throws {
        let file = try open()
        #expect(try file.architecture == "llama")
        #expect(try file.integer("llama.block_count") == 30)
        #expect(try file.integer("llama.embedding_length") == 576)
        #expect(try file.integer("llama.attention.head_count") == 9)
        #expect(try file.integer("llama.attention.head_count_kv") == 3)
        #expect(try file.float("llama.rope.freq_base") > 0)
        #expect(try file.stringArray("tokenizer.ggml.tokens").count == 49152)
        #expect(try file.integerArray("tokenizer.ggml.token_type").count == 49152)
        #expect(try file.stringArray("tokenizer.ggml.merges").count > 40_000)
        #expect(try file.string("tokenizer.chat_template").contains("<|im_start|>"))
        #expect(try file.string("tokenizer.ggml.model") == "gpt2")
    }

    @Test func tensorCensusAndValues() throws {
        let file = try open()
        let url = try #require(Bundle.module.url(forResource: "smollm2_reference", withExtension: "json", subdirectory: "Fixtures/gguf"))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        #expect(file.tensorInfos.count == reference.tensor_count)
        var census: [String: Int] = [:]
        for info in file.tensorInfos { census[info.type.rawValue, default: 0] += 1 }
        #expect(census == reference.census)
        #expect(census == ["Q4_1": 210, "Q8_0": 1, "F32": 61])
        #expect(file.tensorInfo(named: "token_embd.weight")?.type == .q8_0)
        #expect(file.tensorInfo(named: "output_norm.weight")?.type == .f32)
        for row in reference.rows {
            guard case .quantized(let q) = try file.weight(named: row.tensor) else {
                Issue.record("\(row.tensor) should be quantized")
                continue
            }
            #expect(q.type.rawValue == row.type && q.shape == row.shape)
            let values = q.rows([row.row]).scalars.prefix(row.values.count)
            #expect(Array(values) == row.values.map(Float.init), "\(row.tensor) row \(row.row)")
        }
        let norm = try file.tensor(named: "blk.0.attn_norm.weight", shape: [576])
        #expect(norm.scalars.allSatisfy { $0.isFinite })
    }
}
