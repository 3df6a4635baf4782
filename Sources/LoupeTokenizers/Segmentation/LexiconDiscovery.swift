import Foundation

/// Finds the words of text written without spaces (Chinese) from raw text alone, and counts
/// how often each is used as a whole: the ``WordLexicon`` a ``LexiconSegmenter`` reads.
///
/// A string of two to ``maxWordLength`` characters becomes a candidate word when it is frequent
/// (``minimumCount``), *cohesive* — its weakest split still has a pointwise mutual information
/// of at least ``minimumCohesion`` nats (Sproat & Shih 1990, "A statistical method for finding
/// word boundaries in Chinese text") — and *free*: the characters seen on each side of it vary,
/// with a branching entropy of at least ``minimumBranchingEntropy`` nats on both (Harris 1955;
/// Jin & Tanaka-Ishii 2006, "Unsupervised segmentation of Chinese text by use of branching
/// entropy"). The start or end of a run of ideographs counts as a new neighbour each time.
///
/// The candidates' counts are substring counts ("很好" also inside "很好吃"); they are then
/// re-estimated by segmenting the text with the lexicon itself (``reestimationRounds`` times),
/// and candidates used fewer than ``minimumCount`` times as whole words are dropped.
public struct LexiconDiscovery: Sendable {
    /// The longest word looked for, in characters (2…4).
    public var maxWordLength = 4
    /// Fewest occurrences of a word, as a substring and after re-estimation.
    public var minimumCount = 10
    /// Least pointwise mutual information (natural log) of a candidate's weakest split.
    public var minimumCohesion = 3.0
    /// Least branching entropy (nats) of the characters on either side of a candidate.
    public var minimumBranchingEntropy = 1.2
    /// A candidate of three or more characters that splits into two units — each a single
    /// character this free on both sides (branching entropy, nats), a shorter word kept, or
    /// itself two units — is a phrase ("态度很好" = "态度" + "很" "好", "不知道" = "不" +
    /// "知道"), not a word.
    public var freeCharacterEntropy = 2.0
    /// Segment-and-recount rounds after the candidates are found.
    public var reestimationRounds = 2

    /// Characters indexed by the search (the most frequent ideographs); rarer ones end a run.
    static let alphabetLimit = 4095

    public init() {}

    /// The lexicon of the ideograph runs of `texts` (everything else separates runs).
    /// - Throws: ``TokenizerError`` when ``maxWordLength`` is outside 2…4, a count threshold is
    ///   below 1, or the texts hold no ideographs.
    public func discover<S: Sequence>(in texts: S) throws -> WordLexicon where S.Element == String {
        guard (2...4).contains(maxWordLength) else {
            throw TokenizerError(file: "lexicon discovery", key: "maxWordLength", reason: "\(maxWordLength) is outside 2…4")
        }
        guard minimumCount >= 1, reestimationRounds >= 0 else {
            throw TokenizerError(file: "lexicon discovery", key: "minimumCount",
                                 reason: "minimumCount must be ≥ 1 and reestimationRounds ≥ 0")
        }
        // Runs of ideographs, then an alphabet of the most frequent ones.
        var rawRuns: [[Unicode.Scalar]] = []
        var characterCounts: [Unicode.Scalar: Int] = [:]
        var textCount = 0
        for text in texts {
            textCount += 1
            var run: [Unicode.Scalar] = []
            for s in text.unicodeScalars {
                if Self.isIdeograph(s) {
                    run.append(s)
                    characterCounts[s, default: 0] += 1
                } else if !run.isEmpty {
                    rawRuns.append(run)
                    run = []
                }
            }
            if !run.isEmpty { rawRuns.append(run) }
        }
        guard !characterCounts.isEmpty else {
            throw TokenizerError(file: "lexicon discovery", key: "", reason: "the texts hold no ideographs")
        }
        let alphabet = characterCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.value < $1.key.value }
            .prefix(Self.alphabetLimit).map(\.key)
        var index: [Unicode.Scalar: UInt64] = [:]
        for (i, s) in alphabet.enumerated() { index[s] = UInt64(i + 1) }
        // Runs as digit arrays, cut at characters outside the alphabet.
        var runs: [[UInt64]] = []
        for raw in rawRuns {
            var run: [UInt64] = []
            for s in raw {
                if let d = index[s] { run.append(d) } else if !run.isEmpty { runs.append(run); run = [] }
            }
            if !run.isEmpty { runs.append(run) }
        }

