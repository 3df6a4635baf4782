import Foundation

extension TextDataSet {
    /// Reads one text per line from per-label files: the label of every line is its file's name
    /// without the extension (`positive.txt`, `negative.txt` → labels `positive`, `negative`).
    ///
    /// Blank lines are ignored; text is trimmed of surrounding white space.
    /// - Parameters:
    ///   - files: the files, one per label.
    ///   - labelNames: label names in index order; every file name must be one of them. When nil, the
    ///     sorted file names are the labels.
    ///   - onMalformedRow: throw (default) or skip lines that are not UTF-8; errors name the file and line.
    public static func readLinesPerLabel(files: [URL], labelNames: [String]? = nil,
                                         onMalformedRow: MalformedRowPolicy = .fail) throws -> TextReadResult {
        guard !files.isEmpty else { throw DataSetError(.invalidArgument, file: "(no files)", "no label files given") }
        let stems = files.map { $0.deletingPathExtension().lastPathComponent }
        if let repeated = stems.first(where: { stem in stems.filter { $0 == stem }.count > 1 }) {
            throw DataSetError(.invalidArgument, file: repeated, "two files give the label '\(repeated)'")
        }
        let names = labelNames ?? stems.sorted()
        try TextReadCollector.validate(labelNames: names, file: files[0].lastPathComponent)
        var examples: [TextExample] = []
        var skipped: [DataSetError] = []
        for (url, stem) in zip(files, stems) {
            let file = url.lastPathComponent
            guard let label = names.firstIndex(of: stem) else {
                throw DataSetError(.badLabel, file: file, "file name gives label '\(stem)', which is not one of \(names)")
            }
            var collector = try TextReadCollector(file: file, policy: onMalformedRow, labelNames: names)
            for (number, line) in splitLines(try readFileData(url)) {
                guard let line else {
                    try collector.malformed(line: number, "not UTF-8 text")
                    continue
                }
                let text = line.trimmingCharacters(in: .whitespaces)
                // Blank means blank to every reader (JSON Lines too): white space of any kind, `\u{0B}` included.
                if text.allSatisfy(\.isWhitespace) { continue }
                collector.rows.append(RawExample(line: number, text: text, label: .index(label)))
            }
            let part = try collector.finish()
            examples += part.dataSet.examples
            skipped += part.skipped
        }
        return TextReadResult(dataSet: TextDataSet(examples: examples, labelNames: names), skipped: skipped)
    }

    /// Reads every file with the given extension in `folder` (sorted by name) with
    /// ``readLinesPerLabel(files:labelNames:onMalformedRow:)``.
    public static func readLinesPerLabel(folder: URL, fileExtension: String = "txt", labelNames: [String]? = nil,
                                         onMalformedRow: MalformedRowPolicy = .fail) throws -> TextReadResult {
        let contents: [URL]
        do {
            contents = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        } catch {
            throw DataSetError(.io, file: folder.path, "cannot list folder (\(error.localizedDescription))")
        }
        let files = contents.filter { $0.pathExtension == fileExtension }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else {
            throw DataSetError(.io, file: folder.path, "no .\(fileExtension) files in folder")
        }
        return try readLinesPerLabel(files: files, labelNames: labelNames, onMalformedRow: onMalformedRow)
    }
}
