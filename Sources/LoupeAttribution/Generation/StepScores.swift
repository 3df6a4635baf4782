import Foundation

/// What the model thought of one token at one step of a generation: inseq's step scores.
///
/// All logarithms are natural; `surprisal` is `−log p` in nats (divide by ln 2 for bits).
public struct StepScores: Equatable, Sendable {
    /// One of the most likely tokens at the step.
    public struct Alternative: Equatable, Sendable {
        public var id: Int
        public var logit: Double
        public var probability: Double
    }

    /// The token scored.
    public var token: Int
    public var logit: Double
    public var probability: Double
    public var logProbability: Double
    /// `−log p(token)`, nats.
    public var surprisal: Double
    /// Entropy of the whole next-token distribution, nats.
    public var entropy: Double
    /// 1 for the most likely token; 1 + the number of tokens scored strictly higher.
    public var rank: Int
    /// The `k` most likely tokens, best first.
    public var top: [Alternative]

    /// Scores of `token` from one row of next-token logits `[V]`.
    public init(logits row: UnsafeBufferPointer<Float>, token: Int, topK: Int) {
        precondition(token >= 0 && token < row.count, "token \(token) outside the \(row.count) logits")
        var maximum = -Double.infinity
        for v in row { maximum = Swift.max(maximum, Double(v)) }
        var total = 0.0
        for v in row { total += exp(Double(v) - maximum) }
        let logTotal = maximum + log(total)
        var entropy = 0.0
        for v in row {
            let lp = Double(v) - logTotal
            entropy -= exp(lp) * lp
        }
        let target = Double(row[token])
        var rank = 1
        for v in row where Double(v) > target { rank += 1 }
        self.token = token
        logit = target
        logProbability = target - logTotal
        probability = exp(logProbability)
        surprisal = -logProbability
        self.entropy = entropy
        self.rank = rank
        let k = Swift.min(Swift.max(0, topK), row.count)
        let order = (0..<row.count).sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(k)
        top = order.map { Alternative(id: $0, logit: Double(row[$0]), probability: exp(Double(row[$0]) - logTotal)) }
    }

    /// The next-token distribution of one row of logits, as probabilities in Double.
    static func distribution(_ row: UnsafeBufferPointer<Float>) -> [Double] {
        var maximum = -Double.infinity
        for v in row { maximum = Swift.max(maximum, Double(v)) }
        var p = row.map { exp(Double($0) - maximum) }
        let total = p.reduce(0, +)
        for i in p.indices { p[i] /= total }
        return p
    }

    /// `KL(p ‖ q)` in nats (terms with p = 0 vanish; q is floored at the smallest normal Double).
    static func divergence(_ p: [Double], _ q: [Double]) -> Double {
        var kl = 0.0
        for (a, b) in zip(p, q) where a > 0 { kl += a * (log(a) - log(Swift.max(b, .leastNormalMagnitude))) }
        return Swift.max(0, kl)
    }
}
