import Foundation

/// A strict RFC 8259 JSON parser over UTF-8 bytes that reports line and column on failure.
///
/// Strict where it matters for untrusted files: duplicate object keys, lone surrogates, control
/// characters in strings, numbers that overflow `Double`, trailing content and nesting deeper than
/// ``maxDepth`` are all errors (the depth limit keeps a hostile file from exhausting the stack).
struct CheckpointJSONParser {
    /// Deepest nesting of arrays and objects accepted.
    static let maxDepth = 128

    private let bytes: [UInt8]
    private var position = 0
    private let fileName: String
    private let label: String

    private init(bytes: [UInt8], fileName: String, label: String) {
        self.bytes = bytes
        self.fileName = fileName
        self.label = label
    }

    /// Parses one JSON value that spans the whole input (surrounding whitespace allowed).
    /// - Parameter label: how the message introduces the problem ("invalid JSON", "header is not valid JSON").
    static func parse(_ bytes: [UInt8], fileName: String, label: String = "invalid JSON") throws -> JSONValue {
        var parser = CheckpointJSONParser(bytes: bytes, fileName: fileName, label: label)
        // Tolerate a UTF-8 byte-order mark, which some editors add to config files.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.failure("unexpected \(parser.describeByte(at: parser.position)) after the JSON value")
        }
        return value
    }

    // MARK: Errors

    private func failure(_ message: String, at offset: Int? = nil) -> CheckpointError {
        let end = Swift.min(Swift.max(offset ?? position, 0), bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = end - lineStart + 1
        return CheckpointError(.invalidJSON, file: fileName, line: line, "\(label): \(message) (column \(column))")
    }

    private func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    // MARK: Grammar

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard position < bytes.count else { throw failure("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected \(describeByte(at: position)), expected a value")
        }
    }

    private mutating func expectLiteral(_ word: String) throws {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count,
              Array(bytes[position..<(position + expected.count)]) == expected
        else { throw failure("unexpected \(describeByte(at: position)), expected a value") }
        position += expected.count
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
        position += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("unexpected \(describeByte(at: position)), expected a string key")
            }
            let keyStart = position
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw failure("unexpected \(describeByte(at: position)), expected ':' after key '\(key)'")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            guard members.updateValue(value, forKey: key) == nil else {
                throw failure("duplicate key '\(key)'", at: keyStart)
            }
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw failure("unexpected \(describeByte(at: position)), expected ',' or '}' after an object member")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of input inside an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            } else {
                throw failure("unexpected \(describeByte(at: position)), expected ',' or ']' after an array element")
            }
        }
    }

    private mutating func parseString() throws -> String {
        let start = position
        position += 1  // opening quote
        var content: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("unterminated string", at: start) }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                let text = String(decoding: content, as: UTF8.self)
                // Invalid UTF-8 decodes to U+FFFD, so a lossless round trip proves the bytes were valid.
                guard text.utf8.elementsEqual(content) else { throw failure("string is not valid UTF-8", at: start) }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &content)
            case 0..<0x20:
                throw failure("unescaped control character 0x\(String(byte, radix: 16)) in string")
            default:
                content.append(byte)
                position += 1
            }
        }
    }

    private mutating func parseEscape(into content: inout [UInt8]) throws {
        let escapeStart = position
        position += 1  // backslash
        guard position < bytes.count else { throw failure("unterminated escape", at: escapeStart) }
        let code = bytes[position]
        position += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): content.append(code)
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "r"): content.append(0x0D)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "u"):
            var value = try parseHex4(escapeStart: escapeStart)
            if (0xD800...0xDBFF).contains(value) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u")
                else { throw failure("unpaired surrogate in \\u escape", at: escapeStart) }
                position += 2
                let low = try parseHex4(escapeStart: escapeStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw failure("unpaired surrogate in \\u escape", at: escapeStart)
                }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(value) {
                throw failure("unpaired surrogate in \\u escape", at: escapeStart)
            }
            guard let scalar = Unicode.Scalar(value) else { throw failure("invalid \\u escape", at: escapeStart) }
            content.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw failure("invalid escape '\\\(Character(Unicode.Scalar(code)))'", at: escapeStart)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws -> Double {
        let start = position
        func isDigit(_ offset: Int) -> Bool {
            offset < bytes.count && bytes[offset] >= UInt8(ascii: "0") && bytes[offset] <= UInt8(ascii: "9")
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else { throw failure("a number needs digits", at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if isDigit(position) { throw failure("leading zero in number", at: start) }
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard isDigit(position) else { throw failure("a fraction needs digits", at: start) }
            while isDigit(position) { position += 1 }
        }
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            position += 1
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard isDigit(position) else { throw failure("an exponent needs digits", at: start) }
            while isDigit(position) { position += 1 }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure("number \(text.prefix(40)) is out of range", at: start)
        }
        return value
    }
}
