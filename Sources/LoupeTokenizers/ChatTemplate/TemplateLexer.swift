/// One token of a template, with its 1-based line and column.
struct TemplateToken: Equatable {
    enum Kind: Equatable {
        /// Literal text between tags, after whitespace control.
        case data(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int
}

/// Splits a template into tokens as Jinja2's lexer does with `trim_blocks=True` and
/// `lstrip_blocks=True` (jinja2/lexer.py): newlines normalised to `\n`, one trailing newline
/// dropped, `-` and `+` whitespace control, `{# #}` comments, `{% raw %}`.
struct TemplateLexer {
    private let src: [Unicode.Scalar]
    private var lineStarts: [Int] = [0]
    private var tokens: [TemplateToken] = []
    private var lineStarting = true

    static let operators = ["//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")",
                            "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"]

    init(_ source: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousCR = false
        for scalar in source.unicodeScalars {
            if scalar == "\r" { scalars.append("\n"); previousCR = true; continue }
            if scalar == "\n", previousCR { previousCR = false; continue }
            previousCR = false
            scalars.append(scalar)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        src = scalars
        for (i, scalar) in src.enumerated() where scalar == "\n" { lineStarts.append(i + 1) }
    }

    /// All tokens, ending with `.end`.
    static func tokenize(_ source: String) throws -> [TemplateToken] {
        var lexer = TemplateLexer(source)
        try lexer.run()
        return lexer.tokens
    }

    private func location(_ pos: Int) -> (Int, Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= pos { lo = mid } else { hi = mid - 1 }
        }
        return (lo + 1, pos - lineStarts[lo] + 1)
    }

    private func error(_ message: String, at pos: Int) -> ChatTemplateError {
        let (line, column) = location(pos)
        return ChatTemplateError(kind: .syntax, message: message, line: line, column: column)
    }

    private mutating func emit(_ kind: TemplateToken.Kind, at pos: Int) {
        let (line, column) = location(pos)
        tokens.append(TemplateToken(kind: kind, line: line, column: column))
    }

    private func text(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: src[range])
        return String(view)
    }

