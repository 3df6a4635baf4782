import Foundation
import Testing
@testable import LoupeTokenizers

/// The committed seed corpus of the tokenizer fuzz target (`Fuzz/corpus/tokenizer`) goes through
/// the readers as the fuzzer's inputs do: `tokenizer.json`, `vocab.txt`, and `vocab.json` +
/// `merges.txt` split at a NUL byte, each a tokenizer (which tokenizes a few strings with offsets
/// inside the text) or a `TokenizerError`, nothing else.
@Suite("Tokenizers: fuzz seeds")
struct TokenizerFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/tokenizer")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: corpus.appendingPathComponent(name)) }

    /// A scratch folder for the file-based readers.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-tokenizer-seeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let texts = ["Hello, world!", "naïve café 日本語 🙂", "  two  spaces\tand\nlines ", "[CLS] [UNK] <s></s><|endoftext|>", ""]

    /// Tokenizes the fixed texts; offsets stay inside each text.
    static func exercise(_ tokenizer: PretrainedTokenizer, _ name: String) {
        for text in texts {
            let tokens = tokenizer.encode(text, addSpecialTokens: true)
            for token in tokens {
                if let start = token.start, let end = token.end {
                    #expect(0 <= start && start <= end && end <= text.unicodeScalars.count, "\(name): \(token)")
                }
            }
            _ = tokenizer.decode(tokens.map(\.id), skipSpecialTokens: true)
        }
    }

    /// Every reader the fuzz target runs, on `bytes`; returns the tokenizers that loaded.
    static func readAll(_ bytes: Data, _ name: String) throws -> [String: PretrainedTokenizer] {
        var loaded: [String: PretrainedTokenizer] = [:]
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        func attempt(_ what: String, _ load: () throws -> PretrainedTokenizer) {
            do { loaded[what] = try load() } catch is TokenizerError {} catch {
                Issue.record("\(name): the \(what) reader threw \(type(of: error)): \(error)")
            }
        }
        attempt("tokenizer.json") { try PretrainedTokenizer(tokenizerJSON: bytes, file: name) }
        let vocab = folder.appendingPathComponent("vocab.txt")
        try bytes.write(to: vocab)
        attempt("vocab.txt") { try PretrainedTokenizer(bertVocabulary: vocab, lowercase: bytes.count % 2 == 0) }
        if let nul = bytes.firstIndex(of: 0) {
            let json = folder.appendingPathComponent("vocab.json"), merges = folder.appendingPathComponent("merges.txt")
            try bytes[bytes.startIndex..<nul].write(to: json)
            try bytes[(nul + 1)...].write(to: merges)
            attempt("vocab.json + merges.txt") { try PretrainedTokenizer(gpt2Vocabulary: json, merges: merges) }
        }
        for (what, tokenizer) in loaded { exercise(tokenizer, "\(name) as \(what)") }
        return loaded
    }

    @Test func theCorpusIsThere() {
        #expect(Self.seeds.count >= 10, "\(Self.corpus.path)")
    }

    @Test(arguments: seeds)
    func aSeedReadsOrFailsCleanly(_ name: String) throws {
        _ = try Self.readAll(try Self.data(name), name)
    }

    /// The well-formed seeds load with the reader they were written for.
    @Test(arguments: [
        ("wordpiece.json", "tokenizer.json"), ("bytelevel-bpe.json", "tokenizer.json"),
        ("sentencepiece-bpe.json", "tokenizer.json"), ("unigram.json", "tokenizer.json"),
        ("split-regex.json", "tokenizer.json"), ("roberta-processing.json", "tokenizer.json"),
        ("vocab.txt", "vocab.txt"), ("gpt2-vocab-and-merges.bin", "vocab.json + merges.txt"),
    ])
    func aWellFormedSeedLoads(_ name: String, _ reader: String) throws {
        let loaded = try Self.readAll(try Self.data(name), name)
        #expect(loaded[reader] != nil, "\(name) did not load as \(reader)")
    }

    /// The hostile seeds: nesting far past any tokenizer, ids of 2⁶², merges of unknown tokens —
    /// refused with the key named (or, for an id, loaded without sizing anything by it).
    @Test(arguments: [
        ("arrays-nested-2000-deep.json", ""), ("objects-nested-600-deep.json", ""),
        ("bpe-merge-of-unknown-tokens.json", "merges"), ("unigram-unk-2-62.json", "unk_id"),
    ])
    func aHostileSeedIsRefused(_ name: String, _ key: String) throws {
        do {
            _ = try PretrainedTokenizer(tokenizerJSON: try Self.data(name), file: name)
            Issue.record("\(name) loaded")
        } catch let error as TokenizerError {
            #expect(error.file == name)
            if !key.isEmpty { #expect(error.key.contains(key), "\(error)") }
        }
    }
}
