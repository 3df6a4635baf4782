import Foundation

/// Jinja2's built-in filters (jinja2/filters.py), with transformers' `tojson`
/// (`json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)`).
enum TemplateFilters {
    /// Every filter name Jinja2 knows: others are a compile error, as in Jinja2.
    static let names: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
        "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join",
        "last", "length", "list", "lower", "map", "max", "min", "pprint", "random", "reject", "rejectattr",
        "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags",
        "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount",
        "wordwrap", "xmlattr",
    ]

    static func apply(_ name: String, _ value: TemplateValue, _ args: TemplateArguments,
                      interpreter: TemplateInterpreter) throws -> TemplateValue {
        switch name {
        case "abs":
            switch value.numeric {
            case let .int(v)?: return .int(abs(v))
            case let .double(v)?: return .double(abs(v))
            case nil: throw TemplateRuntimeFailure.type("bad operand type for abs(): '\(value.pythonTypeName)'")
            }
        case "attr":
            guard case let .string(attribute)? = args.value(0, "name") else { return .undefined }
            return TemplateMethods.attribute(of: value, attribute)
        case "capitalize": return .string(PythonString.capitalize(value.renderedString))
        case "center":
            let width = intArgument(args.value(0, "width"), 80)
            let s = value.renderedString, n = s.unicodeScalars.count
            guard width > n else { return .string(s) }
            let total = width - n
            let left = total / 2 + (total & width & 1)
            return .string(String(repeating: " ", count: left) + s + String(repeating: " ", count: total - left))
        case "count", "length": return .int(try value.length())
        case "d", "default":
            let fallback = args.value(0, "default_value") ?? .string("")
            let boolean = args.value(1, "boolean")?.isTruthy ?? false
            if case .undefined = value { return fallback }
            return boolean && !value.isTruthy ? fallback : value
        case "dictsort":
            guard case let .dict(d) = value else { throw TemplateRuntimeFailure.type("dictsort expects a mapping") }
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            let byValue = args.value(1, "by") == .string("value")
            let reverse = args.value(2, "reverse")?.isTruthy ?? false
            let pairs = d.map { TemplateValue.tuple([.string($0.key), $0.value]) }
            return .list(try sorted(pairs, reverse: reverse) { pair in
                let v = try TemplateMethods.item(of: pair, .int(byValue ? 1 : 0))
                return caseSensitive ? v : folded(v)
            })
        case "e", "escape", "forceescape": return .string(escapeHTML(value.renderedString))
        case "first":
            return try value.iterated().first ?? .undefined
        case "last":
            if case .dict = value { throw TemplateRuntimeFailure.type("'dict' object is not reversible") }
            return try value.iterated().last ?? .undefined
        case "float":
            return toFloat(value) ?? args.value(0, "default") ?? .double(0)
        case "int":
            let base = intArgument(args.value(1, "base"), 10)
            return toInt(value, base: base) ?? args.value(0, "default") ?? .int(0)
        case "indent": return .string(indent(value.renderedString, args))
        case "items":
            switch value {
            case .undefined: return .list([])
            case let .dict(d): return .list(d.map { .tuple([.string($0.key), $0.value]) })
            default: throw TemplateRuntimeFailure.type("can only get item pairs from a mapping.")
            }
        case "join":
            var items = try value.iterated()
            if case let .string(attribute)? = args.value(1, "attribute") {
                items = try items.map { try attributePath($0, attribute) }
            }
            let separator = args.value(0, "d")?.renderedString ?? ""
            return .string(items.map(\.renderedString).joined(separator: separator))
        case "list": return .list(try value.iterated())
        case "lower": return .string(value.renderedString.lowercased())
        case "upper": return .string(value.renderedString.uppercased())
        case "map": return try map(value, args, interpreter: interpreter)
        case "max", "min":
            let items = try value.iterated()
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(1, "attribute")
            let ordered = try sorted(items, reverse: false) { item in
                var v = item
                if case let .string(a)? = attribute { v = try attributePath(item, a) }
                return caseSensitive ? v : folded(v)
            }
            return (name == "min" ? ordered.first : ordered.last) ?? .undefined
        case "pprint": return .string(value.pythonRepr)
        case "reject", "select", "rejectattr", "selectattr":
            return try select(name, value, args, interpreter: interpreter)
        case "replace":
            var count = -1
            if case let .int(n)? = args.value(2, "count")?.numeric { count = n }
            return .string(PythonString.replace(value.renderedString, (args.value(0, "old") ?? .string("")).renderedString,
                                                (args.value(1, "new") ?? .string("")).renderedString, count: count))
        case "reverse":
            if case let .string(s) = value { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            return .list(try value.iterated().reversed())
        case "round": return try round(value, args)
        case "safe", "string": return .string(value.renderedString)
        case "sort":
            let reverse = args.value(0, "reverse")?.isTruthy ?? false
            let caseSensitive = args.value(1, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(2, "attribute")
            return .list(try sorted(try value.iterated(), reverse: reverse) { item in
                var v = item
                if case let .string(a)? = attribute { v = try attributePath(item, a) }
                return caseSensitive ? v : folded(v)
            })
        case "sum":
            var total = args.value(1, "start") ?? .int(0)
            for item in try value.iterated() {
                var v = item
                if case let .string(a)? = args.value(0, "attribute") { v = try attributePath(item, a) }
                total = try TemplateOperators.binary("+", total, v)
            }
            return total
        case "title": return .string(jinjaTitle(value.renderedString))
        case "tojson": return try toJSON(value, args)
        case "trim":
            let chars = args.value(0, "chars")
            let set: String? = if case let .string(c)? = chars { c } else { nil }
            return .string(PythonString.strip(value.renderedString, chars: set, leading: true, trailing: true))
        case "unique":
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            var seen: [TemplateValue] = []
            var out: [TemplateValue] = []
            for item in try value.iterated() {
                var key = item
                if case let .string(a)? = args.value(1, "attribute") { key = try attributePath(item, a) }
                if !caseSensitive { key = folded(key) }
                if !seen.contains(key) { seen.append(key); out.append(item) }
            }
            return .list(out)
        case "wordcount":
            var count = 0, inWord = false
            for scalar in value.renderedString.unicodeScalars {
                let word = scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_"
                if word, !inWord { count += 1 }
                inWord = word
            }
            return .int(count)
        default:
            throw TemplateRuntimeFailure.unsupported("the '\(name)' filter is not supported by this chat-template interpreter")
        }
    }

    static func intArgument(_ v: TemplateValue?, _ defaultValue: Int) -> Int {
        if case let .int(n)? = v?.numeric { return n }
        return defaultValue
    }

    /// Dotted attribute lookup (`"a.b"`, `"items.0"`) as Jinja2's `make_attrgetter`.
    static func attributePath(_ value: TemplateValue, _ path: String) throws -> TemplateValue {
        var v = value
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            if case .undefined = v { return .undefined }
            if let i = Int(part) { v = try TemplateMethods.item(of: v, .int(i)) } else {
                v = try TemplateMethods.item(of: v, .string(String(part)))
            }
        }
        return v
    }

    /// Lower-cases strings, as Jinja2's `ignore_case`.
    static func folded(_ v: TemplateValue) -> TemplateValue {
        if case let .string(s) = v { return .string(s.lowercased()) }
        return v
    }

    /// A stable sort by `key`, as Python's `sorted`.
    static func sorted(_ items: [TemplateValue], reverse: Bool, key: (TemplateValue) throws -> TemplateValue) throws -> [TemplateValue] {
        let keyed = try items.enumerated().map { ($0.offset, try key($0.element), $0.element) }
        var failure: Error?
        let ordered = keyed.sorted { a, b in
            do {
                if try TemplateValue.lessThan(a.1, b.1) { return !reverse }
                if try TemplateValue.lessThan(b.1, a.1) { return reverse }
            } catch { failure = error }
            return a.0 < b.0
        }
        if let failure { throw failure }
        return ordered.map(\.2)
    }

    static func escapeHTML(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Jinja2's `title`: upper-cases the first letter of each word, words split at `-`, whitespace and opening brackets.
    static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var atWordStart = true
        for scalar in s.unicodeScalars {
            if PythonString.isSpace(scalar) || "-({[<".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
                atWordStart = true
            } else {
                out += atWordStart ? String(scalar).uppercased() : String(scalar).lowercased()
                atWordStart = false
            }
        }
        return out
    }

    static func toFloat(_ value: TemplateValue) -> TemplateValue? {
        switch value {
        case let .double(v): return .double(v)
        case .int, .bool: return value.numeric.map { .double($0.asDouble) }
        case let .string(s):
            let t = PythonString.strip(s, chars: nil, leading: true, trailing: true).replacingOccurrences(of: "_", with: "")
            switch t.lowercased() {
            case "inf", "+inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            case "nan", "+nan", "-nan": return .double(.nan)
            default: break
            }
            guard !t.isEmpty, t.unicodeScalars.allSatisfy({ "0123456789+-.eE".unicodeScalars.contains($0) }),
                  let v = Double(t) else { return nil }
            return .double(v)
        default: return nil
        }
    }

    static func toInt(_ value: TemplateValue, base: Int) -> TemplateValue? {
        switch value {
        case let .int(v): return .int(v)
        case let .bool(v): return .int(v ? 1 : 0)
        case let .double(v):
            guard v.isFinite, abs(v) < 9.2e18 else { return nil }
            return .int(Int(v))
        case let .string(s):
            let t = PythonString.strip(s, chars: nil, leading: true, trailing: true).replacingOccurrences(of: "_", with: "")
            if let v = Int(t.hasPrefix("+") ? String(t.dropFirst()) : t, radix: base) { return .int(v) }
            if case let .double(d)? = toFloat(value) { return toInt(.double(d), base: 10) }
            return nil
        default: return nil
        }
    }

    static func indent(_ text: String, _ args: TemplateArguments) -> String {
        var indention = "    "
        switch args.value(0, "width") {
        case let .string(s)?: indention = s
        case let v?: indention = String(repeating: " ", count: max(0, intArgument(v, 4)))
        case nil: break
        }
        let first = args.value(1, "first")?.isTruthy ?? false
        let blank = args.value(2, "blank")?.isTruthy ?? false
        var lines = (text + "\n").replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indention)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : indention + $0 }.joined(separator: "\n")
            }
        }
        return first ? indention + result : result
    }

    static func round(_ value: TemplateValue, _ args: TemplateArguments) throws -> TemplateValue {
        var precision = 0
        if let given = args.value(0, "precision") {
            guard case let .int(p)? = given.numeric else {
                throw TemplateRuntimeFailure.type("'\(given.pythonTypeName)' object cannot be interpreted as an integer")
            }
            precision = p
        }
        let method = args.value(1, "method")?.renderedString ?? "common"
        guard let number = value.numeric else {
            throw TemplateRuntimeFailure.type("type \(value.pythonTypeName) doesn't define __round__ method")
        }
        let scale = pow(10.0, Double(precision))
        switch method {
        case "common":
            if case let .int(v) = number, precision >= 0 { return .int(v) }
            let x = number.asDouble
            return .double(precision == 0 ? x.rounded(.toNearestOrEven) : (x * scale).rounded(.toNearestOrEven) / scale)
        case "floor": return .double((number.asDouble * scale).rounded(.down) / scale)
        case "ceil": return .double((number.asDouble * scale).rounded(.up) / scale)
        default: throw TemplateRuntimeFailure.type("method must be common, ceil or floor")
        }
    }

    static func toJSON(_ value: TemplateValue, _ args: TemplateArguments) throws -> TemplateValue {
        let ascii = args.value(0, "ensure_ascii")?.isTruthy ?? false
        var indent: String?
        switch args.value(1, "indent") {
        case nil, .none?: indent = nil
        case let .string(s)?: indent = s
        case let v?:
            guard case let .int(n)? = v.numeric else { throw TemplateRuntimeFailure.type("indent must be an int or a str") }
            indent = String(repeating: " ", count: max(0, n))
        }
        var item: String?, key: String?
        if let separators = args.value(2, "separators"), separators != .none {
            let parts = try separators.iterated()
            guard parts.count == 2, case let .string(i) = parts[0], case let .string(k) = parts[1] else {
                throw TemplateRuntimeFailure.type("separators must be a pair of strings")
            }
            item = i
            key = k
        }
        let sortKeys = args.value(3, "sort_keys")?.isTruthy ?? false
        return .string(try value.jsonDumps(indent: indent, itemSeparator: item, keySeparator: key,
                                           sortKeys: sortKeys, ensureASCII: ascii))
    }

    static func map(_ value: TemplateValue, _ args: TemplateArguments, interpreter: TemplateInterpreter) throws -> TemplateValue {
        let items = try value.iterated()
        if args.positional.isEmpty, case let .string(attribute)? = args.value(99, "attribute") {
            let fallback = args.keywords.first { $0.0 == "default" }?.1
            return .list(try items.map { item in
                let v = try attributePath(item, attribute)
                if case .undefined = v, let fallback { return fallback }
                return v
            })
        }
        guard case let .string(filter)? = args.positional.first else {
            throw TemplateRuntimeFailure.type("map requires a filter argument")
        }
        guard names.contains(filter) else { throw TemplateRuntimeFailure.type("No filter named '\(filter)'.") }
        let rest = TemplateArguments(Array(args.positional.dropFirst()), keywords: args.keywords)
        return .list(try items.map { try apply(filter, $0, rest, interpreter: interpreter) })
    }

    static func select(_ name: String, _ value: TemplateValue, _ args: TemplateArguments,
                       interpreter: TemplateInterpreter) throws -> TemplateValue {
        let byAttribute = name.hasSuffix("attr")
        let keep = name.hasPrefix("select")
        var positional = args.positional
        var attribute: String?
        if byAttribute {
            guard case let .string(a)? = positional.first else { throw TemplateRuntimeFailure.type("\(name) requires an attribute name") }
            attribute = a
            positional.removeFirst()
        }
        var test: String?
        if let first = positional.first {
            guard case let .string(t) = first else { throw TemplateRuntimeFailure.type("the test name must be a string") }
            guard TemplateTests.names.contains(t) else { throw TemplateRuntimeFailure.type("No test named '\(t)'.") }
            test = t
            positional.removeFirst()
        }
        let testArguments = TemplateArguments(positional, keywords: args.keywords)
        return .list(try value.iterated().filter { item in
            let subject = try attribute.map { try attributePath(item, $0) } ?? item
            let passed = try test.map { try TemplateTests.run($0, subject, testArguments, interpreter: interpreter) } ?? subject.isTruthy
            return passed == keep
        })
    }
}
