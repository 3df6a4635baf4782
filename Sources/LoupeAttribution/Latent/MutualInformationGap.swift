import Foundation

/// The Mutual Information Gap (MIG) of Chen, Li, Grosse & Duvenaud, "Isolating Sources of
/// Disentanglement in Variational Autoencoders" (NeurIPS 2018): for each ground-truth factor
/// `v_k`, the gap between the two latent dimensions sharing the most information with it,
/// normalised by the factor's entropy, averaged over factors:
///
///     MIG = (1/K) Σ_k (I(z_{j⁽¹⁾}; v_k) − I(z_{j⁽²⁾}; v_k)) / H(v_k)
///
/// where `j⁽¹⁾`, `j⁽²⁾` are the dimensions with the largest and second-largest mutual information
/// with `v_k`. A code where each factor lives in one dimension of its own scores near 1; a code
/// that spreads factors over dimensions, or ignores them, near 0.
///
/// **Estimator.** Chen et al. estimate `I(z_j; v_k)` from the full posterior; like most later
/// work (e.g. Locatello et al., 2019) Loupe uses the posterior means and a histogram estimate:
/// each dimension's means are cut into `binCount` (default 20) equal-width bins spanning that
/// dimension's minimum to maximum over the data (a value equal to the maximum falls in the last
/// bin; a constant dimension falls in one bin and carries no information). Mutual information
/// and entropy are the plug-in estimates from the empirical joint counts, in nats. Factors are
/// any discrete labels (the grid indices of `ShapesGenerator` (LoupeDefaults) factors, say). A factor with a
/// single value has zero entropy and is left out of the average (reported with `gap == nil`).
/// With one latent dimension the second-largest information counts as 0.
public struct MutualInformationGap: Sendable {
    /// Histogram bins per latent dimension.
    public var binCount: Int

    public init(binCount: Int = 20) {
        self.binCount = binCount
    }

    /// MIG of `codes` (`N` rows of `Z` values, typically posterior means) against `factors`
    /// (`N` rows of `K` discrete labels).
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for empty or mismatched inputs,
    ///   non-finite codes, fewer than 1 bin, or when no factor varies.
    public func score(codes: [[Float]], factors: [[Int]], factorNames: [String]? = nil) throws -> MIGResult {
        guard binCount >= 1 else { throw AttributionError.invalidParameter("MIG needs at least 1 bin, got \(binCount)") }
        guard !codes.isEmpty, codes.count == factors.count else {
            throw AttributionError.invalidParameter("MIG needs as many factor rows as codes (\(factors.count) vs \(codes.count)), at least one")
        }
        let (n, z, k) = (codes.count, codes[0].count, factors[0].count)
        guard z >= 1, k >= 1, codes.allSatisfy({ $0.count == z }), factors.allSatisfy({ $0.count == k }) else {
            throw AttributionError.invalidParameter("every code needs the same number (≥ 1) of dimensions and every factor row the same number of factors")
        }
        guard codes.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw AttributionError.invalidParameter("codes hold NaN or infinity")
        }
        let names = factorNames ?? (0..<k).map { "factor\($0)" }
        guard names.count == k else { throw AttributionError.invalidParameter("\(names.count) names for \(k) factors") }

