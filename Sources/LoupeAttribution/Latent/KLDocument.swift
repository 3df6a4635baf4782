import Foundation
import LoupeNN

/// A per-token KL contribution in the `loupe.kl.v1` JSON format (docs/latent.md).
public struct KLDocument: LatentJSONDocument, Equatable, Sendable {
    public static let schemaName = "loupe.kl.v1"

    public var schema: String = KLDocument.schemaName
    public var model: LatentModelInfo
    /// The text with its tokens, ids and spans (offsets in Unicode scalars), as in `loupe.attribution.v1`.
    public var input: AttributionDocument.Input
    public var method: String
    public var parameters: [String: ParameterValue]
    public var kl: Double
    public var klPerDimension: [Double]
    public var klOfBaseline: Double?
    public var klOfBaselinePerDimension: [Double]?
    public var klWithoutToken: [Double]?
    public var perToken: [Double]
    public var perTokenPerDimension: [[Double]]?
    public var convergenceDelta: Double?
    public var convergenceDeltaPerDimension: [Double]?
    public var mu: [Double]
    public var logvar: [Double]
    public var seconds: Double?

    enum CodingKeys: String, CodingKey {
        case schema, model, input, method, parameters, kl, klPerDimension = "kl_per_dimension"
        case klOfBaseline = "kl_of_baseline", klOfBaselinePerDimension = "kl_of_baseline_per_dimension"
        case klWithoutToken = "kl_without_token", perToken = "per_token", perTokenPerDimension = "per_token_per_dimension"
        case convergenceDelta = "convergence_delta", convergenceDeltaPerDimension = "convergence_delta_per_dimension"
        case mu, logvar, seconds
    }

    /// The document of `a`. Without the original text (`a.tokens`), the tokens are spelled with
    /// `vocabulary` (or as `#id`) and joined by single spaces, and the spans point into that text.
    /// - Throws: ``AttributionError/invalidParameter(_:)`` when a number is NaN or infinite.
    public init(_ a: KLAttribution, model: LatentModelInfo, vocabulary: [String]? = nil) throws {
        let numbers = [a.kl] + a.klPerDimension + a.perToken + (a.perTokenPerDimension ?? []).flatMap { $0 }
            + [a.convergenceDelta ?? 0, a.klOfBaseline ?? 0] + a.mu + a.logVariance
        guard numbers.allSatisfy(\.isFinite) else {
            throw AttributionError.invalidParameter("non-finite KL attribution (NaN or infinity)")
        }
        self.model = model
        if let text = a.text, let tokens = a.tokens, tokens.count == a.tokenIDs.count {
            input = AttributionDocument.Input(text: text, tokens: zip(tokens, a.tokenIDs).map {
                AttributionDocument.InputToken(text: $0.text, id: $1, start: $0.start, end: $0.end)
            })
        } else {
            let words = a.tokenStrings(vocabulary: vocabulary)
            var offset = 0
            var tokens: [AttributionDocument.InputToken] = []
            for (word, id) in zip(words, a.tokenIDs) {
                let length = word.unicodeScalars.count
                tokens.append(AttributionDocument.InputToken(text: word, id: id, start: offset, end: offset + length))
                offset += length + 1
            }
            input = AttributionDocument.Input(text: words.joined(separator: " "), tokens: tokens)
        }
        method = a.method
        parameters = a.parameters
        kl = a.kl
        klPerDimension = a.klPerDimension
        klOfBaseline = a.klOfBaseline
        klOfBaselinePerDimension = a.klOfBaselinePerDimension
        klWithoutToken = a.klWithoutToken
        perToken = a.perToken
        perTokenPerDimension = a.perTokenPerDimension
        convergenceDelta = a.convergenceDelta
        convergenceDeltaPerDimension = a.convergenceDeltaPerDimension
        mu = a.mu
        logvar = a.logVariance
        seconds = a.seconds
    }
}
