import Foundation

/// Deterministic JSON output: keys sorted by UTF-8 bytes, integral numbers without a fraction,
/// compact or indented by two spaces (the layout of Python's `json.dumps(indent=2)`).
struct JSONWriter {
    let pretty: Bool
    private(set) var output = ""

    init(pretty: Bool) { self.pretty = pretty }

    /// Keys in UTF-8 byte order (independent of locale and of Unicode collation).
    static func sortedKeys<Value>(_ object: [String: Value]) -> [String] {
        object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The JSON text of a number, or `nil` when it is NaN or infinite.
    static func formatNumber(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == value.rounded(), Swift.abs(value) < 9.0e15 {
            return String(Int64(value))
        }
        return "\(value)"  // shortest round-trip form, e.g. 1e-05, 0.1, 1.5e+20 (all valid JSON)
    }

    /// A JSON string literal for `text`.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    mutating func write(_ value: JSONValue, depth: Int) throws {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .string(let text): output += Self.quote(text)
        case .number(let number):
            guard let text = Self.formatNumber(number) else {
                throw CheckpointError(.invalidArgument, file: "JSON", "cannot write non-finite number \(number)")
            }
            output += text
        case .array(let elements):
            guard !elements.isEmpty else { output += "[]"; return }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                newline(depth + 1)
                try write(element, depth: depth + 1)
            }
            newline(depth)
            output += "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{"
            for (index, key) in Self.sortedKeys(members).enumerated() {
                if index > 0 { output += "," }
                newline(depth + 1)
                output += Self.quote(key) + (pretty ? ": " : ":")
                try write(members[key] ?? .null, depth: depth + 1)
            }
            newline(depth)
            output += "}"
        }
    }

    private mutating func newline(_ depth: Int) {
        guard pretty else { return }
        output += "\n" + String(repeating: "  ", count: depth)
    }
}
