import Foundation
import LoupeTokenizers

/// A libFuzzer target for the tokenizer readers of LoupeTokenizers, fed the same bytes each:
/// `tokenizer.json` (`PretrainedTokenizer(tokenizerJSON:)`: WordPiece, BPE, Unigram, WordLevel
/// models, normalizers, pre-tokenizers, post-processors, decoders, added tokens), BERT's
/// `vocab.txt` and, when the input holds a NUL byte inside it, GPT-2's `vocab.json` (before
/// it) + `merges.txt` (after it). A tokenizer that loads tokenizes a few fixed strings and decodes the
/// ids. Any bytes must give a tokenizer or a thrown `TokenizerError`, never a crash, a hang or a
/// huge allocation.
///
/// - Fuzzing (`Fuzz/run.sh tokenizer 600`): built with `-sanitize=fuzzer,address -DLOUPE_FUZZ`,
///   libFuzzer's own `main` calls ``fuzzOne(_:_:)`` on every input it makes.
/// - Replaying (a plain `swift build`, `loupe-fuzz-tokenizer FILE…`): each file goes through the
///   same entry point, so a finding stays reproducible without the fuzzing toolchain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    readsOrThrows("tokenizer.json") { try PretrainedTokenizer(tokenizerJSON: bytes, file: "fuzz/tokenizer.json") }
    // Files of 0 bytes are left out: FoundationEssentials leaks its read buffer on them (see
    // Fuzz/lsan.supp), and every leak check that sets off costs seconds; the unit tests read them.
    guard !bytes.isEmpty else { return 0 }
    let vocabulary = FuzzScratch.url("vocab.txt")
    write(bytes, to: vocabulary)
    readsOrThrows("vocab.txt") { try PretrainedTokenizer(bertVocabulary: vocabulary, lowercase: size % 2 == 0) }
    if let nul = bytes.firstIndex(of: 0), nul > bytes.startIndex, nul + 1 < bytes.endIndex {
        let vocabJSON = FuzzScratch.url("vocab.json"), merges = FuzzScratch.url("merges.txt")
        write(bytes[bytes.startIndex..<nul], to: vocabJSON)
        write(bytes[(nul + 1)...], to: merges)
        readsOrThrows("vocab.json + merges.txt") { try PretrainedTokenizer(gpt2Vocabulary: vocabJSON, merges: merges) }
    }
    return 0
}

/// Fixed texts every tokenizer that loads must tokenize: ASCII, accents and CJK, an emoji,
/// white space runs, the usual special tokens, and an empty string.
let fuzzTexts = ["Hello, world!", "naïve café 日本語 🙂", "  two  spaces\tand\nlines ", "[CLS] [UNK] <s></s><|endoftext|>", ""]

func readsOrThrows(_ what: String, _ load: () throws -> PretrainedTokenizer) {
    let tokenizer: PretrainedTokenizer
    do {
        tokenizer = try load()
    } catch is TokenizerError {
        return  // bad input, reported as such: what the reader must do
    } catch {
        preconditionFailure("the \(what) reader threw a \(type(of: error)), not a TokenizerError: \(error)")
    }
    _ = tokenizer.vocabularySize
    for text in fuzzTexts {
        let tokens = tokenizer.encode(text, addSpecialTokens: true)
        let count = text.unicodeScalars.count
        for token in tokens {
            if let start = token.start, let end = token.end {
                precondition(start >= 0 && start <= end && end <= count,
                             "\(what): token \(token.id) has offsets \(start)..<\(end) in a text of \(count) scalars")
            }
        }
        _ = tokenizer.decode(tokens.map(\.id), skipSpecialTokens: true)
    }
}

func write<D: DataProtocol>(_ bytes: D, to url: URL) {
    do { try Data(bytes).write(to: url) } catch { preconditionFailure("cannot write the scratch file \(url.path): \(error)") }
}

/// Scratch files inputs are written to (in memory where `/dev/shm` exists), one folder a process.
enum FuzzScratch {
    static let folder: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("loupe-fuzz-tokenizer-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
}

#if LOUPE_FUZZ
/// libFuzzer's driver (SwiftPM names the executable's entry point itself, so `main` is ours and
/// hands over to libFuzzer).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif

@main
enum FuzzTokenizerMain {
    static func main() {
        #if LOUPE_FUZZ
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) })
        try? FileManager.default.removeItem(at: FuzzScratch.folder)
        exit(status)
        #else
        replay(CommandLine.arguments.dropFirst())
        try? FileManager.default.removeItem(at: FuzzScratch.folder)
        #endif
    }

    /// Runs each file through the fuzz target.
    static func replay(_ paths: ArraySlice<String>) {
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: loupe-fuzz-tokenizer FILE...  (replays inputs through the fuzz target)\n".utf8))
            exit(2)
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8))
                exit(2)
            }
            _ = data.withUnsafeBytes { fuzzOne($0.bindMemory(to: UInt8.self).baseAddress, data.count) }
            print("\(path): ok (\(data.count) bytes)")
        }
    }
}
