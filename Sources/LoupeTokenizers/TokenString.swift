/// A token string compared by its exact Unicode scalars.
///
/// Swift's `String` equality is canonical equivalence ("é" == "e\u{301}"), but a vocabulary holds
/// both spellings as different tokens, as Hugging Face `tokenizers` (Rust byte strings) does.
struct TokenString: Hashable, Sendable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (a: TokenString, b: TokenString) -> Bool { a.value.utf8.elementsEqual(b.value.utf8) }

    func hash(into hasher: inout Hasher) {
        var v = value
        v.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

typealias Vocabulary = [TokenString: Int]

extension Dictionary where Key == TokenString {
    subscript(_ s: String) -> Value? {
        get { self[TokenString(s)] }
        set { self[TokenString(s)] = newValue }
    }
}

extension String {
    /// Prefix test on exact scalars (`hasPrefix` works on grapheme clusters: "##" is not a
    /// prefix of "##ि" for it).
    func hasScalarPrefix(_ p: String) -> Bool { unicodeScalars.starts(with: p.unicodeScalars) }

    /// Drops `n` leading scalars.
    func droppingScalars(_ n: Int) -> String { makeString(unicodeScalars.dropFirst(n)) }
}

/// The two tokens of a merge line "a b" (split on the one space, by scalars: a space followed by a
/// combining mark is one `Character`), or nil when it does not have exactly two parts.
func splitMerge(_ line: String) -> (String, String)? {
    let parts = line.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    return (makeString(parts[0]), makeString(parts[1]))
}

/// The lines of a text file, split on "\n" bytes, a trailing "\r" removed.
func textLines(_ text: String) -> [String] {
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        line.last == "\r" ? makeString(line.dropLast()) : makeString(line)
    }
    if lines.last == "" { lines.removeLast() }
    return lines
}
