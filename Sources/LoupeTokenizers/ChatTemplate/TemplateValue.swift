import Foundation

/// A value seen by a chat template: the Python objects a Jinja2 template works on
/// (`str`, `int`, `float`, `bool`, `None`, `list`, `dict`), Jinja2's `Undefined`, and the
/// template's own namespaces and callables.
///
/// Semantics follow Python 3 and Jinja2 3.1 (<https://jinja.palletsprojects.com/en/3.1.x/templates/>):
/// truthiness, `str()` when printed, `==` across `int`/`float`/`bool`, and so on.
public enum TemplateValue: Sendable {
    /// Jinja2's default `Undefined`: prints as empty, is falsy, iterates as empty;
    /// arithmetic on it and attribute access of it throw.
    case undefined
    /// Python `None`.
    case none
    /// Python `bool`.
    case bool(Bool)
    /// Python `int` (64-bit here; overflow throws).
    case int(Int)
    /// Python `float`.
    case double(Double)
    /// Python `str`.
    case string(String)
    /// Python `list`.
    case list([TemplateValue])
    /// Python `tuple` (`(a, b)`, the pairs of `dict.items()`); JSON writes it as a list.
    case tuple([TemplateValue])
    /// Python `dict` with string keys, in insertion order.
    case dict(TemplateDictionary)
    /// A `namespace(...)` object, shared by reference (`{% set ns.attr = ... %}`).
    case namespace(TemplateNamespace)
    /// A callable: a macro, a global such as `raise_exception`, or a bound method.
    case function(TemplateFunction)
}

/// A `dict` with string keys that keeps insertion order, as Python's `dict` does.
public struct TemplateDictionary: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    private var order: [String] = []
    private var storage: [String: TemplateValue] = [:]

    /// An empty dictionary.
    public init() {}

    /// The pairs in order; a repeated key keeps its first position and last value.
    public init(_ pairs: [(String, TemplateValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(elements)
    }

    /// The keys in insertion order.
    public var keys: [String] { order }
    /// The values in key order.
    public var values: [TemplateValue] { order.map { storage[$0] ?? .none } }
    /// Number of entries.
    public var count: Int { order.count }
    /// True when there are no entries.
    public var isEmpty: Bool { order.isEmpty }

    /// The value of `key`; setting `nil` removes the entry.
    public subscript(key: String) -> TemplateValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { order.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                order.removeAll { $0 == key }
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: TemplateValue)]> {
        order.map { (key: $0, value: storage[$0] ?? .none) }.makeIterator()
    }

    public static func == (lhs: TemplateDictionary, rhs: TemplateDictionary) -> Bool {
        // Python dict equality ignores order.
        lhs.storage == rhs.storage
    }
}

/// A Jinja2 `namespace(...)`: attributes that assignments inside loops can change.
public final class TemplateNamespace: @unchecked Sendable {
    var attributes: TemplateDictionary

    init(_ attributes: TemplateDictionary) {
        self.attributes = attributes
    }
}

/// Something a template can call: a macro, a global function, or a bound method.
public final class TemplateFunction: @unchecked Sendable {
    /// The name used in messages (`raise_exception`, `str.strip`, a macro's name).
    public let name: String
    let body: (TemplateArguments) throws -> TemplateValue

    init(_ name: String, _ body: @escaping (TemplateArguments) throws -> TemplateValue) {
        self.name = name
        self.body = body
    }
}

/// Positional and keyword arguments of one call.
struct TemplateArguments {
    var positional: [TemplateValue]
    var keywords: [(String, TemplateValue)]

    init(_ positional: [TemplateValue] = [], keywords: [(String, TemplateValue)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    /// The argument at `index` or named `name`, else nil.
    func value(_ index: Int, _ name: String) -> TemplateValue? {
        if let keyword = keywords.last(where: { $0.0 == name }) { return keyword.1 }
        return index < positional.count ? positional[index] : nil
    }

    /// Throws when more positional arguments, or other keywords, are given than `names`.
    func check(_ function: String, names: [String]) throws {
        if positional.count > names.count {
            throw TemplateRuntimeFailure.type("\(function)() takes at most \(names.count) arguments (\(positional.count) given)")
        }
        for (key, _) in keywords where !names.contains(key) {
            throw TemplateRuntimeFailure.type("\(function)() got an unexpected keyword argument '\(key)'")
        }
    }
}

extension TemplateValue: Equatable {
    /// Python `==`: numbers compare by value across `bool`/`int`/`float`; `Undefined == Undefined`.
    public static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case let (.string(a), .string(b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.list(a), .list(b)), let (.tuple(a), .tuple(b)): return a == b
        case let (.dict(a), .dict(b)): return a == b
        case let (.namespace(a), .namespace(b)): return a === b
        case let (.function(a), .function(b)): return a === b
        default:
            if let a = lhs.numeric, let b = rhs.numeric {
                switch (a, b) {
                case let (.int(x), .int(y)): return x == y
                default: return a.asDouble == b.asDouble
                }
            }
            return false
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .dict(TemplateDictionary(elements)) }
}
