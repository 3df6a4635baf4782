import Foundation
import LoupeNN

/// A libFuzzer target for the corpus readers of LoupeNN, each fed the same bytes as a file's
/// contents: TSV (`TextDataSet.readTSV`), CSV (`readCSV`, RFC 4180 quoting), JSON Lines
/// (`readJSONL`, rationales included), one-text-a-line label files (`readLinesPerLabel`), and
/// IDX image arrays, raw or gzip (`IDXArray.read`, `ImageDataSet.readIDX`). Odd-sized inputs
/// read with `onMalformedRow: .skip`, even-sized ones with `.fail`. A data set that reads must keep
/// its labels inside its label names and its rationale spans inside its texts, and JSON Lines
/// written from it must read back to the same examples. Any bytes must give a data set or a thrown
/// `DataSetError`, never a crash, a hang or a huge allocation.
///
/// - Fuzzing (`Fuzz/run.sh corpus 600`): built with `-sanitize=fuzzer,address -DLOUPE_FUZZ`,
///   libFuzzer's own `main` calls ``fuzzOne(_:_:)`` on every input it makes.
/// - Replaying (a plain `swift build`, `loupe-fuzz-corpus FILE…`): each file goes through the same
///   entry point, so a finding stays reproducible without the fuzzing toolchain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    // A file of 0 bytes is left out: FoundationEssentials leaks its read buffer on one (see
    // Fuzz/lsan.supp), and every leak check that sets off costs seconds; the unit tests read them.
    guard !bytes.isEmpty else { return 0 }
    let policy: MalformedRowPolicy = size % 2 == 1 ? .skip : .fail
    let tsv = FuzzScratch.file("corpus.tsv", bytes), csv = FuzzScratch.file("corpus.csv", bytes)
    let jsonl = FuzzScratch.file("corpus.jsonl", bytes), lines = FuzzScratch.file("positive.txt", bytes)
    let idx = FuzzScratch.file("images.idx", bytes)
    readsOrThrows("readTSV") { try TextDataSet.readTSV(at: tsv, onMalformedRow: policy) }
    readsOrThrows("readCSV") { try TextDataSet.readCSV(at: csv, textColumn: "text", onMalformedRow: policy) }
    readsOrThrows("readCSV(;)") {
        try TextDataSet.readCSV(at: csv, textColumn: "review", labelNames: ["0", "1"], delimiter: ";", onMalformedRow: policy)
    }
    readsOrThrows("readJSONL") { try TextDataSet.readJSONL(at: jsonl, onMalformedRow: policy) }
    readsOrThrows("readLinesPerLabel") {
        try TextDataSet.readLinesPerLabel(files: [lines], labelNames: ["negative", "positive"], onMalformedRow: policy)
    }
    do {
        let array = try IDXArray.read(from: idx)
        precondition(array.payload.count == array.elementCount * array.dataType.byteWidth, "IDX payload and dimensions disagree")
        _ = array.floatValues()
        let images = try ImageDataSet.readIDX(images: idx, labels: nil, limit: 3)
        precondition(images.count <= 3, "readIDX read past its limit")
    } catch is DataSetError {
    } catch {
        preconditionFailure("the IDX reader threw a \(type(of: error)), not a DataSetError: \(error)")
    }
    return 0
}

/// Runs one text reader: a data set (checked, and written back as JSON Lines) or a `DataSetError`.
func readsOrThrows(_ what: String, _ read: () throws -> TextReadResult) {
    let result: TextReadResult
    do {
        result = try read()
    } catch is DataSetError {
        return  // bad input, reported as such: what the reader must do
    } catch {
        preconditionFailure("\(what) threw a \(type(of: error)), not a DataSetError: \(error)")
    }
    let set = result.dataSet
    for example in set.examples {
        precondition(set.labelNames.indices.contains(example.label), "\(what): label \(example.label) outside \(set.labelNames)")
        let count = example.text.unicodeScalars.count
        for span in example.rationaleSpans ?? [] {
            precondition(0 <= span.start && span.start <= span.end && span.end <= count, "\(what): span \(span) outside the text")
        }
    }
    // What was read writes as JSON Lines and reads back to the same examples (an empty set writes
    // an empty file, left out as above).
    guard !set.examples.isEmpty else { return }
    let again = FuzzScratch.file("again.jsonl", Data(set.jsonLines().utf8))
    do {
        let back = try TextDataSet.readJSONL(at: again, labelNames: set.labelNames)
        precondition(back.dataSet.examples == set.examples, "\(what): JSON Lines written from the data set read back differently")
    } catch {
        preconditionFailure("\(what): JSON Lines written from the data set do not read back: \(error)")
    }
}

/// Scratch files inputs are written to (in memory where `/dev/shm` exists), one folder a process.
enum FuzzScratch {
    static let folder: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("loupe-fuzz-corpus-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Writes `bytes` to the scratch file `name` and returns its URL.
    static func file(_ name: String, _ bytes: Data) -> URL {
        let url = folder.appendingPathComponent(name)
        do { try bytes.write(to: url) } catch { preconditionFailure("cannot write the scratch file \(url.path): \(error)") }
        return url
    }
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
enum FuzzCorpusMain {
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
            FileHandle.standardError.write(Data("usage: loupe-fuzz-corpus FILE...  (replays inputs through the fuzz target)\n".utf8))
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
