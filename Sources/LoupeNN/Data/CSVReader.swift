import Foundation

extension TextDataSet {
    /// Reads a CSV file (RFC 4180) with a header row, taking the text and label from named columns.
    ///
    /// Quoted fields may hold commas, doubled quotes and line breaks; a record's line number is the line
    /// it starts on. Each record must have as many fields as the header. Blank lines are ignored. For the
    /// waimai reviews (`label,review`) pass `textColumn: "review"`.
    ///
    /// - Parameters:
    ///   - delimiter: the field separator (default `,`; `;` and tab also work).
    ///   - labelNames: label names in index order; a label field may be a name or an index. When nil,
    ///     the names are discovered (integers `0…max`, or the sorted distinct names).
    ///   - onMalformedRow: throw (default) or skip records with the wrong field count, a quoting error,
    ///     invalid UTF-8, an empty text or an unknown label; errors name the file and the 1-based line.
    public static func readCSV(at url: URL, textColumn: String, labelColumn: String = "label",
                               labelNames: [String]? = nil, delimiter: Character = ",", trimsWhitespace: Bool = true,
                               onMalformedRow: MalformedRowPolicy = .fail) throws -> TextReadResult {
        let file = url.lastPathComponent
        guard let separator = delimiter.asciiValue, delimiter != "\"", delimiter != "\n" else {
            throw DataSetError(.invalidArgument, file: file, "delimiter '\(delimiter)' must be one ASCII character other than a quote or line break")
        }
        let records = CSVParser.parse(try readFileData(url), delimiter: separator)
        var collector = try TextReadCollector(file: file, policy: onMalformedRow, labelNames: labelNames)
        guard let headerRecord = records.first else {
            throw DataSetError(.badHeader, file: file, "empty file, expected a header row")
        }
        if let problem = headerRecord.problem {
            throw DataSetError(.badHeader, file: file, line: headerRecord.line, "header: \(problem)")
        }
        let header = headerRecord.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let textIndex = header.firstIndex(of: textColumn), let labelIndex = header.firstIndex(of: labelColumn) else {
            throw DataSetError(.badHeader, file: file, line: headerRecord.line,
                               "header \(header) lacks column '\(header.contains(textColumn) ? labelColumn : textColumn)'")
        }
        for record in records.dropFirst() {
            if let problem = record.problem {
                try collector.malformed(line: record.line, problem)
                continue
            }
            guard record.fields.count == header.count else {
                try collector.malformed(line: record.line, "expected \(header.count) fields "
                                        + "(\(header.joined(separator: ", "))), found \(record.fields.count)")
                continue
            }
            let raw = record.fields[textIndex]
            let text = trimsWhitespace ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : raw
            let label = record.fields[labelIndex].trimmingCharacters(in: .whitespaces)
            // Blank means blank to every reader (JSON Lines too): white space of any kind, `\u{0B}` included.
            if text.allSatisfy(\.isWhitespace) {
                try collector.malformed(line: record.line, "empty text in column '\(textColumn)'")
            } else if label.isEmpty {
                try collector.malformed(line: record.line, "empty label in column '\(labelColumn)'")
            } else {
                collector.rows.append(RawExample(line: record.line, text: text, label: RawLabel(field: label)))
            }
        }
        return try collector.finish()
    }
}
