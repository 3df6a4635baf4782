import Foundation

/// The contents of a checkpoint's `config.json`: the `architecture` name plus that architecture's
/// sizes and options.
///
/// The typed accessors throw a ``CheckpointError`` naming `config.json` and the key when the key is
/// missing or holds the wrong type; the `optional…` accessors return `nil` instead (for absent keys,
/// `null`, or a value of another type).
public struct CheckpointConfig: Equatable, Sendable {
    /// The file name used in error messages.
    public static let fileName = "config.json"

    /// Every key of the file, including `architecture`.
    public var values: [String: JSONValue]
    /// The architecture name (e.g. `bag-of-embeddings`). When saving, this property is written as
    /// the `architecture` key, overriding `values["architecture"]`.
    public var architecture: String

    /// A config with the given architecture and other keys.
    public init(architecture: String, values: [String: JSONValue] = [:]) {
        self.architecture = architecture
        self.values = values
        self.values["architecture"] = .string(architecture)
    }

    /// A config from parsed JSON members, which must include a string `architecture`.
    public init(values: [String: JSONValue]) throws {
        guard let entry = values["architecture"] else {
            throw CheckpointError(.missingKey, file: Self.fileName, key: "architecture", subject: "key", "missing")
        }
        guard case .string(let name) = entry else {
            throw CheckpointError(.invalidEntry, file: Self.fileName, key: "architecture", subject: "key",
                                  "expected a string, found \(entry.briefDescription)")
        }
        self.values = values
        self.architecture = name
    }

    /// Parses `config.json` text; invalid JSON errors carry the line number.
    public static func parse(_ data: Data, fileName: String = CheckpointConfig.fileName) throws -> CheckpointConfig {
        let document = try JSONValue.parse(data, fileName: fileName)
        guard case .object(let members) = document else {
            throw CheckpointError(.invalidEntry, file: fileName, "expected a JSON object, found \(document.briefDescription)")
        }
        return try CheckpointConfig(values: members)
    }

    /// The config as pretty JSON with sorted keys and a final newline.
    public func serialized() throws -> Data {
        var members = values
        members["architecture"] = .string(architecture)
        return Data((try JSONValue.object(members).serialized(pretty: true) + "\n").utf8)
    }

    // MARK: Typed access

    private func require(_ key: String) throws -> JSONValue {
        guard let value = values[key], value != .null else {
            throw CheckpointError(.missingKey, file: Self.fileName, key: key, subject: "key", "missing")
        }
        return value
    }

    private func mismatch(_ key: String, _ expected: String, _ found: JSONValue) -> CheckpointError {
        CheckpointError(.invalidEntry, file: Self.fileName, key: key, subject: "key",
                        "expected \(expected), found \(found.briefDescription)")
    }

    /// The integer at `key` (a JSON number with an integral value).
    public func int(_ key: String) throws -> Int {
        let value = try require(key)
        guard let result = value.intValue else { throw mismatch(key, "an integer", value) }
        return result
    }

    /// The number at `key`.
    public func double(_ key: String) throws -> Double {
        let value = try require(key)
        guard let result = value.doubleValue else { throw mismatch(key, "a number", value) }
        return result
    }

    /// The string at `key`.
    public func string(_ key: String) throws -> String {
        let value = try require(key)
        guard let result = value.stringValue else { throw mismatch(key, "a string", value) }
        return result
    }

    /// The Boolean at `key`.
    public func bool(_ key: String) throws -> Bool {
        let value = try require(key)
        guard let result = value.boolValue else { throw mismatch(key, "true or false", value) }
        return result
    }

    /// The array of strings at `key`.
    public func strings(_ key: String) throws -> [String] {
        let value = try require(key)
        guard let elements = value.arrayValue else { throw mismatch(key, "an array of strings", value) }
        return try elements.enumerated().map { index, element in
            guard let text = element.stringValue else {
                throw CheckpointError(.invalidEntry, file: Self.fileName, key: key, subject: "key",
                                      "element \(index) should be a string, found \(element.briefDescription)")
            }
            return text
        }
    }

    /// The integer at `key`, or `nil` when absent, `null` or not an integer.
    public func optionalInt(_ key: String) -> Int? { values[key]?.intValue }
    /// The number at `key`, or `nil` when absent, `null` or not a number.
    public func optionalDouble(_ key: String) -> Double? { values[key]?.doubleValue }
    /// The string at `key`, or `nil` when absent, `null` or not a string.
    public func optionalString(_ key: String) -> String? { values[key]?.stringValue }
    /// The Boolean at `key`, or `nil` when absent, `null` or not a Boolean.
    public func optionalBool(_ key: String) -> Bool? { values[key]?.boolValue }
}
