import Foundation
import LoupeNN
import LoupeTensor

/// The posterior codes of a data set and the statistics that say which latent dimensions the
/// model uses.
///
/// - `klPerDimension[d]`: the mean over the data of `½ (μ_d² + exp(logvar_d) − 1 − logvar_d)`,
///   the part of the KL term (the "rate") spent on dimension `d`.
/// - `activity[d]`: `Var_x(μ_d(x))`, the variance over the data of the posterior mean, the
///   activity statistic of Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders"
///   (ICLR 2016, §5.2). A dimension is **active** when its activity exceeds
///   ``activeThreshold`` (0.01 there). The variance here divides by the number of examples `N`
///   (the population variance).
/// - `ranking`: dimension indices by decreasing `klPerDimension` (ties by index).
///
/// An inactive dimension has a posterior that ignores the input (posterior collapse); its KL is
/// then usually close to zero too.
public struct LatentCodes: Equatable, Sendable {
    /// Burda et al.'s threshold on `Var_x(μ_d)`.
    public static let defaultActiveThreshold = 0.01

    /// Posterior means, one row of `Z` values per example.
    public let mu: [[Float]]
    /// Posterior log-variances, one row per example.
    public let logVariance: [[Float]]
    /// Size of the latent vector.
    public let latentDimension: Int
    /// Mean KL per latent dimension over the examples.
    public let klPerDimension: [Double]
    /// `Var_x(μ_d)` per dimension.
    public let activity: [Double]
    /// The threshold the active flags were computed with.
    public let activeThreshold: Double
    /// `activity[d] > activeThreshold`.
    public let isActive: [Bool]
    /// Dimensions by decreasing mean KL.
    public let ranking: [Int]

    /// Statistics of given posterior rows (each of length `latentDimension`).
    /// - Throws: ``AttributionError/invalidInput(_:)`` for counts of rows or values that disagree.
    public init(mu: [[Float]], logVariance: [[Float]], latentDimension: Int,
                activeThreshold: Double = LatentCodes.defaultActiveThreshold) throws {
        guard mu.count == logVariance.count else {
            throw AttributionError.invalidInput("\(mu.count) mean rows but \(logVariance.count) log-variance rows")
        }
        guard mu.allSatisfy({ $0.count == latentDimension }) && logVariance.allSatisfy({ $0.count == latentDimension }) else {
            throw AttributionError.invalidInput("every posterior row needs \(latentDimension) values")
        }
        self.mu = mu
        self.logVariance = logVariance
        self.latentDimension = latentDimension
        self.activeThreshold = activeThreshold
        let n = Double(Swift.max(mu.count, 1))
        var kl = [Double](repeating: 0, count: latentDimension)
        var mean = [Double](repeating: 0, count: latentDimension)
        for (m, lv) in zip(mu, logVariance) {
            for d in 0..<latentDimension {
                let (a, b) = (Double(m[d]), Double(lv[d]))
                kl[d] += 0.5 * (a * a + Foundation.exp(b) - 1 - b)
                mean[d] += a
            }
        }
        kl = kl.map { $0 / n }
        mean = mean.map { $0 / n }
        var variance = [Double](repeating: 0, count: latentDimension)
        for m in mu {
            for d in 0..<latentDimension {
                let c = Double(m[d]) - mean[d]
                variance[d] += c * c
            }
        }
        variance = variance.map { $0 / n }
        klPerDimension = kl
        activity = variance
        isActive = variance.map { $0 > activeThreshold }
        ranking = (0..<latentDimension).sorted { kl[$0] > kl[$1] || (kl[$0] == kl[$1] && $0 < $1) }
    }

    /// Encodes `examples` with `model` (in batches, without gradients) and computes the statistics.
    public init<M: LatentModel>(encoding examples: [M.Example], with model: M, batchSize: Int = 256,
                                activeThreshold: Double = LatentCodes.defaultActiveThreshold) throws {
        let (mu, logVariance) = try model.posteriorRows(of: examples, batchSize: batchSize)
        try self.init(mu: mu, logVariance: logVariance, latentDimension: model.latentDimension,
                  activeThreshold: activeThreshold)
    }

    /// Number of examples.
    public var count: Int { mu.count }
    /// Number of active dimensions.
    public var activeCount: Int { isActive.filter { $0 }.count }
    /// Total mean KL, `Σ_d klPerDimension[d]`.
    public var totalKL: Double { klPerDimension.reduce(0, +) }

    /// The posterior means of dimension `d` over the examples.
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for a dimension outside `0..<latentDimension`.
    public func means(ofDimension d: Int) throws -> [Float] {
        guard d >= 0 && d < latentDimension else {
            throw AttributionError.invalidParameter("dimension \(d) is outside 0..<\(latentDimension)")
        }
        return mu.map { $0[d] }
    }

    /// The `q`-quantile (0 ≤ q ≤ 1) of dimension `d`'s posterior means, interpolating linearly
    /// between order statistics (the default of NumPy's `quantile`, Hyndman & Fan's type 7).
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for a level outside 0…1 (or NaN) or a
    ///   dimension outside the codes; ``AttributionError/emptyInput`` for no codes.
    public func quantile(_ q: Double, ofDimension d: Int) throws -> Double {
        guard (0...1).contains(q) else { throw AttributionError.invalidParameter("quantile level \(q) is outside 0…1") }
        guard !mu.isEmpty else { throw AttributionError.emptyInput }
        let sorted = try means(ofDimension: d).map(Double.init).sorted()
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
