import Foundation

/// The globals transformers' sandbox gives a chat template (chat_template_utils.py
/// `_compile_jinja_template`): Jinja2's `range`, `namespace`, `dict`, and transformers'
/// `raise_exception(message)` and `strftime_now(format)`.
enum TemplateGlobals {
    /// Jinja2's sandbox caps `range` at this many items.
    static let maximumRange = 100_000

    static func make(now: @escaping @Sendable () -> Date) -> [String: TemplateValue] {
        var globals: [String: TemplateValue] = [:]
        globals["raise_exception"] = .function(TemplateFunction("raise_exception") { args in
            throw TemplateRuntimeFailure.raised((args.value(0, "message") ?? .none).renderedString)
        })
        globals["strftime_now"] = .function(TemplateFunction("strftime_now") { args in
            guard case let .string(format)? = args.value(0, "format") else {
                throw TemplateRuntimeFailure.type("strftime() argument 1 must be str")
            }
            return .string(strftime(format, now()))
        })
        globals["range"] = .function(TemplateFunction("range") { args in
            let numbers = try args.positional.map { v -> Int in
                guard case let .int(n)? = v.numeric else {
                    throw TemplateRuntimeFailure.type("'\(v.pythonTypeName)' object cannot be interpreted as an integer")
                }
                return n
            }
            var start = 0, stop = 0, step = 1
            switch numbers.count {
            case 1: stop = numbers[0]
            case 2: (start, stop) = (numbers[0], numbers[1])
            case 3: (start, stop, step) = (numbers[0], numbers[1], numbers[2])
            default: throw TemplateRuntimeFailure.type("range expected 1 to 3 arguments, got \(numbers.count)")
            }
            guard step != 0 else { throw TemplateRuntimeFailure.type("range() arg 3 must not be zero") }
            let count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                                 : (start > stop ? (start - stop - step - 1) / -step : 0)
            if count > maximumRange {
                throw TemplateRuntimeFailure.security("Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maximumRange)).")
            }
            return .list((0..<count).map { .int(start + $0 * step) })
        })
        globals["namespace"] = .function(TemplateFunction("namespace") { args in
            var attributes = TemplateDictionary()
            for v in args.positional {
                guard case let .dict(d) = v else { throw TemplateRuntimeFailure.type("namespace() takes mappings") }
                for (k, x) in d { attributes[k] = x }
            }
            for (k, x) in args.keywords { attributes[k] = x }
            if let bad = attributes.keys.first(where: { $0.hasPrefix("_") }) {
                throw TemplateRuntimeFailure.security(
                    "Chat templates cannot store underscore-prefixed attributes on a namespace, but got '\(bad)'. Please rename the attribute.")
            }
            return .namespace(TemplateNamespace(attributes))
        })
        globals["dict"] = .function(TemplateFunction("dict") { args in
            var d = TemplateDictionary()
            for v in args.positional {
                switch v {
                case let .dict(m): for (k, x) in m { d[k] = x }
                case let .list(pairs), let .tuple(pairs):
                    for pair in pairs {
                        guard let kv = try? pair.iterated(), kv.count == 2, case let .string(k) = kv[0] else {
                            throw TemplateRuntimeFailure.type("dict() needs (key, value) pairs with string keys here")
                        }
                        d[k] = kv[1]
                    }
                default: throw TemplateRuntimeFailure.type("'\(v.pythonTypeName)' object is not iterable")
                }
            }
            for (k, x) in args.keywords { d[k] = x }
            return .dict(d)
        })
        return globals
    }

    /// C `strftime` in local time, as Python's `datetime.now().strftime(format)`.
    static func strftime(_ format: String, _ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 512)
        let n = Foundation.strftime(&buffer, buffer.count, format, &parts)
        if n == 0 { return format.isEmpty ? "" : format }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
