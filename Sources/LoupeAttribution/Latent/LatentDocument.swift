import Foundation

/// The latent codes of a data set in the `loupe.latent.v1` JSON format (docs/latent.md):
/// per-example posterior means and log-variances, and the per-dimension statistics of
/// ``LatentCodes``.
public struct LatentDocument: LatentJSONDocument, Equatable, Sendable {
    public static let schemaName = "loupe.latent.v1"

    public var schema: String = LatentDocument.schemaName
    public var model: LatentModelInfo
    /// Number of examples.
    public var exampleCount: Int
    /// Optional example names (file names, sentences), aligned with `mu`.
    public var exampleLabels: [String]?
    /// `[N][Z]` posterior means.
    public var mu: [[Float]]
    /// `[N][Z]` posterior log-variances.
    public var logvar: [[Float]]
    /// Mean KL per dimension over the examples.
    public var klPerDimension: [Double]
    /// `Var_x(μ_d)` per dimension.
    public var activity: [Double]
    /// Threshold on `activity` for a dimension to count as active.
    public var activeThreshold: Double
    /// `activity > active_threshold`, per dimension.
    public var active: [Bool]
    /// Number of active dimensions.
    public var activeCount: Int
    /// Dimensions by decreasing mean KL.
    public var ranking: [Int]

    enum CodingKeys: String, CodingKey {
        case schema, model, exampleCount = "example_count", exampleLabels = "example_labels", mu, logvar
        case klPerDimension = "kl_per_dimension", activity, activeThreshold = "active_threshold", active
        case activeCount = "active_count", ranking
    }

    /// - Throws: ``AttributionError/invalidInput(_:)`` when `exampleLabels` is not one label per code.
    public init(_ codes: LatentCodes, model: LatentModelInfo, exampleLabels: [String]? = nil) throws {
        if let exampleLabels, exampleLabels.count != codes.count {
            throw AttributionError.invalidInput("\(exampleLabels.count) labels for \(codes.count) examples")
        }
        self.model = model
        exampleCount = codes.count
        self.exampleLabels = exampleLabels
        mu = codes.mu
        logvar = codes.logVariance
        klPerDimension = codes.klPerDimension
        activity = codes.activity
        activeThreshold = codes.activeThreshold
        active = codes.isActive
        activeCount = codes.activeCount
        ranking = codes.ranking
    }

    /// The codes again (statistics recomputed from `mu` and `logvar`).
    /// - Throws: ``AttributionError/invalidInput(_:)`` for a document whose rows disagree with its
    ///   model's latent dimension (a decoded file can hold anything).
    public var codes: LatentCodes {
        get throws {
            try LatentCodes(mu: mu, logVariance: logvar, latentDimension: model.latentDimension, activeThreshold: activeThreshold)
        }
    }
}
