import LoupeNN

/// Errors from attribution. Every bad input a caller can give — an empty sequence, an id outside
/// the vocabulary, a sequence longer than the model accepts, a target the model has no output
/// for, a setting out of range, an unknown layer — is one of these, thrown before any work.
public enum AttributionError: Error, CustomStringConvertible, Equatable {
    case unknownTarget(String)
    case emptyInput
    case invalidInput(String)
    case invalidParameter(String)
    case unknownLayer(String)
    case notSupported(String)
    case didNotConverge(String)

    public var description: String {
        switch self {
        case .unknownTarget(let s): return "unknown target: \(s)"
        case .emptyInput: return "empty input: no tokens to attribute"
        case .invalidInput(let s): return "invalid input: \(s)"
        case .invalidParameter(let s): return "invalid parameter: \(s)"
        case .unknownLayer(let s): return "unknown layer '\(s)'"
        case .notSupported(let s): return "not supported: \(s)"
        case .didNotConverge(let s): return "did not converge: \(s)"
        }
    }

    /// The attribution form of a model's input error.
    init(_ error: ModelInputError) {
        switch error {
        case .emptyBatch, .emptySequence: self = .emptyInput
        case .unknownSite(let name, _): self = .unknownLayer(name)
        default: self = .invalidInput(error.description)
        }
    }
}

/// Errors of layer attribution that carry more than a message.
public enum LayerAttributionError: Error, CustomStringConvertible, Equatable {
    /// No site or module has this name; `available` lists the site names and module paths.
    case unknownLayer(name: String, available: [String])

    public var description: String {
        switch self {
        case .unknownLayer(let name, let available):
            let list = available.isEmpty ? "(the model lists none)" : available.map { "'\($0)'" }.joined(separator: ", ")
            return "unknown layer '\(name)'; available layers: \(list)"
        }
    }
}

extension TokenModel {
    /// Checks user input before any forward pass (``LoupeNN/TokenModel/validate(tokenIDs:)``),
    /// reporting problems as ``AttributionError``s.
    func validateInput(_ tokenIDs: [[Int]]) throws {
        do {
            try validate(tokenIDs: tokenIDs)
        } catch let error as ModelInputError {
            throw AttributionError(error)
        }
    }
}