        let binned = (0..<z).map { d in Self.discretize(codes.map { $0[d] }, bins: binCount) }
        var scores: [MIGResult.Factor] = []
        for f in 0..<k {
            let labels = Self.denseLabels(factors.map { $0[f] })
            let entropy = Self.entropy(labels.values, classes: labels.classes)
            let information = (0..<z).map { d in
                Self.mutualInformation(binned[d], bins: binCount, labels.values, classes: labels.classes, count: n)
            }
            let order = (0..<z).sorted { information[$0] > information[$1] || (information[$0] == information[$1] && $0 < $1) }
            let first = information[order[0]], second = z > 1 ? information[order[1]] : 0
            let gap: Double? = entropy > 1e-12 ? (first - second) / entropy : nil
            scores.append(MIGResult.Factor(name: names[f], valueCount: labels.classes, entropy: entropy,
                                           mutualInformation: information, topDimension: order[0],
                                           secondDimension: z > 1 ? order[1] : nil, gap: gap))
        }
        let gaps = scores.compactMap(\.gap)
        guard !gaps.isEmpty else { throw AttributionError.invalidParameter("no factor takes more than one value") }
        return MIGResult(mig: gaps.reduce(0, +) / Double(gaps.count), binCount: binCount, exampleCount: n, factors: scores)
    }

    /// The mutual information (nats) between every pair of code dimensions, each binned as in
    /// ``score(codes:factors:factorNames:)``: a label-free measure of how dependent the
    /// dimensions are (a factorised code has ≈ 0 off the diagonal; the diagonal holds each
    /// dimension's binned entropy). A cheap, pairwise stand-in for the total correlation that
    /// β-TCVAE penalises (Chen et al. 2018); it needs no ground-truth factors.
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for empty, ragged or non-finite codes.
    public func pairwiseInformation(codes: [[Float]]) throws -> [[Double]] {
        guard binCount >= 1, let z = codes.first?.count, z >= 1, codes.allSatisfy({ $0.count == z }) else {
            throw AttributionError.invalidParameter("pairwise information needs codes of one size (≥ 1) and at least 1 bin")
        }
        guard codes.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw AttributionError.invalidParameter("codes hold NaN or infinity") }
        let binned = (0..<z).map { d in Self.discretize(codes.map { $0[d] }, bins: binCount) }
        var result = [[Double]](repeating: [Double](repeating: 0, count: z), count: z)
        for a in 0..<z {
            for b in a..<z {
                let value = Self.mutualInformation(binned[a], bins: binCount, binned[b], classes: binCount, count: codes.count)
                result[a][b] = value
                result[b][a] = value
            }
        }
        return result
    }

    /// Equal-width bin index in `0..<bins` of each value over the values' range.
    static func discretize(_ values: [Float], bins: Int) -> [Int] {
        guard let lo = values.min(), let hi = values.max(), hi > lo else { return [Int](repeating: 0, count: values.count) }
        let (low, width) = (Double(lo), (Double(hi) - Double(lo)) / Double(bins))
        return values.map { Swift.min(bins - 1, Swift.max(0, Int(((Double($0) - low) / width).rounded(.down)))) }
    }

    /// Labels renumbered `0..<classes` in order of first appearance.
    static func denseLabels(_ labels: [Int]) -> (values: [Int], classes: Int) {
        var map: [Int: Int] = [:]
        let values = labels.map { label -> Int in
            if let i = map[label] { return i }
            map[label] = map.count
            return map.count - 1
        }
        return (values, map.count)
    }

    /// Plug-in entropy in nats.
    static func entropy(_ labels: [Int], classes: Int) -> Double {
        var counts = [Int](repeating: 0, count: classes)
        for l in labels { counts[l] += 1 }
        let n = Double(labels.count)
        return counts.reduce(0.0) { h, c in c == 0 ? h : h - Double(c) / n * Foundation.log(Double(c) / n) }
    }

    /// Plug-in mutual information in nats from joint counts.
    static func mutualInformation(_ a: [Int], bins: Int, _ b: [Int], classes: Int, count n: Int) -> Double {
        var joint = [Int](repeating: 0, count: bins * classes)
        var pa = [Int](repeating: 0, count: bins), pb = [Int](repeating: 0, count: classes)
        for i in 0..<n {
            joint[a[i] * classes + b[i]] += 1
            pa[a[i]] += 1
            pb[b[i]] += 1
        }
        let total = Double(n)
        var mi = 0.0
        for x in 0..<bins where pa[x] > 0 {
            for y in 0..<classes {
                let c = joint[x * classes + y]
                guard c > 0 else { continue }
                mi += Double(c) / total * Foundation.log(Double(c) * total / (Double(pa[x]) * Double(pb[y])))
            }
        }
        return Swift.max(0, mi)
    }
}

/// The result of ``MutualInformationGap``.
public struct MIGResult: Codable, Equatable, Sendable {
    /// One ground-truth factor.
    public struct Factor: Codable, Equatable, Sendable {
        public var name: String
        /// Distinct values seen.
        public var valueCount: Int
        /// `H(v_k)` in nats.
        public var entropy: Double
        /// `I(z_j; v_k)` in nats for every latent dimension `j`.
        public var mutualInformation: [Double]
        /// The dimension sharing the most information with the factor, and the runner-up.
        public var topDimension: Int
        public var secondDimension: Int?
        /// The normalised gap; `nil` for a factor with one value.
        public var gap: Double?

        enum CodingKeys: String, CodingKey {
            case name, valueCount = "value_count", entropy, mutualInformation = "mutual_information"
            case topDimension = "top_dimension", secondDimension = "second_dimension", gap
        }
    }

    /// The mean normalised gap over factors that vary.
    public var mig: Double
    public var binCount: Int
    public var exampleCount: Int
    public var factors: [Factor]

    enum CodingKeys: String, CodingKey { case mig, binCount = "bin_count", exampleCount = "example_count", factors }
}
