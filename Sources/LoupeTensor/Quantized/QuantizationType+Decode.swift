import CLoupeKernels
/// Block decoders for GGML's storage formats, following the block layouts of llama.cpp's
/// `ggml-common.h` (`block_q8_0`, `block_q4_0`, `block_q4_1`, `block_q4_K`, `block_q5_K`,
/// `block_q6_K`) and the reference dequantization of `ggml-quants.c`. All multi-byte fields are
/// little-endian; `d`/`dmin` are IEEE binary16.
extension QuantizationType {
    /// Decodes `blocks` consecutive blocks at `source` into `blocks · blockSize` floats at
    /// `destination`.
    @inline(__always)
    func decode(blocks: Int, from source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            for i in 0..<blocks {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .f16:
            for i in 0..<blocks { destination[i] = HalfPrecision.float(fromHalfBits: Self.u16(source, 2 * i)) }
        case .bf16:
            for i in 0..<blocks { destination[i] = HalfPrecision.float(fromBFloat16Bits: Self.u16(source, 2 * i)) }
        case .q8_0, .q4_0, .q4_1:
            // The vectorised C decoder (the same bits as `scalarDecode`, its reference).
            if loupe_quantized_decode(Int32(ggmlTypeID), blocks, source, destination) == 0 {
                scalarDecode(blocks: blocks, from: source, into: destination)
            }
        case .q4_K:
            for b in 0..<blocks { Self.decodeQ4_K(source + b * 144, destination + b * 256) }
        case .q5_K:
            for b in 0..<blocks { Self.decodeQ5_K(source + b * 176, destination + b * 256) }
        case .q6_K:
            for b in 0..<blocks { Self.decodeQ6_K(source + b * 210, destination + b * 256) }
        }
    }

    /// The Swift decoder of Q8_0, Q4_0 and Q4_1 blocks (the reference of the C one; other
    /// types: ``decode(blocks:from:into:)``).
    func scalarDecode(blocks: Int, from source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>) {
        switch self {
        case .q8_0: for b in 0..<blocks { Self.decodeQ8_0(source + b * 34, destination + b * 32) }
        case .q4_0: for b in 0..<blocks { Self.decodeQ4_0(source + b * 18, destination + b * 32) }
        case .q4_1: for b in 0..<blocks { Self.decodeQ4_1(source + b * 20, destination + b * 32) }
        default: decode(blocks: blocks, from: source, into: destination)
        }
    }

    @inline(__always)
    static func u16(_ p: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfPrecision.float(fromHalfBits: u16(p, offset))
    }

