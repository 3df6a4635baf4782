import ArgumentParser

/// Comma-separated option values.
enum ListParsing {
    /// `"1.5,-2,3"` → numbers; a validation error names the option and the bad element.
    static func numbers(_ text: String, option: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.map { part in
            guard let value = Double(part), value.isFinite else {
                throw ValidationError("\(option): '\(part)' is not a number (expected comma-separated numbers)")
            }
            return value
        }
    }

    /// `"0,2,5"` → non-negative integers.
    static func indices(_ text: String, option: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { raw in
            let part = raw.trimmingCharacters(in: .whitespaces)
            guard let value = Int(part), value >= 0 else {
                throw ValidationError("\(option): '\(part)' is not a dimension index (expected e.g. 0,2,5)")
            }
            return value
        }
    }
}
