/// Attribute and item access, as Jinja2's sandboxed `getattr`/`getitem` do it: `a.b` tries the
/// Python attribute (a method) and then the key, `a['b']` the key and then the attribute; a miss
/// is `Undefined`. Methods that mutate a list or dict are refused, as transformers'
/// `ImmutableSandboxedEnvironment` refuses them.
enum TemplateMethods {
    static let mutatingListMethods: Set<String> = ["append", "extend", "insert", "pop", "remove", "clear", "reverse", "sort"]
    static let mutatingDictMethods: Set<String> = ["pop", "popitem", "setdefault", "update", "clear"]

    static func attribute(of value: TemplateValue, _ name: String) -> TemplateValue {
        if let method = method(of: value, name) { return .function(method) }
        switch value {
        case let .dict(d): return d[name] ?? .undefined
        case let .namespace(ns): return ns.attributes[name] ?? .undefined
        default: return .undefined
        }
    }

    static func item(of value: TemplateValue, _ key: TemplateValue) throws -> TemplateValue {
        switch (value, key) {
        case let (.dict(d), .string(name)):
            if let v = d[name] { return v }
            return attribute(of: value, name)
        case let (.namespace(ns), .string(name)):
            return ns.attributes[name] ?? .undefined
        case let (.list(items), _), let (.tuple(items), _):
            if case let .string(name) = key { return attribute(of: value, name) }
            guard case let .int(i)? = key.numeric else { return .undefined }
            let index = i < 0 ? i + items.count : i
            return items.indices.contains(index) ? items[index] : .undefined
        case let (.string(s), _):
            if case let .string(name) = key { return attribute(of: value, name) }
            guard case let .int(i)? = key.numeric else { return .undefined }
            let scalars = Array(s.unicodeScalars)
            let index = i < 0 ? i + scalars.count : i
            return scalars.indices.contains(index) ? .string(String(scalars[index])) : .undefined
        default:
            if case let .string(name) = key { return attribute(of: value, name) }
            return .undefined
        }
    }

    /// Python slicing `value[lower:upper:step]` of a list or string.
    static func slice(_ value: TemplateValue, _ lower: Int?, _ upper: Int?, _ step: Int?) throws -> TemplateValue {
        let count: Int
        switch value {
        case let .list(items), let .tuple(items): count = items.count
        case let .string(s): count = s.unicodeScalars.count
        default: throw TemplateRuntimeFailure.type("'\(value.pythonTypeName)' object is not subscriptable")
        }
        let step = step ?? 1
        guard step != 0 else { throw TemplateRuntimeFailure.type("slice step cannot be zero") }
        func clamp(_ v: Int?, _ defaultValue: Int) -> Int {
            guard var v else { return defaultValue }
            if v < 0 { v += count }
            return step > 0 ? min(max(v, 0), count) : min(max(v, -1), count - 1)
        }
        var indices: [Int] = []
        if step > 0 {
            var i = clamp(lower, 0)
            let end = clamp(upper, count)
            while i < end { indices.append(i); i += step }
        } else {
            var i = clamp(lower, count - 1)
            let end = clamp(upper, -1)
            while i > end { indices.append(i); i += step }
        }
        switch value {
        case let .list(items): return .list(indices.map { items[$0] })
        case let .tuple(items): return .tuple(indices.map { items[$0] })
        case let .string(s): return .string(PythonString.slice(s, indices))
        default: return .undefined
        }
    }

    static func method(of value: TemplateValue, _ name: String) -> TemplateFunction? {
        switch value {
        case let .string(s): return stringMethod(s, name)
        case let .dict(d): return dictMethod(d, name)
        case let .list(items), let .tuple(items):
            if case .list = value, mutatingListMethods.contains(name) { return refused(name, "list") }
            switch name {
            case "index":
                return TemplateFunction("list.index") { args in
                    guard let x = args.value(0, "value"), let i = items.firstIndex(of: x) else {
                        throw TemplateRuntimeFailure.type("value is not in list")
                    }
                    return .int(i)
                }
            case "count":
                return TemplateFunction("list.count") { args in
                    let x = args.value(0, "value") ?? .undefined
                    return .int(items.filter { $0 == x }.count)
                }
            case "copy": if case .list = value { return TemplateFunction("list.copy") { _ in .list(items) } }; return nil
            default: return nil
            }
        default: return nil
        }
    }

    private static func refused(_ name: String, _ type: String) -> TemplateFunction {
        TemplateFunction("\(type).\(name)") { _ in
            throw TemplateRuntimeFailure.security("access to attribute '\(name)' of '\(type)' object is unsafe.")
        }
    }

    private static func dictMethod(_ d: TemplateDictionary, _ name: String) -> TemplateFunction? {
        if mutatingDictMethods.contains(name) { return refused(name, "dict") }
        switch name {
        case "items": return TemplateFunction("dict.items") { _ in .list(d.map { .tuple([.string($0.key), $0.value]) }) }
        case "keys": return TemplateFunction("dict.keys") { _ in .list(d.keys.map { .string($0) }) }
        case "values": return TemplateFunction("dict.values") { _ in .list(d.values) }
        case "copy": return TemplateFunction("dict.copy") { _ in .dict(d) }
        case "get":
            return TemplateFunction("dict.get") { args in
                guard case let .string(key)? = args.value(0, "key") else { return args.value(1, "default") ?? .none }
                return d[key] ?? args.value(1, "default") ?? .none
            }
        default: return nil
        }
    }

