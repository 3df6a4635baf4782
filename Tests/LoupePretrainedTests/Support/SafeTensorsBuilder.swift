import Foundation

/// Writes hand-made safetensors files (good and broken) into a temporary folder.
struct SafeTensorsBuilder {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Little-endian Float32 bytes.
    static func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    /// Little-endian 16-bit words.
    static func u16(_ values: [UInt16]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    /// Little-endian Int64 bytes.
    static func i64(_ values: [Int64]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    /// A file with the header text `header` (declared length `declaredLength` if given) and `data`.
    @discardableResult
    func write(_ name: String, header: String, data: [UInt8], declaredLength: UInt64? = nil) throws -> URL {
        let text = Array(header.utf8)
        var bytes = withUnsafeBytes(of: (declaredLength ?? UInt64(text.count)).littleEndian) { Array($0) }
        bytes += text + data
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// A file whose header is `entries` as JSON.
    @discardableResult
    func write(_ name: String, entries: [String: Any], data: [UInt8]) throws -> URL {
        let json = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys])
        return try write(name, header: String(decoding: json, as: UTF8.self), data: data)
    }

    func raw(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
