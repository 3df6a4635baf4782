import Foundation

/// A post-processor of a `tokenizer.json` (`post_processor` key): adds the special tokens of the
/// model's template and adjusts offsets, as Hugging Face `tokenizers` does for a single sequence.
indirect enum PostProcessor: Sendable {
    enum Piece: Sendable {
        case sequence
        case special([(id: Int, token: String)])
    }

    case template([Piece])
    case bert(cls: (String, Int), sep: (String, Int))
    case roberta(cls: (String, Int), sep: (String, Int), trimOffsets: Bool, addPrefixSpace: Bool)
    case byteLevel(trimOffsets: Bool, addPrefixSpace: Bool)
    case sequence([PostProcessor])

    func process(_ tokens: [EncodedToken], addSpecialTokens: Bool) -> [EncodedToken] {
        switch self {
        case let .template(pieces):
            guard addSpecialTokens else { return tokens }
            var out: [EncodedToken] = []
            for p in pieces {
                switch p {
                case .sequence: out.append(contentsOf: tokens)
                case let .special(list):
                    for t in list { out.append(EncodedToken(id: t.id, text: t.token, start: nil, end: nil, isSpecial: true)) }
                }
            }
            return out
        case let .bert(cls, sep):
            guard addSpecialTokens else { return tokens }
            return [EncodedToken(id: cls.1, text: cls.0, start: nil, end: nil, isSpecial: true)] + tokens
                + [EncodedToken(id: sep.1, text: sep.0, start: nil, end: nil, isSpecial: true)]
        case let .roberta(cls, sep, trim, prefix):
            let t = trim ? PostProcessor.trimByteLevelOffsets(tokens, addPrefixSpace: prefix) : tokens
            guard addSpecialTokens else { return t }
            return [EncodedToken(id: cls.1, text: cls.0, start: nil, end: nil, isSpecial: true)] + t
                + [EncodedToken(id: sep.1, text: sep.0, start: nil, end: nil, isSpecial: true)]
        case let .byteLevel(trim, prefix):
            return trim ? PostProcessor.trimByteLevelOffsets(tokens, addPrefixSpace: prefix) : tokens
        case let .sequence(list):
            var t = tokens
            for p in list { t = p.process(t, addSpecialTokens: addSpecialTokens) }
            return t
        }
    }

    /// Moves offsets past the spaces (`Ġ`) a byte-level token starts or ends with (HF `process_offsets`).
    static func trimByteLevelOffsets(_ tokens: [EncodedToken], addPrefixSpace: Bool) -> [EncodedToken] {
        let space = ByteLevelAlphabet.byteToScalar[0x20]
        var out = tokens
        for (i, t) in tokens.enumerated() {
            guard var s = t.start, var e = t.end else { continue }
            let scalars = Array(t.text.unicodeScalars)
            let isSpace = { (c: Unicode.Scalar) in c == space || UnicodeClass.isWhitespace(c) }
            var leading = 0
            while leading < scalars.count && isSpace(scalars[leading]) { leading += 1 }
            var trailing = 0
            while trailing < scalars.count && isSpace(scalars[scalars.count - 1 - trailing]) { trailing += 1 }
            guard leading > 0 || trailing > 0 else { continue }
            if leading > 0 {
                let isFirst = i == 0 || s == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                s = min(s + leading, e)
            }
            if trailing > 0 && e >= trailing { e = max(e - trailing, s) }
            out[i].start = s
            out[i].end = e
        }
        return out
    }
}

extension PostProcessor {
    static func parse(_ node: JSONNode) throws -> PostProcessor? {
        if node.isNull { return nil }
        let type = try node["type"].string()
        func pair(_ n: JSONNode) throws -> (String, Int) {
            let a = try n.array()
            guard a.count == 2 else { throw n.error("expected [token, id]") }
            return (try a[0].string(), try a[1].int())
        }
        switch type {
        case "TemplateProcessing":
            let specials = try node["special_tokens"].object()
            var table: [String: [(id: Int, token: String)]] = [:]
            for (name, s) in specials {
                let ids = try s["ids"].array().map { try $0.int() }
                let toks = try s["tokens"].array().map { try $0.string() }
                guard ids.count == toks.count else { throw s.error("ids and tokens differ in length") }
                table[name] = zip(ids, toks).map { (id: $0, token: $1) }
            }
            var pieces: [Piece] = []
            for item in try node["single"].array() {
                if item.has("Sequence") {
                    pieces.append(.sequence)
                } else if item.has("SpecialToken") {
                    let id = try item["SpecialToken"]["id"].string()
                    guard let list = table[id] else { throw item["SpecialToken"]["id"].error("special token \"\(id)\" not in special_tokens") }
                    pieces.append(.special(list))
                } else {
                    throw item.error("expected Sequence or SpecialToken")
                }
            }
            return .template(pieces)
        case "BertProcessing":
            return .bert(cls: try pair(node["cls"]), sep: try pair(node["sep"]))
        case "RobertaProcessing":
            return .roberta(cls: try pair(node["cls"]), sep: try pair(node["sep"]),
                            trimOffsets: try node["trim_offsets"].bool(default: true),
                            addPrefixSpace: try node["add_prefix_space"].bool(default: true))
        case "ByteLevel":
            return .byteLevel(trimOffsets: try node["trim_offsets"].bool(default: true),
                              addPrefixSpace: try node["add_prefix_space"].bool(default: true))
        case "Sequence":
            return .sequence(try node["processors"].array().compactMap { try PostProcessor.parse($0) })
        default:
            throw node["type"].error("unknown post-processor type \"\(type)\"")
        }
    }
}
