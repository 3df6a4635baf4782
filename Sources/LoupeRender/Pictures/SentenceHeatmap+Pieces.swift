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
