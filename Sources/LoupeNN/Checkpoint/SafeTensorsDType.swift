import Foundation

/// The safetensors element types this loader decodes, all converted to `Float` on load.
///
/// `F32` is the interchange format and is read bit-exactly. `F16`, `BF16` and `F64` are accepted
/// and converted to `Float32` (`F64` values beyond Float32's range become infinite and are then
/// rejected by the finiteness check). Other safetensors dtypes (integers, `BOOL`, `F8_*`) and
/// unknown names are rejected. Writers always produce `F32`.
enum SafeTensorsDType: String, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case f64 = "F64"

    /// Dtypes defined by the safetensors format that this loader deliberately does not read.
    static let knownUnsupported: Set<String> = [
        "BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3",
        "F6_E3M2", "C64",
    ]

    /// Bytes per element.
    var byteCount: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .f64: return 8
        }
    }

    /// A one-line explanation for a dtype this loader does not accept.
    static func rejection(of name: String) -> String {
        let accepted = allCases.map(\.rawValue).joined(separator: ", ")
        if knownUnsupported.contains(name) {
            return "unsupported dtype '\(name)' (this loader reads \(accepted))"
        }
        return "unknown dtype '\(name)' (this loader reads \(accepted))"
    }

    /// Decodes `count` little-endian elements starting at `offset` in `raw`, independent of the
    /// alignment of `offset`. The caller guarantees `offset + count * byteCount <= raw.count`.
    func decode(_ raw: UnsafeRawBufferPointer, offset: Int, count: Int) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        switch self {
        case .f32:
            for index in 0..<count {
                let bits = raw.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)
                result[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        case .f16:
            for index in 0..<count {
                let bits = raw.loadUnaligned(fromByteOffset: offset + 2 * index, as: UInt16.self)
                result[index] = Self.halfToFloat(UInt16(littleEndian: bits))
            }
        case .bf16:
            for index in 0..<count {
                let bits = raw.loadUnaligned(fromByteOffset: offset + 2 * index, as: UInt16.self)
                result[index] = Float(bitPattern: UInt32(UInt16(littleEndian: bits)) << 16)
            }
        case .f64:
            for index in 0..<count {
                let bits = raw.loadUnaligned(fromByteOffset: offset + 8 * index, as: UInt64.self)
                result[index] = Float(Double(bitPattern: UInt64(littleEndian: bits)))
            }
        }
        return result
    }

    /// IEEE 754 binary16 → binary32, exact (every half value is a float value).
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign: Float = half & 0x8000 != 0 ? -1 : 1
        let exponent = Int((half >> 10) & 0x1F)
        let mantissa = UInt32(half & 0x3FF)
        switch exponent {
        case 0:  // zero or subnormal: mantissa · 2⁻²⁴
            return sign * Float(mantissa) * 0x1p-24
        case 31:  // infinity or NaN
            return Float(bitPattern: (half & 0x8000 != 0 ? 0x8000_0000 : 0) | 0x7F80_0000 | (mantissa << 13))
        default:
            let bits = UInt32(exponent + 112) << 23 | mantissa << 13
            return sign * Float(bitPattern: bits)
        }
    }

    /// Appends `scalars` as little-endian Float32 bytes.
    static func encodeF32(_ scalars: [Float], into bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + 4 * scalars.count)
        for value in scalars {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
    }
}
