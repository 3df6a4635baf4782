import Foundation

extension TextDataSet {
    /// Reads JSON Lines: one object per line such as `{"text": "…", "label": "positive"}`.
    ///
    /// The label may be a name or an integer index. Optional keys carry a rationale:
    /// `rationale` (token indices under the default ``Tokenizer``) and `rationale_spans`
    /// (`[[start, end], …]` in Unicode-scalar offsets of the text). Other keys are ignored, and blank
    /// lines are skipped. Text is taken as written (no trimming), so spans stay valid.
    ///
    /// - Parameters:
    ///   - labelNames: label names in index order. When nil, the names are discovered (integers
    ///     `0…max`, or the sorted distinct names).
    ///   - onMalformedRow: throw (default) or skip lines that are not JSON objects, lack a key, have a
    ///     wrong type or an unknown label; errors name the file and the 1-based line.
    public static func readJSONL(at url: URL, textKey: String = "text", labelKey: String = "label",
                                 labelNames: [String]? = nil,
                                 onMalformedRow: MalformedRowPolicy = .fail) throws -> TextReadResult {
        let file = url.lastPathComponent
        let data = try readFileData(url)
        return try parseJSONL(data, file: file, textKey: textKey, labelKey: labelKey, labelNames: labelNames,
                              onMalformedRow: onMalformedRow)
    }

    /// Parses JSON Lines already in memory (``readJSONL(at:textKey:labelKey:labelNames:onMalformedRow:)``).
    static func parseJSONL(_ data: Data, file: String, textKey: String = "text", labelKey: String = "label",
                           labelNames: [String]?, onMalformedRow: MalformedRowPolicy) throws -> TextReadResult {
        var collector = try TextReadCollector(file: file, policy: onMalformedRow, labelNames: labelNames)
        for (number, line) in splitLines(data) {
            guard let line else {
                try collector.malformed(line: number, "not UTF-8 text")
                continue
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            do {
                collector.rows.append(try parseJSONLRow(line, number: number, file: file,
                                                        textKey: textKey, labelKey: labelKey))
            } catch let error as DataSetError {
                try collector.malformed(line: number, error.message)
            }
        }
        return try collector.finish()
    }

    private static func parseJSONLRow(_ line: String, number: Int, file: String,
                                      textKey: String, labelKey: String) throws -> RawExample {
        func fail(_ message: String) -> DataSetError { DataSetError(.malformedRow, file: file, line: number, message) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(line.utf8), fileName: file)
        } catch let error as CheckpointError {
            throw fail(error.message)
        }
        guard let object = value.objectValue else { throw fail("expected a JSON object, found \(value.briefDescription)") }
        guard let textValue = object[textKey] else { throw fail("missing key '\(textKey)'") }
        guard let text = textValue.stringValue else { throw fail("'\(textKey)' must be a string, found \(textValue.briefDescription)") }
        if text.allSatisfy(\.isWhitespace) { throw fail("empty text in '\(textKey)'") }
        guard let labelValue = object[labelKey] else { throw fail("missing key '\(labelKey)'") }
        let label: RawLabel
        if let index = labelValue.intValue {
            label = .index(index)
        } else if let name = labelValue.stringValue, !name.isEmpty {
            label = RawLabel(field: name)
        } else {
            throw fail("'\(labelKey)' must be an integer or a non-empty string, found \(labelValue.briefDescription)")
        }
        var row = RawExample(line: number, text: text, label: label)
        if let rationale = object["rationale"] {
            guard let items = rationale.arrayValue, case let indices = items.compactMap(\.intValue),
                  indices.count == items.count, indices.allSatisfy({ $0 >= 0 }) else {
                throw fail("'rationale' must be an array of non-negative integers")
            }
            row.rationaleTokenIndices = indices
        }
        if let spansValue = object["rationale_spans"] {
            let scalarCount = text.unicodeScalars.count
            guard let items = spansValue.arrayValue else { throw fail("'rationale_spans' must be an array of [start, end] pairs") }
            var spans: [TextSpan] = []
            for item in items {
                guard let pair = item.arrayValue, pair.count == 2, let start = pair[0].intValue, let end = pair[1].intValue,
                      0 <= start, start <= end, end <= scalarCount else {
                    throw fail("'rationale_spans' must hold [start, end] pairs with 0 ≤ start ≤ end ≤ \(scalarCount)")
                }
                spans.append(TextSpan(start: start, end: end))
            }
            row.rationaleSpans = spans
        }
        return row
    }

    /// The data set as JSON Lines (`text`, `label` by name, and `rationale` / `rationale_spans` where
    /// known), one example per line; ``readJSONL(at:textKey:labelKey:labelNames:onMalformedRow:)`` reads it back.
    public func jsonLines() -> String {
        let encoder = JSONEncoder.loupe(pretty: false)
        return examples.map { example in
            let row = JSONLRow(text: example.text, label: labelNames[example.label],
                               rationale: example.rationaleTokenIndices,
                               rationaleSpans: example.rationaleSpans.map { $0.map { [$0.start, $0.end] } })
            // Strings, integers and arrays of them always encode.
            return ((try? encoder.encode(row)).map { String(decoding: $0, as: UTF8.self) } ?? "") + "\n"
        }.joined()
    }
}

/// One line of a labelled JSON Lines file, as written.
private struct JSONLRow: Encodable {
    var text: String
    var label: String
    var rationale: [Int]?
    var rationaleSpans: [[Int]]?

    enum CodingKeys: String, CodingKey {
        case text, label, rationale, rationaleSpans = "rationale_spans"
    }
}
