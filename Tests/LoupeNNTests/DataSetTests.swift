import Foundation
import LoupeNN
import Testing

/// A fresh temporary folder for fixture files.
func makeDataFixtureFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `contents` to `name` inside `folder` and returns its URL.
func writeDataFixture(_ contents: String, named name: String, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try Data(contents.utf8).write(to: url)
    return url
}

/// Runs `body` and returns the DataSetError it throws (recording an issue if it throws none).
func capturedDataSetError(_ body: () throws -> Void) -> DataSetError? {
    do {
        try body()
        Issue.record("expected a DataSetError")
    } catch let error as DataSetError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
    }
    return nil
}

@Suite("Text data set readers")
struct TextReaderTests {
    let folder: URL
    init() throws { folder = try makeDataFixtureFolder() }

    // MARK: TSV

    @Test func gluePairsWithTrailingSpaces() throws {
        let url = try writeDataFixture("sentence\tlabel\nit 's a charming journey . \t1\nbleak and desperate \t0\n\n",
                                   named: "train.tsv", in: folder)
        let result = try TextDataSet.readTSV(at: url, labelNames: ["negative", "positive"])
        #expect(result.dataSet.texts == ["it 's a charming journey .", "bleak and desperate"])
        #expect(result.dataSet.labels == [1, 0])
        #expect(result.dataSet.labelNames == ["negative", "positive"])
        #expect(result.skippedCount == 0)
        let discovered = try TextDataSet.readTSV(at: url)
        #expect(discovered.dataSet.labelNames == ["0", "1"])
    }

    @Test func tsvMalformedRowNamesFileAndLine() throws {
        let url = try writeDataFixture("sentence\tlabel\ngood film\t1\nno label here\nbad film\t0\n", named: "dev.tsv", in: folder)
        let error = capturedDataSetError { _ = try TextDataSet.readTSV(at: url) }
        #expect(error?.line == 3)
        #expect(error?.kind == .malformedRow)
        #expect(error?.description.hasPrefix("dev.tsv:3: ") == true)
    }

    @Test func tsvSkipModeCountsRows() throws {
        let url = try writeDataFixture("sentence\tlabel\ngood\t1\nbroken\nbad\t0\nodd\t7\n \t1\nfine\t1\n", named: "dev.tsv", in: folder)
        let result = try TextDataSet.readTSV(at: url, labelNames: ["negative", "positive"], onMalformedRow: .skip)
        #expect(result.dataSet.texts == ["good", "bad", "fine"])
        #expect(result.skippedCount == 3)
        #expect(result.skipped.map(\.line) == [3, 5, 6])
        #expect(result.skipped[1].kind == .badLabel)
        #expect(result.skipped.allSatisfy { $0.file == "dev.tsv" })
    }

    @Test func tsvMissingColumnIsAHeaderError() throws {
        let url = try writeDataFixture("text\tlabel\nfine\t1\n", named: "x.tsv", in: folder)
        let error = capturedDataSetError { _ = try TextDataSet.readTSV(at: url) }
        #expect(error?.kind == .badHeader)
        #expect(error?.description.contains("'sentence'") == true)
    }

    // MARK: CSV

    static let quotingCases: [(String, [String])] = [
        ("label,review\n1,plain text\n", ["plain text"]),
        ("label,review\n1,\"with, comma\"\n", ["with, comma"]),
        ("label,review\n1,\"say \"\"hi\"\" now\"\n", ["say \"hi\" now"]),
        ("label,review\n1,\"two\nlines\"\n0,next\n", ["two\nlines", "next"]),
        ("label,review\r\n1,crlf\r\n0,\"q\r\nr\"\r\n", ["crlf", "q\r\nr"]),
        ("\u{FEFF}label,review\n1,bom\n", ["bom"]),
        ("label,review\n1,\"\"\n1,a\"b\n", ["a\"b"]),   // an empty quoted text is malformed (skipped); a quote mid-field is literal
        ("label,review\n1,no newline at end", ["no newline at end"]),
        ("label,review\n\n1,blank lines\n\n", ["blank lines"]),
    ]

