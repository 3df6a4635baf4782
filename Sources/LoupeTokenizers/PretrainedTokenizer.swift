import Foundation

/// A tokenizer assembled from Hugging Face `tokenizers` parts (the `tokenizer.json` format):
/// added tokens, normalizer, pre-tokenizer, model (WordPiece, BPE, Unigram), post-processor and
/// decoder. `encode` and `decode` follow `Tokenizer.encode` / `Tokenizer.decode` of `tokenizers`,
/// offsets in Unicode scalars of the original text.
public struct PretrainedTokenizer: ModelTokenizer, @unchecked Sendable {
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: TokenModel
    let postProcessor: PostProcessor?
    let decoder: Decoder?
    /// The added tokens, in file order.
    public let addedTokens: [AddedToken]
    private let addedByID: [Int: AddedToken]
    private let addedByContent: [TokenString: AddedToken]
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    private let idToModelToken: [Int: String]

    init(normalizer: Normalizer?, preTokenizer: PreTokenizer?, model: TokenModel, postProcessor: PostProcessor?,
         decoder: Decoder?, addedTokens: [AddedToken]) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder
        self.addedTokens = addedTokens
        var byID: [Int: AddedToken] = [:]
        var byContent: [TokenString: AddedToken] = [:]
        for t in addedTokens { byID[t.id] = t; byContent[t.content] = t }
        self.addedByID = byID
        self.addedByContent = byContent
        // Special tokens first, then the others, as `refresh_added_tokens` orders them.
        let ordered = addedTokens.filter(\.special) + addedTokens.filter { !$0.special }
        let raw = ordered.filter { !$0.normalized }
        let norm = ordered.filter(\.normalized)
        self.rawMatcher = AddedTokenMatcher(tokens: raw, patterns: raw.map(\.content))
        self.normalizedMatcher = AddedTokenMatcher(tokens: norm, patterns: norm.map { normalizer?.normalize($0.content) ?? $0.content })
        var reverse: [Int: String] = [:]
        switch model {
        case let .wordPiece(m): for (k, v) in m.vocab { reverse[v] = k.value }
        case let .bpe(m): reverse = m.idToToken
        case let .unigram(m): for (i, p) in m.pieces.enumerated() { reverse[i] = p.0 }
        }
        self.idToModelToken = reverse
    }

    public var kind: String {
        switch model {
        case let .bpe(m):
            if case .some(.byteLevel) = decoder { return "BPE (byte-level)" }
            if m.byteFallback { return "BPE (byte fallback)" }
            return "BPE"
        default: return model.kind
        }
    }

    public var vocabularySize: Int {
        var ids = Set(idToModelToken.keys)
        for t in addedTokens { ids.insert(t.id) }
        return ids.count
    }

    public func id(forToken token: String) -> Int? { addedByContent[token]?.id ?? model.id(forToken: token) }

    public func token(forID id: Int) -> String? { addedByID[id]?.content ?? idToModelToken[id] }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [EncodedToken] {
        let scalars = Array(text.unicodeScalars)
        let full = NormalizedText(original: scalars)
        var out: [EncodedToken] = []
        out.reserveCapacity(scalars.count / 3 + 4)
        func emitAdded(_ piece: NormalizedText, _ token: AddedToken) {
            let (s, e) = piece.originalRange(0..<piece.count)
            out.append(EncodedToken(id: token.id, text: makeString(piece.scalars), start: s, end: e, isSpecial: token.special))
        }
        for (range, added) in rawMatcher.split(scalars) where !range.isEmpty {
            var piece = full.slice(range)
            if let added { emitAdded(piece, added); continue }
            normalizer?.apply(&piece)
            for (r2, added2) in normalizedMatcher.split(piece.scalars) where !r2.isEmpty {
                let sub = r2.count == piece.count ? piece : piece.slice(r2)
                if let added2 { emitAdded(sub, added2); continue }
                let words = preTokenizer.map { $0.apply([sub]) } ?? [sub]
                for w in words where !w.isEmpty {
                    for t in model.tokenize(w.scalars) {
                        let (s, e) = w.originalRange(t.start..<t.end)
                        out.append(EncodedToken(id: t.id, text: t.text, start: s, end: e, isSpecial: false))
                    }
                }
            }
        }
        if let postProcessor { return postProcessor.process(out, addSpecialTokens: addSpecialTokens) }
        return out
    }

    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if let added = addedByID[id] {
                if skipSpecialTokens && added.special { continue }
                tokens.append(added.content)
            } else if let t = idToModelToken[id] {
                if skipSpecialTokens, let a = addedByContent[t], a.special { continue }
                tokens.append(t)
            }
        }
        if let decoder { return decoder.decode(tokens) }
        return tokens.joined(separator: " ")
    }
}
