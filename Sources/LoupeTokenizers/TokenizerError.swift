import Foundation

/// A tokenizer file that cannot be read: the file, the place inside it (a JSON path such as
/// `model.merges[12]`, a line number) and what is wrong.
public struct TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (a path or a name such as `tokenizer.json`).
    public var file: String
    /// The place inside the file: a JSON path (`normalizer.normalizers[1].type`), `line 7`, or a GGUF key.
    public var key: String
    /// What is wrong.
    public var reason: String

    public init(file: String, key: String, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    public var description: String {
        key.isEmpty ? "\(file): \(reason)" : "\(file): \(key): \(reason)"
    }
}
