import Foundation

extension TextDataSet {
    /// Reads a tab-separated file with a header row, such as GLUE's SST-2 (`sentence\tlabel`).
    ///
    /// Fields are split on tabs with no quoting (GLUE's convention). The header names the columns;
    /// `textColumn` and `labelColumn` pick two of them, and other columns are ignored. Each row must
    /// have as many fields as the header. Blank lines are ignored. Text is trimmed of surrounding white
    /// space when `trimsWhitespace` is set (SST-2 sentences end with a space before the tab).
    ///
    /// - Parameters:
    ///   - labelNames: label names in index order; a label field may be a name or an index. When nil,
    ///     the names are discovered (integers `0…max`, or the sorted distinct names).
    ///   - onMalformedRow: throw (default) or skip rows with the wrong field count, an empty text or an
    ///     unknown label; errors name the file and the 1-based line.
    public static func readTSV(at url: URL, textColumn: String = "sentence", labelColumn: String = "label",
                               labelNames: [String]? = nil, trimsWhitespace: Bool = true,
                               onMalformedRow: MalformedRowPolicy = .fail) throws -> TextReadResult {
        let file = url.lastPathComponent
        let lines = splitLines(try readFileData(url))
        var collector = try TextReadCollector(file: file, policy: onMalformedRow, labelNames: labelNames)
        guard let headerLine = lines.first(where: { $0.text.map { !$0.isEmpty } ?? true }) else {
            throw DataSetError(.badHeader, file: file, "empty file, expected a header row")
        }
        guard let headerText = headerLine.text else {
            throw DataSetError(.notUTF8, file: file, line: headerLine.number, "header is not UTF-8 text")
        }
        let header = headerText.components(separatedBy: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let textIndex = header.firstIndex(of: textColumn), let labelIndex = header.firstIndex(of: labelColumn) else {
            throw DataSetError(.badHeader, file: file, line: headerLine.number,
                               "header \(header) lacks column '\(header.contains(textColumn) ? labelColumn : textColumn)'")
        }
        for (number, text) in lines where number > headerLine.number {
            guard let text else {
                try collector.malformed(line: number, "not UTF-8 text")
                continue
            }
            if text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = text.components(separatedBy: "\t")
            guard fields.count == header.count else {
                try collector.malformed(line: number, "expected \(header.count) tab-separated fields "
                                        + "(\(header.joined(separator: ", "))), found \(fields.count)")
                continue
            }
            let sentence = trimsWhitespace ? fields[textIndex].trimmingCharacters(in: .whitespaces) : fields[textIndex]
            let label = fields[labelIndex].trimmingCharacters(in: .whitespaces)
            // Blank means blank to every reader (JSON Lines too): white space of any kind, `\u{0B}` included.
            if sentence.allSatisfy(\.isWhitespace) {
                try collector.malformed(line: number, "empty text in column '\(textColumn)'")
            } else if label.isEmpty {
                try collector.malformed(line: number, "empty label in column '\(labelColumn)'")
            } else {
                collector.rows.append(RawExample(line: number, text: sentence, label: RawLabel(field: label)))
            }
        }
        return try collector.finish()
    }
}
