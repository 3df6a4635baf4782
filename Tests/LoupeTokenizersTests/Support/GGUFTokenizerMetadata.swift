import Foundation
@testable import LoupeTokenizers

/// A minimal reader of a GGUF file's tokenizer metadata (test support only; the real reader lives
/// in the gguf area). Layout: "GGUF", version u32, tensor count u64, key/value count u64, then
/// key (u64 length + UTF-8), value type u32, value.
enum GGUFTokenizerMetadata {
    struct Reader {
        let data: Data
        var offset = 0
        mutating func bytes(_ n: Int) throws -> Data {
            guard n >= 0, offset + n <= data.count else { throw TokenizerError(file: "gguf", key: "", reason: "truncated") }
            defer { offset += n }
            return data.subdata(in: (data.startIndex + offset)..<(data.startIndex + offset + n))
        }
        mutating func u32() throws -> UInt32 { try bytes(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
        mutating func u64() throws -> UInt64 { try bytes(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
        mutating func string() throws -> String { String(decoding: try bytes(Int(try u64())), as: UTF8.self) }
        mutating func value(_ type: UInt32) throws -> Any {
            switch type {
            case 0, 1: return Int(try bytes(1)[0])
            case 2, 3: return Int(try bytes(2).withUnsafeBytes { $0.loadUnaligned(as: Int16.self) })
            case 4: return Int(try u32())
            case 5: return Int(Int32(bitPattern: try u32()))
            case 6: return Float(bitPattern: try u32())
            case 7: return try bytes(1)[0] != 0
            case 8: return try string()
            case 9:
                let t = try u32()
                let n = Int(try u64())
                var out: [Any] = []
                out.reserveCapacity(n)
                for _ in 0..<n { out.append(try value(t)) }
                return out
            case 10, 11: return Int(Int64(bitPattern: try u64()))
            case 12: return Double(bitPattern: try u64())
            default: throw TokenizerError(file: "gguf", key: "", reason: "unknown value type \(type)")
            }
        }
    }

    static func spec(of url: URL) throws -> GGUFTokenizerSpec {
        var r = Reader(data: try Data(contentsOf: url, options: .mappedIfSafe))
        guard try r.bytes(4) == Data("GGUF".utf8) else { throw TokenizerError(file: url.path, key: "", reason: "not GGUF") }
        _ = try r.u32()
        _ = try r.u64()
        let count = try r.u64()
        var kv: [String: Any] = [:]
        for _ in 0..<count {
            let key = try r.string()
            kv[key] = try r.value(try r.u32())
        }
        func ints(_ k: String) -> [Int]? { (kv[k] as? [Any])?.compactMap { $0 as? Int } }
        return GGUFTokenizerSpec(
            model: kv["tokenizer.ggml.model"] as? String ?? "", pre: kv["tokenizer.ggml.pre"] as? String,
            tokens: (kv["tokenizer.ggml.tokens"] as? [Any])?.compactMap { $0 as? String } ?? [],
            tokenTypes: ints("tokenizer.ggml.token_type"),
            merges: (kv["tokenizer.ggml.merges"] as? [Any])?.compactMap { $0 as? String },
            scores: (kv["tokenizer.ggml.scores"] as? [Any])?.compactMap { $0 as? Float },
            bosTokenID: kv["tokenizer.ggml.bos_token_id"] as? Int, eosTokenID: kv["tokenizer.ggml.eos_token_id"] as? Int,
            unknownTokenID: kv["tokenizer.ggml.unknown_token_id"] as? Int,
            paddingTokenID: kv["tokenizer.ggml.padding_token_id"] as? Int,
            addBOSToken: kv["tokenizer.ggml.add_bos_token"] as? Bool, addEOSToken: kv["tokenizer.ggml.add_eos_token"] as? Bool)
    }
}
