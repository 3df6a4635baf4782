import Foundation
import Testing
@testable import LoupeNN

/// The committed seed corpus of the corpus-reader fuzz target (`Fuzz/corpus/corpus`) goes through
/// the readers as the fuzzer's inputs do — each file as TSV, CSV, JSON Lines, a label file and an
/// IDX array — giving a data set (whose labels and spans are in range, and whose JSON Lines read
/// back to the same examples) or a `DataSetError`, nothing else.
@Suite("Corpus readers: fuzz seeds")
struct CorpusFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/corpus")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func url(_ name: String) -> URL { corpus.appendingPathComponent(name) }

    /// A copy of the seed under another name (the readers take files; the label file's name is its label).
    static func copy(_ name: String, as file: String, in folder: URL) throws -> URL {
        let copy = folder.appendingPathComponent(file)
        try Data(contentsOf: url(name)).write(to: copy)
        return copy
    }

    /// Checks a data set that was read: labels and spans in range, JSON Lines read back the same.
    static func check(_ result: TextReadResult, _ what: String, in folder: URL) throws {
        let set = result.dataSet
        for example in set.examples {
            #expect(set.labelNames.indices.contains(example.label), "\(what)")
            for span in example.rationaleSpans ?? [] {
                #expect(0 <= span.start && span.start <= span.end && span.end <= example.text.unicodeScalars.count, "\(what)")
            }
        }
        let again = folder.appendingPathComponent("again.jsonl")
        try Data(set.jsonLines().utf8).write(to: again)
        #expect(try TextDataSet.readJSONL(at: again, labelNames: set.labelNames).dataSet.examples == set.examples, "\(what)")
    }

    /// Runs every reader on the seed with both policies; returns the readers that gave a data set.
    static func readAll(_ name: String) throws -> Set<String> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-corpus-seeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var read = Set<String>()
        let file = try copy(name, as: "positive.txt", in: folder)
        for policy in [MalformedRowPolicy.fail, .skip] {
            let readers: [(String, () throws -> TextReadResult)] = [
                ("tsv", { try TextDataSet.readTSV(at: file, onMalformedRow: policy) }),
                ("csv", { try TextDataSet.readCSV(at: file, textColumn: "text", onMalformedRow: policy) }),
                ("csv;", { try TextDataSet.readCSV(at: file, textColumn: "review", labelNames: ["0", "1"], delimiter: ";", onMalformedRow: policy) }),
                ("csv-review", { try TextDataSet.readCSV(at: file, textColumn: "review", onMalformedRow: policy) }),
                ("jsonl", { try TextDataSet.readJSONL(at: file, onMalformedRow: policy) }),
                ("lines", { try TextDataSet.readLinesPerLabel(files: [file], labelNames: ["negative", "positive"], onMalformedRow: policy) }),
            ]
            for (what, reader) in readers {
                do {
                    try check(try reader(), "\(name) as \(what)", in: folder)
                    read.insert(what + (policy == .skip ? " (skip)" : ""))
                } catch is DataSetError {}
            }
        }
        do {
            let array = try IDXArray.read(from: file)
            #expect(array.payload.count == array.elementCount * array.dataType.byteWidth)
            read.insert("idx")
            _ = try ImageDataSet.readIDX(images: file, limit: 3)
            read.insert("images")
        } catch is DataSetError {}
        return read
    }

    @Test func theCorpusIsThere() {
        #expect(Self.seeds.count >= 10, "\(Self.corpus.path)")
    }

    @Test(arguments: seeds)
    func aSeedReadsOrFailsCleanly(_ name: String) throws {
        _ = try Self.readAll(name)
    }

    @Test(arguments: [
        ("sst2-like.tsv", "tsv (skip)"), ("names.tsv", "tsv"), ("waimai-like.csv", "csv-review"), ("semicolon.csv", "csv; (skip)"),
        ("rationales.jsonl", "jsonl"), ("bad-rows.jsonl", "jsonl (skip)"), ("lines.txt", "lines"),
        ("idx-images.idx", "images"), ("idx-floats.idx", "idx"), ("idx-images.idx.gz", "images"),
    ])
    func aWellFormedSeedReads(_ name: String, _ reader: String) throws {
        let read = try Self.readAll(name)
        #expect(read.contains(reader), "\(name): \(read.sorted())")
    }

    /// Label indices of 2⁶² and 10⁹ (no label names given) must not make the reader list that many
    /// label names: they are refused naming the file and line.
    @Test(arguments: [("label-2-62.tsv", 2), ("label-1e9.jsonl", 1)])
    func aHugeLabelIndexIsRefusedBeforeAllocating(_ name: String, _ line: Int) throws {
        let reader: () throws -> TextReadResult = name.hasSuffix(".tsv")
            ? { try TextDataSet.readTSV(at: Self.url(name)) } : { try TextDataSet.readJSONL(at: Self.url(name)) }
        do {
            _ = try reader()
            Issue.record("\(name) read")
        } catch let error as DataSetError {
            #expect(error.kind == .badLabel && error.file == name && error.line == line, "\(error)")
        }
    }

    @Test(arguments: ["idx-2-62.idx", "idx-overflow.idx", "gzip-truncated.gz"])
    func aHostileIDXIsRefused(_ name: String) throws {
        #expect(throws: DataSetError.self) { try IDXArray.read(from: Self.url(name)) }
    }
}

/// Found by the corpus fuzz target: a text of white space that `.whitespaces` does not trim
/// (`\u{0B}`, U+2028, U+0085) was an example for the TSV, CSV and label-file readers, but JSON Lines
/// written from the data set could not be read back (that reader calls it empty). Blank is blank
/// to every reader now.
@Suite("Corpus readers: blank texts")
struct CorpusBlankTextTests {
    @Test func aLabelFileSkipsLinesOfAnyWhiteSpace() throws {
        let read = try TextDataSet.readLinesPerLabel(files: [CorpusFuzzSeedTests.url("blank-vertical-tab.txt")])
        #expect(read.dataSet.texts == ["good"])
    }

    @Test func aTSVRowOfAVerticalTabIsAnEmptyText() throws {
        let url = CorpusFuzzSeedTests.url("blank-vertical-tab.tsv")
        #expect(throws: DataSetError(.malformedRow, file: "blank-vertical-tab.tsv", line: 2, "empty text in column 'sentence'")) {
            try TextDataSet.readTSV(at: url)
        }
        #expect(try TextDataSet.readTSV(at: url, onMalformedRow: .skip).dataSet.texts == ["fine"])
    }

    @Test func aCSVFieldOfAVerticalTabIsAnEmptyText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-blank-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("blank.csv")
        try Data("text,label\n\"\u{0B}\u{2028}\",1\nok,0\n".utf8).write(to: url)
        #expect(throws: DataSetError(.malformedRow, file: "blank.csv", line: 2, "empty text in column 'text'")) {
            try TextDataSet.readCSV(at: url, textColumn: "text", trimsWhitespace: false)
        }
    }
}
