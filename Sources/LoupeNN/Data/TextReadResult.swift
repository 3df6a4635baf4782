import Foundation

/// What a text-data reader returns: the data set plus the rows it left out.
public struct TextReadResult: Sendable {
    /// The examples that were read.
    public var dataSet: TextDataSet
    /// One error per row left out under ``MalformedRowPolicy/skip`` (empty under `.fail`).
    public var skipped: [DataSetError]
    /// Number of rows left out.
    public var skippedCount: Int { skipped.count }
}

/// A label as written in a file: a number or a name.
enum RawLabel: Equatable {
    case index(Int)
    case name(String)

    /// Reads a text field: an integer literal is an index, anything else a name.
    init(field: String) {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        if let value = Int(trimmed) { self = .index(value) } else { self = .name(trimmed) }
    }
}

/// A row that parsed, before its label is resolved to an index.
struct RawExample {
    var line: Int
    var text: String
    var label: RawLabel
    var rationaleTokenIndices: [Int]? = nil
    var rationaleSpans: [TextSpan]? = nil
}

/// Collects rows and malformed-row errors for one file and turns them into a ``TextReadResult``.
struct TextReadCollector {
    let file: String
    let policy: MalformedRowPolicy
    let labelNames: [String]?
    var rows: [RawExample] = []
    var skipped: [DataSetError] = []

    init(file: String, policy: MalformedRowPolicy, labelNames: [String]?) throws {
        self.file = file
        self.policy = policy
        self.labelNames = labelNames
        if let labelNames { try Self.validate(labelNames: labelNames, file: file) }
    }

    static func validate(labelNames: [String], file: String) throws {
        guard !labelNames.isEmpty else { throw DataSetError(.invalidArgument, file: file, "the label list is empty") }
        if Set(labelNames).count != labelNames.count {
            throw DataSetError(.invalidArgument, file: file, "the label list \(labelNames) has duplicates")
        }
    }

    /// Records a malformed row: throws under `.fail`, remembers it under `.skip`.
    /// The largest integer label whose names `"0"…"N"` are discovered (65,535: far past any
    /// classifier's class count, far below a size that would exhaust memory).
    static let maximumDiscoveredLabel = 65_535

    mutating func malformed(line: Int, _ message: String, kind: DataSetError.Kind = .malformedRow) throws {
        let error = DataSetError(kind, file: file, line: line, message)
        if policy == .fail { throw error }
        skipped.append(error)
    }

    /// Resolves a raw label against the given label names; nil when it matches none.
    static func resolve(_ label: RawLabel, in names: [String]) -> Int? {
        switch label {
        case .name(let name): return names.firstIndex(of: name)
        case .index(let index):
            if let byName = names.firstIndex(of: String(index)) { return byName }
            return index >= 0 && index < names.count ? index : nil
        }
    }

    /// Resolves labels (given names, or names discovered from the rows) and builds the result.
    ///
    /// Discovery: when every label is a non-negative integer the names are `"0"…"max"` (a label
    /// above ``maximumDiscoveredLabel`` is a bad row); otherwise the distinct labels, as text, sorted.
    mutating func finish() throws -> TextReadResult {
        let names: [String]
        if let labelNames {
            names = labelNames
        } else {
            let allIndices = rows.allSatisfy { row in
                if case .index(let i) = row.label { return i >= 0 } else { return false }
            }
            if allIndices {
                // The largest index sizes the list of names: an index past any real class count
                // (a corrupt or hostile row claiming label 10⁹) is refused before that list is made.
                var kept: [RawExample] = []
                kept.reserveCapacity(rows.count)
                for row in rows {
                    if case .index(let i) = row.label, i > Self.maximumDiscoveredLabel {
                        try malformed(line: row.line, "label \(i) is too large to discover the label names from "
                                      + "(at most \(Self.maximumDiscoveredLabel)); pass the label names", kind: .badLabel)
                    } else {
                        kept.append(row)
                    }
                }
                rows = kept
                let largest = rows.compactMap { row -> Int? in if case .index(let i) = row.label { return i } else { return nil } }.max()
                names = (0...(largest ?? 0)).map(String.init)
            } else {
                names = Set(rows.map { row -> String in
                    switch row.label {
                    case .index(let i): return String(i)
                    case .name(let n): return n
                    }
                }).sorted()
            }
        }
        var examples: [TextExample] = []
        examples.reserveCapacity(rows.count)
        for row in rows {
            guard let label = Self.resolve(row.label, in: names) else {
                let shown: String
                switch row.label {
                case .index(let i): shown = String(i)
                case .name(let n): shown = "'\(n)'"
                }
                try malformed(line: row.line, "label \(shown) is not one of \(names) (nor an index into them)",
                              kind: .badLabel)
                continue
            }
            examples.append(TextExample(text: row.text, label: label, rationaleTokenIndices: row.rationaleTokenIndices,
                                        rationaleSpans: row.rationaleSpans))
        }
        skipped.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        return TextReadResult(dataSet: TextDataSet(examples: examples, labelNames: names), skipped: skipped)
    }
}

/// Splits file bytes into lines (LF or CRLF), decoding each as UTF-8 and dropping a leading BOM.
/// A line that is not UTF-8 comes back as nil so the reader can report it with its number.
func splitLines(_ data: Data) -> [(number: Int, text: String?)] {
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var lines: [(Int, String?)] = []
    var start = 0
    var number = 1
    func emit(_ end: Int) {
        var slice = bytes[start..<end]
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        lines.append((number, String(validating: slice, as: UTF8.self)))
    }
    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
        emit(index)
        start = index + 1
        number += 1
    }
    if start < bytes.count { emit(bytes.count) }
    return lines
}
