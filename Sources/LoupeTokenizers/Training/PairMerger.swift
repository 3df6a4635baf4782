/// The merge loop of ``WordPieceTrainer``: words as arrays of symbol ids, pair counts kept up to
/// date incrementally (only the words holding the merged pair are revisited), the most frequent
/// pair found through a max-heap whose stale entries are skipped.
struct PairMerger {
    /// Symbol spellings, `##`-prefixed for continuation symbols; index = symbol id.
    private(set) var symbols: [String] = []
    private var symbolIDs: [String: Int32] = [:]
    /// The symbols learned, in order: the alphabet (by frequency), then one per merge.
    private(set) var vocabulary: [String] = []
    private var words: [[Int32]] = []
    private var counts: [Int] = []
    private var pairCounts: [UInt64: Int] = [:]
    private var pairWords: [UInt64: [Int32]] = [:]
    private var heap = PairHeap()
    private let prefix: String
    private let minimumFrequency: Int

    init(wordCounts: [String: Int], prefix: String, minimumFrequency: Int, alphabetLimit: Int, reserved: Set<String>) {
        self.prefix = prefix
        self.minimumFrequency = minimumFrequency
        // The alphabet: initial and continuation forms of every character frequent enough.
        var characterCounts: [String: Int] = [:]
        let sortedWords = wordCounts.sorted { $0.key < $1.key }
        for (word, count) in sortedWords {
            for (i, c) in word.unicodeScalars.enumerated() {
                characterCounts[i == 0 ? String(c) : prefix + String(c), default: 0] += count
            }
        }
        let alphabet = characterCounts.filter { $0.value >= minimumFrequency && !reserved.contains($0.key) }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(alphabetLimit)
        for (symbol, _) in alphabet { _ = intern(symbol); vocabulary.append(symbol) }
        // Words spelled in the alphabet; a word with a character outside it cannot take part.
        for (word, count) in sortedWords {
            var spelled: [Int32] = []
            var complete = true
            for (i, c) in word.unicodeScalars.enumerated() {
                guard let id = symbolIDs[i == 0 ? String(c) : prefix + String(c)] else { complete = false; break }
                spelled.append(id)
            }
            guard complete, spelled.count > 1 else { continue }
            let index = Int32(words.count)
            words.append(spelled)
            counts.append(count)
            for k in 0..<(spelled.count - 1) {
                let pair = Self.key(spelled[k], spelled[k + 1])
                pairCounts[pair, default: 0] += count
                pairWords[pair, default: []].append(index)
            }
        }
        for (pair, count) in pairCounts.sorted(by: { $0.key < $1.key }) { heap.push(count: count, pair: pair) }
    }

    static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    private mutating func intern(_ symbol: String) -> Int32 {
        if let id = symbolIDs[symbol] { return id }
        let id = Int32(symbols.count)
        symbols.append(symbol)
        symbolIDs[symbol] = id
        return id
    }

    /// Merges until the vocabulary holds `size` symbols or no pair is frequent enough.
    mutating func merge(until size: Int) {
        while vocabulary.count < size, let (pair, count) = popBest(), count >= minimumFrequency {
            let a = Int32(truncatingIfNeeded: pair >> 32), b = Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF)
            var second = symbols[Int(b)]
            if second.hasPrefix(prefix) { second.removeFirst(prefix.count) }
            let spelling = symbols[Int(a)] + second
            let isNew = symbolIDs[spelling] == nil
            let merged = intern(spelling)
            if isNew { vocabulary.append(spelling) }
            apply(pair: pair, a: a, b: b, merged: merged)
        }
    }

    /// The most frequent pair with its current count (stale heap entries skipped).
    private mutating func popBest() -> (UInt64, Int)? {
        while let top = heap.pop() {
            guard let current = pairCounts[top.pair], current > 0 else { continue }
            if current == top.count { return (top.pair, current) }
            heap.push(count: current, pair: top.pair)
        }
        return nil
    }

    private mutating func apply(pair: UInt64, a: Int32, b: Int32, merged: Int32) {
        guard let holders = pairWords.removeValue(forKey: pair) else { return }
        pairCounts[pair] = nil
        var touched: Set<UInt64> = []
        var seen: Set<Int32> = []
        for index in holders where seen.insert(index).inserted {
            let w = Int(index)
            let old = words[w]
            let count = counts[w]
            var new: [Int32] = []
            new.reserveCapacity(old.count)
            var k = 0
            var changed = false
            while k < old.count {
                if k + 1 < old.count, old[k] == a, old[k + 1] == b { new.append(merged); k += 2; changed = true }
                else { new.append(old[k]); k += 1 }
            }
            guard changed else { continue }
            for k in 0..<(old.count - 1) {
                let p = Self.key(old[k], old[k + 1])
                guard p != pair else { continue }
                pairCounts[p, default: 0] -= count
                touched.insert(p)
            }
            for k in 0..<max(0, new.count - 1) {
                let p = Self.key(new[k], new[k + 1])
                pairCounts[p, default: 0] += count
                pairWords[p, default: []].append(index)
                touched.insert(p)
            }
            words[w] = new
        }
        for p in touched.sorted() {
            let c = pairCounts[p] ?? 0
            if c <= 0 { pairCounts[p] = nil; pairWords[p] = nil } else { heap.push(count: c, pair: p) }
        }
    }
}

/// A binary max-heap of (count, pair); among equal counts the smaller pair key comes first.
struct PairHeap {
    private var items: [(count: Int, pair: UInt64)] = []

    private static func above(_ x: (count: Int, pair: UInt64), _ y: (count: Int, pair: UInt64)) -> Bool {
        x.count != y.count ? x.count > y.count : x.pair < y.pair
    }

    mutating func push(count: Int, pair: UInt64) {
        items.append((count, pair))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.above(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (count: Int, pair: UInt64)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count, Self.above(items[l], items[best]) { best = l }
                if r < items.count, Self.above(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return top
    }
}
