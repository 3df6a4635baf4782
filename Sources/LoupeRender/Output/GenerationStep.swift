import Foundation

/// The step scores of one generated token, as inseq reports them (Sarti et al. 2023): how
/// sure the model was of the token it produced and what else it considered.
///
/// Logarithms are natural (nats). Anything the producer did not compute stays `nil` and is
/// shown as "–".
public struct GenerationStep: Hashable, Sendable {
    /// Another token the model considered at this step, with its probability.
    public struct Alternative: Hashable, Sendable {
        public var token: String
        public var probability: Double

        public init(_ token: String, probability: Double) {
            self.token = token
            self.probability = probability
        }
    }

    /// The generated token's decoded text.
    public var token: String
    /// Its probability, 0...1.
    public var probability: Double?
    /// Its log-probability; defaults to `log(probability)`.
    public var logProbability: Double?
    /// The entropy of the next-token distribution, in nats.
    public var entropy: Double?
    /// The token's rank in that distribution (1 = the most likely).
    public var rank: Int?
    /// The most likely tokens at this step, most likely first (top-k).
    public var alternatives: [Alternative]
    /// The contrast foil's probability at this step.
    public var foilProbability: Double?

    public init(token: String, probability: Double? = nil, logProbability: Double? = nil, entropy: Double? = nil,
                rank: Int? = nil, alternatives: [Alternative] = [], foilProbability: Double? = nil) {
        self.token = token
        self.probability = probability
        self.logProbability = logProbability ?? probability.flatMap { $0 > 0 ? Foundation.log($0) : nil }
        self.entropy = entropy
        self.rank = rank
        self.alternatives = alternatives
        self.foilProbability = foilProbability
    }

    /// The surprisal −log p, in nats.
    public var surprisal: Double? {
        logProbability.map { $0 == 0 ? 0 : -$0 }
    }
}

extension GenerationStep {
    /// Column titles of the step-score table (the foil column only when `withFoil`).
    static func tableHeader(withFoil: Bool) -> [String] {
        ["#", "token", "p", "log p", "entropy", "surprisal", "rank"] + (withFoil ? ["p(foil)"] : []) + ["top alternatives"]
    }

    /// One row of the step-score table; labels made visible, numbers with three decimals.
    func tableRow(index: Int, withFoil: Bool) -> [String] {
        func number(_ v: Double?) -> String { v.map { NumberFormatting.fixed($0, decimals: 3) } ?? "\u{2013}" }
        let alternatives = self.alternatives.map {
            "\u{2018}\(TokenLabel.visible($0.token))\u{2019} \(NumberFormatting.fixed($0.probability, decimals: 3))"
        }.joined(separator: ", ")
        return ["\(index)", TokenLabel.visible(token), number(probability), number(logProbability), number(entropy),
                number(surprisal), rank.map(String.init) ?? "\u{2013}"]
            + (withFoil ? [number(foilProbability)] : []) + [alternatives.isEmpty ? "\u{2013}" : alternatives]
    }
}