    /// `block_q8_0`: `d` (f16), then 32 signed bytes; x = d·q.
    @inline(__always)
    static func decodeQ8_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let q = (p + 2).assumingMemoryBound(to: Int8.self)
        for i in 0..<32 { y[i] = Float(q[i]) * d }
    }

    /// `block_q4_0`: `d` (f16), then 16 bytes of nibbles; the low nibble of byte j is element j,
    /// the high nibble element j + 16; x = d·(q − 8).
    @inline(__always)
    static func decodeQ4_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let q = (p + 2).assumingMemoryBound(to: UInt8.self)
        for j in 0..<16 {
            y[j] = d * Float(Int(q[j] & 0x0F) - 8)
            y[j + 16] = d * Float(Int(q[j] >> 4) - 8)
        }
    }

    /// `block_q4_1`: `d`, `m` (f16), then 16 bytes of nibbles as in Q4_0; x = d·q + m.
    @inline(__always)
    static func decodeQ4_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), m = half(p, 2)
        let q = (p + 4).assumingMemoryBound(to: UInt8.self)
        for j in 0..<16 {
            y[j] = d * Float(q[j] & 0x0F) + m
            y[j + 16] = d * Float(q[j] >> 4) + m
        }
    }

    /// The 6-bit scale and min of sub-block `j` (0..<8) from the 12 packed bytes of a Q4_K/Q5_K
    /// block (`get_scale_min_k4`): sub-blocks 0–3 keep theirs in the low 6 bits of bytes j and
    /// j + 4; sub-blocks 4–7 combine a nibble of byte j + 4 with the top 2 bits of bytes j − 4 / j.
    @inline(__always)
    static func scaleMin(_ s: UnsafePointer<UInt8>, _ j: Int) -> (scale: Float, min: Float) {
        if j < 4 {
            return (Float(s[j] & 63), Float(s[j + 4] & 63))
        }
        let scale = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4)
        let min = (s[j + 4] >> 4) | ((s[j] >> 6) << 4)
        return (Float(scale), Float(min))
    }

    /// `block_q4_K`: `d`, `dmin` (f16), 12 bytes of packed 6-bit scales and mins, 128 bytes of
    /// nibbles. Each 64-element chunk c uses bytes 32c..<32c+32: low nibbles are sub-block 2c,
    /// high nibbles sub-block 2c + 1; x = (d·scale)·q − (dmin·min).
    @inline(__always)
    static func decodeQ4_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), dmin = half(p, 2)
        let scales = (p + 4).assumingMemoryBound(to: UInt8.self)
        let q = (p + 16).assumingMemoryBound(to: UInt8.self)
        for c in 0..<4 {
            let (s1, m1) = scaleMin(scales, 2 * c), (s2, m2) = scaleMin(scales, 2 * c + 1)
            let d1 = d * s1, dm1 = dmin * m1, d2 = d * s2, dm2 = dmin * m2
            let qc = q + 32 * c, yc = y + 64 * c
            for l in 0..<32 {
                yc[l] = d1 * Float(qc[l] & 0x0F) - dm1
                yc[l + 32] = d2 * Float(qc[l] >> 4) - dm2
            }
        }
    }

    /// `block_q5_K`: `d`, `dmin` (f16), 12 bytes of scales and mins (as Q4_K), 32 bytes `qh` of
    /// fifth bits (bit i of `qh[l]` belongs to element l of sub-block i), 128 bytes of nibbles
    /// laid out as in Q4_K; x = (d·scale)·(q + 16·h) − (dmin·min).
    @inline(__always)
    static func decodeQ5_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), dmin = half(p, 2)
        let scales = (p + 4).assumingMemoryBound(to: UInt8.self)
        let qh = (p + 16).assumingMemoryBound(to: UInt8.self)
        let q = (p + 48).assumingMemoryBound(to: UInt8.self)
        for c in 0..<4 {
            let (s1, m1) = scaleMin(scales, 2 * c), (s2, m2) = scaleMin(scales, 2 * c + 1)
            let d1 = d * s1, dm1 = dmin * m1, d2 = d * s2, dm2 = dmin * m2
            let qc = q + 32 * c, yc = y + 64 * c
            let low = UInt8(1) << UInt8(2 * c), high = UInt8(2) << UInt8(2 * c)
            for l in 0..<32 {
                let h1: UInt8 = qh[l] & low != 0 ? 16 : 0
                let h2: UInt8 = qh[l] & high != 0 ? 16 : 0
                yc[l] = d1 * Float((qc[l] & 0x0F) | h1) - dm1
                yc[l + 32] = d2 * Float((qc[l] >> 4) | h2) - dm2
            }
        }
    }

    /// `block_q6_K`: 128 bytes `ql` (low 4 bits), 64 bytes `qh` (high 2 bits), 16 signed 8-bit
    /// scales (one per 16 elements), `d` (f16). Each 128-element half h uses `ql[64h..<64h+64]`
    /// and `qh[32h..<32h+32]`: element 32s + l of the half (s = 0..<4) takes the nibble
    /// `ql[64h + l + 32·(s & 1)]` (low for s < 2, high otherwise) and bits 2s…2s+1 of
    /// `qh[32h + l]`; x = (d·scale)·(q − 32).
    @inline(__always)
    static func decodeQ6_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let ql = p.assumingMemoryBound(to: UInt8.self)
        let qh = (p + 128).assumingMemoryBound(to: UInt8.self)
        let sc = (p + 192).assumingMemoryBound(to: Int8.self)
        let d = half(p, 208)
        for h in 0..<2 {
            let qlh = ql + 64 * h, qhh = qh + 32 * h, sch = sc + 8 * h, yh = y + 128 * h
            for l in 0..<32 {
                let i = l / 16
                let q1 = Int((qlh[l] & 0x0F) | ((qhh[l] >> 0) & 3) << 4) - 32
                let q2 = Int((qlh[l + 32] & 0x0F) | ((qhh[l] >> 2) & 3) << 4) - 32
                let q3 = Int((qlh[l] >> 4) | ((qhh[l] >> 4) & 3) << 4) - 32
                let q4 = Int((qlh[l + 32] >> 4) | ((qhh[l] >> 6) & 3) << 4) - 32
                yh[l] = (d * Float(sch[i])) * Float(q1)
                yh[l + 32] = (d * Float(sch[i + 2])) * Float(q2)
                yh[l + 64] = (d * Float(sch[i + 4])) * Float(q3)
                yh[l + 96] = (d * Float(sch[i + 6])) * Float(q4)
            }
        }
    }
}
