import Foundation

/// A pre-tokenizer of a `tokenizer.json` (`pre_tokenizer` key): splits a normalized piece into
/// words, as Hugging Face `tokenizers` does (empty pieces are dropped).
indirect enum PreTokenizer: Sendable {
    case bert
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case split(TextPattern, behavior: SplitBehavior, invert: Bool)
    case metaspace(replacement: Unicode.Scalar, prependScheme: PrependScheme, split: Bool)
    case whitespace
    case whitespaceSplit
    case punctuation(SplitBehavior)
    case digits(individual: Bool)
    case sequence([PreTokenizer])

    enum PrependScheme: String, Sendable { case first, never, always }

    func apply(_ pieces: [NormalizedText]) -> [NormalizedText] {
        var out: [NormalizedText] = []
        out.reserveCapacity(pieces.count * 4)
        for p in pieces { apply(p, into: &out) }
        return out
    }

    private func splitByClass(_ p: NormalizedText, _ behavior: SplitBehavior, _ isDelimiter: (Unicode.Scalar) -> Bool) -> [NormalizedText] {
        var matches: [Range<Int>] = []
        for (i, c) in p.scalars.enumerated() where isDelimiter(c) { matches.append(i..<(i + 1)) }
        if matches.isEmpty { return [p] }
        return p.split(coverPieces(matches: matches, length: p.count), behavior: behavior)
    }

    func apply(_ piece: NormalizedText, into out: inout [NormalizedText]) {
        switch self {
        case .bert:
            for w in splitByClass(piece, .removed, UnicodeClass.isWhitespace) {
                out.append(contentsOf: splitByClass(w, .isolated, UnicodeClass.isBertPunctuation))
            }
        case let .byteLevel(addPrefixSpace, useRegex):
            var p = piece
            if addPrefixSpace && p.scalars.first != " " { p.prepend([" "]) }
            let words: [NormalizedText]
            if useRegex {
                let m = PretokenizerScanner(style: .gpt2).matches(in: p.scalars)
                words = m.count == 1 ? [p] : p.split(coverPieces(matches: m, length: p.count), behavior: .isolated)
            } else {
                words = [p]
            }
            for w in words where !w.isEmpty { out.append(ByteLevelAlphabet.encode(w)) }
        case let .split(pattern, behavior, invert):
            let m = pattern.matches(in: piece.scalars)
            var pieces = coverPieces(matches: m, length: piece.count)
            if invert { pieces = pieces.map { ($0.0, !$0.1) } }
            out.append(contentsOf: piece.split(pieces, behavior: behavior))
        case let .metaspace(replacement, scheme, split):
            var p = piece
            if p.scalars.contains(" ") {
                let m = p.scalars.indices.filter { p.scalars[$0] == " " }.map { $0..<($0 + 1) }
                p.replace(matches: m, with: [replacement])
            }
            switch scheme {
            case .always:
                if p.scalars.first != replacement { p.prepend([replacement]) }
            case .first:
                if p.scalars.first != replacement && p.originStart == 0 && !p.isEmpty && p.starts[0] == 0 {
                    p.prepend([replacement])
                }
            case .never: break
            }
            if split {
                out.append(contentsOf: splitByClass(p, .mergedWithNext) { $0 == replacement })
            } else if !p.isEmpty {
                out.append(p)
            }
        case .whitespace:
            // \w+|[^\w\s]+
            var matches: [Range<Int>] = []
            let s = piece.scalars
            var i = 0
            while i < s.count {
                if UnicodeClass.isWord(s[i]) {
                    var j = i + 1
                    while j < s.count && UnicodeClass.isWord(s[j]) { j += 1 }
                    matches.append(i..<j); i = j
                } else if !UnicodeClass.isWhitespace(s[i]) {
                    var j = i + 1
                    while j < s.count && !UnicodeClass.isWord(s[j]) && !UnicodeClass.isWhitespace(s[j]) { j += 1 }
                    matches.append(i..<j); i = j
                } else {
                    i += 1
                }
            }
            let pieces = coverPieces(matches: matches, length: piece.count).map { ($0.0, !$0.1) }
            out.append(contentsOf: piece.split(pieces, behavior: .removed))
        case .whitespaceSplit:
            out.append(contentsOf: splitByClass(piece, .removed, UnicodeClass.isWhitespace))
        case let .punctuation(behavior):
            out.append(contentsOf: splitByClass(piece, behavior, UnicodeClass.isBertPunctuation))
        case let .digits(individual):
            out.append(contentsOf: splitByClass(piece, individual ? .isolated : .contiguous, UnicodeClass.isNumeric))
        case let .sequence(list):
            var current = [piece]
            for pt in list { current = pt.apply(current) }
            out.append(contentsOf: current)
        }
    }
}

