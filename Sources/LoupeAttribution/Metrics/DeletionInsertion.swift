import LoupeNN
import LoupeTensor

/// Deletion and insertion curves (Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for
/// Explanation of Black-box Models", BMVC 2018, §4.1), for tokens.
///
/// Tokens are taken in order of decreasing score (ties: earlier position first), one per step.
/// - **Deletion** starts from the input and replaces the next most important token by [PAD] (masked
///   out) at each step; a faithful attribution makes the target's output fall fast — *lower* AUC is
///   better.
/// - **Insertion** starts from an all-[PAD] input of the same length and puts the next most
///   important token back at each step — *higher* AUC is better.
///
/// Each curve has `n + 1` points at `x = k/n` (normalised x-axis, `k` tokens deleted or inserted);
/// the AUC is the trapezoid rule over it, so it lies in [0, 1] for probabilities. The y-axis is the
/// target's softmax probability by default.
public struct DeletionInsertion: Sendable {
    public var output: AttributionOutput
    public var batchSize: Int

    public init(output: AttributionOutput = .probability, batchSize: Int = 256) {
        self.output = output
        self.batchSize = batchSize
    }

    /// A curve and its area.
    public struct Curve: Equatable, Sendable {
        /// `k/n` for `k = 0 … n`.
        public var fractions: [Double]
        /// The target's output after `k` tokens were deleted (or inserted).
        public var values: [Double]
        /// Trapezoid-rule area under `values` over `fractions`.
        public var auc: Double
    }

    public func deletion(_ ids: [Int], scores: [Double], target: Int, model: TextClassifier) throws -> Curve {
        try curve(ids, scores: scores, target: target, model: model, inserting: false)
    }

    public func insertion(_ ids: [Int], scores: [Double], target: Int, model: TextClassifier) throws -> Curve {
        try curve(ids, scores: scores, target: target, model: model, inserting: true)
    }

    func curve(_ ids: [Int], scores: [Double], target: Int, model: TextClassifier, inserting: Bool) throws -> Curve {
        try EraserMetrics.validate(ids, scores: scores, target: target, model: model)
        try EraserMetrics.validate(batchSize: batchSize)
        let n = ids.count
        let pad = model.paddingID
        var current = inserting ? Array(repeating: pad, count: n) : ids
        var sequences = [current]
        for i in rankByScore(scores) {
            current[i] = inserting ? ids[i] : pad
            sequences.append(current)
        }
        let values = try OutputEvaluator(model: model, classIndex: target, output: output, batchSize: batchSize).target(sequences)
        let xs = (0...n).map { Double($0) / Double(n) }
        return Curve(fractions: xs, values: values, auc: try Self.trapezoid(xs, values))
    }

    /// ∫ y dx by the trapezoid rule.
    /// - Throws: ``AttributionError/invalidInput(_:)`` when `x` and `y` differ in length.
    public static func trapezoid(_ x: [Double], _ y: [Double]) throws -> Double {
        guard x.count == y.count else {
            throw AttributionError.invalidInput("trapezoid over \(x.count) x values and \(y.count) y values (one y per x)")
        }
        var area = 0.0
        for i in 1..<Swift.max(1, x.count) { area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2 }
        return area
    }
}
