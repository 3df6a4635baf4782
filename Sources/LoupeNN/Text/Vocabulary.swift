import Foundation

/// Token ↔ id table. Ids 0–3 are always `[PAD] [UNK] [BOS] [EOS]`; saved as `vocab.txt` (one token a
/// line, the line number is the id) in a checkpoint.
public struct Vocabulary: Equatable, Sendable {
    public static let pad = "[PAD]", unknown = "[UNK]", begin = "[BOS]", end = "[EOS]"
    public static let specials = [pad, unknown, begin, end]
    public static let padID = 0, unknownID = 1, beginID = 2, endID = 3

    public private(set) var tokens: [String]
    private var ids: [String: Int]

    /// A vocabulary from an id-ordered token list; the first four must be the special tokens.
    public init(tokens: [String]) throws {
        guard tokens.count >= 4, Array(tokens.prefix(4)) == Self.specials else {
            throw VocabularyError.missingSpecials(Array(tokens.prefix(4)))
        }
        var ids: [String: Int] = [:]
        for (i, t) in tokens.enumerated() {
            if let first = ids[t] { throw VocabularyError.duplicate(t, first: first, again: i) }
            ids[t] = i
        }
        self.tokens = tokens
        self.ids = ids
    }

    /// Builds a vocabulary from tokenized texts: tokens seen at least `minimumCount` times, the most
    /// frequent first (ties broken alphabetically, so the result is deterministic), at most `maximumSize`
    /// entries including the four specials.
    public static func build<S: Sequence>(from tokenizedTexts: S, minimumCount: Int = 1,
                                          maximumSize: Int = .max) -> Vocabulary where S.Element == [String] {
        var counts: [String: Int] = [:]
        for text in tokenizedTexts { for t in text { counts[t, default: 0] += 1 } }
        let ranked = counts.filter { $0.value >= minimumCount && !specials.contains($0.key) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(Swift.max(0, maximumSize - specials.count))
        return try! Vocabulary(tokens: specials + ranked.map(\.key))
    }

    public var count: Int { tokens.count }

    /// The id of `token`, or `[UNK]`'s id.
    public func id(of token: String) -> Int { ids[token] ?? Self.unknownID }

    /// True when `token` is in the table.
    public func contains(_ token: String) -> Bool { ids[token] != nil }

    /// The token of `id` (or `[UNK]` when out of range).
    public func token(of id: Int) -> String { id >= 0 && id < tokens.count ? tokens[id] : Self.unknown }

    /// Reads `vocab.txt` with the checkpoint reader's validation (errors name the file and line).
    public static func read(from url: URL) throws -> Vocabulary {
        try Vocabulary(tokens: CheckpointVocabulary.parse(Data(contentsOf: url), fileName: url.lastPathComponent))
    }

    /// The contents of `vocab.txt`.
    public var fileContents: String { tokens.joined(separator: "\n") + "\n" }
}

public enum VocabularyError: Error, CustomStringConvertible, Equatable {
    case missingSpecials([String])
    case duplicate(String, first: Int, again: Int)
    case notUTF8(String)

    public var description: String {
        switch self {
        case .missingSpecials(let got):
            return "vocab.txt: ids 0–3 must be [PAD] [UNK] [BOS] [EOS], found \(got)"
        case .duplicate(let t, let first, let again):
            return "vocab.txt: line \(again + 1): token '\(t)' already on line \(first + 1)"
        case .notUTF8(let file):
            return "\(file): not UTF-8 text"
        }
    }
}