extension UnicodeClass {
    /// Rust `char::is_numeric` (N*), used by the Digits pre-tokenizer.
    static func isNumeric(_ c: Unicode.Scalar) -> Bool { isNumber(c) }
}

extension ByteLevelAlphabet {
    /// Replaces each scalar by the characters of its UTF-8 bytes; all of them keep that scalar's alignment.
    static func encode(_ p: NormalizedText) -> NormalizedText {
        var scalars: [Unicode.Scalar] = []
        var starts: [Int] = []
        var ends: [Int] = []
        scalars.reserveCapacity(p.count + 4)
        starts.reserveCapacity(p.count + 4)
        ends.reserveCapacity(p.count + 4)
        for (i, c) in p.scalars.enumerated() {
            let s = p.starts[i], e = p.ends[i]
            let v = c.value
            if v < 0x80 {
                scalars.append(byteToScalar[Int(v)]); starts.append(s); ends.append(e)
            } else {
                for b in String(Character(c)).utf8 {
                    scalars.append(byteToScalar[Int(b)]); starts.append(s); ends.append(e)
                }
            }
        }
        return NormalizedText(scalars: scalars, starts: starts, ends: ends, originStart: p.originStart)
    }
}

extension PreTokenizer {
    static func parse(_ node: JSONNode) throws -> PreTokenizer? {
        if node.isNull { return nil }
        let type = try node["type"].string()
        switch type {
        case "BertPreTokenizer": return .bert
        case "ByteLevel":
            return .byteLevel(addPrefixSpace: try node["add_prefix_space"].bool(default: true),
                              useRegex: try node["use_regex"].bool(default: true))
        case "Split":
            let behaviorName = try node["behavior"].string()
            guard let behavior = SplitBehavior(rawValue: behaviorName) else {
                throw node["behavior"].error("unknown split behavior \"\(behaviorName)\"")
            }
            return .split(try TextPattern.parse(node["pattern"]), behavior: behavior, invert: try node["invert"].bool(default: false))
        case "Metaspace":
            let replacement = try node["replacement"].character()
            var scheme = PrependScheme.always
            if node.has("prepend_scheme") {
                let name = try node["prepend_scheme"].string()
                guard let s = PrependScheme(rawValue: name) else {
                    throw node["prepend_scheme"].error("unknown prepend scheme \"\(name)\"")
                }
                scheme = s
            } else if node.has("add_prefix_space") {
                scheme = try node["add_prefix_space"].bool() ? .always : .never
            }
            return .metaspace(replacement: replacement, prependScheme: scheme, split: try node["split"].bool(default: true))
        case "Whitespace": return .whitespace
        case "WhitespaceSplit": return .whitespaceSplit
        case "Punctuation":
            let name = try node["behavior"].optionalString() ?? "Isolated"
            guard let b = SplitBehavior(rawValue: name) else { throw node["behavior"].error("unknown split behavior \"\(name)\"") }
            return .punctuation(b)
        case "Digits": return .digits(individual: try node["individual_digits"].bool(default: false))
        case "Sequence":
            return .sequence(try node["pretokenizers"].array().compactMap { try PreTokenizer.parse($0) })
        default:
            throw node["type"].error("unknown pre-tokenizer type \"\(type)\"")
        }
    }
}
