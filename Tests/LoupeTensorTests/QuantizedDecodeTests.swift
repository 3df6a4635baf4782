import CLoupeKernels
import LoupeTestSupport
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

/// `loupe_sgemm_quantized_b` (blocks decoded into the SGEMM's packed panels) against decoding
/// the matrix and calling the float SGEMM: the same bits where the K blocks are whole blocks of
/// 32, within float rounding otherwise; edge tiles in M and N, bias, 1 and 2 threads.
@Suite struct QuantizedGEMMTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 7, 32), (5, 33, 64), (57, 576, 576), (13, 100, 1536),
                                                     (429, 192, 576), (20, 64, 2048), (3, 40, 96)]

    @Test(arguments: [QuantizationType.q4_0, .q4_1, .q8_0], [1, 2])
    func matchesDecodedSGEMM(type: QuantizationType, threads: Int) {
        for (m, n, k) in Self.shapes {
            let q = randomQuantized(type, rows: n, columns: k, seed: UInt64(m * 7 + n))
            let w = q.dequantized()
            let x = testTensor([m, k], seed: 3), bias = testTensor([n], seed: 5)
            for withBias in [false, true] {
                var fused = [Float](repeating: .nan, count: m * n), reference = fused
                let ok = x.scalars.withUnsafeBufferPointer { px in
                    bias.scalars.withUnsafeBufferPointer { pb in
                        loupe_sgemm_quantized_b(Int32(threads), Int32(m), Int32(n), Int32(k), px.baseAddress!, Int32(k),
                                                Int32(type.ggmlTypeID), q.bytes.baseAddress!, q.bytesPerRow,
                                                withBias ? pb.baseAddress! : nil, &fused, Int32(n))
                    }
                }
                #expect(ok == 1)
                _ = loupe_sgemm_bias_using(nil, Int32(threads), 0, 1, Int32(m), Int32(n), Int32(k), 1, x.scalars, Int32(k),
                                           w.scalars, Int32(k), 0, withBias ? bias.scalars : nil, &reference, Int32(n))
                // K = 2048: K blocks of 188 in the float SGEMM, 192 here; m ≤ 4: the float SGEMM
                // takes its GEMV path. Both are another summation order.
                if k == 2048 || m <= 4 {
                    expectClose(fused, reference, absolute: 1e-4, relative: 1e-4, "\(type) \(m)×\(n)×\(k)")
                } else {
                    let same = zip(fused, reference).allSatisfy { $0.bitPattern == $1.bitPattern }
                    #expect(same, "\(type) \(m)×\(n)×\(k) bias \(withBias) threads \(threads): first difference at \(zip(fused, reference).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "-")")
                }
            }
        }
    }

    @Test func refusesWhatItCannotRead() {
        var y = [Float](repeating: 0, count: 4)
        let x = [Float](repeating: 1, count: 64), w = [UInt8](repeating: 0, count: 64)
        #expect(loupe_sgemm_quantized_b(1, 1, 1, 48, x, 48, 8, w, 34, nil, &y, 1) == 0, "K not a multiple of 32")
        #expect(loupe_sgemm_quantized_b(1, 1, 1, 32, x, 32, 12, w, 144, nil, &y, 1) == 0, "Q4_K has no panel decoder")
        #expect(loupe_sgemm_quantized_b(1, 0, 1, 32, x, 32, 8, w, 34, nil, &y, 1) == 0)
    }
}
