import LoupeAttribution

/// A baseline as a user names it — `pad`, `zero`, `unk`, `mask`, `mean`, `uniform[:K]`,
/// `expected[:K]` or `text:SENTENCE` — before it is resolved against a model's vocabulary and
/// tokenizer into a ``LoupeAttribution/Baseline`` (docs/methods.md, "Baselines").
public enum BaselineChoice: Equatable, Sendable {
    /// [PAD] at every non-special position (the default).
    case pad
    /// Zero vectors.
    case zero
    /// The unknown token ([UNK], `<unk>`).
    case unknown
    /// The mask token ([MASK], `<mask>`), where the vocabulary has one.
    case mask
    /// The mean embedding of the vocabulary.
    case mean
    /// Uniform noise in the embedding box, `samples` draws averaged (nil: the caller's default).
    case uniform(samples: Int?)
    /// Random vocabulary tokens, `samples` sequences averaged (expected gradients).
    case expected(samples: Int?)
    /// A reference text, tokenized like the input.
    case text(String)

    /// The names the parser accepts, for help texts.
    public static let names = ["pad", "zero", "unk", "mask", "mean", "uniform[:K]", "expected[:K]", "text:SENTENCE"]

    /// Samples of `uniform` and `expected` when neither the choice nor the caller gives a count.
    public static let defaultSamples = 8

    /// Parses a name (case-insensitive; `text:` keeps its sentence as given), or nil.
    public init?(parsing argument: String) {
        if argument.lowercased().hasPrefix("text:") {
            let sentence = String(argument.dropFirst(5))
            guard !sentence.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            self = .text(sentence)
            return
        }
        let parts = argument.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return nil }
        var count: Int?
        if parts.count == 2 {
            guard let k = Int(parts[1]), k >= 1 else { return nil }
            count = k
        }
        switch (name, count) {
        case ("pad", nil): self = .pad
        case ("zero", nil): self = .zero
        case ("unk", nil), ("unknown", nil): self = .unknown
        case ("mask", nil): self = .mask
        case ("mean", nil), ("neutral", nil): self = .mean
        case ("uniform", _): self = .uniform(samples: count)
        case ("expected", _), ("expected-gradients", _): self = .expected(samples: count)
        default: return nil
        }
    }

    /// The name as the parser reads it back.
    public var argument: String {
        switch self {
        case .pad: return "pad"
        case .zero: return "zero"
        case .unknown: return "unk"
        case .mask: return "mask"
        case .mean: return "mean"
        case .uniform(let k): return k.map { "uniform:\($0)" } ?? "uniform"
        case .expected(let k): return k.map { "expected:\($0)" } ?? "expected"
        case .text(let s): return "text:\(s)"
        }
    }

    /// The spellings of the unknown and mask tokens, BERT's first.
    static let unknownSpellings = ["[UNK]", "<unk>"], maskSpellings = ["[MASK]", "<mask>"]

    /// The baseline for `explainer`'s model and tokenizer, with notes for the reader (a reference
    /// text of another length than the input is padded or cut, unknown words in it).
    /// - Parameters:
    ///   - samples: the count of `uniform`/`expected` when the choice names none.
    ///   - inputLength: the input's non-special token count, to say how the reference text was fitted.
    /// - Throws: ``ExplainerError`` when the vocabulary has no such token or the text has no tokens.
    public func resolve(for explainer: TextExplainer, samples: Int? = nil, seed: UInt64 = 0) throws
        -> (baseline: Baseline, warnings: [String]) {
        let k = samples ?? Self.defaultSamples
        switch self {
        case .pad: return (.pad, [])
        case .zero: return (.zero, [])
        case .mean: return (.meanEmbedding, [])
        case .uniform(let own): return (.uniform(samples: own ?? k, seed: seed), [])
        case .expected(let own): return (.expected(samples: own ?? k, seed: seed), [])
        case .unknown, .mask:
            let spellings = self == .unknown ? Self.unknownSpellings : Self.maskSpellings
            guard let id = spellings.lazy.compactMap({ explainer.frontEnd.tokenID(forToken: $0) }).first else {
                throw ExplainerError("--baseline \(argument): the model's vocabulary has no \(spellings.joined(separator: " or ")) token"
                                     + " (try pad, zero, mean, expected or text:…)")
            }
            return (.token(id: id, name: argument), [])
        case .text(let sentence):
            let (encoded, notes) = explainer.encode(sentence)
            let special = Set(encoded.specialTokenIndices)
            let ids = encoded.ids.indices.filter { !special.contains($0) }.map { encoded.ids[$0] }
            guard !ids.isEmpty else { throw ExplainerError("--baseline text: '\(sentence)' has no tokens") }
            return (.reference(ids: ids, text: sentence), notes.map { "baseline text: \($0)" })
        }
    }
}
