/// Conversions from the 16-bit float formats GGUF files store (IEEE 754 binary16 and bfloat16)
/// to `Float`, written on bit patterns so they behave the same on every platform (Swift's
/// `Float16` is missing on x86-64 macOS).
public enum HalfPrecision {
    /// The IEEE 754 binary16 value with bit pattern `bits` (1 sign, 5 exponent, 10 fraction bits),
    /// exactly: subnormals, infinities and NaN payloads included.
    @inline(__always)
    public static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x03FF)
        if exponent == 0 {
            // Zero or subnormal: fraction · 2⁻²⁴ (exact in Float).
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (fraction << 13))
    }

    /// The bfloat16 value with bit pattern `bits`: the upper half of a binary32.
    @inline(__always)
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The binary16 bit pattern nearest to `value` (round to nearest, ties to even), for writing
    /// test files and fixtures.
    public static func halfBits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let fraction = bits & 0x007F_FFFF
        if exponent == 0xFF {  // Inf or NaN
            return sign | 0x7C00 | (fraction != 0 ? 0x0200 | UInt16(fraction >> 13) : 0)
        }
        let e = exponent - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }
        if e <= 0 {
            // Subnormal half (or zero): shift the full significand into place with rounding.
            if e < -10 { return sign }
            let significand = fraction | 0x0080_0000
            let shift = UInt32(14 - e)
            var half = significand >> shift
            let remainder = significand & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(e) << 10 | (fraction >> 13)
        let remainder = fraction & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)  // a carry into the exponent rounds up correctly, to Inf at the top
    }

    /// The bfloat16 bit pattern nearest to `value` (round to nearest even; NaN stays quiet NaN).
    public static func bfloat16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 { return UInt16(bits >> 16) | 0x0040 }
        let rounded = (UInt64(bits) + 0x7FFF + UInt64((bits >> 16) & 1)) >> 16
        return UInt16(truncatingIfNeeded: rounded)
    }
}
