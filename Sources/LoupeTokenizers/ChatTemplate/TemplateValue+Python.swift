import Foundation

/// A number as Python sees it (`bool` is an `int`).
enum TemplateNumber {
    case int(Int)
    case double(Double)

    var asDouble: Double {
        switch self {
        case let .int(v): Double(v)
        case let .double(v): v
        }
    }
}

extension TemplateValue {
    /// The value as a Python number, if it is one (`True` is 1).
    var numeric: TemplateNumber? {
        switch self {
        case let .int(v): .int(v)
        case let .double(v): .double(v)
        case let .bool(v): .int(v ? 1 : 0)
        default: nil
        }
    }

    /// Python's type name, as error messages use it.
    var pythonTypeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .namespace: "Namespace"
        case .function: "function"
        }
    }

    /// Python truthiness (`bool(value)`); `Undefined` is falsy.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case let .bool(v): v
        case let .int(v): v != 0
        case let .double(v): v != 0
        case let .string(v): !v.isEmpty
        case let .list(v), let .tuple(v): !v.isEmpty
        case let .dict(v): !v.isEmpty
        case .namespace, .function: true
        }
    }

    /// The text Jinja2 prints for the value: Python's `str()`, empty for `Undefined`.
    public var renderedString: String {
        switch self {
        case .undefined: ""
        case let .string(v): v
        default: pythonRepr
        }
    }

    /// Python's `repr()`.
    var pythonRepr: String {
        switch self {
        case .undefined: ""
        case .none: "None"
        case let .bool(v): v ? "True" : "False"
        case let .int(v): String(v)
        case let .double(v): PythonFloat.repr(v)
        case let .string(v): PythonString.repr(v)
        case let .list(items): "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case let .tuple(items): "(" + items.map(\.pythonRepr).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case let .dict(d): "{" + d.map { PythonString.repr($0.key) + ": " + $0.value.pythonRepr }.joined(separator: ", ") + "}"
        case let .namespace(ns): "<Namespace " + TemplateValue.dict(ns.attributes).pythonRepr + ">"
        case let .function(f): "<function \(f.name)>"
        }
    }

    /// The items of `for x in value`: list items, a string's characters, a dict's keys;
    /// `Undefined` iterates as empty.
    func iterated() throws -> [TemplateValue] {
        switch self {
        case .undefined: return []
        case let .list(items), let .tuple(items): return items
        case let .string(s): return s.unicodeScalars.map { .string(String($0)) }
        case let .dict(d): return d.keys.map { .string($0) }
        case let .namespace(ns): return ns.attributes.keys.map { .string($0) }
        default: throw TemplateRuntimeFailure.type("'\(pythonTypeName)' object is not iterable")
        }
    }

    /// Python's `len()`; `Undefined` has length 0.
    func length() throws -> Int {
        switch self {
        case .undefined: return 0
        case let .string(s): return s.unicodeScalars.count
        case let .list(items), let .tuple(items): return items.count
        case let .dict(d): return d.count
        default: throw TemplateRuntimeFailure.type("object of type '\(pythonTypeName)' has no len()")
        }
    }

    /// Python's `<` (and `>` by swapping): numbers, strings by code point, lists lexicographically.
    static func lessThan(_ lhs: TemplateValue, _ rhs: TemplateValue) throws -> Bool {
        switch (lhs, rhs) {
        case (.undefined, _), (_, .undefined):
            throw TemplateRuntimeFailure.undefined("cannot compare an undefined value")
        case let (.string(a), .string(b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
        case let (.list(a), .list(b)), let (.tuple(a), .tuple(b)):
            for (x, y) in zip(a, b) where x != y { return try lessThan(x, y) }
            return a.count < b.count
        default:
            if let a = lhs.numeric, let b = rhs.numeric {
                if case let .int(x) = a, case let .int(y) = b { return x < y }
                return a.asDouble < b.asDouble
            }
            throw TemplateRuntimeFailure.type(
                "'<' not supported between instances of '\(lhs.pythonTypeName)' and '\(rhs.pythonTypeName)'")
        }
    }

    /// Python's `in`: substring, list membership, dict key.
    static func contains(_ container: TemplateValue, _ item: TemplateValue) throws -> Bool {
        switch container {
        case .undefined: return false
        case let .string(s):
            guard case let .string(needle) = item else {
                throw TemplateRuntimeFailure.type("'in <string>' requires string as left operand, not \(item.pythonTypeName)")
            }
            return needle.isEmpty || PythonString.find(needle, in: s) != nil
        case let .list(items), let .tuple(items): return items.contains(item)
        case let .dict(d):
            if case let .string(key) = item { return d[key] != nil }
            return false
        case let .namespace(ns):
            if case let .string(key) = item { return ns.attributes[key] != nil }
            return false
        default:
            throw TemplateRuntimeFailure.type("argument of type '\(container.pythonTypeName)' is not iterable")
        }
    }
}

/// Python's `float.__repr__`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in [-4, 16), else scientific (`1e-05`, `1e+16`).
enum PythonFloat {
    static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let negative = value.sign == .minus
        // Swift's description gives the shortest round-trip digits too; only the layout differs.
        var text = "\(abs(value))"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = String(parts[0])
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array(integerPart + fractionPart)
        var point = integerPart.count + exponent
        while digits.count > 1, digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits == ["0"] { return sign + "0.0" }
        let scientific = point - 1
        if scientific < -4 || scientific >= 16 {
            var mantissa = String(digits[0])
            if digits.count > 1 { mantissa += "." + String(digits[1...]) }
            let magnitude = abs(scientific)
            return sign + mantissa + "e" + (scientific < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if point <= 0 {
            return sign + "0." + String(repeating: "0", count: -point) + String(digits)
        }
        if point >= digits.count {
            return sign + String(digits) + String(repeating: "0", count: point - digits.count) + ".0"
        }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
}

/// Python `str` behaviour on Unicode scalars.
enum PythonString {
    /// Python's `repr()` of a string: single quotes unless it holds `'` and no `"`.
    static func repr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `str.isspace()` for one scalar.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return scalar.properties.isWhitespace
        }
    }

    /// The scalar offset of the first `needle` in `haystack`.
    static func find(_ needle: String, in haystack: String, from start: Int = 0) -> Int? {
        let h = Array(haystack.unicodeScalars), n = Array(needle.unicodeScalars)
        if n.isEmpty { return start <= h.count ? start : nil }
        guard h.count >= n.count, start <= h.count - n.count else { return nil }
        for i in start...(h.count - n.count) where h[i] == n[0] {
            if Array(h[i..<(i + n.count)]) == n { return i }
        }
        return nil
    }

    /// `str.strip(chars)` / `lstrip` / `rstrip`: `chars == nil` strips whitespace.
    static func strip(_ s: String, chars: String?, leading: Bool, trailing: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let strips: (Unicode.Scalar) -> Bool = { scalar in set.map { $0.contains(scalar) } ?? isSpace(scalar) }
        let scalars = Array(s.unicodeScalars)
        var lo = 0, hi = scalars.count
        if leading { while lo < hi, strips(scalars[lo]) { lo += 1 } }
        if trailing { while hi > lo, strips(scalars[hi - 1]) { hi -= 1 } }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[lo..<hi])
        return String(out)
    }

    /// `str.split(sep, maxsplit)`; `sep == nil` splits on runs of whitespace.
    static func split(_ s: String, separator: String?, maxSplit: Int) throws -> [String] {
        let scalars = Array(s.unicodeScalars)
        var parts: [String] = []
        func text(_ range: Range<Int>) -> String {
            var v = String.UnicodeScalarView(); v.append(contentsOf: scalars[range]); return String(v)
        }
        guard let separator else {
            var i = 0
            while i < scalars.count {
                while i < scalars.count, isSpace(scalars[i]) { i += 1 }
                if i >= scalars.count { break }
                if maxSplit >= 0, parts.count == maxSplit {
                    var end = scalars.count
                    while end > i, isSpace(scalars[end - 1]) { end -= 1 }
                    parts.append(text(i..<end))
                    return parts
                }
                let start = i
                while i < scalars.count, !isSpace(scalars[i]) { i += 1 }
                parts.append(text(start..<i))
            }
            return parts
        }
        let sep = Array(separator.unicodeScalars)
        if sep.isEmpty { throw TemplateRuntimeFailure.type("empty separator") }
        var start = 0, i = 0
        while i + sep.count <= scalars.count {
            if (maxSplit < 0 || parts.count < maxSplit), Array(scalars[i..<(i + sep.count)]) == sep {
                parts.append(text(start..<i))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(text(start..<scalars.count))
        return parts
    }

    /// `str.replace(old, new, count)`.
    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if count == 0 { return s }
        let scalars = Array(s.unicodeScalars), o = Array(old.unicodeScalars)
        var out = String.UnicodeScalarView()
        var done = 0
        if o.isEmpty {
            for scalar in scalars {
                if count < 0 || done < count { out.append(contentsOf: new.unicodeScalars); done += 1 }
                out.append(scalar)
            }
            if count < 0 || done < count { out.append(contentsOf: new.unicodeScalars) }
            return String(out)
        }
        var i = 0
        while i < scalars.count {
            if (count < 0 || done < count), i + o.count <= scalars.count, Array(scalars[i..<(i + o.count)]) == o {
                out.append(contentsOf: new.unicodeScalars)
                i += o.count
                done += 1
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Python's `str.title()`: a cased letter after an uncased character starts a word.
    static func title(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for scalar in s.unicodeScalars {
            let cased = scalar.properties.isCased
            out += previousCased ? String(scalar).lowercased() : String(scalar).uppercased()
            previousCased = cased
        }
        return out
    }

    /// Python's `str.capitalize()`: first character upper, the rest lower.
    static func capitalize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        var rest = String.UnicodeScalarView()
        rest.append(contentsOf: s.unicodeScalars.dropFirst())
        return String(first).uppercased() + String(rest).lowercased()
    }

    /// The scalars `lo..<hi` of `s`.
    static func slice(_ s: String, _ indices: [Int]) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        for i in indices { out.append(scalars[i]) }
        return String(out)
    }
}