    private static func optionalString(_ v: TemplateValue?, _ function: String) throws -> String? {
        switch v {
        case nil, .none?: return nil
        case let .string(s)?: return s
        case let other?: throw TemplateRuntimeFailure.type("\(function) arg must be None or str, not \(other.pythonTypeName)")
        }
    }

    private static func string(_ v: TemplateValue?, _ function: String) throws -> String {
        guard case let .string(s)? = v else {
            throw TemplateRuntimeFailure.type("\(function)() argument must be str, not \(v?.pythonTypeName ?? "nothing")")
        }
        return s
    }

    private static func prefixes(_ v: TemplateValue?, _ function: String) throws -> [String] {
        switch v {
        case let .string(s)?: return [s]
        case let .list(items)?, let .tuple(items)?: return try items.map { try string($0, function) }
        default: throw TemplateRuntimeFailure.type("\(function) first arg must be str or a tuple of str")
        }
    }

    private static func stringMethod(_ s: String, _ name: String) -> TemplateFunction? {
        let f = "str.\(name)"
        switch name {
        case "strip", "lstrip", "rstrip":
            return TemplateFunction(f) { args in
                let chars = try optionalString(args.value(0, "chars"), f)
                return .string(PythonString.strip(s, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "split":
            return TemplateFunction(f) { args in
                let separator = try optionalString(args.value(0, "sep"), f)
                var maxSplit = -1
                if case let .int(n)? = args.value(1, "maxsplit")?.numeric { maxSplit = n }
                return .list(try PythonString.split(s, separator: separator, maxSplit: maxSplit).map { .string($0) })
            }
        case "startswith", "endswith":
            return TemplateFunction(f) { args in
                let scalars = Array(s.unicodeScalars)
                for p in try prefixes(args.value(0, "prefix"), f) {
                    let q = Array(p.unicodeScalars)
                    if q.count <= scalars.count,
                       (name == "startswith" ? Array(scalars.prefix(q.count)) : Array(scalars.suffix(q.count))) == q {
                        return .bool(true)
                    }
                }
                return .bool(false)
            }
        case "upper": return TemplateFunction(f) { _ in .string(s.uppercased()) }
        case "lower": return TemplateFunction(f) { _ in .string(s.lowercased()) }
        case "title": return TemplateFunction(f) { _ in .string(PythonString.title(s)) }
        case "capitalize": return TemplateFunction(f) { _ in .string(PythonString.capitalize(s)) }
        case "replace":
            return TemplateFunction(f) { args in
                var count = -1
                if case let .int(n)? = args.value(2, "count")?.numeric { count = n }
                return .string(PythonString.replace(s, try string(args.value(0, "old"), f), try string(args.value(1, "new"), f), count: count))
            }
        case "find", "index", "count":
            return TemplateFunction(f) { args in
                let needle = try string(args.value(0, "sub"), f)
                if name == "count" {
                    if needle.isEmpty { return .int(s.unicodeScalars.count + 1) }
                    return .int(try PythonString.split(s, separator: needle, maxSplit: -1).count - 1)
                }
                if let at = PythonString.find(needle, in: s) { return .int(at) }
                if name == "index" { throw TemplateRuntimeFailure.type("substring not found") }
                return .int(-1)
            }
        case "join":
            return TemplateFunction(f) { args in
                let items = try (args.value(0, "iterable") ?? .list([])).iterated()
                return .string(try items.map { try string($0, "sequence item") }.joined(separator: s))
            }
        case "splitlines":
            return TemplateFunction(f) { _ in
                var lines = try PythonString.split(s.replacingOccurrences(of: "\r\n", with: "\n"), separator: "\n", maxSplit: -1)
                if lines.last == "" { lines.removeLast() }
                return .list(lines.map { .string($0) })
            }
        case "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower":
            return TemplateFunction(f) { _ in
                let scalars = Array(s.unicodeScalars)
                if name == "isupper" || name == "islower" {
                    let cased = scalars.filter { $0.properties.isCased }
                    let ok = !cased.isEmpty && cased.allSatisfy { name == "isupper" ? $0.properties.isUppercase : $0.properties.isLowercase }
                    return .bool(ok)
                }
                guard !scalars.isEmpty else { return .bool(false) }
                return .bool(scalars.allSatisfy { c in
                    switch name {
                    case "isdigit": return c.properties.numericType == .decimal || c.properties.numericType == .digit
                    case "isalpha": return c.properties.isAlphabetic
                    case "isalnum": return c.properties.isAlphabetic || c.properties.numericType != nil
                    default: return PythonString.isSpace(c)
                    }
                })
            }
        default: return nil
        }
    }
}
