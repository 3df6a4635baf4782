import CLoupeKernels
import Testing
@testable import LoupeTensor

/// The C block decoder (CLoupeKernels' quant_decode.c) gives the Swift decoder's bits on every
/// code path this CPU runs, for random blocks and for scales that are zero, subnormal, negative,
/// the largest half and infinite; and the whole-matrix decode of a product equals row decoding.
@Suite struct QuantizedDecodeTests {
    static let paths = ["generic", "avx2", "avx512"].filter { path in
        var y = [Float](repeating: 0, count: 32)
        let block = [UInt8](repeating: 0, count: 34)
        return loupe_quantized_decode_using(path, 8, 1, block, &y) == 1
    }
    static let cases: [(String, QuantizationType)] = paths.flatMap { p in [QuantizationType.q4_0, .q4_1, .q8_0].map { (p, $0) } }

    static func blocks(_ type: QuantizationType, count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        func byte() -> UInt8 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 32)
        }
        let size = type == .q8_0 ? 34 : type == .q4_1 ? 20 : 18
        var bytes = (0..<(count * size)).map { _ in byte() }
        // Scales (and Q4_1 minimums) worth checking: 0, −0, the smallest subnormal, a negative
        // normal, the largest half, +∞; the rest are random halves with finite exponents.
        let special: [UInt16] = [0x0000, 0x8000, 0x0001, 0xBC00, 0x7BFF, 0x7C00]
        for b in 0..<count {
            let halves = type == .q4_1 ? 2 : 1
            for h in 0..<halves {
                var v = UInt16(byte()) | UInt16(byte()) << 8
                if b < special.count { v = special[(b + h) % special.count] } else { v &= 0xBBFF }  // finite
                bytes[b * size + 2 * h] = UInt8(v & 0xFF)
                bytes[b * size + 2 * h + 1] = UInt8(v >> 8)
            }
        }
        return bytes
    }

    @Test(arguments: cases)
    func sameBitsAsTheSwiftDecoder(path: String, type: QuantizationType) {
        let count = 37
        let bytes = Self.blocks(type, count: count, seed: 0x9E37_79B9_7F4A_7C15 &+ UInt64(type.ggmlTypeID))
        var fromC = [Float](repeating: .nan, count: count * 32), fromSwift = fromC
        bytes.withUnsafeBytes { raw in
            #expect(loupe_quantized_decode_using(path, Int32(type.ggmlTypeID), count, raw.baseAddress!, &fromC) == 1)
            fromSwift.withUnsafeMutableBufferPointer { type.scalarDecode(blocks: count, from: raw.baseAddress!, into: $0.baseAddress!) }
        }
        for i in 0..<(count * 32) where fromC[i].bitPattern != fromSwift[i].bitPattern {
            Issue.record("\(path) \(type) element \(i) (block \(i / 32)): C \(fromC[i]) vs Swift \(fromSwift[i])")
            break
        }
    }

    @Test func otherTypesAndPathsAreRefused() {
        var y = [Float](repeating: 0, count: 256)
        let block = [UInt8](repeating: 0, count: 256)
        #expect(loupe_quantized_decode(0, 1, block, &y) == 0, "F32 is not a block type of this decoder")
        #expect(loupe_quantized_decode(12, 1, block, &y) == 0, "Q4_K is decoded in Swift")
        #expect(loupe_quantized_decode_using("avx9000", 8, 1, block, &y) == 0)
    }
}
