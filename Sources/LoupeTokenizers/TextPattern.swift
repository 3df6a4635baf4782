import Foundation

/// A split or replace pattern of a `tokenizer.json` (`{"String": …}` or `{"Regex": …}`).
///
/// The pre-tokenizer expressions of GPT-2, LLaMA 3 and Qwen2 run on hand-written scanners
/// (`PretokenizerScanner`) that give the same matches as Oniguruma; any other expression runs
/// on `NSRegularExpression` (ICU).
enum TextPattern: @unchecked Sendable {
    case literal([Unicode.Scalar])
    case scanner(PretokenizerScanner)
    case regex(NSRegularExpression)

    static func parse(_ node: JSONNode) throws -> TextPattern {
        if node.has("String") {
            let s = try node["String"].string()
            return .literal(Array(s.unicodeScalars))
        }
        if node.has("Regex") {
            return try compile(regex: try node["Regex"].string(), node: node["Regex"])
        }
        throw node.error("expected {\"String\": …} or {\"Regex\": …}")
    }

    static func compile(regex: String, node: JSONNode? = nil) throws -> TextPattern {
        if let scanner = PretokenizerScanner(pattern: regex) { return .scanner(scanner) }
        do {
            return .regex(try NSRegularExpression(pattern: regex, options: []))
        } catch {
            if let node { throw node.error("regular expression does not compile: \(regex)") }
            throw TokenizerError(file: "", key: "pattern", reason: "regular expression does not compile: \(regex)")
        }
    }

    /// Leftmost, non-overlapping matches, in scalar indices.
    func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        switch self {
        case let .literal(needle):
            guard !needle.isEmpty, needle.count <= scalars.count else { return [] }
            var out: [Range<Int>] = []
            var i = 0
            let first = needle[0]
            while i + needle.count <= scalars.count {
                if scalars[i] == first {
                    var ok = true
                    for k in 1..<needle.count where scalars[i + k] != needle[k] { ok = false; break }
                    if ok { out.append(i..<(i + needle.count)); i += needle.count; continue }
                }
                i += 1
            }
            return out
        case let .scanner(s):
            return s.matches(in: scalars)
        case let .regex(re):
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let string = String(view)
            // Map UTF-16 offsets to scalar indices.
            var utf16ToScalar = [Int](repeating: 0, count: string.utf16.count + 1)
            var u = 0
            for (i, c) in scalars.enumerated() {
                let w = c.value > 0xFFFF ? 2 : 1
                for k in 0..<w { utf16ToScalar[u + k] = i }
                u += w
            }
            utf16ToScalar[u] = scalars.count
            let ns = string as NSString
            return re.matches(in: string, options: [], range: NSRange(location: 0, length: ns.length)).compactMap { m in
                let r = m.range
                guard r.location != NSNotFound else { return nil }
                return utf16ToScalar[r.location]..<utf16ToScalar[r.location + r.length]
            }
        }
    }
}

/// Hand-written scanners for the common pre-tokenizer expressions.
struct PretokenizerScanner: Sendable {
    enum Style: Sendable { case gpt2, llama3, qwen2 }
    let style: Style

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    init(style: Style) { self.style = style }

    init?(pattern: String) {
        switch pattern {
        case Self.gpt2Pattern: style = .gpt2
        case Self.llama3Pattern: style = .llama3
        case Self.qwen2Pattern: style = .qwen2
        default: return nil
        }
    }

    func matches(in s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(s.count / 3 + 1)
        var i = 0
        let n = s.count
        while i < n {
            let end: Int
            switch style {
            case .gpt2: end = gpt2Match(s, i)
            case .llama3: end = llamaMatch(s, i, maxDigits: 3)
            case .qwen2: end = llamaMatch(s, i, maxDigits: 1)
            }
            out.append(i..<end)
            i = end
        }
        return out
    }

    @inline(__always) private func isL(_ c: Unicode.Scalar) -> Bool { UnicodeClass.isLetter(c) }
    @inline(__always) private func isN(_ c: Unicode.Scalar) -> Bool { UnicodeClass.isNumber(c) }
    @inline(__always) private func isS(_ c: Unicode.Scalar) -> Bool { UnicodeClass.isWhitespace(c) }
    @inline(__always) private func isOther(_ c: Unicode.Scalar) -> Bool { !isS(c) && !isL(c) && !isN(c) }

    /// Length of a contraction (`'s`, `'re`, …) at `i`, or 0.
    @inline(__always) private func contraction(_ s: [Unicode.Scalar], _ i: Int, caseInsensitive: Bool) -> Int {
        guard s[i] == "'", i + 1 < s.count else { return 0 }
        func low(_ c: Unicode.Scalar) -> UInt32 {
            let v = c.value
            return caseInsensitive && v >= 0x41 && v <= 0x5A ? v + 32 : v
        }
        let a = low(s[i + 1])
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return 2   // s t m d
        default: break
        }
        guard i + 2 < s.count else { return 0 }
        let b = low(s[i + 2])
        if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) { return 3 }  // re ve ll
        return 0
    }

    /// `\s+(?!\S)|\s+` at a whitespace run starting at `i`.
    @inline(__always) private func whitespaceRun(_ s: [Unicode.Scalar], _ i: Int) -> Int {
        var j = i
        while j < s.count && isS(s[j]) { j += 1 }
        if j == s.count || j - i == 1 { return j }
        return j - 1
    }

    private func gpt2Match(_ s: [Unicode.Scalar], _ i: Int) -> Int {
        let n = s.count
        let c = s[i]
        let k = contraction(s, i, caseInsensitive: false)
        if k > 0 { return i + k }
        var start = i
        if c == " " && i + 1 < n { start = i + 1 }
        let d = s[start]
        if start == i + 1 || c != " " {
            if isL(d) {
                var j = start + 1
                while j < n && isL(s[j]) { j += 1 }
                return j
            }
            if isN(d) {
                var j = start + 1
                while j < n && isN(s[j]) { j += 1 }
                return j
            }
            if isOther(d) {
                var j = start + 1
                while j < n && isOther(s[j]) { j += 1 }
                return j
            }
        }
        if isS(c) { return whitespaceRun(s, i) }
        return i + 1
    }

    private func llamaMatch(_ s: [Unicode.Scalar], _ i: Int, maxDigits: Int) -> Int {
        let n = s.count
        let c = s[i]
        let k = contraction(s, i, caseInsensitive: true)
        if k > 0 { return i + k }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if isL(c) {
            var j = i + 1
            while j < n && isL(s[j]) { j += 1 }
            return j
        }
        if c != "\r" && c != "\n" && !isN(c) && i + 1 < n && isL(s[i + 1]) {
            var j = i + 2
            while j < n && isL(s[j]) { j += 1 }
            return j
        }
        // \p{N}{1,maxDigits}
        if isN(c) {
            var j = i + 1
            while j < n && j - i < maxDigits && isN(s[j]) { j += 1 }
            return j
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var start = i
        if c == " " && i + 1 < n && isOther(s[i + 1]) { start = i + 1 }
        if isOther(s[start]) {
            var j = start + 1
            while j < n && isOther(s[j]) { j += 1 }
            while j < n && (s[j] == "\r" || s[j] == "\n") { j += 1 }
            return j
        }
        // \s*[\r\n]+
        if isS(c) {
            var j = i
            var lastNewline = -1
            while j < n && isS(s[j]) {
                if s[j] == "\r" || s[j] == "\n" { lastNewline = j }
                j += 1
            }
            if lastNewline >= 0 { return lastNewline + 1 }
            return whitespaceRun(s, i)
        }
        return i + 1
    }
}
