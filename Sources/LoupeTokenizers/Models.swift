import Foundation

/// A token the model produced for one word: id, vocabulary string, and scalar range in the word.
struct ModelToken {
    var id: Int
    var text: String
    var start: Int
    var end: Int
}

@inline(__always) func makeString<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
    var v = String.UnicodeScalarView()
    v.append(contentsOf: scalars)
    return String(v)
}

/// WordPiece (BERT): greedy longest-match-first with a continuing-subword prefix.
final class WordPieceModel: @unchecked Sendable {
    let vocab: Vocabulary
    let unkToken: String
    let prefix: String
    let maxInputCharsPerWord: Int
    private var cache: [TokenString: [ModelToken]] = [:]
    private let lock = NSLock()

    init(vocab: Vocabulary, unkToken: String, prefix: String, maxInputCharsPerWord: Int) {
        self.vocab = vocab
        self.unkToken = unkToken
        self.prefix = prefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken] {
        guard word.count <= 64 else { return split(word) }
        let key = TokenString(makeString(word))
        lock.lock()
        let hit = cache[key]
        lock.unlock()
        if let hit { return hit }
        let result = split(word)
        lock.lock()
        if cache.count > 20_000 { cache.removeAll(keepingCapacity: true) }
        cache[key] = result
        lock.unlock()
        return result
    }

    private func split(_ word: [Unicode.Scalar]) -> [ModelToken] {
        let unk = { [self] () -> [ModelToken] in
            guard let id = vocab[unkToken] else { return [] }
            return [ModelToken(id: id, text: unkToken, start: 0, end: word.count)]
        }
        if word.count > maxInputCharsPerWord { return unk() }
        var out: [ModelToken] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: ModelToken?
            while start < end {
                var s = makeString(word[start..<end])
                if start > 0 { s = prefix + s }
                if let id = vocab[s] { found = ModelToken(id: id, text: s, start: start, end: end); break }
                end -= 1
            }
            guard let token = found else { return unk() }
            out.append(token)
            start = token.end
        }
        return out
    }
}

/// Byte-pair encoding with merge ranks (Sennrich et al. 2016; GPT-2's byte-level variant),
/// as `tokenizers`' `BPE` model: byte fallback, fused unknowns, `ignore_merges`, prefix/suffix.
final class BPEModel: @unchecked Sendable {
    let vocab: Vocabulary
    let idToToken: [Int: String]
    /// (left id << 32 | right id) → (rank, merged id).
    let merges: [UInt64: (rank: Int32, id: Int32)]
    let unkToken: String?
    let continuingSubwordPrefix: String?
    let endOfWordSuffix: String?
    let fuseUnk: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    private let singleScalarIDs: [UInt32: Int]
    private let byteTokenIDs: [Int?]
    private var cache: [TokenString: [ModelToken]] = [:]
    private let lock = NSLock()

    init(vocab: Vocabulary, merges: [UInt64: (rank: Int32, id: Int32)], unkToken: String?,
         continuingSubwordPrefix: String?, endOfWordSuffix: String?, fuseUnk: Bool, byteFallback: Bool, ignoreMerges: Bool) {
        self.vocab = vocab
        var reverse: [Int: String] = [:]
        reverse.reserveCapacity(vocab.count)
        for (k, v) in vocab { reverse[v] = k.value }
        self.idToToken = reverse
        self.merges = merges
        self.unkToken = unkToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnk = fuseUnk
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        var single: [UInt32: Int] = [:]
        for (k, v) in vocab {
            let u = k.value.unicodeScalars
            if u.count == 1, let c = u.first { single[c.value] = v }
        }
        self.singleScalarIDs = single
        self.byteTokenIDs = (0..<256).map { vocab[String(format: "<0x%02X>", $0)] }
    }

