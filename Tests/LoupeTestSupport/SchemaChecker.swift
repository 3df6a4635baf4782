import Foundation

/// A parsed JSON value (numbers as Double; JSON Schema calls an integral number an integer).
public indirect enum JSON: Equatable, Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    public static func parse(_ data: Data) throws -> JSON { try JSONDecoder().decode(JSON.self, from: data) }

    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// A checker for the subset of JSON Schema (draft 2020-12) that the schemas in docs/ use:
/// `type` (one name or a list), `required`, `properties`, `additionalProperties` (false or a
/// schema), `items`, `enum`, `const`, `minimum`, `anyOf`, and `$ref` to `#/$defs/…`. Any other
/// keyword is reported, so the schema cannot silently use something this checker ignores.
public struct SchemaChecker {
    public let root: JSON

    public init(root: JSON) { self.root = root }

    /// The checker of the schema file `url`.
    public init(contentsOf url: URL) throws { root = try JSON.parse(try Data(contentsOf: url)) }
    static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description", "$comment"]
    static let keywords: Set<String> = ["type", "required", "properties", "additionalProperties", "items",
                                        "enum", "const", "minimum", "anyOf", "$ref", "dependentRequired"]

    /// Every violation of `schema` (default: the root) by `value`, as "path: message".
    public func errors(_ value: JSON, _ schema: JSON? = nil, path: String = "$") -> [String] {
        guard case .object(let s) = schema ?? root else { return ["\(path): schema is not an object"] }
        var out: [String] = []
        for key in s.keys where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            out.append("\(path): unsupported schema keyword '\(key)'")
        }
        if case .string(let ref)? = s["$ref"] {
            let name = ref.replacingOccurrences(of: "#/$defs/", with: "")
            guard ref.hasPrefix("#/$defs/"), let target = root["$defs"]?[name] else { return out + ["\(path): bad $ref \(ref)"] }
            out += errors(value, target, path: path)
        }
        if let t = s["type"] {
            let names: [String]
            switch t {
            case .string(let n): names = [n]
            case .array(let a): names = a.compactMap { if case .string(let n) = $0 { return n } else { return nil } }
            default: names = []
            }
            if !names.contains(where: { Self.matches(value, type: $0) }) {
                out.append("\(path): expected \(names.joined(separator: "|")), got \(Self.typeName(value))")
                return out
            }
        }
        if let c = s["const"], c != value { out.append("\(path): expected the constant \(c)") }
        if case .array(let options)? = s["enum"], !options.contains(value) { out.append("\(path): \(value) not in enum") }
        if case .number(let m)? = s["minimum"], case .number(let v) = value, v < m { out.append("\(path): \(v) < minimum \(m)") }
        if case .array(let alternatives)? = s["anyOf"],
           !alternatives.contains(where: { errors(value, $0, path: path).isEmpty }) {
            out.append("\(path): matches none of anyOf")
        }
        if case .object(let object) = value {
            if case .array(let required)? = s["required"] {
                for case .string(let key) in required where object[key] == nil { out.append("\(path): missing '\(key)'") }
            }
            if case .object(let dependencies)? = s["dependentRequired"] {
                for (present, needed) in dependencies where object[present] != nil {
                    guard case .array(let keys) = needed else { continue }
                    for case .string(let key) in keys where object[key] == nil {
                        out.append("\(path): '\(present)' needs '\(key)'")
                    }
                }
            }
            let properties: [String: JSON]
            if case .object(let p)? = s["properties"] { properties = p } else { properties = [:] }
            for (key, v) in object {
                if let p = properties[key] {
                    out += errors(v, p, path: "\(path).\(key)")
                } else if let extra = s["additionalProperties"] {
                    if extra == .bool(false) { out.append("\(path): unexpected property '\(key)'") }
                    else if case .object = extra { out += errors(v, extra, path: "\(path).\(key)") }
                }
            }
        }
        if case .array(let items) = value, let itemSchema = s["items"] {
            for (i, item) in items.enumerated() { out += errors(item, itemSchema, path: "\(path)[\(i)]") }
        }
        return out
    }

    static func matches(_ value: JSON, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
             ("array", .array), ("object", .object): return true
        case ("integer", .number(let d)): return d.rounded() == d
        default: return false
        }
    }

    static func typeName(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
