import LoupeIO
import Foundation

/// An array in the IDX format of MNIST: a 4-byte magic (`0x00 0x00 type rank`), `rank` big-endian
/// 32-bit dimensions, then the elements, row-major and big-endian.
///
/// The elements are kept as the file's bytes; read them with ``uint8Values`` or ``floatValues()``.
/// MNIST images are `0x00000803` (unsigned bytes, 3 dimensions: count × rows × columns) and labels
/// `0x00000801` (unsigned bytes, 1 dimension).
public struct IDXArray: Equatable, Sendable {
    /// The element type code (third magic byte).
    public enum DataType: UInt8, Sendable, CaseIterable {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        /// Bytes per element.
        public var byteWidth: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }
    }

    public let dataType: DataType
    /// The dimensions, outermost first.
    public let dimensions: [Int]
    /// The element bytes as stored (big-endian), `elementCount × dataType.byteWidth` of them.
    public let payload: [UInt8]

    /// The magic number this array is written with, e.g. `0x00000803`.
    public var magic: UInt32 { UInt32(dataType.rawValue) << 8 | UInt32(dimensions.count) }
    /// Number of elements.
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// An array from raw big-endian element bytes.
    public init(dataType: DataType, dimensions: [Int], payload: [UInt8]) {
        precondition(dimensions.count <= 255 && dimensions.allSatisfy { $0 >= 0 && $0 <= Int(UInt32.max) },
                     "IDX dimensions \(dimensions) out of range")
        precondition(payload.count == dimensions.reduce(1, *) * dataType.byteWidth,
                     "payload of \(payload.count) bytes for \(dataType) \(dimensions)")
        self.dataType = dataType
        self.dimensions = dimensions
        self.payload = payload
    }

    /// An unsigned-byte array (the MNIST element type).
    public init(uint8 values: [UInt8], dimensions: [Int]) {
        self.init(dataType: .uint8, dimensions: dimensions, payload: values)
    }

    /// The elements of a `.uint8` array, or nil for other types.
    public var uint8Values: [UInt8]? { dataType == .uint8 ? payload : nil }

    /// The elements converted to `Float` (integers exactly up to 2²⁴).
    public func floatValues() -> [Float] {
        if dataType == .uint8 { return payload.map(Float.init) }
        let width = dataType.byteWidth
        return (0..<elementCount).map { i in
            var bits: UInt64 = 0
            for b in 0..<width { bits = bits << 8 | UInt64(payload[i * width + b]) }
            switch dataType {
            case .uint8: return Float(bits)
            case .int8: return Float(Int8(truncatingIfNeeded: bits))
            case .int16: return Float(Int16(truncatingIfNeeded: bits))
            case .int32: return Float(Int32(truncatingIfNeeded: bits))
            case .float32: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            case .float64: return Float(Double(bitPattern: bits))
            }
        }
    }

    /// Reads an IDX file, inflating it first when it is gzip-compressed (detected from its first bytes,
    /// so `.gz` and raw files both work whatever their names).
    public static func read(from url: URL) throws -> IDXArray {
        let file = url.lastPathComponent
        var data = try readFileData(url)
        if Gzip.isGzip(data) { data = try Gzip.decompress(data, fileName: file) }
        return try decode(data, fileName: file)
    }

    /// Decodes IDX bytes; errors name `fileName`.
    public static func decode(_ data: Data, fileName: String) throws -> IDXArray {
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else {
            throw DataSetError(.truncated, file: fileName, "\(bytes.count) bytes, too short for the 4-byte IDX magic")
        }
        let magic = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard bytes[0] == 0, bytes[1] == 0, let type = DataType(rawValue: bytes[2]), bytes[3] > 0 else {
            throw DataSetError(.badMagic, file: fileName, "bad magic \(hex(magic)): not an IDX file "
                               + "(expected 0x0000TTNN with type TT in 08/09/0B/0C/0D/0E and NN ≥ 1 dimensions)")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataSetError(.truncated, file: fileName, "ends inside the header: \(rank) dimensions need \(headerSize) bytes, file has \(bytes.count)")
        }
        let dimensions = (0..<rank).map { d in bytes[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) } }
        let (elements, overflow) = dimensions.reduce((1, false)) { acc, d in
            let (product, o) = acc.0.multipliedReportingOverflow(by: d)
            return (product, acc.1 || o)
        }
        let (needed, overflow2) = elements.multipliedReportingOverflow(by: type.byteWidth)
        guard !overflow, !overflow2 else {
            throw DataSetError(.dimensionMismatch, file: fileName, "dimensions \(dimensions) overflow")
        }
        let available = bytes.count - headerSize
        if available < needed {
            throw DataSetError(.truncated, file: fileName, "dimensions \(dimensions) of \(type) need \(needed) data bytes, file has \(available)")
        }
        if available > needed {
            throw DataSetError(.dimensionMismatch, file: fileName,
                               "\(available - needed) bytes after the \(needed) data bytes that dimensions \(dimensions) declare")
        }
        return IDXArray(dataType: type, dimensions: dimensions, payload: Array(bytes[headerSize...]))
    }

    /// The IDX bytes of this array.
    public func encoded() -> Data {
        var data = Data([0, 0, dataType.rawValue, UInt8(dimensions.count)])
        for d in dimensions { data.append(contentsOf: withUnsafeBytes(of: UInt32(d).bigEndian) { Array($0) }) }
        data.append(contentsOf: payload)
        return data
    }

    /// Writes the array, gzip-compressed when `compressed` is set.
    public func write(to url: URL, compressed: Bool = false) throws {
        let data = compressed ? try Gzip.compress(encoded()) : encoded()
        do { try AtomicFile.write(data, to: url) } catch {
            throw DataSetError(.io, file: url.lastPathComponent, "cannot be written (\(error.localizedDescription))")
        }
    }
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