        let grams = Self.countGrams(runs, longest: maxWordLength + 1)
        let total = Double(runs.reduce(0) { $0 + $1.count })
        let candidates = self.candidates(grams: grams, total: total)

        // Re-estimate by segmenting with the lexicon itself.
        var lexicon: [UInt64: Int] = candidates
        for d in 1...UInt64(alphabet.count) { lexicon[d] = grams[d] ?? 1 }
        for _ in 0..<reestimationRounds {
            let used = Self.segmentCounts(runs, lexicon: lexicon, longest: maxWordLength)
            var next: [UInt64: Int] = [:]
            for (key, count) in used where Self.length(of: key) == 1 || count >= minimumCount { next[key] = count }
            for d in 1...UInt64(alphabet.count) where next[d] == nil { next[d] = 1 }
            lexicon = next
        }
        var counts: [String: Int] = [:]
        for (key, count) in lexicon {
            counts[Self.string(key, alphabet: alphabet)] = count
        }
        let words = counts.keys.reduce(0) { $0 + ($1.unicodeScalars.count > 1 ? 1 : 0) }
        let comments = [
            "found by LexiconDiscovery in \(textCount) texts (\(Int(total)) indexed ideographs, \(alphabet.count) distinct): \(words) words of 2–\(maxWordLength) characters",
            "minimumCount \(minimumCount), minimumCohesion \(minimumCohesion) nats, minimumBranchingEntropy \(minimumBranchingEntropy) nats, \(reestimationRounds) re-estimation rounds",
        ]
        return try WordLexicon(counts: counts, comments: comments, source: "lexicon discovery")
    }

    /// Candidate words (2…maxWordLength digits) with their substring counts.
    func candidates(grams: [UInt64: Int], total: Double) -> [UInt64: Int] {
        // Branching entropy: H = log T − Σ c log c / T over the observed neighbours; the
        // missing mass (run boundaries) counts as distinct neighbours and adds nothing to Σ c log c.
        var rightSum: [UInt64: Double] = [:]
        var leftSum: [UInt64: Double] = [:]
        for (key, count) in grams {
            let n = Self.length(of: key)
            guard n >= 2 else { continue }
            let prefix = key >> 12
            let suffix = key & Self.mask(digits: n - 1)
            let cLogC = Double(count) * Foundation.log(Double(count))
            if grams[prefix].map({ $0 >= minimumCount }) == true { rightSum[prefix, default: 0] += cLogC }
            if grams[suffix].map({ $0 >= minimumCount }) == true { leftSum[suffix, default: 0] += cLogC }
        }
        var found: [UInt64: Int] = [:]
        for (key, count) in grams where count >= minimumCount {
            let n = Self.length(of: key)
            guard n >= 2, n <= maxWordLength else { continue }
            var cohesion = Double.infinity
            for split in 1..<n {
                let head = key >> UInt64(12 * (n - split))
                let tail = key & Self.mask(digits: n - split)
                guard let a = grams[head], let b = grams[tail] else { cohesion = -.infinity; break }
                cohesion = min(cohesion, Foundation.log(Double(count) * total / (Double(a) * Double(b))))
            }
            guard cohesion >= minimumCohesion else { continue }
            let t = Double(count)
            let right = Foundation.log(t) - (rightSum[key] ?? 0) / t
            let left = Foundation.log(t) - (leftSum[key] ?? 0) / t
            guard min(left, right) >= minimumBranchingEntropy else { continue }
            found[key] = count
        }
        // Phrases of two units are not words.
        func entropy(_ key: UInt64, _ sums: [UInt64: Double]) -> Double {
            guard let c = grams[key] else { return 0 }
            let t = Double(c)
            return Foundation.log(t) - (sums[key] ?? 0) / t
        }
        // A unit: a free character, a kept candidate, or two units in a row. Candidates are
        // kept shortest first, so a part is judged before the candidates that hold it.
        var kept = found.filter { Self.length(of: $0.key) == 2 }
        var units: [UInt64: Bool] = [:]
        func isUnit(_ key: UInt64) -> Bool {
            if let known = units[key] { return known }
            let unit = Self.length(of: key) == 1
                ? min(entropy(key, leftSum), entropy(key, rightSum)) >= freeCharacterEntropy
                : kept[key] != nil || isPhrase(key)
            units[key] = unit
            return unit
        }
        func isPhrase(_ key: UInt64) -> Bool {
            let n = Self.length(of: key)
            guard n >= 2 else { return false }
            for split in 1..<n where isUnit(key >> UInt64(12 * (n - split))) && isUnit(key & Self.mask(digits: n - split)) {
                return true
            }
            return false
        }
        if maxWordLength >= 3 {
            for n in 3...maxWordLength {
                for (key, count) in found where Self.length(of: key) == n && !isPhrase(key) { kept[key] = count }
            }
        }
        return kept
    }

    /// Counts of every 1…`longest`-character substring of the runs.
    static func countGrams(_ runs: [[UInt64]], longest: Int) -> [UInt64: Int] {
        var grams: [UInt64: Int] = [:]
        for run in runs {
            for start in run.indices {
                var key: UInt64 = 0
                for offset in 0..<min(longest, run.count - start) {
                    key = key << 12 | run[start + offset]
                    grams[key, default: 0] += 1
                }
            }
        }
        return grams
    }

    /// How often each lexicon entry is used when the runs are segmented by maximum probability.
    static func segmentCounts(_ runs: [[UInt64]], lexicon: [UInt64: Int], longest: Int) -> [UInt64: Int] {
        let total = Double(lexicon.values.reduce(0, +))
        let logP = lexicon.mapValues { Foundation.log(Double($0) / total) }
        var used: [UInt64: Int] = [:]
        var best: [Double] = []
        var length: [Int] = []
        for run in runs {
            let n = run.count
            best = [Double](repeating: -.infinity, count: n + 1)
            length = [Int](repeating: 1, count: n + 1)
            best[0] = 0
            for end in 1...n {
                var key: UInt64 = 0
                var shift: UInt64 = 0
                for size in 1...min(longest, end) {
                    key |= run[end - size] << shift
                    shift += 12
                    guard let p = logP[key] else { continue }
                    let candidate = best[end - size] + p
                    if candidate >= best[end] { best[end] = candidate; length[end] = size }
                }
            }
            var end = n
            while end > 0 {
                let size = length[end]
                var key: UInt64 = 0
                for i in (end - size)..<end { key = key << 12 | run[i] }
                used[key, default: 0] += 1
                end -= size
            }
        }
        return used
    }

    static func length(of key: UInt64) -> Int {
        var n = 0
        var k = key
        while k != 0 { n += 1; k >>= 12 }
        return n
    }

    static func mask(digits: Int) -> UInt64 { digits >= 5 ? UInt64.max : (UInt64(1) << UInt64(12 * digits)) - 1 }

    static func string(_ key: UInt64, alphabet: [Unicode.Scalar]) -> String {
        var scalars: [Unicode.Scalar] = []
        var k = key
        while k != 0 {
            scalars.append(alphabet[Int(k & 0xFFF) - 1])
            k >>= 12
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.reversed())
        return String(view)
    }

    /// Han ideographs (the characters the search indexes).
    public static func isIdeograph(_ s: Unicode.Scalar) -> Bool { s.properties.isIdeographic }
}
