/// How raw scores are scaled to the colour map's −1...1 (or 0...1) range.
///
/// Every rule produces one positive *limit*; a score `s` is shown as `s / limit`, clamped.
public enum ScoreNormalization: Hashable, Sendable {
    /// Captum's default (`_normalize_attr` with `outlier_perc`): sort |scores|, and use the
    /// smallest |score| at which the running sum reaches (100 − `percent`)% of the total, so
    /// the few largest outliers saturate instead of washing everything else out.
    /// The default is 2%.
    case outlierPercentile(Double)
    /// The (100 − `percent`)th percentile of |scores| (linear interpolation, as numpy's
    /// default `percentile`).
    case absolutePercentile(Double)
    /// The largest |score|: nothing saturates.
    case maxAbsolute
    /// A fixed symmetric range ±`limit`, e.g. to compare several pictures on one scale.
    case symmetric(Double)

    /// Captum's default: 2% outliers.
    public static let standard = ScoreNormalization.outlierPercentile(2)

    /// True for ``symmetric(_:)``: a range the caller fixed, which no floor changes.
    public var isFixed: Bool {
        if case .symmetric = self { return true }
        return false
    }
}

/// The resolved scale for one set of scores: the value shown at full colour.
public struct ScoreScale: Hashable, Sendable {
    /// The |score| mapped to ±1 (always positive and finite).
    public let limit: Double

    /// Creates a scale with an explicit limit (non-positive or non-finite limits become 1).
    public init(limit: Double) {
        self.limit = (limit.isFinite && limit > 0) ? limit : 1
    }

    /// Resolves `normalization` for `scores`.
    ///
    /// - Throws: ``RenderError/nonFiniteValue(what:index:)`` for NaN or infinite scores,
    ///   ``RenderError/invalidArgument(_:)`` for a percentile outside 0..<100 or a
    ///   non-positive symmetric limit.
    /// All-zero scores give a limit of 1.
    public init(scores: [Double], normalization: ScoreNormalization = .standard) throws {
        try RenderError.checkFinite(scores, what: "scores")
        let magnitudes = scores.map(abs).sorted()
        switch normalization {
        case .symmetric(let limit):
            guard limit.isFinite, limit > 0 else {
                throw RenderError.invalidArgument("symmetric limit must be positive and finite, got \(limit)")
            }
            self.init(limit: limit)
        case .maxAbsolute:
            self.init(limit: magnitudes.last ?? 1)
        case .outlierPercentile(let percent):
            try ScoreScale.checkPercent(percent)
            let total = magnitudes.reduce(0, +)
            let target = total * (100 - percent) / 100
            var running = 0.0
            var value = magnitudes.last ?? 1
            for m in magnitudes {
                running += m
                if running >= target {
                    value = m
                    break
                }
            }
            self.init(limit: value)
        case .absolutePercentile(let percent):
            try ScoreScale.checkPercent(percent)
            guard !magnitudes.isEmpty else {
                self.init(limit: 1)
                return
            }
            let position = (100 - percent) / 100 * Double(magnitudes.count - 1)
            let i = Int(position)
            let next = min(i + 1, magnitudes.count - 1)
            self.init(limit: magnitudes[i] + (magnitudes[next] - magnitudes[i]) * (position - Double(i)))
        }
    }

    private static func checkPercent(_ percent: Double) throws {
        guard percent.isFinite, percent >= 0, percent < 100 else {
            throw RenderError.invalidArgument("outlier percentile must be in 0..<100, got \(percent)")
        }
    }

    /// This scale with its limit raised to `floor` when below it (a non-positive or non-finite
    /// floor changes nothing): scores smaller than the floor never reach full colour.
    public func atLeast(_ floor: Double) -> ScoreScale {
        guard floor.isFinite, floor > limit else { return self }
        return ScoreScale(limit: floor)
    }

    /// `score / limit`, clamped to −1...1.
    public func normalized(_ score: Double) -> Double {
        guard score.isFinite else { return 0 }
        return min(max(score / limit, -1), 1)
    }
}
