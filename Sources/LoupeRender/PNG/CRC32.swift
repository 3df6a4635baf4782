/// CRC-32 (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320 reflected), as PNG chunks use.
enum CRC32 {
    /// The 256-entry lookup table, built once.
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 {
            c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }

    /// Continues a running CRC (start with 0) over `bytes`.
    static func update<S: Sequence>(_ crc: UInt32, _ bytes: S) -> UInt32 where S.Element == UInt8 {
        var c = ~crc
        for byte in bytes {
            c = table[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8)
        }
        return ~c
    }

    /// CRC-32 of `bytes`.
    static func checksum<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        update(0, bytes)
    }
}
