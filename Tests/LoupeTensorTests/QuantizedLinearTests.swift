@testable import LoupeTensor
import LoupeTestSupport
import Testing

/// A seeded random matrix in `type`'s block format: random payload bytes with every f16 scale
/// field set to a small finite value, so each block decodes to ordinary numbers.
func randomQuantized(_ type: QuantizationType, rows: Int, columns: Int, seed: UInt64 = 5) -> QuantizedMatrix {
    var rng = RandomGenerator(seed: seed)
    let count = rows * (columns / type.blockSize) * type.bytesPerBlock
    var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    func setHalf(_ offset: Int, _ value: Float) {
        let h = HalfPrecision.halfBits(from: value)
        bytes[offset] = UInt8(h & 0xFF)
        bytes[offset + 1] = UInt8(h >> 8)
    }
    let halves: [Int]
    switch type {
    case .f16, .bf16, .f32: halves = []
    case .q8_0, .q4_0: halves = [0]
    case .q4_1, .q4_K, .q5_K: halves = [0, 2]
    case .q6_K: halves = [208]
    }
    let elements = rows * columns
    switch type {
    case .f16:
        for i in 0..<elements { setHalf(2 * i, Float.random(in: -1...1, using: &rng)) }
    case .bf16:
        for i in 0..<elements {
            let b = HalfPrecision.bfloat16Bits(from: Float.random(in: -1...1, using: &rng))
            bytes[2 * i] = UInt8(b & 0xFF)
            bytes[2 * i + 1] = UInt8(b >> 8)
        }
    case .f32:
        for i in 0..<elements {
            let v = Float.random(in: -1...1, using: &rng).bitPattern
            for k in 0..<4 { bytes[4 * i + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) }
        }
    default:
        // Scales that keep weights of order 1 (K-quant sub-block scales reach 63 or 127).
        let limit: Float = type.blockSize == 256 ? 0.001 : 0.05
        for b in 0..<(count / type.bytesPerBlock) {
            for h in halves { setHalf(b * type.bytesPerBlock + h, Float.random(in: -limit...limit, using: &rng)) }
        }
    }
    let storage = ByteStorage(bytes)
    return QuantizedMatrix(type: type, rows: rows, columns: columns,
                           bytes: UnsafeRawBufferPointer(storage.buffer), owner: storage)
}

/// Bytes kept alive by a quantized matrix in tests.
final class ByteStorage {
    let buffer: UnsafeMutableRawBufferPointer
    init(_ bytes: [UInt8]) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(1, bytes.count), alignment: 16)
        buffer.copyBytes(from: bytes)
    }
    deinit { buffer.deallocate() }
}

/// `Tensor.linear(quantized:bias:)`: equal to the dense linear of the dequantized weight,
/// forward and backward, and its derivative checked by finite differences.
@Suite struct QuantizedLinearTests {
    static let types: [QuantizationType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q4_K, .q5_K, .q6_K]

    @Test(arguments: types)
    func forwardAndBackwardEqualDenseLinear(type: QuantizationType) throws {
        // 300 output rows: several tiles, the last one partial.
        let columns = type.blockSize == 1 ? 96 : 2 * type.blockSize
        let q = randomQuantized(type, rows: 300, columns: columns)
        let w = q.dequantized()
        #expect(w.shape == [300, columns] && w.scalars.allSatisfy { $0.isFinite })
        for batch in [[columns], [1, columns], [7, columns], [2, 3, columns]] {
            let x = testTensor(batch, seed: 2).requiringGradient()
            let bias = testTensor([300], seed: 4).requiringGradient()
            let dense = x.linear(weight: w, bias: bias)
            let quantized = x.linear(quantized: q, bias: bias)
            expectClose(quantized.scalars, dense.scalars, absolute: 1e-5, relative: 1e-5, "\(type) \(batch) forward")
            let seed = testTensor(dense.shape, seed: 6)
            let gd = try gradients(of: (dense * seed).sum(), withRespectTo: [x, bias])
            let gq = try gradients(of: (quantized * seed).sum(), withRespectTo: [x, bias])
            expectClose(gq[0].scalars, gd[0].scalars, absolute: 1e-5, relative: 1e-5, "\(type) \(batch) dx")
            expectClose(gq[1].scalars, gd[1].scalars, absolute: 1e-5, relative: 1e-5, "\(type) \(batch) dbias")
        }
    }

