import Foundation

/// A decoder of a `tokenizer.json` (`decoder` key): turns token strings back into text, as
/// Hugging Face `tokenizers`' `decode_chain` (each decoder maps the list of token strings).
indirect enum Decoder: Sendable {
    case wordPiece(prefix: String, cleanup: Bool)
    case byteLevel
    case metaspace(replacement: Unicode.Scalar, prependScheme: PreTokenizer.PrependScheme)
    case bpe(suffix: String)
    case byteFallback
    case fuse
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    case replace(TextPattern, content: String)
    case sequence([Decoder])

    func decode(_ tokens: [String]) -> String { chain(tokens).joined() }

    static func cleanup(_ s: String) -> String {
        s.replacingOccurrences(of: " .", with: ".")
            .replacingOccurrences(of: " ?", with: "?")
            .replacingOccurrences(of: " !", with: "!")
            .replacingOccurrences(of: " ,", with: ",")
            .replacingOccurrences(of: " ' ", with: "'")
            .replacingOccurrences(of: " n't", with: "n't")
            .replacingOccurrences(of: " 'm", with: "'m")
            .replacingOccurrences(of: " do not", with: " don't")
            .replacingOccurrences(of: " 's", with: "'s")
            .replacingOccurrences(of: " 've", with: "'ve")
            .replacingOccurrences(of: " 're", with: "'re")
    }

    func chain(_ tokens: [String]) -> [String] {
        switch self {
        case let .wordPiece(prefix, cleanup):
            return tokens.enumerated().map { i, t in
                var token = t
                if i != 0 {
                    if token.hasScalarPrefix(prefix) { token = token.droppingScalars(prefix.unicodeScalars.count) } else { token = " " + token }
                }
                return cleanup ? Decoder.cleanup(token) : token
            }
        case .byteLevel:
            var bytes: [UInt8] = []
            for t in tokens {
                var mapped: [UInt8] = []
                var ok = true
                for c in t.unicodeScalars {
                    guard let b = ByteLevelAlphabet.scalarToByte[c.value] else { ok = false; break }
                    mapped.append(b)
                }
                bytes.append(contentsOf: ok ? mapped : Array(t.utf8))
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case let .metaspace(replacement, scheme):
            return tokens.enumerated().map { i, t in
                var v = String.UnicodeScalarView()
                for c in t.unicodeScalars {
                    if c == replacement {
                        if !(i == 0 && scheme != .never) { v.append(" ") }
                    } else {
                        v.append(c)
                    }
                }
                return String(v)
            }
        case let .bpe(suffix):
            return tokens.enumerated().map { i, t in
                t.replacingOccurrences(of: suffix, with: i == tokens.count - 1 ? "" : " ")
            }
        case .byteFallback:
            var out: [String] = []
            var pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if let s = String(validating: pending, as: UTF8.self) {
                    out.append(s)
                } else {
                    out.append(contentsOf: Array(repeating: "\u{FFFD}", count: pending.count))
                }
                pending.removeAll()
            }
            for t in tokens {
                if let b = Decoder.byteToken(t) { pending.append(b) } else { flush(); out.append(t) }
            }
            flush()
            return out
        case .fuse:
            return [tokens.joined()]
        case let .strip(content, start, stop):
            return tokens.map { t in
                var s = Array(t.unicodeScalars)
                var a = 0
                while a < start && a < s.count && s[a] == content { a += 1 }
                var b = 0
                while b < stop && b < s.count - a && s[s.count - 1 - b] == content { b += 1 }
                s = Array(s[a..<(s.count - b)])
                return makeString(s)
            }
        case let .replace(pattern, content):
            return tokens.map { t in
                let s = Array(t.unicodeScalars)
                let m = pattern.matches(in: s).filter { !$0.isEmpty }
                if m.isEmpty { return t }
                var out = String.UnicodeScalarView()
                var prev = 0
                for r in m {
                    out.append(contentsOf: s[prev..<r.lowerBound])
                    out.append(contentsOf: content.unicodeScalars)
                    prev = r.upperBound
                }
                out.append(contentsOf: s[prev...])
                return String(out)
            }
        case let .sequence(list):
            var t = tokens
            for d in list { t = d.chain(t) }
            return t
        }
    }

    /// The byte of a `<0xXX>` token.
    static func byteToken(_ t: String) -> UInt8? {
        let u = Array(t.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        return UInt8(String(decoding: u[3...4], as: UTF8.self), radix: 16)
    }
}

extension Decoder {
    static func parse(_ node: JSONNode) throws -> Decoder? {
        if node.isNull { return nil }
        let type = try node["type"].string()
        switch type {
        case "WordPiece":
            return .wordPiece(prefix: try node["prefix"].optionalString() ?? "##", cleanup: try node["cleanup"].bool(default: true))
        case "ByteLevel": return .byteLevel
        case "Metaspace":
            var scheme = PreTokenizer.PrependScheme.always
            if node.has("prepend_scheme") {
                let name = try node["prepend_scheme"].string()
                guard let s = PreTokenizer.PrependScheme(rawValue: name) else { throw node["prepend_scheme"].error("unknown prepend scheme \"\(name)\"") }
                scheme = s
            } else if node.has("add_prefix_space") {
                scheme = try node["add_prefix_space"].bool() ? .always : .never
            }
            return .metaspace(replacement: try node["replacement"].character(), prependScheme: scheme)
        case "BPEDecoder": return .bpe(suffix: try node["suffix"].optionalString() ?? "</w>")
        case "ByteFallback": return .byteFallback
        case "Fuse": return .fuse
        case "Strip":
            return .strip(content: try node["content"].character(), start: try node["start"].int(), stop: try node["stop"].int())
        case "Replace":
            return .replace(try TextPattern.parse(node["pattern"]), content: try node["content"].string())
        case "Sequence":
            return .sequence(try node["decoders"].array().compactMap { try Decoder.parse($0) })
        default:
            throw node["type"].error("unknown decoder type \"\(type)\"")
        }
    }
}
