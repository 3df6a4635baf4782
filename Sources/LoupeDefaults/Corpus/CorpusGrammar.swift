import LoupeNN
import LoupeTensor

/// A piece of a generated sentence; `isKey` marks the words that decide its label (the rationale).
struct CorpusPiece {
    var text: String
    var isKey: Bool
}

/// A generated phrase: pieces plus the sentiment they express (1 positive, 0 negative).
struct CorpusPhrase {
    var pieces: [CorpusPiece]
    var polarity: Int

    init(_ pieces: [CorpusPiece], polarity: Int) {
        self.pieces = pieces
        self.polarity = polarity
    }

    /// The same words with no rationale (for a clause that does not decide the label).
    var withoutKeys: CorpusPhrase {
        CorpusPhrase(pieces.map { CorpusPiece(text: $0.text, isKey: false) }, polarity: polarity)
    }

    var text: String { pieces.map(\.text).joined() }
}

/// Plain words.
func plain(_ text: String) -> CorpusPiece { CorpusPiece(text: text, isKey: false) }
/// Words that decide the label.
func key(_ text: String) -> CorpusPiece { CorpusPiece(text: text, isKey: true) }

/// Seeded choices for the corpus grammar.
struct CorpusRandom {
    var generator: RandomGenerator

    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    /// One element, uniformly.
    mutating func pick<T>(_ items: [T]) -> T { items[generator.dataIndex(below: items.count)] }

    /// One element, favouring the front of the list (weights ∝ 1 / (rank + 2), like word frequencies),
    /// so common words ("good", "好") are much more frequent than rare ones.
    mutating func pickCommon<T>(_ items: [T]) -> T {
        items[weighted((0..<items.count).map { 120 / ($0 + 2) })]
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(generator.next() >> 11) / 9_007_199_254_740_992.0 < p }

    /// An index drawn with the given relative weights.
    mutating func weighted(_ weights: [Int]) -> Int {
        var r = generator.dataIndex(below: weights.reduce(0, +))
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}

/// A word list split by polarity: `words[1]` positive, `words[0]` negative.
struct PolarWords {
    var negative: [String]
    var positive: [String]
    subscript(polarity: Int) -> [String] { polarity == 1 ? positive : negative }
}

extension String {
    /// The first character upper-cased (English sentence start).
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// Turns generated phrases into examples with rationale spans and token indices.
struct CorpusAssembler {
    let tokenizer = Tokenizer()

    /// The example for `phrase`: spans of the key pieces (Unicode-scalar offsets) and the indices of
    /// the tokens inside them. Every key piece must consist of whole tokens.
    func example(_ phrase: CorpusPhrase) -> TextExample {
        var spans: [TextSpan] = []
        var offset = 0
        for piece in phrase.pieces {
            let length = piece.text.unicodeScalars.count
            if piece.isKey { spans.append(TextSpan(start: offset, end: offset + length)) }
            offset += length
        }
        let text = phrase.text
        let tokens = tokenizer.tokenize(text)
        var indices: [Int] = []
        for (i, token) in tokens.enumerated() where spans.contains(where: { $0.overlaps(token) }) {
            precondition(spans.contains { $0.start <= token.start && token.end <= $0.end },
                         "rationale splits token '\(token.text)' in: \(text)")
            indices.append(i)
        }
        return TextExample(text: text, label: phrase.polarity, rationaleTokenIndices: indices, rationaleSpans: spans)
    }
}
