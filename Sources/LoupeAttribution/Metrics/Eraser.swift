import Foundation
import LoupeNN
import LoupeTensor

/// ERASER's faithfulness metrics (DeYoung, Jain, Rajani, Lehman, Xiong, Socher & Wallace,
/// "ERASER: A Benchmark to Evaluate Rationalized NLP Models", ACL 2020, §4):
///
/// - **comprehensiveness** `= m(x)_j − m(x \ r)_j`: how much the target's output drops when the
///   rationale `r` is *deleted* from the sequence (higher = the rationale was needed);
/// - **sufficiency** `= m(x)_j − m(r)_j`: how much it drops when *only* the rationale is kept, in
///   its original order (lower = the rationale suffices).
///
/// For a continuous attribution the rationale at bin `q` is the top `k = max(1, ⌈q·n⌉)` tokens by
/// score (ties: earlier position first), for the bins `fractions` (ERASER's 1, 5, 10, 20, 50 %).
/// AOPC ("area over the perturbation curve") is the mean over the bins. Deleted tokens are removed
/// from the sequence (not masked); a sequence with every token deleted is evaluated as a single
/// [PAD]. `m` is the target's softmax probability by default.
public struct EraserMetrics: Sendable {
    public var fractions: [Double]
    public var output: AttributionOutput
    public var batchSize: Int

    public init(fractions: [Double] = [0.01, 0.05, 0.1, 0.2, 0.5], output: AttributionOutput = .probability,
                batchSize: Int = 256) {
        self.fractions = fractions
        self.output = output
        self.batchSize = batchSize
    }

    public struct Result: Equatable, Sendable {
        /// The bins `q`.
        public var fractions: [Double]
        /// Tokens in each bin's rationale, `max(1, ⌈q·n⌉)`.
        public var tokenCounts: [Int]
        /// Comprehensiveness per bin.
        public var comprehensiveness: [Double]
        /// Sufficiency per bin.
        public var sufficiency: [Double]
        /// Mean comprehensiveness over the bins.
        public var aopcComprehensiveness: Double
        /// Mean sufficiency over the bins.
        public var aopcSufficiency: Double
        /// The target's output on the full input.
        public var fullOutput: Double
    }

    /// Rationale size for bin `q` over `n` tokens (`q` is clipped to 0…1; NaN counts as 0).
    public static func tokenCount(fraction q: Double, of n: Int) -> Int {
        let clipped = q.isNaN ? 0 : Swift.min(1, Swift.max(0, q))
        return Swift.min(n, Swift.max(1, Int((clipped * Double(n)).rounded(.up))))
    }

    /// Comprehensiveness and sufficiency of the top-scored tokens at every bin.
    public func evaluate(_ ids: [Int], scores: [Double], target: Int, model: TextClassifier) throws -> Result {
        try Self.validate(ids, scores: scores, target: target, model: model)
        try Self.validate(batchSize: batchSize)
        guard !fractions.isEmpty, fractions.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
            throw AttributionError.invalidParameter("ERASER bins must be in (0, 1]")
        }
        let order = rankByScore(scores)
        let counts = fractions.map { Self.tokenCount(fraction: $0, of: ids.count) }
        var sequences = [ids]
        for k in counts {
            let kept = Set(order.prefix(k))
            sequences.append(ids.indices.filter { !kept.contains($0) }.map { ids[$0] })   // x \ r
            sequences.append(ids.indices.filter { kept.contains($0) }.map { ids[$0] })    // r
        }
        let y = try OutputEvaluator(model: model, classIndex: target, output: output, batchSize: batchSize).target(sequences)
        let comp = counts.indices.map { y[0] - y[1 + 2 * $0] }
        let suff = counts.indices.map { y[0] - y[2 + 2 * $0] }
        return Result(fractions: fractions, tokenCounts: counts, comprehensiveness: comp, sufficiency: suff,
                      aopcComprehensiveness: comp.reduce(0, +) / Double(comp.count),
                      aopcSufficiency: suff.reduce(0, +) / Double(suff.count), fullOutput: y[0])
    }

    /// Comprehensiveness and sufficiency of a given (e.g. human) rationale: token positions.
    public func evaluate(_ ids: [Int], rationale: Set<Int>, target: Int,
                         model: TextClassifier) throws -> (comprehensiveness: Double, sufficiency: Double) {
        try Self.validate(ids, scores: ids.map { _ in 0 }, target: target, model: model)
        if let bad = rationale.first(where: { $0 < 0 || $0 >= ids.count }) {
            throw AttributionError.invalidParameter("rationale position \(bad) is outside the text's 0..<\(ids.count)")
        }
        try Self.validate(batchSize: batchSize)
        let y = try OutputEvaluator(model: model, classIndex: target, output: output, batchSize: batchSize).target(
            [ids, ids.indices.filter { !rationale.contains($0) }.map { ids[$0] },
             ids.indices.filter { rationale.contains($0) }.map { ids[$0] }])
        return (y[0] - y[1], y[0] - y[2])
    }

    /// Throws for a batch size below 1.
    static func validate(batchSize: Int) throws {
        guard batchSize >= 1 else { throw AttributionError.invalidParameter("batch size must be at least 1, got \(batchSize)") }
    }

    static func validate(_ ids: [Int], scores: [Double], target: Int, model: TextClassifier) throws {
        try model.validateInput([ids])
        guard scores.count == ids.count else {
            throw AttributionError.invalidParameter("\(scores.count) scores for \(ids.count) tokens")
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw AttributionError.invalidParameter("score \(bad) is \(scores[bad]) (scores must be finite)")
        }
        guard target >= 0 && target < model.labels.count else {
            throw AttributionError.unknownTarget("class index \(target) (model has \(model.labels.count) classes)")
        }
    }
}