    @Test("every plan — tiles, the whole weight decoded, the block kernels — gives the dense product",
          arguments: [QuantizationType.q4_1, .q8_0, .q6_K])
    func everyPlanMatchesTheDenseProduct(type: QuantizationType) throws {
        let columns = 2 * type.blockSize
        let q = randomQuantized(type, rows: 300, columns: columns, seed: 9)
        let w = q.dequantized()
        let bias = testTensor([300], seed: 4)
        let few = QuantizedTiles.wholeDecodeMinimumRows - 1, many = QuantizedTiles.wholeDecodeMinimumRows + 3
        for rows in [1, few, many] {
            let x = testTensor([rows, columns], seed: 2)
            let dense = withoutGradients { x.linear(weight: w, bias: bias) }
            for mode in [QuantizedArithmetic.Mode.decodedTiles, .floatKernels] {
                let y = withoutGradients { QuantizedArithmetic.with(mode) { x.linear(quantized: q, bias: bias) } }
                expectClose(y.scalars, dense.scalars, absolute: 1e-5, relative: 1e-5, "\(type) \(rows) rows \(mode)")
            }
            #expect(QuantizedTiles.prefersDecodedGEMM(arithmetic: .floatKernels, rows: rows, weightRows: 300, columns: columns)
                    == (rows >= QuantizedTiles.wholeDecodeMinimumRows))
            #expect(!QuantizedTiles.prefersDecodedGEMM(arithmetic: .integerKernels, rows: rows, weightRows: 300, columns: columns))
        }
    }

    @Test("a weight too large to decode whole is multiplied tile by tile, forward and backward")
    func largeWeightStaysTiled() throws {
        // dx sums over the weight rows: a wide weight keeps that sum short (4,136 terms).
        let columns = 1024, rows = QuantizedTiles.wholeDecodeMaximumScalars / columns + 40
        #expect(!QuantizedTiles.prefersDecodedGEMM(arithmetic: .floatKernels, rows: 1000, weightRows: rows, columns: columns))
        let q = randomQuantized(.q8_0, rows: rows, columns: columns, seed: 13)
        let w = q.dequantized()
        let x = testTensor([3, columns], seed: 2).requiringGradient()
        let dense = x.linear(weight: w, bias: nil), quantized = x.linear(quantized: q, bias: nil)
        expectClose(quantized.scalars, dense.scalars, absolute: 1e-4, relative: 1e-4, "forward")  // sums of 1,024 terms
        let seed = testTensor(dense.shape, seed: 6)
        let gd = try gradients(of: (dense * seed).sum(), withRespectTo: [x])
        let gq = try gradients(of: (quantized * seed).sum(), withRespectTo: [x])
        expectClose(gq[0].scalars, gd[0].scalars, absolute: 1e-4, relative: 1e-4, "dx")
    }

    @Test(arguments: [QuantizationType.q4_1, .q8_0, .q6_K])
    func finiteDifferences(type: QuantizationType) {
        let q = randomQuantized(type, rows: 5, columns: type.blockSize, seed: 11)
        GradientChecker(step: 1e-2).check([testTensor([3, type.blockSize], seed: 3), testTensor([5], seed: 8)]) { t in
            t[0].linear(quantized: q, bias: t[1])
        }
        GradientChecker(step: 1e-2).check([testTensor([2, type.blockSize], seed: 4)]) { t in
            t[0].linear(quantized: q, bias: nil)
        }
    }

    @Test func rowsAndRangesAgreeWithTheWholeMatrix() {
        for type in Self.types {
            let q = randomQuantized(type, rows: 6, columns: 256, seed: 21)
            let w = q.dequantized()
            let picked = q.rows([5, 0, 5, 2])
            let expected = [5, 0, 5, 2].flatMap { Array(w.scalars[($0 * 256)..<(($0 + 1) * 256)]) }
            #expect(picked.shape == [4, 256] && picked.scalars == expected, "\(type)")
            var middle = [Float](repeating: .nan, count: 3 * 256)
            middle.withUnsafeMutableBufferPointer { q.dequantizeRows(2..<5, into: $0.baseAddress!) }
            #expect(middle == Array(w.scalars[(2 * 256)..<(5 * 256)]), "\(type)")
        }
    }

    @Test func blockDecodersOnHandBuiltBlocks() {
        // Q8_0: d = 0.5, q = 0, 1, ..., 31 → q/2.
        var q8: [UInt8] = [0x00, 0x38] + (0..<32).map { UInt8($0) }
        q8[2 + 31] = UInt8(bitPattern: -128)
        let m8 = matrix(.q8_0, q8, columns: 32)
        #expect(m8.dequantized().scalars == (0..<31).map { Float($0) / 2 } + [-64])
        // Q4_0: d = 2, bytes 0x1F … → low nibbles first, then high nibbles, minus 8.
        let q40: [UInt8] = [0x00, 0x40] + [UInt8](repeating: 0x1F, count: 16)
        #expect(matrix(.q4_0, q40, columns: 32).dequantized().scalars
                == [Float](repeating: 14, count: 16) + [Float](repeating: -14, count: 16))
        // Q4_1: d = 1, m = -0.5.
        let q41: [UInt8] = [0x00, 0x3C, 0x00, 0xB8] + [UInt8](repeating: 0xA3, count: 16)
        #expect(matrix(.q4_1, q41, columns: 32).dequantized().scalars
                == [Float](repeating: 2.5, count: 16) + [Float](repeating: 9.5, count: 16))
    }

    private func matrix(_ type: QuantizationType, _ bytes: [UInt8], columns: Int) -> QuantizedMatrix {
        let storage = ByteStorage(bytes)
        return QuantizedMatrix(type: type, rows: 1, columns: columns, bytes: UnsafeRawBufferPointer(storage.buffer),
                               owner: storage)
    }
}

