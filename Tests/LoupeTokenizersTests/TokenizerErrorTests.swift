import Foundation
import Testing
@testable import LoupeTokenizers

/// Each bad input throws a `TokenizerError` naming the file and the JSON path / line / key.
@Suite struct TokenizerErrorTests {
    static let bpeModel = #"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}"#

    static let badJSON: [(json: String, key: String, reason: String)] = [
        ("{", "", "not valid JSON"),
        (#"{"normalizer":null}"#, "model", "missing"),
        (#"{"model":\#(bpeModel),"normalizer":{"type":"Fancy"}}"#, "normalizer.type", "unknown normalizer type \"Fancy\""),
        (#"{"model":\#(bpeModel),"normalizer":{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Nope"}]}}"#,
         "normalizer.normalizers[1].type", "unknown normalizer type"),
        (#"{"model":\#(bpeModel),"pre_tokenizer":{"type":"Split","pattern":{"Regex":"("},"behavior":"Isolated"}}"#,
         "pre_tokenizer.pattern.Regex", "does not compile"),
        (#"{"model":\#(bpeModel),"pre_tokenizer":{"type":"Split","pattern":{"String":"-"},"behavior":"Sideways"}}"#,
         "pre_tokenizer.behavior", "unknown split behavior"),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}}"#, "model.merges[0]", "merged token \"ab\""),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b c"]}}"#, "model.merges[0]", "bad merge"),
        (#"{"model":{"type":"BPE","vocab":{"a":"zero"},"merges":[]}}"#, "model.vocab[\"a\"]", "non-negative integer"),
        (#"{"model":{"type":"Unigram","vocab":[["a",-1.0],["b"]],"unk_id":0}}"#, "model.vocab[1]", "[piece, score]"),
        (#"{"model":{"type":"Unigram","vocab":[["a",-1.0]],"unk_id":5}}"#, "model.unk_id", "out of range"),
        (#"{"model":{"type":"Magic"}}"#, "model.type", "unknown model type"),
        (#"{"model":\#(bpeModel),"decoder":{"type":"Strip","content":"ab","start":1,"stop":0}}"#, "decoder.content", "single character"),
        (#"{"model":\#(bpeModel),"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[X]"}}],"special_tokens":{}}}"#,
         "post_processor.single[0].SpecialToken.id", "not in special_tokens"),
        (#"{"model":\#(bpeModel),"added_tokens":[{"id":"7","content":"x"}]}"#, "added_tokens[0].id", "expected an integer"),
    ]

    @Test(arguments: badJSON.indices)
    func badTokenizerJSONThrowsWithPath(_ index: Int) {
        let c = Self.badJSON[index]
        do {
            _ = try PretrainedTokenizer(tokenizerJSON: Data(c.json.utf8), file: "bad/tokenizer.json")
            Issue.record("no error for \(c.json)")
        } catch let e as TokenizerError {
            #expect(e.file == "bad/tokenizer.json")
            if !c.key.isEmpty { #expect(e.key == c.key, "\(e)") }
            #expect(e.reason.contains(c.reason), "\(e)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func ggufSpecErrorsNameTheKey() {
        let cases: [(GGUFTokenizerSpec, String)] = [
            (GGUFTokenizerSpec(model: "rwkv", tokens: ["a"]), "tokenizer.ggml.model"),
            (GGUFTokenizerSpec(model: "gpt2", tokens: []), "tokenizer.ggml.tokens"),
            (GGUFTokenizerSpec(model: "gpt2", tokens: ["a", "b"], tokenTypes: [1]), "tokenizer.ggml.token_type"),
            (GGUFTokenizerSpec(model: "gpt2", tokens: ["a", "b"], merges: ["a b"]), "tokenizer.ggml.merges[0]"),
            (GGUFTokenizerSpec(model: "gpt2", tokens: ["a", "b", "ab"], merges: ["ab"]), "tokenizer.ggml.merges[0]"),
            (GGUFTokenizerSpec(model: "llama", tokens: ["a"], bosTokenID: 3), "tokenizer.ggml.bos_token_id"),
            (GGUFTokenizerSpec(model: "llama", tokens: ["a"], scores: [0, 1]), "tokenizer.ggml.scores"),
        ]
        for (spec, key) in cases {
            #expect(throws: TokenizerError.self) { try PretrainedTokenizer(gguf: spec) }
            do { _ = try PretrainedTokenizer(gguf: spec) } catch let e as TokenizerError { #expect(e.key == key, "\(e)") } catch {}
        }
    }

    @Test func loaderErrorsNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: TokenizerError.self) { try TokenizerLoader.load(folder: dir) }
        try Data(#"{"a":0,"b":1,"ab":2}"#.utf8).write(to: dir.appendingPathComponent("vocab.json"))
        try Data("#version: 0.2\na b\nb x\n".utf8).write(to: dir.appendingPathComponent("merges.txt"))
        do {
            _ = try TokenizerLoader.load(folder: dir)
            Issue.record("no error for a merge with an unknown token")
        } catch let e as TokenizerError {
            #expect(e.file.hasSuffix("merges.txt"))
            #expect(e.key == "line 3")
        }
        try Data("[UNK]\n[CLS]\n".utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        do {
            _ = try TokenizerLoader.load(folder: dir)
            Issue.record("no error for a vocab.txt without [SEP]")
        } catch let e as TokenizerError {
            #expect(e.file.hasSuffix("vocab.txt"))
            #expect(e.key == "[SEP]")
        }
    }
}
