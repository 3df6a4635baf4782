import Foundation

extension TemplateValue {
    /// The value as Python's `json.dumps(value, ensure_ascii=False, indent=indent,
    /// separators=separators, sort_keys=sortKeys)` writes it, which is transformers' `tojson` filter.
    func jsonDumps(indent: String?, itemSeparator: String? = nil, keySeparator: String? = nil,
                   sortKeys: Bool = false, ensureASCII: Bool = false) throws -> String {
        let item = itemSeparator ?? (indent == nil ? ", " : ",")
        let key = keySeparator ?? ": "
        var out = ""
        try writeJSON(into: &out, indent: indent, level: 0, item: item, key: key, sortKeys: sortKeys, ascii: ensureASCII)
        return out
    }

    private func writeJSON(into out: inout String, indent: String?, level: Int, item: String, key: String,
                           sortKeys: Bool, ascii: Bool) throws {
        switch self {
        case .none: out += "null"
        case let .bool(v): out += v ? "true" : "false"
        case let .int(v): out += String(v)
        case let .double(v):
            if v.isNaN { out += "NaN" } else if v.isInfinite { out += v < 0 ? "-Infinity" : "Infinity" } else {
                out += PythonFloat.repr(v)
            }
        case let .string(s): out += TemplateValue.jsonQuoted(s, ascii: ascii)
        case let .list(items), let .tuple(items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, element) in items.enumerated() {
                if i > 0 { out += item }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                try element.writeJSON(into: &out, indent: indent, level: level + 1, item: item, key: key,
                                      sortKeys: sortKeys, ascii: ascii)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "]"
        case let .dict(d):
            try TemplateValue.writeJSONObject(d, into: &out, indent: indent, level: level, item: item, key: key,
                                              sortKeys: sortKeys, ascii: ascii)
        case .undefined, .namespace, .function:
            let typeName = pythonTypeName
            throw TemplateRuntimeFailure.type("Object of type \(typeName) is not JSON serializable")
        }
    }

    private static func writeJSONObject(_ d: TemplateDictionary, into out: inout String, indent: String?, level: Int,
                                        item: String, key: String, sortKeys: Bool, ascii: Bool) throws {
        if d.isEmpty { out += "{}"; return }
        var keys = d.keys
        if sortKeys {
            keys.sort { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
        }
        out += "{"
        for (i, k) in keys.enumerated() {
            if i > 0 { out += item }
            if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
            out += jsonQuoted(k, ascii: ascii) + key
            try (d[k] ?? .none).writeJSON(into: &out, indent: indent, level: level + 1, item: item, key: key,
                                          sortKeys: sortKeys, ascii: ascii)
        }
        if let indent { out += "\n" + String(repeating: indent, count: level) }
        out += "}"
    }

    /// A JSON string literal as Python's `json` module escapes it.
    static func jsonQuoted(_ s: String, ascii: Bool) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (ascii && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                    } else {
                        out += String(format: "\\u%04x", scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension TemplateValue {
    /// Parses JSON text into a value, keeping object key order (as Python's `json.loads` does):
    /// objects become ``dict(_:)``, integers ``int(_:)``, other numbers ``double(_:)``, `null` ``none``.
    ///
    /// - Throws: ``ChatTemplateError`` of kind ``ChatTemplateError/Kind/syntax`` naming the line and column.
    public init(jsonText: String) throws {
        var parser = JSONTextParser(Array(jsonText.unicodeScalars))
        self = try parser.parseDocument()
    }
}

/// A small JSON reader (RFC 8259) that keeps object key order.
private struct JSONTextParser {
    let s: [Unicode.Scalar]
    var i = 0
    var depth = 0

    init(_ s: [Unicode.Scalar]) { self.s = s }

    func fail(_ message: String) -> ChatTemplateError {
        var line = 1, column = 1
        for scalar in s[..<min(i, s.count)] {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return ChatTemplateError(kind: .syntax, message: "JSON: \(message)", line: line, column: column)
    }

    mutating func skipSpace() {
        while i < s.count, [" ", "\n", "\r", "\t"].contains(s[i]) { i += 1 }
    }

    mutating func parseDocument() throws -> TemplateValue {
        let v = try parseValue()
        skipSpace()
        if i != s.count { throw fail("unexpected text after the value") }
        return v
    }

    mutating func literal(_ word: String, _ value: TemplateValue) throws -> TemplateValue {
        let w = Array(word.unicodeScalars)
        guard i + w.count <= s.count, Array(s[i..<(i + w.count)]) == w else { throw fail("invalid literal") }
        i += w.count
        return value
    }

    mutating func parseValue() throws -> TemplateValue {
        skipSpace()
        guard i < s.count else { throw fail("unexpected end of JSON") }
        switch s[i] {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"": return .string(try parseString())
        case "t": return try literal("true", .bool(true))
        case "f": return try literal("false", .bool(false))
        case "n": return try literal("null", .none)
        default: return try parseNumber()
        }
    }

    mutating func enter() throws {
        depth += 1
        if depth > 512 { throw fail("nesting too deep") }
    }

    mutating func parseObject() throws -> TemplateValue {
        try enter()
        i += 1
        var d = TemplateDictionary()
        skipSpace()
        if i < s.count, s[i] == "}" { i += 1; depth -= 1; return .dict(d) }
        while true {
            skipSpace()
            guard i < s.count, s[i] == "\"" else { throw fail("expected a string key") }
            let key = try parseString()
            skipSpace()
            guard i < s.count, s[i] == ":" else { throw fail("expected ':'") }
            i += 1
            d[key] = try parseValue()
            skipSpace()
            guard i < s.count else { throw fail("unexpected end of JSON") }
            if s[i] == "," { i += 1; continue }
            if s[i] == "}" { i += 1; break }
            throw fail("expected ',' or '}'")
        }
        depth -= 1
        return .dict(d)
    }

    mutating func parseArray() throws -> TemplateValue {
        try enter()
        i += 1
        var items: [TemplateValue] = []
        skipSpace()
        if i < s.count, s[i] == "]" { i += 1; depth -= 1; return .list(items) }
        while true {
            items.append(try parseValue())
            skipSpace()
            guard i < s.count else { throw fail("unexpected end of JSON") }
            if s[i] == "," { i += 1; continue }
            if s[i] == "]" { i += 1; break }
            throw fail("expected ',' or ']'")
        }
        depth -= 1
        return .list(items)
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= s.count, let v = UInt32(String(String.UnicodeScalarView(s[i..<(i + 4)])), radix: 16) else {
            throw fail("invalid \\u escape")
        }
        i += 4
        return v
    }

    mutating func parseString() throws -> String {
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard i < s.count else { throw fail("unterminated string") }
            let c = s[i]
            i += 1
            if c == "\"" { break }
            if c != "\\" {
                if c.value < 0x20 { throw fail("control character in string") }
                out.append(c)
                continue
            }
            guard i < s.count else { throw fail("unterminated string") }
            let e = s[i]
            i += 1
            switch e {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "/": out.append("/")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var v = try hex4()
                if (0xD800..<0xDC00).contains(v), i + 1 < s.count, s[i] == "\\", s[i + 1] == "u" {
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) { v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00) }
                }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            default: throw fail("invalid escape")
            }
        }
        return String(out)
    }

    mutating func parseNumber() throws -> TemplateValue {
        let start = i
        var isFloat = false
        while i < s.count, "+-0123456789.eE".unicodeScalars.contains(s[i]) {
            if [".", "e", "E"].contains(s[i]) { isFloat = true }
            i += 1
        }
        let text = String(String.UnicodeScalarView(s[start..<i]))
        if text.isEmpty { throw fail("unexpected character") }
        if !isFloat, let v = Int(text) { return .int(v) }
        guard let v = Double(text) else { throw fail("invalid number '\(text)'") }
        return .double(v)
    }
}
