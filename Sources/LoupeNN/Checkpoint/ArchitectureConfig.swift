import Foundation

/// The sizes and options of one architecture, as its `config.json` holds them: a `Codable` struct
/// whose `CodingKeys` are the file's keys (declared once, for reading and writing).
///
/// Decoding validates every value and throws a ``CheckpointError`` naming `config.json` and the
/// key (missing, wrong type, out of range); encoding writes the `architecture` key too.
public protocol ArchitectureConfig: Codable, Equatable, Sendable {
    /// The `architecture` name this config is written under.
    static var architecture: String { get }
}

extension ArchitectureConfig {
    /// Reads the config from a parsed `config.json`.
    /// - Throws: ``CheckpointError`` naming the key, also when `architecture` names another one.
    public init(_ config: CheckpointConfig) throws {
        guard config.architecture == Self.architecture else {
            throw ConfigValues<AnyKey>.invalid("architecture", "expected '\(Self.architecture)', found '\(config.architecture)'")
        }
        self = try config.decode(Self.self)
    }

    /// The `config.json` contents for this config.
    /// - Throws: ``CheckpointError`` for a value JSON cannot hold (a non-finite number).
    public func checkpointConfig() throws -> CheckpointConfig {
        try CheckpointConfig(encoding: self, architecture: Self.architecture)
    }
}

/// A config's values read by key with the checkpoint's error messages (the typed accessors of
/// ``CheckpointConfig``), for `init(from:)` of an ``ArchitectureConfig``.
struct ConfigValues<Key: CodingKey> {
    let config: CheckpointConfig

    init(_ decoder: Decoder) throws {
        config = CheckpointConfig(unvalidated: try decoder.singleValueContainer().decode([String: JSONValue].self))
    }

    func has(_ key: Key) -> Bool { config.values[key.stringValue].map { $0 != .null } ?? false }
    func int(_ key: Key) throws -> Int { try config.int(key.stringValue) }
    func strings(_ key: Key) throws -> [String] { try config.strings(key.stringValue) }

    /// A positive integer.
    func positive(_ key: Key) throws -> Int {
        let value = try int(key)
        guard value > 0 else { throw Self.invalid(key.stringValue, "must be a positive integer, found \(value)") }
        return value
    }

    /// A token id inside the vocabulary (`fallback` when absent).
    func id(_ key: Key, default fallback: Int, below vocabularySize: Int) throws -> Int {
        let value = has(key) ? try int(key) : fallback
        guard value >= 0 && value < vocabularySize else {
            throw Self.invalid(key.stringValue, "id \(value) is outside the vocabulary 0..<\(vocabularySize)")
        }
        return value
    }

    /// A number (`fallback` when absent).
    func double(_ key: Key, default fallback: Double) throws -> Double {
        has(key) ? try config.double(key.stringValue) : fallback
    }

    /// A Boolean (`fallback` when absent).
    func bool(_ key: Key, default fallback: Bool) throws -> Bool {
        has(key) ? try config.bool(key.stringValue) : fallback
    }

    /// A string (`fallback` when absent).
    func string(_ key: Key, default fallback: String) throws -> String {
        has(key) ? try config.string(key.stringValue) : fallback
    }

    /// Class names: at least one, agreeing with `countKey` when that is present.
    func labels(_ key: Key, count countKey: Key) throws -> [String] {
        let labels = try strings(key)
        guard !labels.isEmpty else { throw Self.invalid(key.stringValue, "must name at least one class") }
        if let count = config.optionalInt(countKey.stringValue), count != labels.count {
            throw Self.invalid(countKey.stringValue, "is \(count) but `\(key.stringValue)` names \(labels.count) classes")
        }
        return labels
    }

    static func invalid(_ key: String, _ message: String) -> CheckpointError {
        CheckpointError(.invalidEntry, file: CheckpointConfig.fileName, key: key, subject: "key", message)
    }
}

/// A coding key for messages about keys no config declares (`architecture`).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension CheckpointConfig {
    /// A config holding `values` as they are (no `architecture` check; for reading by key).
    init(unvalidated values: [String: JSONValue]) {
        self.values = values
        self.architecture = values["architecture"]?.stringValue ?? ""
    }

    /// Decodes a config struct from these values (they came from a file the strict reader
    /// accepted, so no duplicate keys or invalid text remain).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let data = try JSONEncoder().encode(JSONValue.object(values))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// The values of an encoded config struct, under `architecture`.
    public init<T: Encodable>(encoding value: T, architecture: String) throws {
        let data: Data
        do {
            data = try JSONEncoder().encode(value)
        } catch {
            throw CheckpointError(.invalidEntry, file: Self.fileName, "cannot be written: \(error)")
        }
        let members = try JSONDecoder().decode([String: JSONValue].self, from: data)
        self.init(architecture: architecture, values: members)
    }
}
