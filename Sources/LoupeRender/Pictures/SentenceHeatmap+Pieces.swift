extension SentenceHeatmap {
    /// A run of the text owned by one token (or by none: the text between tokens).
    struct Piece {
        var text: String
        var token: Int?
    }

    /// The token that owns each Unicode scalar of the text (the first span covering it).
    func scalarOwners() -> [Int?] {
        var owner = [Int?](repeating: nil, count: text.unicodeScalars.count)
        for (t, span) in spans.enumerated() {
            for i in span where owner[i] == nil { owner[i] = t }
        }
        return owner
    }

    /// The text cut into runs by token ownership.
    func pieces() -> [Piece] {
        let scalars = Array(text.unicodeScalars)
        let owner = scalarOwners()
        guard !scalars.isEmpty else { return [] }
        var out = [Piece]()
        var start = 0
        for i in 1...scalars.count where i == scalars.count || owner[i] != owner[start] {
            var run = String.UnicodeScalarView()
            run.append(contentsOf: scalars[start..<i])
            out.append(Piece(text: String(run), token: owner[start]))
            start = i
        }
        return out
    }
}

extension SentenceHeatmap {
    /// The text as every view shows it — the PNG picture, the HTML token spans and the
    /// terminal heatmap alike: each token's run through ``TokenLabel/visible(_:)`` (a
    /// whitespace-only token as `␣`/`⏎`/`⇥`, a zero-width character, bidi mark or control
    /// character inside a token as `\u{200B}`), and the text between tokens with its control and
    /// format characters escaped (``TerminalText``; its spaces and line breaks stay layout). A
    /// token that is a line break shows `⏎` and the line still breaks after it. So a token that
    /// would draw nothing — or reorder or hide its neighbours — is seen.
    func visiblePieces() -> [Piece] { shownPieces().map(\.piece) }

    /// ``visiblePieces()`` with the number of scalars of the original text each stands for.
    private func shownPieces() -> [(piece: Piece, originalCount: Int)] {
        var out: [(Piece, Int)] = []
        for piece in pieces() {
            let count = piece.text.unicodeScalars.count
            guard piece.token != nil else {
                out.append((Piece(text: TerminalText.escaped(piece.text), token: nil), count))
                continue
            }
            out.append((Piece(text: TokenLabel.visible(piece.text), token: piece.token), count))
            let breaks = piece.text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
                && piece.text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }
            if breaks { out.append((Piece(text: "\n", token: nil), 0)) }
        }
        return out
    }

    /// This heatmap with ``visiblePieces()`` as its text, each token's span moved onto its shown
    /// run (a token that owns no text keeps an empty span); the heatmap itself when nothing needs
    /// showing. What the PNG layout draws.
    func withVisibleText() -> SentenceHeatmap {
        let original = pieces()
        let shown = shownPieces()
        guard shown.count != original.count || zip(original, shown).contains(where: { $0.text != $1.piece.text }) else {
            return self
        }
        var text = ""
        var length = 0
        var lower = [Int?](repeating: nil, count: spans.count), upper = [Int](repeating: 0, count: spans.count)
        var originalOffset = 0
        var starts: [(from: Int, to: Int)] = []   // original scalar offset → shown offset, at each piece's start
        for (piece, originalCount) in shown {
            starts.append((originalOffset, length))
            let count = piece.text.unicodeScalars.count
            if let t = piece.token {
                lower[t] = lower[t] ?? length
                upper[t] = length + count
            }
            text += piece.text
            length += count
            originalOffset += originalCount
        }
        let newSpans = spans.indices.map { t -> Range<Int> in
            if let start = lower[t] { return start..<upper[t] }
            let at = starts.last(where: { $0.from <= spans[t].lowerBound })?.to ?? 0
            return at..<at
        }
        guard var copy = try? SentenceHeatmap(text: text, spans: newSpans, scores: scores, summary: summary) else { return self }
        copy.scaleFloor = scaleFloor
        copy.unknownTokens = unknownTokens
        copy.note = note
        return copy
    }
}