    private func starts(with word: String, at pos: Int) -> Bool {
        var i = pos
        for scalar in word.unicodeScalars {
            guard i < src.count, src[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private func skipSpace(_ pos: Int) -> Int {
        var i = pos
        while i < src.count, PythonString.isSpace(src[i]) { i += 1 }
        return i
    }

    /// Applies `{%-` / lstrip_blocks to the text before a tag.
    private func stripText(_ range: Range<Int>, sign: Unicode.Scalar?, isVariable: Bool) -> Range<Int> {
        if sign == "-" {
            var hi = range.upperBound
            while hi > range.lowerBound, PythonString.isSpace(src[hi - 1]) { hi -= 1 }
            return range.lowerBound..<hi
        }
        guard sign != "+", !isVariable else { return range }
        var lineStart = range.lowerBound
        if let newline = src[range].lastIndex(of: "\n") { lineStart = newline + 1 }
        guard lineStart > range.lowerBound || lineStarting else { return range }
        if src[lineStart..<range.upperBound].allSatisfy({ PythonString.isSpace($0) }) {
            return range.lowerBound..<lineStart
        }
        return range
    }

    private mutating func run() throws {
        var pos = 0
        while pos < src.count {
            var k = pos
            while k + 1 < src.count, !(src[k] == "{" && ["{", "%", "#"].contains(src[k + 1])) { k += 1 }
            if k + 1 >= src.count {
                emit(.data(text(pos..<src.count)), at: pos)
                break
            }
            let kind = src[k + 1]
            var p = k + 2
            var sign: Unicode.Scalar?
            if p < src.count, src[p] == "-" || src[p] == "+" { sign = src[p]; p += 1 }
            let kept = stripText(pos..<k, sign: sign, isVariable: kind == "{")
            if !kept.isEmpty { emit(.data(text(kept)), at: kept.lowerBound) }
            lineStarting = false
            if kind == "#" {
                pos = try comment(from: p, tagStart: k)
            } else if kind == "%", let afterRaw = rawStart(p) {
                pos = try raw(from: afterRaw, tagStart: k)
            } else {
                pos = try tag(from: p, tagStart: k, isVariable: kind == "{")
            }
        }
        emit(.end, at: src.count)
    }

    /// The end of a block-closing `%}` / `#}` at `i` (with its sign), trim_blocks applied.
    private func closing(_ i: Int, _ close: String) -> Int? {
        if starts(with: "+" + close, at: i) { return i + 3 }
        if starts(with: "-" + close, at: i) { return skipSpace(i + 3) }
        if starts(with: close, at: i) {
            let end = i + 2
            return end < src.count && src[end] == "\n" ? end + 1 : end
        }
        return nil
    }

    private mutating func comment(from start: Int, tagStart: Int) throws -> Int {
        var i = start
        while i < src.count {
            if let end = closing(i, "#}") {
                lineStarting = src[end - 1] == "\n"
                return end
            }
            i += 1
        }
        throw error("Missing end of comment tag", at: tagStart)
    }

    /// After `{%` and its sign: the position past `raw %}` when this tag opens a raw block.
    private func rawStart(_ p: Int) -> Int? {
        var i = skipSpace(p)
        guard starts(with: "raw", at: i) else { return nil }
        i = skipSpace(i + 3)
        if starts(with: "-%}", at: i) { return skipSpace(i + 3) }
        if starts(with: "%}", at: i) { return i + 2 }
        return nil
    }

    private mutating func raw(from start: Int, tagStart: Int) throws -> Int {
        var i = start
        while i + 1 < src.count {
            if src[i] == "{", src[i + 1] == "%" {
                var p = i + 2
                var sign: Unicode.Scalar?
                if p < src.count, src[p] == "-" || src[p] == "+" { sign = src[p]; p += 1 }
                p = skipSpace(p)
                if starts(with: "endraw", at: p), let end = closing(skipSpace(p + 6), "%}") {
                    let kept = stripText(start..<i, sign: sign, isVariable: false)
                    if !kept.isEmpty { emit(.data(text(kept)), at: kept.lowerBound) }
                    lineStarting = src[end - 1] == "\n"
                    return end
                }
            }
            i += 1
        }
        throw error("Missing end of raw directive", at: tagStart)
    }

    private mutating func tag(from start: Int, tagStart: Int, isVariable: Bool) throws -> Int {
        emit(isVariable ? .variableBegin : .blockBegin, at: tagStart)
        var i = start
        var balance: [Unicode.Scalar] = []
        while true {
            i = skipSpace(i)
            guard i < src.count else { throw error("unexpected end of template", at: src.count) }
            if balance.isEmpty {
                if isVariable {
                    if starts(with: "-}}", at: i) {
                        emit(.variableEnd, at: i)
                        let end = skipSpace(i + 3)
                        lineStarting = src[end - 1] == "\n"
                        return end
                    }
                    if starts(with: "}}", at: i) {
                        emit(.variableEnd, at: i)
                        return i + 2
                    }
                } else if let end = closing(i, "%}") {
                    emit(.blockEnd, at: i)
                    lineStarting = src[end - 1] == "\n"
                    return end
                }
            }
            i = try token(at: i, balance: &balance)
        }
    }

    private mutating func token(at i: Int, balance: inout [Unicode.Scalar]) throws -> Int {
        let c = src[i]
        if c == "'" || c == "\"" { return try string(at: i) }
        if c.properties.numericType != nil, ("0"..."9").contains(c) { return try number(at: i) }
        if c == "_" || c.properties.isXIDStart {
            var j = i + 1
            while j < src.count, src[j] == "_" || src[j].properties.isXIDContinue { j += 1 }
            emit(.name(text(i..<j)), at: i)
            return j
        }
        for op in TemplateLexer.operators where starts(with: op, at: i) {
            switch op {
            case "(": balance.append(")")
            case "[": balance.append("]")
            case "{": balance.append("}")
            case ")", "]", "}":
                guard let expected = balance.popLast() else { throw error("unexpected '\(op)'", at: i) }
                if String(expected) != op { throw error("unexpected '\(op)', expected '\(expected)'", at: i) }
            default: break
            }
            emit(.op(op), at: i)
            return i + op.unicodeScalars.count
        }
        throw error("unexpected char '\(c)'", at: i)
    }

    private mutating func number(at i: Int) throws -> Int {
        let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        var j = i
        func digits() { while j < src.count, isDigit(src[j]) || (src[j] == "_" && j + 1 < src.count && isDigit(src[j + 1])) { j += 1 } }
        digits()
        var isFloat = false
        let afterDot = i > 0 && src[i - 1] == "."
        if !afterDot {
            if j + 1 < src.count, src[j] == ".", isDigit(src[j + 1]) { isFloat = true; j += 1; digits() }
            if j < src.count, src[j] == "e" || src[j] == "E" {
                var e = j + 1
                if e < src.count, src[e] == "+" || src[e] == "-" { e += 1 }
                if e < src.count, isDigit(src[e]) { isFloat = true; j = e; digits() }
            }
        }
        let literal = text(i..<j).replacingOccurrences(of: "_", with: "")
        if isFloat {
            guard let v = Double(literal) else { throw error("invalid number '\(literal)'", at: i) }
            emit(.float(v), at: i)
        } else {
            guard let v = Int(literal) else { throw error("integer '\(literal)' is too large", at: i) }
            emit(.integer(v), at: i)
        }
        return j
    }

    /// A string literal, unescaped as Python's `unicode-escape` codec does (Jinja2's lexer).
    private mutating func string(at start: Int) throws -> Int {
        let quote = src[start]
        var out = String.UnicodeScalarView()
        var i = start + 1
        func hex(_ count: Int) -> Unicode.Scalar? {
            guard i + count <= src.count, let v = UInt32(text(i..<(i + count)), radix: 16) else { return nil }
            return Unicode.Scalar(v)
        }
        while true {
            guard i < src.count else { throw error("unexpected end of string", at: start) }
            let c = src[i]
            if c == quote { i += 1; break }
            if c != "\\" { out.append(c); i += 1; continue }
            guard i + 1 < src.count else { throw error("unexpected end of string", at: start) }
            let e = src[i + 1]
            i += 2
            switch e {
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\n": break
            case "x", "u", "U":
                let count = e == "x" ? 2 : e == "u" ? 4 : 8
                guard let scalar = hex(count) else { throw error("invalid \\\(e) escape in string", at: i - 2) }
                out.append(scalar)
                i += count
            case "0"..."7":
                var value = e.value - 48
                var n = 1
                while n < 3, i < src.count, ("0"..."7").contains(src[i]) { value = value * 8 + src[i].value - 48; i += 1; n += 1 }
                out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default:
                out.append("\\")
                out.append(e)
            }
        }
        emit(.string(String(out)), at: start)
        return i
    }
}
