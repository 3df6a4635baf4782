import Foundation

/// A JSON document as a value: the small model used for `config.json` and safetensors headers.
///
/// Numbers are held as `Double` (exact for integers up to 2⁵³, which covers every size and byte
/// offset a checkpoint can have). Use ``JSONValue/parse(_:fileName:)`` to read text with line
/// numbers in its errors (the strict reader of untrusted files: duplicate keys and runaway nesting
/// are errors, which Foundation's decoders accept silently), and ``JSONValue/serialized(pretty:)``
/// (Foundation's encoder) for deterministic output with sorted keys.
public enum JSONValue: Equatable, Codable, Sendable {
    /// A JSON number.
    case number(Double)
    /// A JSON string.
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// A JSON array.
    case array([JSONValue])
    /// A JSON object (member order is not kept; writers sort keys).
    case object([String: JSONValue])
    /// `null`.
    case null

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// The number, when this is a number.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an `Int`, when this is a number with an exact integer value in `Int`'s range.
    public var intValue: Int? {
        if case .number(let value) = self { return Int(exactly: value) }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The Boolean, when this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, when this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// A short description of the value's type and content, for error messages.
    public var briefDescription: String {
        switch self {
        case .number(let value):
            return "number " + (value == value.rounded() && Swift.abs(value) < 9.0e15 ? String(Int64(value)) : "\(value)")
        case .string(let value):
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return "string \"\(shown)\""
        case .bool(let value): return "\(value)"
        case .array(let value): return "an array of \(value.count)"
        case .object: return "an object"
        case .null: return "null"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// Parses UTF-8 JSON text. Errors are ``CheckpointError``s of kind `.invalidJSON` that name
    /// `fileName` and the line of the problem.
    public static func parse(_ data: Data, fileName: String) throws -> JSONValue {
        try CheckpointJSONParser.parse(Array(data), fileName: fileName)
    }

    /// The value as JSON text with object keys sorted, compact or indented (Foundation's
    /// `JSONEncoder`, the one JSON writer). Integral numbers are written without a fraction.
    /// Throws for NaN or infinite numbers, which JSON cannot represent.
    public func serialized(pretty: Bool = false) throws -> String {
        do {
            return String(decoding: try JSONEncoder.loupe(pretty: pretty).encode(self), as: UTF8.self)
        } catch {
            throw CheckpointError(.invalidArgument, file: "JSON", "cannot write: \(error)")
        }
    }
}

extension JSONEncoder {
    /// The encoder every Loupe file is written with: sorted keys (so output is deterministic),
    /// slashes unescaped, optionally pretty-printed.
    public static func loupe(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        var format: JSONEncoder.OutputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        if pretty { format.insert(.prettyPrinted) }
        encoder.outputFormatting = format
        return encoder
    }
}
