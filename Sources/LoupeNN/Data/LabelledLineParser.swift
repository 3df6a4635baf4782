import Foundation

/// Labelled examples one line at a time, for streams (`loupe evaluate` reading standard input),
/// in the line forms the file readers accept:
///
/// - a JSON object, as in ``TextDataSet/readJSONL(at:textKey:labelKey:labelNames:onMalformedRow:)``:
///   `{"text": "a fine film", "label": "positive"}` (`rationale` / `rationale_spans` kept);
/// - tab-separated fields under a header row given first, as in
///   ``TextDataSet/readTSV(at:textColumn:labelColumn:labelNames:trimsWhitespace:onMalformedRow:)``
///   (SST-2's `sentence\tlabel`): ``readHeader(_:)`` takes the header;
/// - without a header, `TEXT<TAB>LABEL`: exactly two fields, the text first.
///
/// A label is a name or an index into ``labelNames``. Each line is parsed on its own, so a
/// stream holds one line in memory at a time; every failure is a ``DataSetError`` naming what is
/// wrong with the line (the caller names the line).
public struct LabelledLineParser: Sendable {
    /// The classes, index = label id (a model's labels).
    public let labelNames: [String]
    /// The text's column (TSV header) and key (JSON).
    public let textColumn: String
    /// The label's column (TSV header) and key (JSON).
    public let labelColumn: String
    /// The header's column names, once ``readHeader(_:)`` took one.
    public private(set) var header: [String]?
    /// How the source is named in errors (`stdin`).
    public let source: String

    /// Creates a parser; `textColumn` nil means `sentence` in a TSV header and `text` in JSON
    /// (the readers' defaults), `labelColumn` nil means `label`.
    /// - Throws: ``DataSetError`` (`.invalidArgument`) for an empty label list or duplicate names.
    public init(labelNames: [String], textColumn: String? = nil, labelColumn: String? = nil, source: String = "stdin") throws {
        try TextReadCollector.validate(labelNames: labelNames, file: source)
        self.labelNames = labelNames
        self.explicitTextColumn = textColumn
        self.textColumn = textColumn ?? "sentence"
        self.labelColumn = labelColumn ?? "label"
        self.source = source
    }

    private let explicitTextColumn: String?

    /// Takes `line` as the TSV header when it is one: tab-separated names that include the text
    /// and label columns. Returns whether it did (else the line is data).
    public mutating func readHeader(_ line: String) -> Bool {
        guard header == nil, !Self.isJSONObjectLine(line) else { return false }
        let names = line.components(separatedBy: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.count >= 2, names.contains(textColumn), names.contains(labelColumn) else { return false }
        header = names
        return true
    }

    /// Whether `line` is meant as JSON (its first non-blank character is `{`).
    static func isJSONObjectLine(_ line: String) -> Bool {
        line.first(where: { !$0.isWhitespace }) == "{"
    }

    /// The example on one line.
    /// - Throws: ``DataSetError`` (`.malformedRow`: not a JSON object, a missing key, the wrong
    ///   number of fields, an empty text or label; `.badLabel`: a label that is neither one of
    ///   ``labelNames`` nor an index into them), its ``DataSetError/line`` set to `number`.
    public func example(_ line: String, number: Int) throws -> TextExample {
        func fail(_ message: String, _ kind: DataSetError.Kind = .malformedRow) -> DataSetError {
            DataSetError(kind, file: source, line: number, message)
        }
        if Self.isJSONObjectLine(line) {
            do {
                let read = try TextDataSet.parseJSONL(Data(line.utf8), file: source, textKey: explicitTextColumn ?? "text",
                                                      labelKey: labelColumn, labelNames: labelNames, onMalformedRow: .fail)
                guard let example = read.dataSet.examples.first else { throw fail("no example") }
                return example
            } catch let error as DataSetError {
                throw fail(error.message, error.kind)
            }
        }
        let fields = line.components(separatedBy: "\t")
        let text: String, label: String
        if let header {
            guard fields.count == header.count else {
                throw fail("expected \(header.count) tab-separated fields (\(header.joined(separator: ", "))), found \(fields.count)")
            }
            // The header holds both columns (readHeader checked).
            text = fields[header.firstIndex(of: textColumn) ?? 0]
            label = fields[header.firstIndex(of: labelColumn) ?? 1]
        } else {
            guard fields.count == 2 else {
                throw fail("expected a JSON object or TEXT<TAB>LABEL (2 tab-separated fields), found \(fields.count) field\(fields.count == 1 ? "" : "s")")
            }
            (text, label) = (fields[0], fields[1])
        }
        let sentence = text.trimmingCharacters(in: .whitespaces)
        let labelField = label.trimmingCharacters(in: .whitespaces)
        if sentence.isEmpty { throw fail("empty text") }
        if labelField.isEmpty { throw fail("empty label") }
        let raw = RawLabel(field: labelField)
        guard let index = TextReadCollector.resolve(raw, in: labelNames) else {
            throw fail("label '\(labelField)' is not one of \(labelNames) (nor an index into them)", .badLabel)
        }
        return TextExample(text: sentence, label: index)
    }
}