    @Test(arguments: quotingCases)
    func csvQuoting(csv: String, texts: [String]) throws {
        let url = try writeDataFixture(csv, named: "reviews.csv", in: folder)
        let result = try TextDataSet.readCSV(at: url, textColumn: "review", trimsWhitespace: false, onMalformedRow: .skip)
        #expect(result.dataSet.texts == texts)
    }

    @Test func csvLineNumbersCountQuotedNewlines() throws {
        let csv = "label,review\n1,\"first\nsecond\nthird\"\n0,ok\n1,too,many\n"
        let url = try writeDataFixture(csv, named: "waimai.csv", in: folder)
        let error = capturedDataSetError { _ = try TextDataSet.readCSV(at: url, textColumn: "review") }
        #expect(error?.line == 6)
        #expect(error?.description.hasPrefix("waimai.csv:6: expected 2 fields") == true)
    }

    @Test func csvQuotingErrors() throws {
        let csv = "label,review\n1,\"closed\"x\n0,fine\n1,\"never closed\n0,lost\n"
        let url = try writeDataFixture(csv, named: "bad.csv", in: folder)
        let error = capturedDataSetError { _ = try TextDataSet.readCSV(at: url, textColumn: "review") }
        #expect(error?.line == 2)
        #expect(error?.message.contains("after a closing quote") == true)
        let result = try TextDataSet.readCSV(at: url, textColumn: "review", onMalformedRow: .skip)
        #expect(result.dataSet.texts == ["fine"])
        #expect(result.skipped.map(\.line) == [2, 4])
        #expect(result.skipped[1].message.contains("unterminated"))
    }

    @Test func csvLabelsByNameAndIndex() throws {
        let csv = "id,sentiment,text\n1,pos,great\n2,neg,awful\n3,1,fine\n4,neutral,meh\n"
        let url = try writeDataFixture(csv, named: "named.csv", in: folder)
        let given = try TextDataSet.readCSV(at: url, textColumn: "text", labelColumn: "sentiment",
                                            labelNames: ["neg", "pos"], onMalformedRow: .skip)
        #expect(given.dataSet.labels == [1, 0, 1])
        #expect(given.skipped.map(\.line) == [5])
        #expect(given.skipped.first?.kind == .badLabel)
        let discovered = try TextDataSet.readCSV(at: url, textColumn: "text", labelColumn: "sentiment")
        #expect(discovered.dataSet.labelNames == ["1", "neg", "neutral", "pos"])
        #expect(discovered.dataSet.labels == [3, 1, 0, 2])
    }

    @Test func csvOtherDelimiter() throws {
        let url = try writeDataFixture("label;review\n1;\"a; b\"\n", named: "semi.csv", in: folder)
        #expect(try TextDataSet.readCSV(at: url, textColumn: "review", delimiter: ";").dataSet.texts == ["a; b"])
    }

    // MARK: JSONL

    @Test func jsonlLabelsAndRationales() throws {
        let jsonl = """
        {"text": "good film", "label": 1, "rationale": [0], "rationale_spans": [[0, 4]]}
        {"text": "bad film", "label": "negative", "id": 7}

        {"text": "不好", "label": "0"}
        """
        let url = try writeDataFixture(jsonl, named: "data.jsonl", in: folder)
        let set = try TextDataSet.readJSONL(at: url, labelNames: ["negative", "positive"]).dataSet
        #expect(set.labels == [1, 0, 0])
        #expect(set[0].rationaleTokenIndices == [0])
        #expect(set[0].rationaleSpans == [TextSpan(start: 0, end: 4)])
        #expect(set[1].rationaleTokenIndices == nil)
        #expect(set[2].text == "不好")
    }

