import LoupeTensor

/// New training sentences made from old ones, for a teacher to label (Tang et al. 2019,
/// "Distilling Task-Specific Knowledge from BERT into Simple Neural Networks", §3.3): each word is
/// kept, or with probability `maskRate` dropped, or with probability `swapRate` replaced by a
/// word drawn from the corpus' own words; with probability `ngramRate` the variant is then cut to
/// a random span of `minimumWords − 1` to `minimumWords + 4` words. Sentences shorter than
/// `minimumWords` give no variant. Deterministic for a seed.
public struct SentenceAugmentation: Sendable {
    public var variantsPerSentence: Int
    public var minimumWords: Int
    public var maskRate: Double
    public var swapRate: Double
    public var ngramRate: Double
    public var seed: UInt64

    public init(variantsPerSentence: Int = 2, minimumWords: Int = 4, maskRate: Double = 0.1, swapRate: Double = 0.1,
                ngramRate: Double = 0.25, seed: UInt64 = 17) {
        self.variantsPerSentence = variantsPerSentence
        self.minimumWords = minimumWords
        self.maskRate = maskRate
        self.swapRate = swapRate
        self.ngramRate = ngramRate
        self.seed = seed
    }

    /// The variants of `sentences` (space-separated words, as SST-2), none equal to its source and
    /// none repeated.
    public func variants(of sentences: [String]) -> [String] {
        var generator = RandomGenerator(seed: seed)
        let split = sentences.map { $0.split(separator: " ").map(String.init) }
        let pool = split.flatMap { $0 }
        guard !pool.isEmpty else { return [] }
        var seen = Set(sentences)
        var out: [String] = []
        for words in split where words.count >= minimumWords {
            for _ in 0..<variantsPerSentence {
                var variant: [String] = []
                for word in words {
                    let u = Double(generator.nextUniform())
                    if u < maskRate { continue }
                    variant.append(u < maskRate + swapRate ? pool[generator.nextInt(below: pool.count)] : word)
                }
                if Double(generator.nextUniform()) < ngramRate, variant.count > minimumWords {
                    let length = minimumWords + generator.nextInt(below: min(5, variant.count - minimumWords) + 1) - 1
                    let start = generator.nextInt(below: variant.count - length + 1)
                    variant = Array(variant[start..<(start + length)])
                }
                let text = variant.joined(separator: " ")
                if !variant.isEmpty, seen.insert(text).inserted { out.append(text) }
            }
        }
        return out
    }
}
