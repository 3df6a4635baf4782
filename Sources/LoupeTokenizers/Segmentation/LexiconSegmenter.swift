/// Splits a run of characters written without spaces (Chinese) into words: the split whose
/// words have the greatest product of unigram probabilities under a ``WordLexicon``
/// (maximum-probability segmentation by dynamic programming over all splits).
///
/// A character the lexicon does not list stands alone, priced as a word seen half a time; a
/// multi-character word must be listed. The probabilities are the lexicon's counts over their
/// total, so the more often a word was seen as a whole, the more readily it is kept whole.
public struct LexiconSegmenter: Sendable {
    /// The lexicon the segmenter prices words with.
    public let lexicon: WordLexicon
    private let logProbability: [String: Double]
    private let unknownLogProbability: Double

    public init(lexicon: WordLexicon) {
        self.lexicon = lexicon
        let total = Double(lexicon.total)
        logProbability = lexicon.counts.mapValues { Foundation.log(Double($0) / total) }
        unknownLogProbability = Foundation.log(0.5 / total)
    }

    /// The word lengths (in scalars, summing to `scalars.count`) of the most probable split.
    public func segmentLengths(_ scalars: [Unicode.Scalar]) -> [Int] {
        let n = scalars.count
        guard n > 0 else { return [] }
        var best = [Double](repeating: -.infinity, count: n + 1)
        var length = [Int](repeating: 1, count: n + 1)
        best[0] = 0
        let longest = max(1, lexicon.maxWordLength)
        for end in 1...n {
            for size in 1...min(longest, end) {
                var word = String.UnicodeScalarView()
                word.append(contentsOf: scalars[(end - size)..<end])
                let score: Double
                if let known = logProbability[String(word)] {
                    score = known
                } else if size == 1 {
                    score = unknownLogProbability
                } else {
                    continue
                }
                let candidate = best[end - size] + score
                // Ties keep the longer word (tried later), which reads more naturally.
                if candidate >= best[end] {
                    best[end] = candidate
                    length[end] = size
                }
            }
        }
        var lengths: [Int] = []
        var end = n
        while end > 0 {
            lengths.append(length[end])
            end -= length[end]
        }
        return lengths.reversed()
    }

    /// The words of the most probable split of `text`.
    public func segment(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        return segmentLengths(scalars).map { size in
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[start..<(start + size)])
            start += size
            return String(word)
        }
    }
}

import Foundation
