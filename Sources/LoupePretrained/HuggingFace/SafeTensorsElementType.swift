import Foundation

/// The element types of the safetensors format (https://github.com/huggingface/safetensors,
/// `Dtype`), as named in a header's `dtype` field.
///
/// ``SafeTensorsStore`` converts every floating-point type it reads (`F32`, `F16`, `BF16`, `F64`)
/// to dense `Float` values, and the integer and Boolean types (the `position_ids` and
/// `token_type_ids` buffers some checkpoints carry) to `Float` as well (exact below 2²⁴).
/// The 8-, 6- and 4-bit float types are recognised but not read.
public enum SafeTensorsElementType: String, CaseIterable, Sendable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2", f8e8m0 = "F8_E8M0"
    case f6e2m3 = "F6_E2M3", f6e3m2 = "F6_E3M2", f4 = "F4"
    case c64 = "C64"

    /// Bytes per element, or `nil` for the sub-byte types (whose spans are not checked here and
    /// which are never read).
    var byteCount: Int? {
        switch self {
        case .f64, .i64, .u64, .c64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool, .f8e4m3, .f8e5m2, .f8e8m0: return 1
        case .f6e2m3, .f6e3m2, .f4: return nil
        }
    }

    /// True for the types ``SafeTensorsStore`` converts to floats.
    public var isReadable: Bool {
        switch self {
        case .f8e4m3, .f8e5m2, .f8e8m0, .f6e2m3, .f6e3m2, .f4, .c64: return false
        default: return true
        }
    }

    /// True for the floating-point types that hold weights (not index buffers).
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: return true
        default: return false
        }
    }

    /// Decodes `count` little-endian elements at `base` (any alignment) into `out`.
    func decode(_ base: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            memcpy(out, base, count * 4)
            #if _endian(big)
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
            #endif
        case .f16:
            for i in 0..<count {
                out[i] = Self.halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                out[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .f64:
            for i in 0..<count {
                out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        case .i64:
            for i in 0..<count { out[i] = Float(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
        case .u64:
            for i in 0..<count { out[i] = Float(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
        case .i32:
            for i in 0..<count { out[i] = Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
        case .u32:
            for i in 0..<count { out[i] = Float(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .i16:
            for i in 0..<count { out[i] = Float(Int16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
        case .u16:
            for i in 0..<count { out[i] = Float(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .i8:
            for i in 0..<count { out[i] = Float(base.load(fromByteOffset: i, as: Int8.self)) }
        case .u8:
            for i in 0..<count { out[i] = Float(base.load(fromByteOffset: i, as: UInt8.self)) }
        case .bool:
            for i in 0..<count { out[i] = base.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0 }
        case .f8e4m3, .f8e5m2, .f8e8m0, .f6e2m3, .f6e3m2, .f4, .c64:
            preconditionFailure("\(rawValue) is not readable")
        }
    }

    /// IEEE 754 binary16 → binary32, exact (every half value is a float value).
    static func halfToFloat(_ half: UInt16) -> Float {
        let negative = half & 0x8000 != 0
        let exponent = Int((half >> 10) & 0x1F)
        let mantissa = UInt32(half & 0x3FF)
        switch exponent {
        case 0:  // zero or subnormal: mantissa · 2⁻²⁴
            let magnitude = Float(mantissa) * 0x1p-24
            return negative ? -magnitude : magnitude
        case 31:  // infinity or NaN
            return Float(bitPattern: (negative ? 0x8000_0000 : 0) | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: (negative ? 0x8000_0000 : 0) | UInt32(exponent + 112) << 23 | mantissa << 13)
        }
    }
}
