import Foundation

/// A token added on top of the model's vocabulary (`added_tokens` in `tokenizer.json`), matched
/// in the text before the pipeline runs.
public struct AddedToken: Equatable, Hashable, Codable, Sendable {
    public var id: Int
    public var content: String
    /// Only matched as a whole word (no word character on either side).
    public var singleWord: Bool
    /// Takes the whitespace on its left.
    public var lstrip: Bool
    /// Takes the whitespace on its right.
    public var rstrip: Bool
    /// Matched on the normalized text (else on the original text).
    public var normalized: Bool
    /// Special (skipped by `decode(_:skipSpecialTokens: true)`).
    public var special: Bool

    public init(id: Int, content: String, singleWord: Bool = false, lstrip: Bool = false, rstrip: Bool = false,
                normalized: Bool, special: Bool) {
        self.id = id
        self.content = content
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized
        self.special = special
    }
}

/// Leftmost-longest matching of added tokens (the Aho–Corasick `LeftmostLongest` search of
/// `tokenizers`' `AddedVocabulary`), with the single-word and strip rules.
struct AddedTokenMatcher: Sendable {
    private var trie = ScalarTrie()
    private let tokens: [AddedToken]

    init(tokens: [AddedToken], patterns: [String]) {
        self.tokens = tokens
        for (index, pattern) in patterns.enumerated() where !pattern.isEmpty {
            trie.insert(pattern, value: index, keepingFirst: true)
        }
    }

    var isEmpty: Bool { trie.isEmpty }

    /// Pieces covering `s`: ranges with the added token found there, or nil for plain text.
    func split(_ s: [Unicode.Scalar]) -> [(Range<Int>, AddedToken?)] {
        if isEmpty || s.isEmpty { return [(0..<s.count, nil)] }
        var pieces: [(Range<Int>, AddedToken?)] = []
        var startOffset = 0
        var i = 0
        while i < s.count {
            // Longest match starting at i.
            var node = 0, k = i, best = -1, bestEnd = i
            while k < s.count, let next = trie.child(of: node, s[k]) {
                node = Int(next); k += 1
                if trie.value(at: node) >= 0 { best = trie.value(at: node); bestEnd = k }
            }
            if best < 0 { i += 1; continue }
            let token = tokens[best]
            var start = i, stop = bestEnd
            i = bestEnd
            if token.singleWord {
                let startSpace = start == 0 || !UnicodeClass.isWord(s[start - 1])
                let stopSpace = stop == s.count || !UnicodeClass.isWord(s[stop])
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                var j = start
                while j > 0 && UnicodeClass.isWhitespace(s[j - 1]) { j -= 1 }
                start = max(j, startOffset)
            }
            if token.rstrip {
                while stop < s.count && UnicodeClass.isWhitespace(s[stop]) { stop += 1 }
                i = stop
            }
            if startOffset < start { pieces.append((startOffset..<start, nil)) }
            pieces.append((start..<stop, token))
            startOffset = stop
        }
        if startOffset != s.count { pieces.append((startOffset..<s.count, nil)) }
        return pieces
    }
}