    private func symbolID(_ word: [Unicode.Scalar], _ i: Int) -> Int? {
        let first = i == 0, last = i == word.count - 1
        let plain = (first || (continuingSubwordPrefix ?? "").isEmpty) && (!last || (endOfWordSuffix ?? "").isEmpty)
        if plain { return singleScalarIDs[word[i].value] }
        var s = String(Character(word[i]))
        if !first, let p = continuingSubwordPrefix { s = p + s }
        if last, let x = endOfWordSuffix { s += x }
        return vocab[s]
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken] {
        guard !word.isEmpty else { return [] }
        let key = word.count <= 64 ? TokenString(makeString(word)) : nil
        if let key {
            lock.lock()
            let hit = cache[key]
            lock.unlock()
            if let hit { return hit }
        }
        let result = merge(word, whole: key?.value)
        if let key {
            lock.lock()
            if cache.count > 20_000 { cache.removeAll(keepingCapacity: true) }
            cache[key] = result
            lock.unlock()
        }
        return result
    }

    private func merge(_ word: [Unicode.Scalar], whole: String?) -> [ModelToken] {
        if ignoreMerges {
            let w = whole ?? makeString(word)
            if let id = vocab[w] { return [ModelToken(id: id, text: w, start: 0, end: word.count)] }
        }
        // Initial symbols: one per scalar, byte fallback or (fused) unknowns for the missing ones.
        var ids: [Int] = []
        var starts: [Int] = []
        var ends: [Int] = []
        ids.reserveCapacity(word.count)
        var unkID: Int? { unkToken.flatMap { vocab[$0] } }
        var lastWasUnk = false
        for i in 0..<word.count {
            if let id = symbolID(word, i) {
                ids.append(id); starts.append(i); ends.append(i + 1)
                lastWasUnk = false
                continue
            }
            if byteFallback {
                let bytes = Array(String(Character(word[i])).utf8)
                let byteIDs = bytes.map { byteTokenIDs[Int($0)] }
                if byteIDs.allSatisfy({ $0 != nil }) {
                    for b in byteIDs { ids.append(b!); starts.append(i); ends.append(i + 1) }
                    lastWasUnk = false
                    continue
                }
            }
            guard let u = unkID else { lastWasUnk = false; continue }
            if fuseUnk && lastWasUnk {
                ends[ends.count - 1] = i + 1
            } else {
                ids.append(u); starts.append(i); ends.append(i + 1)
            }
            lastWasUnk = true
        }
        // Merge the lowest-ranked adjacent pair (leftmost on ties) until none is left.
        while ids.count > 1 {
            var bestRank = Int32.max
            var bestPos = -1
            var bestID: Int32 = 0
            for p in 0..<(ids.count - 1) {
                let key = UInt64(UInt32(truncatingIfNeeded: ids[p])) << 32 | UInt64(UInt32(truncatingIfNeeded: ids[p + 1]))
                if let m = merges[key], m.rank < bestRank {
                    bestRank = m.rank; bestPos = p; bestID = m.id
                }
            }
            if bestPos < 0 { break }
            ids[bestPos] = Int(bestID)
            ends[bestPos] = ends[bestPos + 1]
            ids.remove(at: bestPos + 1)
            starts.remove(at: bestPos + 1)
            ends.remove(at: bestPos + 1)
        }
        var out: [ModelToken] = []
        out.reserveCapacity(ids.count)
        for k in 0..<ids.count {
            out.append(ModelToken(id: ids[k], text: idToToken[ids[k]] ?? "", start: starts[k], end: ends[k]))
        }
        return out
    }
}

/// Unigram language model (Kudo 2018) with Viterbi segmentation, as `tokenizers`' `Unigram`
/// (`encode_optimized`): unknown characters score min − 10, consecutive unknowns fuse.
final class UnigramModel: @unchecked Sendable {
    let pieces: [(String, Double)]
    let tokenToID: Vocabulary
    let unkID: Int?
    let byteFallback: Bool
    let minScore: Double
    /// The pieces by their scalars (token ids at the nodes where a piece ends).
    private var trie = ScalarTrie()
    private let byteTokenIDs: [Int?]

