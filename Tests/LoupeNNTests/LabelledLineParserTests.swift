import Foundation
import LoupeNN
import Testing

/// Labelled lines one at a time (`loupe evaluate` on standard input): the JSON and TSV forms
/// of the file readers, a header row, and one clear error per bad line.
@Suite struct LabelledLineParserTests {
    static let labels = ["negative", "positive"]

    @Test(arguments: [
        (#"{"text": "a fine film", "label": "positive"}"#, "a fine film", 1),
        (#"{"text": "dull", "label": 0}"#, "dull", 0),
        ("a fine film\tpositive", "a fine film", 1),
        ("dull \t 0", "dull", 0),
        ("  {\"label\": \"1\", \"text\": \" spaced \"}", " spaced ", 1),   // JSON text is taken as written
    ])
    func linesWithoutAHeader(_ line: String, _ text: String, _ label: Int) throws {
        let parser = try LabelledLineParser(labelNames: Self.labels)
        let example = try parser.example(line, number: 3)
        #expect(example.text == text && example.label == label)
    }

    @Test func aHeaderNamesTheColumns() throws {
        var parser = try LabelledLineParser(labelNames: Self.labels)
        do { let took = parser.readHeader("a fine film\tpositive"); #expect(!took) }
        do { let took = parser.readHeader("id\tlabel\tsentence"); #expect(took) }
        #expect(parser.header == ["id", "label", "sentence"])
        do { let took = parser.readHeader("id\tlabel\tsentence"); #expect(!took, "one header only") }
        let example = try parser.example("7\t1\tgreat acting ", number: 2)
        #expect(example.text == "great acting" && example.label == 1)
        let error = #expect(throws: DataSetError.self) { try parser.example("great\t1", number: 4) }
        #expect(error?.line == 4 && error?.message.contains("expected 3 tab-separated fields (id, label, sentence), found 2") == true)

        var custom = try LabelledLineParser(labelNames: Self.labels, textColumn: "review", labelColumn: "stars")
        do { let took = custom.readHeader("sentence\tlabel"); #expect(!took) }
        do { let took = custom.readHeader("stars\treview"); #expect(took) }
        #expect(try custom.example("negative\tawful", number: 2).label == 0)
        #expect(try custom.example(#"{"review": "nice", "stars": "positive"}"#, number: 3).text == "nice")
    }

    @Test(arguments: [
        ("just text", "2 tab-separated fields", DataSetError.Kind.malformedRow),
        ("a\tb\tc", "found 3 fields", .malformedRow),
        ("\tpositive", "empty text", .malformedRow),
        ("fine\t ", "empty label", .malformedRow),
        ("fine\tneutral", "label 'neutral' is not one of", .badLabel),
        ("fine\t5", "label '5'", .badLabel),
        ("{\"text\": \"x\"", "invalid JSON", .malformedRow),
        (#"{"text": "x"}"#, "missing key 'label'", .malformedRow),
        (#"{"text": 3, "label": 0}"#, "'text' must be a string", .malformedRow),
        (#"{"text": "x", "label": "neutral"}"#, "not one of", .badLabel),
    ])
    func badLinesThrowOneError(_ line: String, _ mention: String, _ kind: DataSetError.Kind) throws {
        let parser = try LabelledLineParser(labelNames: Self.labels)
        let error = #expect(throws: DataSetError.self) { try parser.example(line, number: 9) }
        #expect(error?.kind == kind && error?.line == 9 && error?.file == "stdin", "\(String(describing: error))")
        #expect(error?.message.contains(mention) == true, "\(String(describing: error))")
    }

    @Test func labelListsAreChecked() {
        #expect(throws: DataSetError.self) { try LabelledLineParser(labelNames: []) }
        #expect(throws: DataSetError.self) { try LabelledLineParser(labelNames: ["a", "a"]) }
    }
}
