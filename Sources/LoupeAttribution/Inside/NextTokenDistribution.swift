import Foundation

/// The next-token distribution of one row of logits: softmax probabilities (computed in double
/// precision, max-subtracted), the top tokens, and what one token scores — the readout the logit
/// lens applies to every (layer, position).
public struct NextTokenDistribution {
    /// The row's logits, one per vocabulary id.
    public let logits: [Float]
    /// `log Σ exp(logit)`.
    public let logNormalizer: Double
    /// Shannon entropy of the distribution, in nats.
    public let entropy: Double

    /// The distribution of `logits` (one row, `V` values, `V` ≥ 1).
    /// - Throws: ``AttributionError/invalidInput(_:)`` for an empty row.
    public init(logits: [Float]) throws {
        guard !logits.isEmpty else { throw AttributionError.invalidInput("logits: the row is empty (one logit per vocabulary id)") }
        self.logits = logits
        // Two passes over the row: the maximum, then Σ e and Σ e·l with e = exp(l − max), which give
        // log Z = max + log Σ e and H = log Z − Σ p·l.
        let (normalizer, entropy) = logits.withUnsafeBufferPointer { row -> (Double, Double) in
            var maximum = row[0]
            for l in row where l > maximum { maximum = l }
            let m = Double(maximum)
            var sum = 0.0, weighted = 0.0
            for l in row {
                let d = Double(l) - m
                let e = exp(d)
                sum += e
                weighted += e * d
            }
            let logSum = log(sum)
            return (m + logSum, logSum - weighted / sum)
        }
        logNormalizer = normalizer
        self.entropy = max(0, entropy)
    }

    /// Vocabulary size.
    public var count: Int { logits.count }

    /// Throws unless `id` is a vocabulary id of this row.
    private func check(_ id: Int) throws {
        guard logits.indices.contains(id) else {
            throw AttributionError.invalidInput("token id \(id) is outside the vocabulary (0..<\(logits.count))")
        }
    }

    /// `p(id)`.
    /// - Throws: ``AttributionError/invalidInput(_:)`` for an id outside `0..<count`.
    public func probability(_ id: Int) throws -> Double { exp(try logProbability(id)) }

    /// `log p(id)`.
    /// - Throws: ``AttributionError/invalidInput(_:)`` for an id outside `0..<count`.
    public func logProbability(_ id: Int) throws -> Double {
        try check(id)
        return Double(logits[id]) - logNormalizer
    }

    /// 1 + the number of tokens with a strictly higher logit (1 = the top token; ties share a rank).
    /// - Throws: ``AttributionError/invalidInput(_:)`` for an id outside `0..<count`.
    public func rank(_ id: Int) throws -> Int {
        try check(id)
        let l = logits[id]
        return logits.withUnsafeBufferPointer { row in
            var above = 0
            for x in row where x > l { above += 1 }
            return above + 1
        }
    }

    /// What `id` scores: logit, probability, log-probability and rank.
    /// - Throws: ``AttributionError/invalidInput(_:)`` for an id outside `0..<count`.
    public func reading(_ id: Int) throws -> TokenReading {
        TokenReading(id: id, logit: Double(logits[try checked(id)]), probability: try probability(id),
                     logProbability: try logProbability(id), rank: try rank(id))
    }

    private func checked(_ id: Int) throws -> Int {
        try check(id)
        return id
    }

    /// The `k` most probable ids, best first (ties: the smaller id first), with their readings.
    public func top(_ k: Int) -> [TokenReading] {
        let k = min(max(0, k), logits.count)
        guard k > 0 else { return [] }
        // A running sorted list of the k best (k is small, V large): most ids fail the first compare.
        var ids = [Int](repeating: -1, count: k)
        var values = [Float](repeating: -.infinity, count: k)
        var filled = 0
        logits.withUnsafeBufferPointer { row in
            for id in 0..<row.count {
                let l = row[id]
                if filled == k && !(l > values[k - 1]) { continue }   // ties keep the smaller id
                var i = filled == k ? k - 1 : filled
                while i > 0 && l > values[i - 1] {
                    values[i] = values[i - 1]
                    ids[i] = ids[i - 1]
                    i -= 1
                }
                values[i] = l
                ids[i] = id
                if filled < k { filled += 1 }
            }
        }
        // Every token with a strictly higher logit than entry i is one of the entries before it.
        return (0..<filled).map { index in
            let id = ids[index]
            let above = (0..<index).reduce(0) { $0 + (values[$1] > values[index] ? 1 : 0) }
            let logProbability = Double(logits[id]) - logNormalizer
            return TokenReading(id: id, logit: Double(logits[id]), probability: exp(logProbability),
                                logProbability: logProbability, rank: above + 1)
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