    @Test func jsonlMalformedLines() throws {
        let jsonl = """
        {"text": "ok", "label": 1}
        {"text": "oops", "label": 1
        {"text": "no label"}
        {"text": "bad label", "label": true}
        {"text": "bad spans", "label": 0, "rationale_spans": [[2, 99]]}
        [1, 2]
        {"text": "fine", "label": 0}
        """
        let url = try writeDataFixture(jsonl, named: "broken.jsonl", in: folder)
        let error = capturedDataSetError { _ = try TextDataSet.readJSONL(at: url) }
        #expect(error?.description.hasPrefix("broken.jsonl:2: ") == true)
        let result = try TextDataSet.readJSONL(at: url, onMalformedRow: .skip)
        #expect(result.dataSet.texts == ["ok", "fine"])
        #expect(result.skipped.map(\.line) == [2, 3, 4, 5, 6])
        #expect(result.skipped[1].message.contains("missing key 'label'"))
    }

    @Test func jsonlRoundTrip() throws {
        let set = TextDataSet(examples: [
            TextExample(text: "say \"hi\"\n", label: 1, rationaleTokenIndices: [1], rationaleSpans: [TextSpan(start: 5, end: 7)]),
            TextExample(text: "很差", label: 0),
        ], labelNames: ["neg", "pos"])
        let url = try writeDataFixture(set.jsonLines(), named: "round.jsonl", in: folder)
        #expect(try TextDataSet.readJSONL(at: url, labelNames: ["neg", "pos"]).dataSet == set)
    }

    // MARK: One text per line per label

    @Test func lineFilesGiveLabelsByFileName() throws {
        let sub = folder.appendingPathComponent("by-label")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        _ = try writeDataFixture("great day\n\nlovely food\n", named: "positive.txt", in: sub)
        _ = try writeDataFixture("awful day\r\n", named: "negative.txt", in: sub)
        _ = try writeDataFixture("ignored", named: "README.md", in: sub)
        let set = try TextDataSet.readLinesPerLabel(folder: sub).dataSet
        #expect(set.labelNames == ["negative", "positive"])
        #expect(set.texts == ["awful day", "great day", "lovely food"])
        #expect(set.labels == [0, 1, 1])
        let given = try TextDataSet.readLinesPerLabel(folder: sub, labelNames: ["positive", "negative"]).dataSet
        #expect(given.labels == [1, 0, 0])
        let error = capturedDataSetError { _ = try TextDataSet.readLinesPerLabel(folder: sub, labelNames: ["pos", "neg"]) }
        #expect(error?.kind == .badLabel)
    }

    @Test func lineFilesReportInvalidUTF8() throws {
        let url = folder.appendingPathComponent("positive.txt")
        try Data("fine\n".utf8 + [0xFF, 0xFE, 0x0A] + "also fine\n".utf8).write(to: url)
        let error = capturedDataSetError { _ = try TextDataSet.readLinesPerLabel(files: [url]) }
        #expect(error?.description == "positive.txt:2: not UTF-8 text")
        let result = try TextDataSet.readLinesPerLabel(files: [url], onMalformedRow: .skip)
        #expect(result.skippedCount == 1 && result.dataSet.count == 2)
    }

    @Test func missingFileIsAnIOError() {
        let error = capturedDataSetError { _ = try TextDataSet.readTSV(at: folder.appendingPathComponent("nope.tsv")) }
        #expect(error?.kind == .io)
        #expect(error?.file == "nope.tsv")
    }

    // MARK: Real data (optional)

