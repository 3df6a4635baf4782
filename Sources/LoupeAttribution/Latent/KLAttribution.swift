import LoupeNN

/// How much each token of a sentence contributes to a text VAE's KL term
/// `KL(q(z|x) ‖ N(0, I)) = Σ_d ½ (μ_d² + exp(logvar_d) − 1 − logvar_d)`, overall and per latent
/// dimension — from ``KLContribution`` (integrated gradients) or ``KLLeaveOneOut``.
public struct KLAttribution: Equatable, Sendable {
    /// `integrated-gradients` or `leave-one-out`.
    public var method: String
    /// The method's settings (rule, steps, baseline; or the removal mode).
    public var parameters: [String: ParameterValue]
    /// The sentence's token ids.
    public var tokenIDs: [Int]
    /// The original text and token spans, when the input was an ``EncodedText``.
    public var text: String?
    public var tokens: [Token]?
    /// `KL(q(z|x) ‖ N(0, I))` of the sentence.
    public var kl: Double
    /// Its terms per latent dimension.
    public var klPerDimension: [Double]
    /// KL with every token embedding set to zero (integrated gradients' baseline), with its terms.
    public var klOfBaseline: Double?
    public var klOfBaselinePerDimension: [Double]?
    /// Leave-one-out: the KL with token `i` removed or replaced by [PAD].
    public var klWithoutToken: [Double]?
    /// One score per token.
    public var perToken: [Double]
    /// `perTokenPerDimension[t][d]`: token `t`'s share of dimension `d`'s KL term.
    public var perTokenPerDimension: [[Double]]?
    /// Integrated gradients' completeness gap `Σ_t perToken[t] − (kl − klOfBaseline)`.
    public var convergenceDelta: Double?
    /// The same gap per dimension.
    public var convergenceDeltaPerDimension: [Double]?
    /// The posterior of the sentence.
    public var mu: [Double]
    public var logVariance: [Double]
    /// Wall-clock seconds.
    public var seconds: Double

    public init(method: String, parameters: [String: ParameterValue], tokenIDs: [Int], text: String? = nil,
                tokens: [Token]? = nil, kl: Double, klPerDimension: [Double], klOfBaseline: Double? = nil,
                klOfBaselinePerDimension: [Double]? = nil, klWithoutToken: [Double]? = nil, perToken: [Double],
                perTokenPerDimension: [[Double]]? = nil, convergenceDelta: Double? = nil,
                convergenceDeltaPerDimension: [Double]? = nil, mu: [Double], logVariance: [Double], seconds: Double = 0) {
        self.method = method
        self.parameters = parameters
        self.tokenIDs = tokenIDs
        self.text = text
        self.tokens = tokens
        self.kl = kl
        self.klPerDimension = klPerDimension
        self.klOfBaseline = klOfBaseline
        self.klOfBaselinePerDimension = klOfBaselinePerDimension
        self.klWithoutToken = klWithoutToken
        self.perToken = perToken
        self.perTokenPerDimension = perTokenPerDimension
        self.convergenceDelta = convergenceDelta
        self.convergenceDeltaPerDimension = convergenceDeltaPerDimension
        self.mu = mu
        self.logVariance = logVariance
        self.seconds = seconds
    }

    /// Token strings: the tokens' text when known, else spelled with `vocabulary`, else `#id`.
    public func tokenStrings(vocabulary: [String]? = nil) -> [String] {
        if let tokens { return tokens.map(\.text) }
        return tokenIDs.map { id in
            guard let vocabulary else { return "#\(id)" }
            return id >= 0 && id < vocabulary.count ? vocabulary[id] : "[UNK]"
        }
    }

    /// Attaches the text and spans of `encoded` (whose ids must be `tokenIDs`).
    func withText(_ encoded: EncodedText) -> KLAttribution {
        var copy = self
        copy.text = encoded.text
        copy.tokens = encoded.tokens
        return copy
    }
}
