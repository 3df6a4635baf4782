import Foundation
import LoupeNN

/// Typed access to the members of a Hugging Face `config.json`: each getter returns the key's
/// value, the given default when the key is absent or `null` (what transformers'
/// `PretrainedConfig` does), and throws ``PretrainedError/badConfig(file:key:detail:)`` naming the
/// key when the value has the wrong type or range.
struct ConfigReader {
    let fileName: String
    let members: [String: JSONValue]

    init(fileName: String, members: [String: JSONValue]) {
        self.fileName = fileName
        self.members = members
    }

    /// Reads and parses `url`, which must hold a JSON object.
    init(url: URL) throws {
        let value = try JSONDocument.read(url)
        guard case .object(let members) = value else {
            throw PretrainedError.malformed(file: url.lastPathComponent, detail: "not a JSON object (\(value.briefDescription))")
        }
        self.init(fileName: url.lastPathComponent, members: members)
    }

    func fail(_ key: String, _ detail: String) -> PretrainedError {
        .badConfig(file: fileName, key: key, detail: detail)
    }

    /// The raw value, `nil` when absent or `null`.
    func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// An integer, at least `minimum`.
    func int(_ key: String, default fallback: Int, minimum: Int = 0) throws -> Int {
        guard let value = value(key) else { return fallback }
        guard let number = value.intValue else { throw fail(key, "must be an integer, found \(value.briefDescription)") }
        guard number >= minimum else { throw fail(key, "must be at least \(minimum), found \(number)") }
        return number
    }

    /// An optional integer.
    func optionalInt(_ key: String) throws -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.intValue else { throw fail(key, "must be an integer, found \(value.briefDescription)") }
        return number
    }

    /// A positive finite number.
    func positiveNumber(_ key: String, default fallback: Double) throws -> Double {
        guard let value = value(key) else { return fallback }
        guard let number = value.doubleValue, number.isFinite, number > 0 else {
            throw fail(key, "must be a positive number, found \(value.briefDescription)")
        }
        return number
    }

    /// A string.
    func string(_ key: String, default fallback: String) throws -> String {
        try optionalString(key) ?? fallback
    }

    /// An optional string.
    func optionalString(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw fail(key, "must be a string, found \(value.briefDescription)") }
        return text
    }

    /// A Boolean.
    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = value(key) else { return fallback }
        guard let flag = value.boolValue else { throw fail(key, "must be true or false, found \(value.briefDescription)") }
        return flag
    }

    /// An array of strings.
    func optionalStrings(_ key: String) throws -> [String]? {
        guard let value = value(key) else { return nil }
        guard let items = value.arrayValue else { throw fail(key, "must be an array of strings, found \(value.briefDescription)") }
        return try items.map {
            guard let text = $0.stringValue else { throw fail(key, "must be an array of strings, found \($0.briefDescription) in it") }
            return text
        }
    }
}
