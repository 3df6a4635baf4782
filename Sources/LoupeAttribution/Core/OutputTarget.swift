import LoupeNN
import LoupeTensor

/// The quantity being explained, on the scale of a model's scores.
public enum AttributionOutput: String, Codable, Sendable, CaseIterable {
    /// The raw score: a class logit or a next-token logit (default).
    case logit
    /// The softmax probability (over the classes, or over the vocabulary at a position).
    case probability
    /// The log-softmax probability (the log-likelihood of a token).
    case logProbability = "log-probability"

    /// `logits` on this scale (softmax or log-softmax over the last axis).
    public func applied(to logits: Tensor) -> Tensor {
        switch self {
        case .logit: return logits
        case .probability: return logits.softmax(alongAxis: -1)
        case .logProbability: return logits.logSoftmax(alongAxis: -1)
        }
    }
}

/// Which scalar of a model's outputs an attribution explains: a class, the next token at a
/// position, a contrast of two targets (Yin & Neubig, "Interpreting Language Models with
/// Contrastive Explanations", EMNLP 2022), the KL term of a VAE posterior, or any scalar function
/// of the outputs.
///
/// Class and next-token targets are read on the scale of an ``AttributionOutput``; KL targets are
/// in nats whatever the scale.
public indirect enum OutputTarget: Sendable {
    /// Class `index` of a classifier's logits `[B, C]`.
    case classIndex(Int)
    /// Token `token` at `position` of a language model's next-token logits `[B, T, V]`
    /// (`position` nil: each sequence's last position, i.e. the token that would come next).
    case nextToken(token: Int, position: Int?)
    /// `target − foil`: explains why the model preferred one over the other.
    case contrast(OutputTarget, foil: OutputTarget)
    /// The sum of several targets of one kind of output: a whole answer of several tokens, as
    /// the sum of its tokens' log-probabilities (each token at its own position).
    case sum([OutputTarget], name: String)
    /// `KL(q(z|x) ‖ N(0, I))`, summed over the latent dimensions.
    case klToPrior
    /// The KL term of one latent dimension.
    case klDimension(Int)
    /// Any differentiable scalar per row `[B]` of the outputs, under a name for the record.
    case scalar(name: String, @Sendable (ModelOutput) -> Tensor)

    /// The JSON record of this target for a model whose classes are `labels` (`tokenLabels`
    /// spells next-token targets, when known).
    public func record(labels: [String]? = nil, tokenLabel: ((Int) -> String?)? = nil) -> AttributionTarget {
        switch self {
        case .classIndex(let i): return AttributionTarget(index: i, label: labels?[safe: i])
        case .nextToken(let token, let position):
            var r = AttributionTarget(index: token, label: tokenLabel?(token))
            r.position = position
            return r
        case .contrast(let target, let foil):
            var r = target.record(labels: labels, tokenLabel: tokenLabel)
            let f = foil.record(labels: labels, tokenLabel: tokenLabel)
            r.contrast = AttributionTarget.Foil(index: f.index, label: f.label)
            return r
        case .sum(let parts, let name):
            var r = AttributionTarget(index: parts.first.map { $0.record(labels: labels, tokenLabel: tokenLabel).index } ?? 0, label: name)
            r.parts = parts.map { $0.record(labels: labels, tokenLabel: tokenLabel) }
            return r
        case .klToPrior: return AttributionTarget(index: 0, label: "kl")
        case .klDimension(let d): return AttributionTarget(index: d, label: "kl[\(d)]")
        case .scalar(let name, _): return AttributionTarget(index: 0, label: name)
        }
    }

    /// Throws unless a model with outputs laid out as `layout` has this target.
    public func validate(for layout: OutputLayout) throws {
        switch (self, layout) {
        case (.classIndex(let i), .classes(let labels)):
            guard i >= 0 && i < labels.count else {
                throw AttributionError.unknownTarget("class index \(i) (model has \(labels.count) classes)")
            }
        case (.nextToken(let token, let position), .nextToken(let size)):
            guard token >= 0 && token < size else {
                throw AttributionError.unknownTarget("token id \(token) (vocabulary has \(size) tokens)")
            }
            if let position, position < 0 {
                throw AttributionError.unknownTarget("position \(position) (must be ≥ 0)")
            }
        case (.klToPrior, .posterior): break
        case (.klDimension(let d), .posterior(let z)):
            guard d >= 0 && d < z else { throw AttributionError.unknownTarget("latent dimension \(d) (model has \(z))") }
        case (.contrast(let target, let foil), _):
            try target.validate(for: layout)
            try foil.validate(for: layout)
            guard target.quantity == foil.quantity else {
                throw AttributionError.notSupported("a contrast needs two targets of the same kind of output")
            }
        case (.sum(let parts, _), _):
            guard let first = parts.first else { throw AttributionError.unknownTarget("a sum of no targets") }
            for part in parts {
                try part.validate(for: layout)
                guard part.quantity == first.quantity else {
                    throw AttributionError.notSupported("a sum needs targets of the same kind of output")
                }
            }
        case (.scalar, _): break
        default:
            throw AttributionError.unknownTarget("\(kindName) target for a model whose outputs are \(layout.kindName)")
        }
    }

    /// Throws unless every sequence of `tokenIDs` has the position this target reads.
    func validate(tokenIDs: [[Int]]) throws {
        switch self {
        case .nextToken(_, let position?):
            if let short = tokenIDs.firstIndex(where: { position >= $0.count }) {
                throw AttributionError.unknownTarget("position \(position) of sequence \(short), which has \(tokenIDs[short].count) tokens")
            }
        case .contrast(let target, let foil):
            try target.validate(tokenIDs: tokenIDs)
            try foil.validate(tokenIDs: tokenIDs)
        case .sum(let parts, _):
            for part in parts { try part.validate(tokenIDs: tokenIDs) }
        default: break
        }
    }

    var kindName: String {
        switch self {
        case .classIndex: return "a class"
        case .nextToken: return "a next-token"
        case .contrast: return "a contrast"
        case .sum: return "a sum"
        case .klToPrior, .klDimension: return "a KL"
        case .scalar: return "a scalar"
        }
    }

    /// The next-token positions the target reads in a sequence of `length` tokens (nil: it reads
    /// something else than next-token logits).
    func logitPositions(length: Int) -> [Int]? {
        switch self {
        case .nextToken(_, let position): return [position ?? (length - 1)]
        case .contrast(let target, let foil):
            guard let a = target.logitPositions(length: length), let b = foil.logitPositions(length: length) else { return nil }
            return a + b
        case .sum(let parts, _):
            var all: [Int] = []
            for part in parts {
                guard let p = part.logitPositions(length: length) else { return nil }
                all += p
            }
            return all
        default: return nil
        }
    }

    /// The token ids whose next-token scores the target reads, when it reads nothing else.
    var nextTokenIDs: [Int]? {
        switch self {
        case .nextToken(let token, _): return [token]
        case .contrast(let target, let foil):
            guard let a = target.nextTokenIDs, let b = foil.nextTokenIDs else { return nil }
            return a + b
        case .sum(let parts, _):
            var all: [Int] = []
            for part in parts {
                guard let p = part.nextTokenIDs else { return nil }
                all += p
            }
            return all
        default: return nil
        }
    }

    /// Which output tensor the target reads; targets reading the same one share it.
    var quantity: Quantity {
        switch self {
        case .classIndex: return .classScores
        case .nextToken: return .nextTokenScores
        case .contrast(let target, _): return target.quantity
        case .sum(let parts, _): return parts.first?.quantity ?? .scalar("empty sum")
        case .klToPrior, .klDimension: return .klPerDimension
        case .scalar(let name, _): return .scalar(name)
        }
    }

    enum Quantity: Hashable {
        case classScores, nextTokenScores, klPerDimension
        case scalar(String)
    }

    /// The target as a linear form over its quantity tensor: per row `b` (of length `lengths[b]`),
    /// the flat indices inside the row and their weights.
    /// With `logitPositions`, the quantity holds only those positions (in that order).
    func weights(row length: Int, rowSize: Int, positions: Int, logitPositions: [Int]? = nil) -> [(Int, Float)] {
        switch self {
        case .classIndex(let i): return [(i, 1)]
        case .nextToken(let token, let position):
            let vocabulary = rowSize / Swift.max(1, positions)
            let p = position ?? (length - 1)
            let index = logitPositions.map { $0.firstIndex(of: p) ?? -1 } ?? p
            precondition(index >= 0, "position \(p) is not among the computed logit positions \(logitPositions ?? [])")
            return [(index * vocabulary + token, 1)]
        case .contrast(let target, let foil):
            var merged: [Int: Float] = [:]
            for (i, w) in target.weights(row: length, rowSize: rowSize, positions: positions, logitPositions: logitPositions) {
                merged[i, default: 0] += w
            }
            for (i, w) in foil.weights(row: length, rowSize: rowSize, positions: positions, logitPositions: logitPositions) {
                merged[i, default: 0] -= w
            }
            return merged.sorted { $0.key < $1.key }.filter { $0.value != 0 }
        case .sum(let parts, _):
            var merged: [Int: Float] = [:]
            for part in parts {
                for (i, w) in part.weights(row: length, rowSize: rowSize, positions: positions, logitPositions: logitPositions) {
                    merged[i, default: 0] += w
                }
            }
            return merged.sorted { $0.key < $1.key }.filter { $0.value != 0 }
        case .klToPrior: return (0..<rowSize).map { ($0, 1) }
        case .klDimension(let d): return [(d, 1)]
        case .scalar: return [(0, 1)]
        }
    }
}

