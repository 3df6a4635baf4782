import Foundation

/// A text normalizer of a `tokenizer.json` (`normalizer` key), as Hugging Face `tokenizers`
/// defines them: each keeps the alignment of every normalized scalar to the original text.
indirect enum Normalizer: Sendable {
    case bert(cleanText: Bool, handleChineseChars: Bool, stripAccents: Bool?, lowercase: Bool)
    case form(UnicodeFormName)
    case lowercase
    case strip(left: Bool, right: Bool)
    case stripAccents
    case replace(TextPattern, content: [Unicode.Scalar])
    case prepend([Unicode.Scalar])
    case sequence([Normalizer])
    /// SentencePiece's precompiled character map is not supported; kept so the type loads when empty.
    case identity

    enum UnicodeFormName: String, Sendable { case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD" }

    func apply(_ text: inout NormalizedText) {
        switch self {
        case let .bert(cleanText, handleChinese, stripAccents, lowercase):
            if cleanText {
                text.filter { c in !(c.value == 0 || c.value == 0xFFFD || UnicodeClass.isBertControl(c)) }
                text.map { UnicodeClass.isBertWhitespace($0) ? " " : $0 }
            }
            if handleChinese, text.scalars.contains(where: UnicodeClass.isChineseChar) {
                var dest: [(Unicode.Scalar, Int)] = []
                dest.reserveCapacity(text.count + 16)
                for c in text.scalars {
                    if UnicodeClass.isChineseChar(c) {
                        dest.append((" ", 0)); dest.append((c, 1)); dest.append((" ", 1))
                    } else {
                        dest.append((c, 0))
                    }
                }
                text.transform(dest)
            }
            if stripAccents ?? lowercase {
                UnicodeForm.apply(.nfd, to: &text)
                text.filter { $0.properties.generalCategory != .nonspacingMark }
            }
            if lowercase { Normalizer.lowercase.apply(&text) }
        case let .form(name):
            switch name {
            case .nfc: UnicodeForm.apply(.nfc, to: &text)
            case .nfd: UnicodeForm.apply(.nfd, to: &text)
            case .nfkc: UnicodeForm.apply(.nfkc, to: &text)
            case .nfkd: UnicodeForm.apply(.nfkd, to: &text)
            }
        case .lowercase:
            var changed = false
            var dest: [(Unicode.Scalar, Int)] = []
            dest.reserveCapacity(text.count)
            for c in text.scalars {
                if let lower = UnicodeClass.lowercase(c) {
                    changed = true
                    for (i, l) in lower.enumerated() { dest.append((l, i == 0 ? 0 : 1)) }
                } else {
                    dest.append((c, 0))
                }
            }
            if changed { text.transform(dest) }
        case let .strip(left, right):
            text.strip(left: left, right: right)
        case .stripAccents:
            // `is_combining_mark`: every mark (Mn, Mc, Me), unlike BertNormalizer's Mn only.
            text.filter { !UnicodeClass.isMark($0) }
        case let .replace(pattern, content):
            let matches = pattern.matches(in: text.scalars).filter { !$0.isEmpty }
            if !matches.isEmpty { text.replace(matches: matches, with: content) }
        case let .prepend(s):
            text.prepend(s)
        case let .sequence(list):
            for n in list { n.apply(&text) }
        case .identity:
            break
        }
    }

    /// Normalizes a plain string (for added tokens marked `normalized`).
    func normalize(_ s: String) -> String {
        var t = NormalizedText(original: Array(s.unicodeScalars))
        apply(&t)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: t.scalars)
        return String(view)
    }
}

extension Normalizer {
    static func parse(_ node: JSONNode) throws -> Normalizer? {
        if node.isNull { return nil }
        let type = try node["type"].string()
        switch type {
        case "BertNormalizer":
            return .bert(cleanText: try node["clean_text"].bool(default: true),
                         handleChineseChars: try node["handle_chinese_chars"].bool(default: true),
                         stripAccents: try node["strip_accents"].optionalBool(),
                         lowercase: try node["lowercase"].bool(default: true))
        case "NFC", "NFD", "NFKC", "NFKD":
            return .form(UnicodeFormName(rawValue: type)!)
        case "Lowercase": return .lowercase
        case "Strip":
            return .strip(left: try node["strip_left"].bool(default: true), right: try node["strip_right"].bool(default: true))
        case "StripAccents": return .stripAccents
        case "Replace":
            return .replace(try TextPattern.parse(node["pattern"]), content: Array(try node["content"].string().unicodeScalars))
        case "Prepend":
            return .prepend(Array(try node["prepend"].string().unicodeScalars))
        case "Sequence":
            return .sequence(try node["normalizers"].array().compactMap { try Normalizer.parse($0) })
        case "Precompiled":
            let map = try node["precompiled_charsmap"].optionalString() ?? ""
            if map.isEmpty { return .identity }
            throw node["type"].error("normalizer type Precompiled (SentencePiece charsmap) is not supported")
        default:
            throw node["type"].error("unknown normalizer type \"\(type)\"")
        }
    }
}
