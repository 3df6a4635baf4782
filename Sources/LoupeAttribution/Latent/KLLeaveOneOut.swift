import LoupeNN
import LoupeTensor

/// Per-token KL contribution by leaving one token out: `score_t = KL(x) − KL(x without token t)`,
/// and per latent dimension `KL_d(x) − KL_d(x without token t)` (Li, Monroe & Jurafsky,
/// "Understanding Neural Networks through Representation Erasure", 2016, applied to the KL term).
///
/// "Without" is either the sentence with the token **removed** (one token shorter) or with it
/// **replaced by [PAD]** (same length; the GRU reads the [PAD] embedding, zeros for the bundled
/// models, at that step). All variants are encoded as one ragged batch. The scores need not sum
/// to anything; no convergence delta is reported.
public struct KLLeaveOneOut: Sendable {
    public enum Removal: String, Codable, Sendable, CaseIterable {
        /// Drop the token from the sequence.
        case remove
        /// Replace the token by [PAD].
        case pad
    }

    public var removal: Removal

    public init(removal: Removal = .pad) { self.removal = removal }

    public var parameters: [String: ParameterValue] { ["removal": .string(removal.rawValue)] }

    /// Attributes an encoded text (keeping its text and token spans).
    public func attribute(_ text: EncodedText, model: TextVAE) throws -> KLAttribution {
        try attribute(text.ids, model: model).withText(text)
    }

    /// Attributes a sentence given as token ids.
    public func attribute(_ ids: [Int], model: TextVAE) throws -> KLAttribution {
        guard !ids.isEmpty else { throw AttributionError.emptyInput }
        let (result, seconds) = timed { () -> KLAttribution in
            let variants: [[Int]] = ids.indices.map { i in
                var v = ids
                switch removal {
                case .remove: v.remove(at: i)
                case .pad: v[i] = model.padID
                }
                return v
            }
            let kl = KLProbe(model: model).klPerDimension(of: [ids] + variants)
            let full = kl[0]
            let matrix = kl.dropFirst().map { without in zip(full, without).map { $0 - $1 } }
            let (mu, logVariance) = model.posteriorRows(of: [ids])
            let total = full.reduce(0, +)
            let without = kl.dropFirst().map { $0.reduce(0, +) }
            return KLAttribution(method: "leave-one-out", parameters: parameters, tokenIDs: ids, kl: total,
                                 klPerDimension: full, klWithoutToken: without,
                                 perToken: without.map { total - $0 }, perTokenPerDimension: matrix,
                                 mu: mu[0].map(Double.init), logVariance: logVariance[0].map(Double.init))
        }
        var r = result
        r.seconds = seconds
        return r
    }
}
