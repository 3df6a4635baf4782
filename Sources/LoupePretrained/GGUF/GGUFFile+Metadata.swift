/// Typed reads of GGUF metadata. A missing key or a value of the wrong type throws
/// ``PretrainedError/badConfig(file:key:detail:)`` naming the file and the key; the
/// `…IfPresent` variants return `nil` for a missing key and still throw for a mistyped one.
extension GGUFFile {
    /// `general.architecture` (`llama`, `qwen2`, `gpt2`, …).
    public var architecture: String {
        get throws { try string("general.architecture") }
    }

    private func required<T>(_ key: String, _ value: T?) throws -> T {
        guard let value else { throw PretrainedError.badConfig(file: fileName, key: key, detail: "missing") }
        return value
    }

    private func mistyped(_ key: String, _ value: GGUFValue, expected: String) -> PretrainedError {
        let found: String
        if case .array(let a) = value { found = "an array of \(a.count) \(a.elementType)" } else { found = "\(value.type) \(value)" }
        return PretrainedError.badConfig(file: fileName, key: key, detail: "expected \(expected), found \(found)")
    }

    /// The string at `key`, or `nil` when absent.
    public func stringIfPresent(_ key: String) throws -> String? {
        guard let value = metadata[key] else { return nil }
        guard case .string(let s) = value else { throw mistyped(key, value, expected: "a string") }
        return s
    }

    /// The integer at `key` (any integer type that fits an `Int`), or `nil` when absent.
    public func integerIfPresent(_ key: String) throws -> Int? {
        guard let value = metadata[key] else { return nil }
        guard let i = value.integerValue else { throw mistyped(key, value, expected: "an integer") }
        return i
    }

    /// The number at `key` (f32, f64, or an integer), or `nil` when absent.
    public func floatIfPresent(_ key: String) throws -> Double? {
        guard let value = metadata[key] else { return nil }
        guard let f = value.floatValue else { throw mistyped(key, value, expected: "a number") }
        return f
    }

    /// The bool at `key`, or `nil` when absent.
    public func boolIfPresent(_ key: String) throws -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard case .bool(let b) = value else { throw mistyped(key, value, expected: "a bool") }
        return b
    }

    /// The array at `key`, or `nil` when absent.
    public func arrayIfPresent(_ key: String) throws -> GGUFArray? {
        guard let value = metadata[key] else { return nil }
        guard case .array(let a) = value else { throw mistyped(key, value, expected: "an array") }
        return a
    }

    /// The string array at `key` (e.g. `tokenizer.ggml.tokens`), or `nil` when absent; every
    /// element must be valid UTF-8.
    public func stringArrayIfPresent(_ key: String) throws -> [String]? {
        guard let array = try arrayIfPresent(key) else { return nil }
        let (strings, bad) = array.strings()
        if let bad {
            throw PretrainedError.badConfig(file: fileName, key: key, detail: "element \(bad) is not valid UTF-8")
        }
        guard let strings else { throw mistyped(key, .array(array), expected: "an array of strings") }
        return strings
    }

    /// The integer array at `key` (e.g. `tokenizer.ggml.token_type`), or `nil` when absent.
    public func integerArrayIfPresent(_ key: String) throws -> [Int]? {
        guard let array = try arrayIfPresent(key) else { return nil }
        guard let integers = array.integers() else { throw mistyped(key, .array(array), expected: "an array of integers") }
        return integers
    }

    /// The number array at `key` (e.g. `tokenizer.ggml.scores`), or `nil` when absent.
    public func floatArrayIfPresent(_ key: String) throws -> [Double]? {
        guard let array = try arrayIfPresent(key) else { return nil }
        guard let floats = array.floats() else { throw mistyped(key, .array(array), expected: "an array of numbers") }
        return floats
    }

    /// The string at `key`.
    public func string(_ key: String) throws -> String { try required(key, stringIfPresent(key)) }
    /// The integer at `key`.
    public func integer(_ key: String) throws -> Int { try required(key, integerIfPresent(key)) }
    /// The number at `key`.
    public func float(_ key: String) throws -> Double { try required(key, floatIfPresent(key)) }
    /// The bool at `key`.
    public func bool(_ key: String) throws -> Bool { try required(key, boolIfPresent(key)) }
    /// The array at `key`.
    public func array(_ key: String) throws -> GGUFArray { try required(key, arrayIfPresent(key)) }
    /// The string array at `key`.
    public func stringArray(_ key: String) throws -> [String] { try required(key, stringArrayIfPresent(key)) }
    /// The integer array at `key`.
    public func integerArray(_ key: String) throws -> [Int] { try required(key, integerArrayIfPresent(key)) }
    /// The number array at `key`.
    public func floatArray(_ key: String) throws -> [Double] { try required(key, floatArrayIfPresent(key)) }
}
