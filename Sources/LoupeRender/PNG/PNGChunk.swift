/// Byte-level access to the chunk stream of a PNG file.
enum PNGChunk {
    /// The 8-byte PNG signature.
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    /// One chunk located in a PNG byte buffer.
    struct Located {
        var type: String
        /// Offset of the chunk's length field.
        var start: Int
        /// Offset just past the CRC.
        var end: Int
        var data: ArraySlice<UInt8>
        var crcValid: Bool
    }

    /// Encodes one chunk: big-endian length, type, data, CRC over type and data.
    static func encode(type: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(12 + data.count)
        appendBigEndian(&out, UInt32(data.count))
        out += type
        out += data
        appendBigEndian(&out, CRC32.update(CRC32.checksum(type), data))
        return out
    }

    static func appendBigEndian(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    static func readBigEndian(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    }

    /// Walks the chunks after the signature, stopping quietly at the first malformed one.
    static func chunks(in bytes: [UInt8]) -> [Located] {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { return [] }
        var result = [Located]()
        var i = 8
        while i + 12 <= bytes.count {
            let length = Int(readBigEndian(bytes, at: i))
            guard length <= bytes.count - i - 12 else { break }
            let typeBytes = bytes[(i + 4)..<(i + 8)]
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else { break }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = bytes[(i + 8)..<(i + 8 + length)]
            let stored = readBigEndian(bytes, at: i + 8 + length)
            let crc = CRC32.update(CRC32.checksum(typeBytes), data)
            result.append(Located(type: type, start: i, end: i + 12 + length, data: data, crcValid: crc == stored))
            i += 12 + length
            if type == "IEND" { break }
        }
        return result
    }

    /// Inserts already-encoded chunks right after the IHDR chunk.
    static func insertAfterHeader(_ png: [UInt8], chunks extra: [UInt8]) throws -> [UInt8] {
        guard let header = chunks(in: png).first, header.type == "IHDR" else {
            throw RenderError.png("encoder output has no IHDR chunk")
        }
        var out = [UInt8]()
        out.reserveCapacity(png.count + extra.count)
        out += png[0..<header.end]
        out += extra
        out += png[header.end...]
        return out
    }
}
