import Foundation
import LoupeNN
import LoupeTensor

/// One candidate for the next token: its id, logit and softmax probability.
public struct TokenCandidate: Equatable, Sendable {
    public var id: Int
    public var logit: Float
    public var probability: Float

    public init(id: Int, logit: Float, probability: Float) {
        self.id = id
        self.logit = logit
        self.probability = probability
    }
}

/// A token chosen by ``GreedyGenerator``, with the highest-scoring candidates at its step.
public struct GeneratedToken: Equatable, Sendable {
    /// The chosen token (the argmax; ties go to the lowest id, as `torch.argmax`).
    public var id: Int
    public var logit: Float
    /// `softmax(logits)[id]`.
    public var probability: Float
    /// The `alternativeCount` best candidates in decreasing logit order (ties: lower id first);
    /// the first is the chosen token.
    public var alternatives: [TokenCandidate]
}

/// Why generation stopped.
public enum GenerationStop: Equatable, Sendable {
    /// An end-of-sequence token was generated (it is the last token of the result).
    case endOfSequence
    /// `maxNewTokens` tokens were generated.
    case length
    /// The model's ``TokenModel/maximumSequenceLength`` was reached.
    case contextFull
}

/// The tokens generated after a prompt.
public struct Generation: Equatable, Sendable {
    public var tokens: [GeneratedToken]
    public var stop: GenerationStop
    /// The ids alone.
    public var ids: [Int] { tokens.map(\.id) }
}

/// Greedy decoding with a key/value cache: the prompt is read in one pass, then one token per
/// step, always the most probable. Deterministic: the same model and prompt give the same tokens.
public struct GreedyGenerator {
    public let model: any CausalLanguageModel
    /// Token ids that end generation (the model's `eos_token_id` by default).
    public var endOfSequenceIDs: Set<Int>
    /// Keep generating past an end-of-sequence token.
    public var ignoreEndOfSequence: Bool
    /// Candidates reported per step.
    public var alternativeCount: Int
    /// How block-quantized weights (Q4_0, Q4_1, Q8_0) are multiplied while generating: by
    /// default ``QuantizedArithmetic/Mode/floatKernels`` (decoded in registers: the exact
    /// product up to float rounding); ``QuantizedArithmetic/Mode/decodedTiles`` is attribution's
    /// arithmetic, ``QuantizedArithmetic/Mode/integerKernels`` llama.cpp's (8-bit activations:
    /// faster, and greedy tokens may differ). Float checkpoints are unaffected.
    public var quantizedArithmetic = QuantizedArithmetic.Mode.floatKernels

    public init(model: any CausalLanguageModel, endOfSequenceIDs: Set<Int> = [], ignoreEndOfSequence: Bool = false,
                alternativeCount: Int = 5) {
        self.model = model
        self.endOfSequenceIDs = endOfSequenceIDs
        self.ignoreEndOfSequence = ignoreEndOfSequence
        self.alternativeCount = alternativeCount
    }

    /// A generator for a pretrained decoder, stopping at its configuration's end-of-sequence ids.
    public init(model: DecoderLanguageModel, ignoreEndOfSequence: Bool = false, alternativeCount: Int = 5) {
        self.init(model: model as any CausalLanguageModel, endOfSequenceIDs: Set(model.configuration.endOfSequenceIDs),
                  ignoreEndOfSequence: ignoreEndOfSequence, alternativeCount: alternativeCount)
    }

    /// Generates up to `maxNewTokens` tokens after `prompt`.
    /// - Throws: ``ModelInputError`` for an empty prompt, an id outside the vocabulary or a
    ///   prompt longer than the model accepts.
    public func generate(prompt: [Int], maxNewTokens: Int,
                         onToken: ((GeneratedToken) -> Void)? = nil) throws -> Generation {
        try model.validate(tokenIDs: [prompt])
        guard maxNewTokens > 0 else { return Generation(tokens: [], stop: .length) }
        return try QuantizedArithmetic.with(quantizedArithmetic) {
            try decode(prompt: prompt, maxNewTokens: maxNewTokens, onToken: onToken)
        }
    }

    /// The last position's logits after appending `ids`.
    private func nextLogits(_ ids: [Int], cache: KeyValueCache) throws -> [Float] {
        if let decoder = model as? DecoderLanguageModel {
            return try decoder.lastLogits(appending: ids, cache: cache).scalars
        }
        let logits = try model.logits(appending: ids, cache: cache)
        let last = logits.shape[0] - 1
        return Array(logits.scalars[(last * logits.shape[1])..<((last + 1) * logits.shape[1])])
    }

    private func decode(prompt: [Int], maxNewTokens: Int, onToken: ((GeneratedToken) -> Void)?) throws -> Generation {
        try withoutGradients {
            let cache = model.makeCache()
            var row = try nextLogits(prompt, cache: cache)
            var tokens: [GeneratedToken] = []
            while true {
                let token = Self.choose(row, alternatives: alternativeCount)
                tokens.append(token)
                onToken?(token)
                if !ignoreEndOfSequence, endOfSequenceIDs.contains(token.id) {
                    return Generation(tokens: tokens, stop: .endOfSequence)
                }
                if tokens.count >= maxNewTokens { return Generation(tokens: tokens, stop: .length) }
                if let limit = model.maximumSequenceLength, cache.length + 1 > limit {
                    return Generation(tokens: tokens, stop: .contextFull)
                }
                row = try nextLogits([token.id], cache: cache)
            }
        }
    }

    /// The argmax of `logits` and its best `alternatives` candidates, with softmax probabilities
    /// (computed in double precision).
    static func choose(_ logits: [Float], alternatives: Int) -> GeneratedToken {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        let maximum = Double(logits[best])
        let total = Reductions.sumOfExponentials(logits, shiftedBy: logits[best])
        func probability(_ i: Int) -> Float { Float(Foundation.exp(Double(logits[i]) - maximum) / total) }
        let k = Swift.min(Swift.max(alternatives, 0), logits.count)
        // Partial selection: keep the k best (logit descending, id ascending).
        var top: [Int] = []
        top.reserveCapacity(k + 1)
        func better(_ a: Int, _ b: Int) -> Bool { logits[a] > logits[b] || (logits[a] == logits[b] && a < b) }
        if k > 0 {
            for i in logits.indices {
                if top.count < k {
                    top.append(i)
                    top.sort(by: better)
                } else if better(i, top[k - 1]) {
                    top[k - 1] = i
                    top.sort(by: better)
                }
            }
        }
        return GeneratedToken(id: best, logit: logits[best], probability: probability(best),
                              alternatives: top.map { TokenCandidate(id: $0, logit: logits[$0], probability: probability($0)) })
    }
}
