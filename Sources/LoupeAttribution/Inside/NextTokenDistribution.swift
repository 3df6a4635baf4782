import Foundation

/// The next-token distribution of one row of logits: softmax probabilities (computed in double
/// precision, max-subtracted), the top tokens, and what one token scores — the readout the logit
/// lens applies to every (layer, position).
public struct NextTokenDistribution {
    /// The row's logits, one per vocabulary id.
    public let logits: [Float]
    /// `log Σ exp(logit)`.
    public let logNormalizer: Double

    /// The distribution of `logits` (one row, `V` values, `V` ≥ 1).
    public init(logits: [Float]) {
        precondition(!logits.isEmpty, "NextTokenDistribution: empty row")
        self.logits = logits
        let maximum = Double(logits.max()!)
        var sum = 0.0
        for l in logits { sum += exp(Double(l) - maximum) }
        logNormalizer = maximum + log(sum)
    }

    /// Vocabulary size.
    public var count: Int { logits.count }

    /// `p(id)`.
    public func probability(_ id: Int) -> Double { exp(logProbability(id)) }

    /// `log p(id)`.
    public func logProbability(_ id: Int) -> Double { Double(logits[id]) - logNormalizer }

    /// 1 + the number of tokens with a strictly higher logit (1 = the top token; ties share a rank).
    public func rank(_ id: Int) -> Int {
        let l = logits[id]
        var above = 0
        for x in logits where x > l { above += 1 }
        return above + 1
    }

    /// Shannon entropy of the distribution, in nats.
    public var entropy: Double {
        var h = 0.0
        for l in logits {
            let lp = Double(l) - logNormalizer
            let p = exp(lp)
            if p > 0 { h -= p * lp }
        }
        return h
    }

    /// What `id` scores: logit, probability, log-probability and rank.
    public func reading(_ id: Int) -> TokenReading {
        TokenReading(id: id, logit: Double(logits[id]), probability: probability(id),
                     logProbability: logProbability(id), rank: rank(id))
    }

    /// The `k` most probable ids, best first (ties: the smaller id first), with their readings.
    public func top(_ k: Int) -> [TokenReading] {
        let k = min(max(0, k), logits.count)
        guard k > 0 else { return [] }
        // A running list of the k best (k is small; V is large).
        var best: [(id: Int, logit: Float)] = []
        best.reserveCapacity(k + 1)
        func better(_ a: (id: Int, logit: Float), _ b: (id: Int, logit: Float)) -> Bool {
            a.logit > b.logit || (a.logit == b.logit && a.id < b.id)
        }
        for (id, l) in logits.enumerated() {
            if best.count == k, let worst = best.last, !better((id, l), worst) { continue }
            var i = best.count
            while i > 0 && better((id, l), best[i - 1]) { i -= 1 }
            best.insert((id, l), at: i)
            if best.count > k { best.removeLast() }
        }
        return best.enumerated().map { index, entry in
            TokenReading(id: entry.id, logit: Double(entry.logit), probability: probability(entry.id),
                         logProbability: logProbability(entry.id), rank: index == 0 ? 1 : rank(entry.id))
        }
    }
}

/// What one token scores in one next-token distribution.
public struct TokenReading: Codable, Equatable, Sendable {
    public var id: Int
    public var logit: Double
    public var probability: Double
    public var logProbability: Double
    /// 1 = the most probable token.
    public var rank: Int

    public init(id: Int, logit: Double, probability: Double, logProbability: Double, rank: Int) {
        self.id = id
        self.logit = logit
        self.probability = probability
        self.logProbability = logProbability
        self.rank = rank
    }
}