extension OutputLayout {
    var kindName: String {
        switch self {
        case .classes: return "class logits"
        case .nextToken: return "next-token logits"
        case .posterior: return "a posterior"
        }
    }
}

/// A resolved target as recorded in results and JSON: a class (`index`, `label`), or a token
/// (`index` = token id) at a `position`, optionally contrasted with a foil.
public struct AttributionTarget: Hashable, Codable, Sendable {
    /// The foil of a contrastive target.
    public struct Foil: Hashable, Codable, Sendable {
        public var index: Int
        public var label: String?
        public init(index: Int, label: String?) {
            self.index = index
            self.label = label
        }
    }

    public var index: Int
    public var label: String?
    /// The position of a next-token target (absent: the last position, or not a token target).
    public var position: Int?
    /// What the target is contrasted with (absent: not a contrast).
    public var contrast: Foil?
    /// The targets a sum adds up (absent: not a sum).
    public var parts: [AttributionTarget]?

    public init(index: Int, label: String?) {
        self.index = index
        self.label = label
    }
}

/// How a caller names the class(es) to explain.
public enum TargetSelection: Equatable, Sendable {
    /// The predicted class of each input.
    case predicted
    /// A class by index.
    case index(Int)
    /// A class by label name.
    case label(String)
    /// Every class, in one call.
    case all

    /// Resolves to class indices for a model with `labels`, given the predicted class.
    public func resolve(labels: [String], predicted: Int) throws -> [Int] {
        switch self {
        case .predicted: return [predicted]
        case .index(let i):
            guard i >= 0 && i < labels.count else { throw AttributionError.unknownTarget("class index \(i) (model has \(labels.count) classes)") }
            return [i]
        case .label(let name):
            guard let i = labels.firstIndex(of: name) else {
                throw AttributionError.unknownTarget("label '\(name)' (labels: \(labels.joined(separator: ", ")))")
            }
            return [i]
        case .all: return Array(labels.indices)
        }
    }

    /// Parses `all`, a label name, or an index.
    public init(parsing text: String) {
        if text.lowercased() == "all" { self = .all }
        else if text.lowercased() == "predicted" { self = .predicted }
        else if let i = Int(text) { self = .index(i) }
        else { self = .label(text) }
    }
}

extension TargetSelection: CustomStringConvertible {
    /// The spelling ``init(parsing:)`` reads back: `predicted`, `all`, an index or a label.
    public var description: String {
        switch self {
        case .predicted: return "predicted"
        case .all: return "all"
        case .index(let i): return String(i)
        case .label(let name): return name
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}
