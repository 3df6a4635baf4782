import Foundation
import Testing
@testable import LoupeTokenizers

@Suite struct TokenizerLoaderTests {
    /// vocab.json + merges.txt written from the trained byte-level BPE give the same ids and
    /// offsets as its tokenizer.json run without the template (GPT-2 has none).
    @Test func gpt2VocabularyFilesMatchTokenizerJSON() throws {
        let url = try ParityFixtures.url("bytelevel_bpe.tokenizer.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let model = try #require(root["model"] as? [String: Any])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-gpt2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try JSONSerialization.data(withJSONObject: try #require(model["vocab"])).write(to: dir.appendingPathComponent("vocab.json"))
        let merges = try #require(model["merges"] as? [Any]).map { m -> String in
            if let s = m as? String { return s }
            return (m as? [String] ?? []).joined(separator: " ")
        }
        try Data(("#version: 0.2\n" + merges.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("merges.txt"))
        let fallback = try TokenizerLoader.load(folder: dir)
        let json = try PretrainedTokenizer(tokenizerJSON: url)
        #expect(fallback.kind == "BPE (byte-level)")
        for text in ParityFixtures.strings.prefix(400) where !text.contains("<|") && !text.contains("<s>") {
            let a = fallback.encode(text, addSpecialTokens: true)
            let b = json.encode(text, addSpecialTokens: false).map(\.id)
            #expect(a.map(\.id) == b, "\(String(reflecting: text))")
            #expect(fallback.decode(a.map(\.id), skipSpecialTokens: true) == text, "\(String(reflecting: text))")
        }
    }

    @Test func addSpecialTokensFalseLeavesTheTemplateOut() throws {
        let t = try PretrainedTokenizer(tokenizerJSON: try ParityFixtures.url("wordpiece.tokenizer.json"))
        let with = t.encode("hello world", addSpecialTokens: true)
        let without = t.encode("hello world", addSpecialTokens: false)
        #expect(with.first?.text == "[CLS]" && with.last?.text == "[SEP]")
        #expect(with.first?.start == nil && with.first?.isSpecial == true)
        #expect(Array(with.dropFirst().dropLast()) == without)
        #expect(t.id(forToken: "[CLS]") == 2)
        #expect(t.token(forID: 2) == "[CLS]")
        #expect(t.vocabularySize >= 2000)
    }
}
