/// One key/value text entry stored in a PNG (`tEXt`, or `iTXt` when the value is not Latin-1).
public struct PNGTextChunk: Hashable, Sendable, CustomStringConvertible {
    /// The keyword: 1–79 printable Latin-1 characters, no leading, trailing or double spaces.
    public var key: String
    /// The text; any Unicode (written as `tEXt` when it is Latin-1, otherwise as UTF-8 `iTXt`).
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public var description: String { "\(key)=\(value)" }

    /// The keyword as Latin-1 bytes, validated against the PNG rules.
    func keywordBytes() throws -> [UInt8] {
        guard let bytes = PNGTextChunk.latin1(key), (1...79).contains(bytes.count) else {
            throw RenderError.invalidArgument("PNG text key '\(key)' must be 1–79 Latin-1 characters")
        }
        let printable = bytes.allSatisfy { (32...126).contains($0) || $0 >= 161 }
        guard printable, bytes.first != 32, bytes.last != 32, !key.contains("  ") else {
            throw RenderError.invalidArgument(
                "PNG text key '\(key)' must be printable, without leading, trailing or double spaces")
        }
        return bytes
    }

    /// The complete chunk (length, type, data, CRC) for this entry.
    func encodedChunk() throws -> [UInt8] {
        var data = try keywordBytes()
        data.append(0)
        let type: [UInt8]
        if let latin = PNGTextChunk.latin1(value), !latin.contains(0) {
            type = Array("tEXt".utf8)
            data += latin
        } else {
            type = Array("iTXt".utf8)
            // compression flag 0, method 0, empty language tag, empty translated keyword.
            data += [0, 0, 0, 0]
            data += Array(value.utf8)
        }
        return PNGChunk.encode(type: type, data: data)
    }

    /// Parses a `tEXt` or uncompressed `iTXt` payload; `nil` for anything else.
    static func decode(type: String, data: ArraySlice<UInt8>) -> PNGTextChunk? {
        guard let nul = data.firstIndex(of: 0), nul > data.startIndex else { return nil }
        let key = String(decoding: data[data.startIndex..<nul].map { UInt16($0) }, as: UTF16.self)
        let rest = data[(nul + 1)...]
        switch type {
        case "tEXt":
            return PNGTextChunk(key: key, value: String(decoding: rest.map { UInt16($0) }, as: UTF16.self))
        case "iTXt":
            guard rest.count >= 2, rest[rest.startIndex] == 0 else { return nil }   // compressed: skip
            var cursor = rest.startIndex + 2
            for _ in 0..<2 {   // language tag, translated keyword
                guard let end = rest[cursor...].firstIndex(of: 0) else { return nil }
                cursor = end + 1
            }
            return PNGTextChunk(key: key, value: String(decoding: rest[cursor...], as: UTF8.self))
        default:
            return nil
        }
    }

    /// Latin-1 bytes of `s`, or `nil` when it has a character outside U+0000–U+00FF.
    static func latin1(_ s: String) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(s.unicodeScalars.count)
        for scalar in s.unicodeScalars {
            guard scalar.value <= 0xff else { return nil }
            out.append(UInt8(scalar.value))
        }
        return out
    }
}
