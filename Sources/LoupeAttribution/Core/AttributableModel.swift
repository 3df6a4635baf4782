import LoupeNN
import LoupeTensor

/// What attribution needs from a text classifier: its token-embedding module (whose output hooks
/// capture or replace) and a batched forward pass from token ids to logits.
///
/// The forward pass must derive every mask (pooling, attention key padding) from the ids it is
/// given, so that replacing the embedding output (e.g. by interpolated or zero embeddings)
/// changes only what flows through the embeddings — the convention of the reference results.
public protocol AttributableModel: AnyObject {
    /// Class names, index = class id.
    var labels: [String] { get }
    /// Id of the padding token (ragged batches are padded with it; it is masked out).
    var paddingID: Int { get }
    /// The token-embedding module (the default attribution layer).
    var tokenEmbedding: Embedding { get }
    /// Logits `[batch, classes]` for a batch of id sequences (ragged rows are padded).
    func logits(tokenIDs: [[Int]]) -> Tensor
    /// Any module by PyTorch-style dotted path, for layer attribution.
    func module(named name: String) -> Module?
}

/// The quantity being explained for each class.
public enum AttributionOutput: String, Codable, Sendable, CaseIterable {
    /// The raw class score (default).
    case logit
    /// The softmax probability of the class.
    case probability
}

/// A resolved target class.
public struct AttributionTarget: Hashable, Codable, Sendable {
    public var index: Int
    public var label: String?
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

/// Errors from attribution.
public enum AttributionError: Error, CustomStringConvertible, Equatable {
    case unknownTarget(String)
    case emptyInput
    case invalidParameter(String)
    case unknownLayer(String)
    case notSupported(String)
    case didNotConverge(String)

    public var description: String {
        switch self {
        case .unknownTarget(let s): return "unknown target: \(s)"
        case .emptyInput: return "empty input: no tokens to attribute"
        case .invalidParameter(let s): return "invalid parameter: \(s)"
        case .unknownLayer(let s): return "unknown layer '\(s)'"
        case .notSupported(let s): return "not supported: \(s)"
        case .didNotConverge(let s): return "did not converge: \(s)"
        }
    }
}