    init(pieces: [(String, Double)], unkID: Int?, byteFallback: Bool) {
        self.pieces = pieces
        var map: Vocabulary = [:]
        for (i, p) in pieces.enumerated() { map[p.0] = i }
        self.tokenToID = map
        self.unkID = unkID
        self.byteFallback = byteFallback
        self.minScore = pieces.map(\.1).min() ?? 0
        self.byteTokenIDs = (0..<256).map { map[String(format: "<0x%02X>", $0)] }
        for (key, id) in map { trie.insert(key.value, value: id) }
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken] {
        let n = word.count
        guard n > 0 else { return [] }
        let unkScore = minScore - 10.0
        var bestScore = [Double](repeating: 0, count: n + 1)
        var bestStart = [Int](repeating: -1, count: n + 1)
        var bestID = [Int](repeating: -1, count: n + 1)
        for start in 0..<n {
            let base = bestScore[start]
            var hasSingle = false
            var node = 0
            var k = start
            while k < n, let next = trie.child(of: node, word[k]) {
                node = Int(next)
                k += 1
                let id = trie.value(at: node)
                if id >= 0 {
                    let candidate = pieces[id].1 + base
                    if bestStart[k] < 0 || candidate > bestScore[k] {
                        bestScore[k] = candidate; bestStart[k] = start; bestID[k] = id
                    }
                    if k == start + 1 { hasSingle = true }
                }
            }
            if !hasSingle {
                let candidate = unkScore + base
                if bestStart[start + 1] < 0 || candidate > bestScore[start + 1] {
                    bestScore[start + 1] = candidate; bestStart[start + 1] = start; bestID[start + 1] = unkID ?? -1
                }
            }
        }
        // Back-track, fusing consecutive unknowns.
        var spans: [(Int, Int, Bool)] = []
        var end = n
        var pendingUnkStart = -1, pendingUnkEnd = -1
        while end > 0 {
            let s = max(bestStart[end], 0)
            let isUnk = unkID != nil && bestID[end] == unkID
            if isUnk {
                if pendingUnkEnd < 0 { pendingUnkEnd = end }
                pendingUnkStart = s
            } else {
                if pendingUnkEnd >= 0 { spans.append((pendingUnkStart, pendingUnkEnd, true)); pendingUnkEnd = -1 }
                spans.append((s, end, false))
            }
            end = s
        }
        if pendingUnkEnd >= 0 { spans.append((pendingUnkStart, pendingUnkEnd, true)) }
        spans.reverse()
        var out: [ModelToken] = []
        for (s, e, _) in spans {
            let text = makeString(word[s..<e])
            if let id = tokenToID[text] {
                out.append(ModelToken(id: id, text: text, start: s, end: e))
                continue
            }
            if byteFallback {
                let bytes = Array(text.utf8)
                let ids = bytes.map { byteTokenIDs[Int($0)] }
                if ids.allSatisfy({ $0 != nil }) {
                    for (b, id) in zip(bytes, ids) {
                        out.append(ModelToken(id: id!, text: String(format: "<0x%02X>", b), start: s, end: e))
                    }
                    continue
                }
            }
            if let u = unkID { out.append(ModelToken(id: u, text: text, start: s, end: e)) }
        }
        return out
    }
}

/// The model of a tokenizer.
enum TokenModel: Sendable {
    case wordPiece(WordPieceModel)
    case bpe(BPEModel)
    case unigram(UnigramModel)

    func tokenize(_ word: [Unicode.Scalar]) -> [ModelToken] {
        switch self {
        case let .wordPiece(m): return m.tokenize(word)
        case let .bpe(m): return m.tokenize(word)
        case let .unigram(m): return m.tokenize(word)
        }
    }

    func id(forToken t: String) -> Int? {
        switch self {
        case let .wordPiece(m): return m.vocab[t]
        case let .bpe(m): return m.vocab[t]
        case let .unigram(m): return m.tokenToID[t]
        }
    }

    var vocabularySize: Int {
        switch self {
        case let .wordPiece(m): return m.vocab.count
        case let .bpe(m): return m.vocab.count
        case let .unigram(m): return m.pieces.count
        }
    }

    var kind: String {
        switch self {
        case .wordPiece: return "WordPiece"
        case .bpe: return "BPE"
        case .unigram: return "Unigram"
        }
    }
}
