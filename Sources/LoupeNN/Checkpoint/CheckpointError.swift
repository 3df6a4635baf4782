import LoupeIO
import Foundation

/// A failure to read, validate, assign or write a checkpoint.
///
/// The ``description`` is one line that names the file (and the line, where the problem has one),
/// the tensor / key / parameter concerned, and what is wrong, for example:
///
///     model.safetensors: tensor 'hidden.weight': shape [48, 32] needs 6144 bytes, data span is 6000
///     config.json:7: invalid JSON: expected ',' or '}' after an object member
///     vocab.txt:12: duplicate token 'film' (first seen on line 9)
///
/// ``kind`` classifies the failure for code that needs to react to it; ``key`` holds the tensor,
/// config key or token concerned so tests and tools do not have to parse the message.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The class of a checkpoint failure.
    public enum Kind: String, Sendable, Equatable {
        /// A file or folder could not be found, read, created or renamed.
        case io
        /// The file ends before its declared content (shorter than 8 bytes, or than the header).
        case truncated
        /// The safetensors header length is larger than the file or than the 100 MB limit.
        case headerTooLarge
        /// A JSON document (config.json, safetensors header) is not valid UTF-8 JSON.
        case invalidJSON
        /// The JSON is valid but a header entry or a config value has the wrong structure or type.
        case invalidEntry
        /// A tensor's dtype is not one this loader decodes.
        case unsupportedDType
        /// A shape has a negative, non-integer or overflowing dimension.
        case invalidShape
        /// A tensor's element count disagrees with its byte span.
        case sizeMismatch
        /// Data offsets point outside the data section or have begin > end.
        case offsetsOutOfRange
        /// Two tensors' byte spans overlap.
        case overlappingData
        /// A weight is NaN or infinite.
        case nonFinite
        /// A required config key is absent.
        case missingKey
        /// vocab.txt is malformed (bad special tokens, duplicates, empty lines, size mismatch).
        case invalidVocabulary
        /// A module parameter has no tensor in the checkpoint.
        case missingTensors
        /// The checkpoint holds tensors that belong to no module parameter.
        case unexpectedTensors
        /// A tensor's shape differs from its parameter's shape.
        case shapeMismatch
        /// Something was asked of the writer that it refuses to produce.
        case invalidArgument
    }

    /// What went wrong, as a class.
    public var kind: Kind
    /// The file (usually its last path component) or folder concerned.
    public var file: String
    /// The 1-based line in `file`, when the problem has one.
    public var line: Int?
    /// The tensor name, config key, token or parameter concerned, if any.
    public var key: String?
    /// The noun that introduces `key` in the description ("tensor", "key", "parameter", …).
    public var subject: String
    /// The problem, without the file and key prefix.
    public var message: String

    /// Creates an error; prefer the factory helpers used by the readers.
    public init(_ kind: Kind, file: String, line: Int? = nil, key: String? = nil, subject: String = "tensor",
                _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.key = key
        self.subject = subject
        self.message = message
    }

    /// `file[:line]: [subject 'key': ]message`, on one line.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(subject) '\(key)': " }
        return text + message
    }
}

extension CheckpointError: LocalizedError {
    public var errorDescription: String? { description }
}

/// Formats a list of keys for an error message, eliding the tail of long lists.
func describeCheckpointKeys(_ keys: [String], limit: Int = 8) -> String {
    let shown = keys.prefix(limit).map { "'\($0)'" }.joined(separator: ", ")
    return keys.count > limit ? shown + " and \(keys.count - limit) more" : shown
}

extension CheckpointError {
    /// Runs file-system work, reporting a write failure as an `.io` error naming the file.
    static func writing<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as AtomicFileError {
            throw CheckpointError(.io, file: error.path, error.reason)
        }
    }
}