    static let sst2Dev = URL(fileURLWithPath: "/work/shared/data/sst2/dev.tsv")
    static let waimai = URL(fileURLWithPath: "/work/shared/data/zh/waimai_10k.csv")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: sst2Dev.path), "SST-2 dev.tsv not present (../shared/data)"))
    func realSST2Dev() throws {
        let set = try TextDataSet.readTSV(at: Self.sst2Dev, labelNames: ["negative", "positive"]).dataSet
        #expect(set.count == 872)
        #expect(set.labelCounts == [428, 444])
        #expect(set.examples.allSatisfy { !$0.text.hasSuffix(" ") })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: waimai.path), "waimai_10k.csv not present (../shared/data)"))
    func realWaimai() throws {
        let result = try TextDataSet.readCSV(at: Self.waimai, textColumn: "review", labelNames: ["negative", "positive"])
        #expect(result.dataSet.count == 11_987)
        #expect(result.dataSet.labelCounts == [7_987, 4_000])
    }
}

@Suite("Text data set shuffling, splits and batches")
struct TextDataSetTests {
    static func numbered(_ n: Int, labels: Int = 2) -> TextDataSet {
        TextDataSet(examples: (0..<n).map { TextExample(text: "text \($0)", label: $0 % labels) },
                    labelNames: (0..<labels).map { "l\($0)" })
    }

    @Test func shuffleIsSeededAndAPermutation() {
        let set = Self.numbered(50)
        let a = set.shuffled(seed: 1), b = set.shuffled(seed: 1), c = set.shuffled(seed: 2)
        #expect(a == b)
        #expect(a != c)
        #expect(a.texts.sorted() == set.texts.sorted())
        #expect(a.texts != set.texts)
    }

    @Test(arguments: [0.2, 0.3, 0.5])
    func stratifiedSplit(fraction: Double) {
        let set = Self.numbered(100)
        let (train, heldOut) = set.split(heldOutFraction: fraction, seed: 9)
        #expect(heldOut.count == Int(100 * fraction))
        #expect(train.count + heldOut.count == 100)
        #expect(heldOut.labelCounts == [heldOut.count / 2, heldOut.count / 2])
        #expect(Set(train.texts).isDisjoint(with: heldOut.texts))
        let again = set.split(heldOutFraction: fraction, seed: 9)
        #expect(again.train == train && again.heldOut == heldOut)
        #expect(set.split(heldOutFraction: fraction, seed: 10).heldOut != heldOut)
    }

    @Test func unstratifiedSplit() {
        let (train, heldOut) = Self.numbered(10).split(heldOutFraction: 0.3, seed: 1, stratified: false)
        #expect(train.count == 7 && heldOut.count == 3)
    }

    @Test func paddedBatches() throws {
        let vocabulary = try Vocabulary(tokens: Vocabulary.specials + ["good", "film", "bad"])
        let encoder = TextEncoder(vocabulary: vocabulary)
        let set = TextDataSet(examples: [
            TextExample(text: "good film", label: 1), TextExample(text: "bad", label: 0),
            TextExample(text: "good good good", label: 1),
        ], labelNames: ["neg", "pos"])
        let batches = set.batches(size: 2, encoder: encoder)
        #expect(batches.count == 2)
        #expect(batches[0].ids == [[4, 5], [6, 0]])
        #expect(batches[0].lengths == [2, 1])
        #expect(batches[0].labels == [1, 0])
        #expect(batches[0].paddingMask.isPadded == [false, false, false, true])
        #expect(batches[1].ids == [[4, 4, 4]])
        #expect(batches[1].flatIDs == [4, 4, 4])
        #expect(set.batches(size: 2, encoder: encoder, dropsLast: true).count == 1)
        let fixed = set.batches(size: 3, encoder: encoder, paddedLength: 2)
        #expect(fixed[0].ids == [[4, 5], [6, 0], [4, 4]])
        #expect(fixed[0].lengths == [2, 1, 2])
        let shuffled = set.batches(size: 2, encoder: encoder, shuffleSeed: 4)
        #expect(shuffled.flatMap(\.exampleIndices).sorted() == [0, 1, 2])
        #expect(shuffled == set.batches(size: 2, encoder: encoder, shuffleSeed: 4))
    }
}
