import Foundation

/// A list of words with their corpus counts, the vocabulary of a ``LexiconSegmenter``.
///
/// Saved as UTF-8 text (`loupe.lexicon.v1`): a first line `# loupe.lexicon.v1`, optional
/// further `#` comment lines (provenance), then one `word<TAB>count` line per word. Single
/// characters may be listed too; their counts price the characters the segmenter leaves alone.
public struct WordLexicon: Sendable, Equatable {
    /// The format's first line.
    public static let header = "# loupe.lexicon.v1"

    /// Count of every word (a word is any non-empty string without tabs or line breaks).
    public private(set) var counts: [String: Int]
    /// The comment lines kept with the lexicon (without the leading `# `).
    public var comments: [String]
    /// The longest word, in Unicode scalars.
    public private(set) var maxWordLength: Int
    /// The sum of all counts.
    public private(set) var total: Int

    /// A lexicon of `counts`.
    /// - Throws: ``TokenizerError`` for an empty lexicon, an empty word, a word holding a tab or
    ///   a line break, or a count below 1.
    public init(counts: [String: Int], comments: [String] = [], source: String = "lexicon") throws {
        guard !counts.isEmpty else { throw TokenizerError(file: source, key: "", reason: "the lexicon has no words") }
        var longest = 0
        var sum = 0
        for (word, count) in counts {
            guard !word.isEmpty, !word.contains(where: { $0 == "\t" || $0.isNewline }) else {
                throw TokenizerError(file: source, key: "word \(String(reflecting: word))",
                                     reason: "a word must be non-empty and hold no tab or line break")
            }
            guard count >= 1 else {
                throw TokenizerError(file: source, key: "word \(String(reflecting: word))", reason: "count \(count) is below 1")
            }
            let (s, overflow) = sum.addingReportingOverflow(count)
            guard !overflow else { throw TokenizerError(file: source, key: "", reason: "the counts overflow") }
            sum = s
            longest = max(longest, word.unicodeScalars.count)
        }
        self.counts = counts
        self.comments = comments
        self.maxWordLength = longest
        self.total = sum
    }

    /// Reads the text form.
    /// - Throws: ``TokenizerError`` naming `source` and the line for a missing header, a line
    ///   without exactly one tab, a count that is not a positive integer, or a repeated word.
    public init(text: String, source: String = "lexicon") throws {
        // Characters, not bytes: "\r\n" is one newline character.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.first.map(String.init) == Self.header else {
            throw TokenizerError(file: source, key: "line 1", reason: "expected \(Self.header)")
        }
        var counts: [String: Int] = [:]
        var comments: [String] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let key = "line \(offset + 1)"
            if line.hasPrefix("#") {
                comments.append(String(line.dropFirst().drop(while: { $0 == " " })))
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty else {
                throw TokenizerError(file: source, key: key, reason: "expected word<TAB>count")
            }
            guard let count = Int(fields[1]), count >= 1 else {
                throw TokenizerError(file: source, key: key, reason: "count \(String(reflecting: String(fields[1]))) is not a positive integer")
            }
            let word = String(fields[0])
            guard counts[word] == nil else {
                throw TokenizerError(file: source, key: key, reason: "the word \(String(reflecting: word)) is listed twice")
            }
            counts[word] = count
        }
        try self.init(counts: counts, comments: comments, source: source)
    }

    /// Reads a lexicon file.
    /// - Throws: ``TokenizerError`` when the file cannot be read or is not a lexicon.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError(file: url.path, key: "", reason: "cannot read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError(file: url.path, key: "", reason: "not UTF-8 text")
        }
        try self.init(text: text, source: url.path)
    }

    /// The text form: header, comments, then words by falling count (ties by word), so that the
    /// same lexicon always gives the same bytes.
    public var text: String {
        var out = Self.header + "\n"
        for comment in comments { out += "# \(comment)\n" }
        for (word, count) in counts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            out += "\(word)\t\(count)\n"
        }
        return out
    }

    /// The number of entries of at least two scalars (the words proper).
    public var multiCharacterWordCount: Int { counts.keys.reduce(0) { $0 + ($1.unicodeScalars.count > 1 ? 1 : 0) } }
}
