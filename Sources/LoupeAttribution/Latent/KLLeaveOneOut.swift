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
        try model.validateInput([ids])
        let (result, seconds) = try timed { () throws -> KLAttribution in
            let variants: [[Int]] = ids.indices.map { i in
                var v = ids
                switch removal {
                case .remove: v.remove(at: i)
                case .pad: v[i] = model.paddingID
                }
                return v
            }
            let kl = Self.klPerDimension(of: [ids] + variants, model: model)
            let full = kl[0]
            let matrix = kl.dropFirst().map { without in zip(full, without).map { $0 - $1 } }
            let (mu, logVariance) = try model.posteriorRows(of: [ids])
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

    /// `KL_d` per sequence of a ragged batch (an empty sequence reads no token, so its encoder
    /// state is the GRU's zero initial state).
    static func klPerDimension(of batch: [[Int]], model: TextVAE) -> [[Double]] {
        withoutGradients {
            var out = [[Double]](repeating: [], count: batch.count)
            let nonEmpty = batch.indices.filter { !batch[$0].isEmpty }
            if !nonEmpty.isEmpty {
                let (mu, logVariance) = model.encode(tokenIDs: nonEmpty.map { batch[$0] })
                let kl = rows(of: model.klDivergencePerDimension(mu: mu, logVariance: logVariance))
                for (k, i) in nonEmpty.enumerated() { out[i] = kl[k].map(Double.init) }
            }
            if nonEmpty.count < batch.count {
                let state = Tensor.zeros([1, model.config.hiddenDimension])
                let kl = model.klDivergencePerDimension(mu: model.toMu(state), logVariance: model.toLogVariance(state))
                for i in batch.indices where batch[i].isEmpty { out[i] = kl.scalars.map(Double.init) }
            }
            return out
        }
    }
}
