import Foundation
import LoupePretrained
import LoupeTensor
import LoupeTokenizers

/// A libFuzzer target for the GGUF reader (`GGUFFile.open`): header, metadata values (nested
/// arrays, counts and string lengths the file cannot hold), tensor infos (ranks, dimensions, types,
/// offsets, `n_elements × size` overflow), then what a loader does with an accepted file — typed
/// metadata reads, the decoder configuration, the tokenizer (tokenizing a few fixed strings), every
/// tensor decoded through the quantized block decoders, and the model itself. Any bytes must give
/// values or a thrown `PretrainedError`, never a crash, a hang or a huge allocation.
///
/// - Fuzzing (`Fuzz/run.sh gguf 600`): built with `-sanitize=fuzzer,address -DLOUPE_FUZZ`,
///   libFuzzer's own `main` calls ``fuzzOne(_:_:)`` on every input it makes.
/// - Replaying (a plain `swift build`, `loupe-fuzz-gguf FILE…`): each file goes through the same
///   entry point, so a finding stays reproducible without the fuzzing toolchain.
///
/// GGUF files are memory-mapped, so each input is written to one scratch file first.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    let url = FuzzScratch.file
    do { try bytes.write(to: url) } catch { preconditionFailure("cannot write the scratch file \(url.path): \(error)") }
    do {
        try exercise(url)
    } catch is PretrainedError {
        // Bad input, reported as such: what the reader must do.
    } catch {
        preconditionFailure("the GGUF reader threw a \(type(of: error)), not a PretrainedError: \(error)")
    }
    return 0
}

/// Fixed texts tokenized with every tokenizer a fuzzed file yields.
let fuzzTexts = ["Hello, world!", "naïve café 日本語 🙂", "  two  spaces\tand\nlines ", "<s></s><unk>", ""]

func exercise(_ url: URL) throws {
    let file = try GGUFFile.open(url)
    // Every metadata value through the typed reads a loader uses (mistyped keys throw).
    for key in file.metadataKeys {
        guard let value = file.metadata[key] else { preconditionFailure("metadata key '\(key)' listed but absent") }
        _ = value.description
        if case .array(let array) = value {
            _ = array.values().count
            _ = try? file.stringArrayIfPresent(key)
            _ = try? file.integerArrayIfPresent(key)
            _ = try? file.floatArrayIfPresent(key)
        } else {
            _ = try? file.integerIfPresent(key)
            _ = try? file.floatIfPresent(key)
        }
    }
    _ = try? DecoderConfiguration(gguf: file, tensors: file)
    do {
        let tokenizer = try PretrainedModel.loadTokenizer(url)
        for text in fuzzTexts {
            let ids = tokenizer.encode(text, addSpecialTokens: true).map(\.id)
            _ = tokenizer.decode(ids, skipSpecialTokens: false)
        }
    } catch is PretrainedError {}
    // Every tensor through the block decoders.
    for info in file.tensorInfos {
        switch try file.weight(named: info.name) {
        case .dense(let tensor):
            precondition(tensor.shape == info.shape, "tensor '\(info.name)' decoded to \(tensor.shape), not \(info.shape)")
        case .quantized(let matrix):
            let dense = matrix.dequantized()
            precondition(dense.shape.reduce(1, *) == info.elementCount, "tensor '\(info.name)' decoded to \(dense.shape)")
        }
    }
    _ = try DecoderLanguageModel(gguf: file)
}

/// The one scratch file inputs are written to (in memory where `/dev/shm` exists).
enum FuzzScratch {
    static let file: URL = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return URL(fileURLWithPath: folder).appendingPathComponent("loupe-fuzz-gguf-\(getpid()).gguf")
    }()
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
enum FuzzGGUFMain {
    static func main() {
        defer { try? FileManager.default.removeItem(at: FuzzScratch.file) }
        #if LOUPE_FUZZ
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) })
        try? FileManager.default.removeItem(at: FuzzScratch.file)
        exit(status)
        #else
        replay(CommandLine.arguments.dropFirst())
        #endif
    }

    /// Runs each file through the fuzz target.
    static func replay(_ paths: ArraySlice<String>) {
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: loupe-fuzz-gguf FILE...  (replays inputs through the fuzz target)\n".utf8))
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
