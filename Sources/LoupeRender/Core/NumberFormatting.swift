import Foundation

/// Short number labels for cells, ticks and terminal output.
enum NumberFormatting {
    /// About three significant digits, trailing zeros dropped: `0.84`, `−0.031`, `12.5`,
    /// `0.5`, `1.2e-05`, `0`.
    /// Uses the typographic minus sign (U+2212) unless `ascii` is set.
    static func compact(_ value: Double, ascii: Bool = false, signed: Bool = false) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let a = abs(value)
        var body: String
        if a == 0 {
            return "0"
        } else if a >= 1e5 || a < 1e-3 {
            body = String(format: "%.1e", a)
        } else if a >= 100 {
            body = String(format: "%.0f", a)
        } else if a >= 10 {
            body = String(format: "%.1f", a)
        } else if a >= 0.1 {
            body = String(format: "%.2f", a)
        } else {
            body = String(format: "%.3f", a)
        }
        if body.contains("."), !body.contains("e") {
            while body.hasSuffix("0") { body.removeLast() }
            if body.hasSuffix(".") { body.removeLast() }
        }
        if body.allSatisfy({ $0 == "0" || $0 == "." }) { return "0" }
        let minus = ascii ? "-" : "\u{2212}"
        if value < 0 { body = minus + body } else if signed { body = "+" + body }
        return body
    }

    /// A fixed number of decimals, with the typographic minus sign.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return compact(value) }
        let s = String(format: "%.\(decimals)f", value)
        return s.hasPrefix("-") ? "\u{2212}" + s.dropFirst() : s
    }
}
