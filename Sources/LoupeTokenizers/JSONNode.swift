import Foundation

/// A parsed JSON value that knows where it sits in its file, so every failure names the
/// JSON path (`model.vocab`, `pre_tokenizer.pretokenizers[2].pattern`).
struct JSONNode {
    let value: Any?
    let path: String
    let file: String

    init(value: Any?, path: String, file: String) {
        self.value = value
        self.path = path
        self.file = file
    }

    static func parse(_ data: Data, file: String) throws -> JSONNode {
        do {
            let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return JSONNode(value: object, path: "", file: file)
        } catch {
            throw TokenizerError(file: file, key: "", reason: "not valid JSON (\(error.localizedDescription))")
        }
    }

    func error(_ reason: String) -> TokenizerError {
        TokenizerError(file: file, key: path.isEmpty ? "(root)" : path, reason: reason)
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var isNull: Bool { value == nil || value is NSNull }

    /// The member `key` (a null node when absent).
    subscript(_ key: String) -> JSONNode {
        let dict = value as? [String: Any]
        return JSONNode(value: dict?[key], path: childPath(key), file: file)
    }

    func has(_ key: String) -> Bool {
        guard let dict = value as? [String: Any], let v = dict[key] else { return false }
        return !(v is NSNull)
    }

    func object() throws -> [String: JSONNode] {
        guard let dict = value as? [String: Any] else { throw error(isNull ? "missing" : "expected an object") }
        var out: [String: JSONNode] = [:]
        out.reserveCapacity(dict.count)
        for (k, v) in dict { out[k] = JSONNode(value: v, path: childPath(k), file: file) }
        return out
    }

    func array() throws -> [JSONNode] {
        guard let list = value as? [Any] else { throw error(isNull ? "missing" : "expected an array") }
        return list.enumerated().map { JSONNode(value: $0.element, path: "\(path)[\($0.offset)]", file: file) }
    }

    /// The raw array without wrapping each element (fast path for large vocabularies).
    func rawArray() throws -> [Any] {
        guard let list = value as? [Any] else { throw error(isNull ? "missing" : "expected an array") }
        return list
    }

    func rawObject() throws -> [String: Any] {
        guard let dict = value as? [String: Any] else { throw error(isNull ? "missing" : "expected an object") }
        return dict
    }

    func string() throws -> String {
        guard let s = value as? String else { throw error(isNull ? "missing" : "expected a string") }
        return s
    }

    func optionalString() throws -> String? { isNull ? nil : try string() }

    func bool() throws -> Bool {
        if let n = value as? NSNumber, CFGetTypeIDIsBool(n) { return n.boolValue }
        if let b = value as? Bool { return b }
        throw error(isNull ? "missing" : "expected true or false")
    }

    func bool(default d: Bool) throws -> Bool { isNull ? d : try bool() }
    func optionalBool() throws -> Bool? { isNull ? nil : try bool() }

    func int() throws -> Int {
        if let n = value as? NSNumber, !CFGetTypeIDIsBool(n) {
            let d = n.doubleValue
            guard d.isFinite, d == d.rounded(), abs(d) < 1e15 else { throw error("expected an integer") }
            return Int(d)
        }
        throw error(isNull ? "missing" : "expected an integer")
    }

    func int(default d: Int) throws -> Int { isNull ? d : try int() }
    func optionalInt() throws -> Int? { isNull ? nil : try int() }

    func double() throws -> Double {
        if let n = value as? NSNumber, !CFGetTypeIDIsBool(n) { return n.doubleValue }
        throw error(isNull ? "missing" : "expected a number")
    }

    func optionalDouble() throws -> Double? { isNull ? nil : try double() }

    /// A single character (`replacement`, `content` of Strip).
    func character() throws -> Unicode.Scalar {
        let s = try string()
        guard s.unicodeScalars.count == 1, let c = s.unicodeScalars.first else {
            throw error("expected a single character")
        }
        return c
    }
}

/// Whether an `NSNumber` from `JSONSerialization` holds a boolean (objCType "c"; integers are "i"/"q").
@inline(__always)
func CFGetTypeIDIsBool(_ n: NSNumber) -> Bool {
    #if canImport(Darwin)
    return CFGetTypeID(n) == CFBooleanGetTypeID()
    #else
    return String(cString: n.objCType) == "c"
    #endif
}
