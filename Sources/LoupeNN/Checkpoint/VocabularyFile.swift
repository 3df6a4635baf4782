import Foundation

/// Reading, validating and writing `vocab.txt`: one token per line, the 0-based line number is the
/// token id, ids 0–3 are `[PAD] [UNK] [BOS] [EOS]`.
///
/// Lines end with `\n` (a `\r` before it is dropped); a final newline is optional. Tokens are taken
/// verbatim otherwise. Errors name the file and the 1-based line: invalid UTF-8, an empty line,
/// a wrong special token, a duplicate token (with the line of its first occurrence).
enum CheckpointVocabulary {
    static let fileName = "vocab.txt"
    /// The tokens required at ids 0, 1, 2, 3.
    static let specialTokens = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"]

    static func parse(_ data: Data, fileName: String = fileName) throws -> [String] {
        var lines = Array(data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }  // the final newline
        var tokens: [String] = []
        tokens.reserveCapacity(lines.count)
        for (index, var line) in lines.enumerated() {
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            let token = String(decoding: line, as: UTF8.self)
            guard token.utf8.elementsEqual(line) else {
                throw CheckpointError(.invalidVocabulary, file: fileName, line: index + 1, "not valid UTF-8")
            }
            tokens.append(token)
        }
        try validate(tokens, fileName: fileName)
        return tokens
    }

    static func validate(_ tokens: [String], fileName: String = fileName) throws {
        for (id, expected) in specialTokens.enumerated() {
            guard id < tokens.count else {
                throw CheckpointError(.invalidVocabulary, file: fileName, line: id + 1,
                                      "missing '\(expected)': ids 0–3 must be \(specialTokens.joined(separator: " ")) "
                                      + "(the file has \(tokens.count) tokens)")
            }
            guard tokens[id] == expected else {
                throw CheckpointError(.invalidVocabulary, file: fileName, line: id + 1,
                                      "id \(id) must be '\(expected)', found '\(tokens[id])'")
            }
        }
        var firstLine: [String: Int] = [:]
        firstLine.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            let line = id + 1
            guard !token.isEmpty else {
                throw CheckpointError(.invalidVocabulary, file: fileName, line: line, "empty token (id \(id))")
            }
            guard !token.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
                throw CheckpointError(.invalidVocabulary, file: fileName, line: line,
                                      "token (id \(id)) contains a line break")
            }
            if let first = firstLine[token] {
                throw CheckpointError(.invalidVocabulary, file: fileName, line: line,
                                      "duplicate token '\(token)' (id \(id)), first on line \(first) (id \(first - 1))")
            }
            firstLine[token] = line
        }
    }

    /// Checks the token count against the config's `vocab_size`, when the config has one.
    static func checkSize(_ tokens: [String], config: CheckpointConfig) throws {
        if let size = config.optionalInt("vocab_size"), size != tokens.count {
            throw CheckpointError(.invalidVocabulary, file: fileName,
                                  "\(tokens.count) tokens, but \(CheckpointConfig.fileName) has vocab_size \(size)")
        }
    }

    /// Validated tokens as file bytes, one per line with a final newline.
    static func serialized(_ tokens: [String]) throws -> Data {
        try validate(tokens)
        return Data(tokens.map { $0 + "\n" }.joined().utf8)
    }
}