/// The half-precision conversions against the platform's `Float16`, on every bit pattern.
@Suite struct HalfPrecisionTests {
    #if !(os(macOS) && arch(x86_64))
    @Test func everyHalfBitPatternMatchesFloat16() {
        var mismatches = 0
        for bits in 0...UInt16.max {
            let ours = HalfPrecision.float(fromHalfBits: bits)
            let theirs = Float(Float16(bitPattern: bits))
            if !(ours.bitPattern == theirs.bitPattern || (ours.isNaN && theirs.isNaN)) { mismatches += 1 }
            if !ours.isNaN { if HalfPrecision.halfBits(from: ours) != bits { mismatches += 1 } }
        }
        #expect(mismatches == 0)
        var rng = RandomGenerator(seed: 3)
        for _ in 0..<100_000 {
            let x = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            guard !x.isNaN else { continue }
            #expect(HalfPrecision.halfBits(from: x) == Float16(x).bitPattern, "\(x)")
        }
    }
    #endif

    @Test func bfloat16IsTheUpperHalf() {
        #expect(HalfPrecision.float(fromBFloat16Bits: 0x3F80) == 1)
        #expect(HalfPrecision.float(fromBFloat16Bits: 0xC0A0) == -5)
        #expect(HalfPrecision.bfloat16Bits(from: 1.00390625) == 0x3F80)  // tie → even
        #expect(HalfPrecision.bfloat16Bits(from: 1.01171875) == 0x3F82)  // tie → even (up)
        #expect(HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: .nan)).isNaN)
    }
}
