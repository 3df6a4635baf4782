/// Splits a run of Han ideographs — text written without spaces — into words (for Chinese,
/// a word segmenter such as a lexicon's maximum-probability split).
public protocol IdeographWordBreaker: Sendable {
    /// The lengths (in Unicode scalars, each ≥ 1, summing to `run.count`) of the words of `run`.
    func wordLengths(_ run: [Unicode.Scalar]) -> [Int]
    /// What the JSON records as the segmenter (`input.aggregation.segmenter`).
    var segmenterName: String { get }
}

/// Groups sub-word tokens into the words of the text they came from, for word-level
/// attribution (the sum of a word's token scores).
///
/// A word is a maximal run of letters, digits and combining marks (plus apostrophes and
/// hyphens inside such a run), or a single other visible character: a punctuation mark, a
/// symbol, an emoji, or a CJK ideograph — unless an ``IdeographWordBreaker`` is given, which
/// splits each run of Han ideographs into words of one or more characters. Whitespace separates
/// words and belongs to none. A token belongs to the word that contains its first
/// non-whitespace scalar; a token that reaches into the next words joins them into one (a word
/// never splits a token); special tokens and tokens without a span belong to none.
public enum WordSegmentation {
    /// The words of `text` (offsets in Unicode scalars) with the indices of the tokens
    /// (`spans[i]` the span of token `i`, `nil` for specials) that start in each; words no token
    /// starts in are dropped.
    public static func words(text: String, spans: [Range<Int>?],
                             breaker: (any IdeographWordBreaker)? = nil) -> [AttributionDocument.InputWord] {
        let scalars = Array(text.unicodeScalars)
        var ranges: [Range<Int>] = []
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s.properties.isWhitespace { i += 1; continue }
            if let breaker, s.properties.isIdeographic {
                var j = i + 1
                while j < scalars.count, scalars[j].properties.isIdeographic { j += 1 }
                let run = Array(scalars[i..<j])
                var start = i
                for length in breaker.wordLengths(run) where length > 0 {
                    let end = min(j, start + length)
                    ranges.append(start..<end)
                    start = end
                }
                if start < j { ranges.append(start..<j) }   // a breaker that fell short: the rest is one word
                i = j
            } else if isWordScalar(s) && !isIdeograph(s) {
                var j = i + 1
                while j < scalars.count {
                    let c = scalars[j]
                    if isWordScalar(c) && !isIdeograph(c) { j += 1; continue }
                    if (c == "'" || c == "’" || c == "-"), j + 1 < scalars.count,
                       isWordScalar(scalars[j + 1]) && !isIdeograph(scalars[j + 1]) { j += 2; continue }
                    break
                }
                ranges.append(i..<j)
                i = j
            } else {
                // One visible character: extend over following combining marks, variation
                // selectors and zero-width joiners (emoji sequences).
                var j = i + 1
                while j < scalars.count, isAttached(scalars[j]) || (scalars[j - 1].value == 0x200D) { j += 1 }
                ranges.append(i..<j)
                i = j
            }
        }
        // Words a token reaches into beyond its first are joined to that first word.
        var joinedTo = Array(ranges.indices)
        var firstWord = [Int?](repeating: nil, count: spans.count)
        for (t, span) in spans.enumerated() {
            guard let span, !span.isEmpty else { continue }
            var first = span.lowerBound
            while first < span.upperBound, first < scalars.count, scalars[first].properties.isWhitespace { first += 1 }
            var last = min(span.upperBound, scalars.count) - 1
            while last > first, scalars[last].properties.isWhitespace { last -= 1 }
            guard first < span.upperBound, let w = index(of: first, in: ranges) else { continue }
            firstWord[t] = w
            if let v = index(of: last, in: ranges), v > w {
                for u in (w + 1)...v { joinedTo[u] = joinedTo[w] }
            }
        }
        var merged: [Range<Int>] = []
        var mergedIndex = [Int](repeating: 0, count: ranges.count)
        for w in ranges.indices {
            if joinedTo[w] != w, let last = merged.last {
                merged[merged.count - 1] = last.lowerBound..<ranges[w].upperBound
            } else {
                merged.append(ranges[w])
            }
            mergedIndex[w] = merged.count - 1
        }
        ranges = merged
        var members = [[Int]](repeating: [], count: ranges.count)
        for (t, w) in firstWord.enumerated() {
            if let w { members[mergedIndex[w]].append(t) }
        }
        return ranges.indices.compactMap { w in
            guard !members[w].isEmpty else { return nil }
            let r = ranges[w]
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[r])
            return AttributionDocument.InputWord(text: String(word), start: r.lowerBound, end: r.upperBound, tokens: members[w])
        }
    }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        let p = s.properties
        return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
            || p.generalCategory == .spacingMark || p.generalCategory == .decimalNumber
    }

    static func isIdeograph(_ s: Unicode.Scalar) -> Bool {
        s.properties.isIdeographic || (0x3040...0x30FF).contains(s.value) || (0xAC00...0xD7AF).contains(s.value)
    }

    static func isAttached(_ s: Unicode.Scalar) -> Bool {
        let p = s.properties
        return p.generalCategory == .nonspacingMark || p.generalCategory == .enclosingMark || p.isVariationSelector
            || s.value == 0x200D || (0x1F3FB...0x1F3FF).contains(s.value)
    }

    static func index(of position: Int, in ranges: [Range<Int>]) -> Int? {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound <= position { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(position) ? lo : nil
    }
}
