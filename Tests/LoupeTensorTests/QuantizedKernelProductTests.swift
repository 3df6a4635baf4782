import LoupeTensor
import LoupeTestSupport
import Testing

/// The block kernels of `QuantizedMatrix.product` (CLoupeKernels' quant_dot.c) against the exact
/// product with the dequantized weight, on every code path this CPU runs.
///
/// Float kernels: the weight is decoded in registers and the input is not rounded, so the only
/// difference from the double-precision product is float summation: within 1e-6 of Σ|W||x|
/// (measured ≤ 8e-8 on these inputs), far below a wrong nibble, scale or offset.
///
/// Integer kernels: the kernels round each 32-element block of an input row to 8 bits with scale
/// d = max|x|/127, so |x − x̃| ≤ d/2 per element and |y − x·Wᵀ| ≤ Σₖ |Wₙₖ|·dₖ/2 per output; the
/// integer sums are exact, so the bound is checked with only a float-summation slack (1e-4 of
/// Σ|W||x|). The bound is tight enough to fail on a wrong nibble, scale, offset or sign.
@Suite struct QuantizedKernelProductTests {
    static let types: [QuantizationType] = [.q4_0, .q4_1, .q8_0]

    /// The exact product (double precision), the integer kernels' rounding bound and Σ|W||x| of each output.
    func reference(_ x: Tensor, _ w: Tensor, bias: Tensor?) -> (exact: [Double], bound: [Double], magnitude: [Double]) {
        let (n, k) = (w.shape[0], w.shape[1])
        let m = x.count / k
        var exact = [Double](repeating: 0, count: m * n), bound = exact, magnitudes = exact
        for r in 0..<m {
            let row = Array(x.scalars[(r * k)..<((r + 1) * k)])
            let scales = stride(from: 0, to: k, by: 32).map { b in Double(row[b..<(b + 32)].map(abs).max()!) / 127 }
            for j in 0..<n {
                var s = Double(bias?.scalars[j] ?? 0), e = 0.0, magnitude = 0.0
                for i in 0..<k {
                    let wij = Double(w.scalars[j * k + i])
                    s += Double(row[i]) * wij
                    e += abs(wij) * scales[i / 32] / 2
                    magnitude += abs(wij * Double(row[i]))
                }
                exact[r * n + j] = s
                bound[r * n + j] = e + 1e-4 * magnitude + 1e-6
                magnitudes[r * n + j] = magnitude
            }
        }
        return (exact, bound, magnitudes)
    }

    @Test(arguments: types)
    func floatPathsEqualTheDequantizedProduct(type: QuantizationType) throws {
        let kernels = QuantizedArithmetic.availableFloatKernels
        #expect(kernels.contains("generic"))
        let q = randomQuantized(type, rows: 77, columns: 96, seed: 32)
        let w = q.dequantized()
        let bias = testTensor([77], seed: 10)
        for m in [1, 2, 4, 5, 9] {
            let x = testTensor([m, 96], seed: UInt64(60 + m), range: -2...2)
            let (exact, _, magnitude) = reference(x, w, bias: bias)
            for kernel in kernels {
                let y = try #require(q.floatProduct(x, bias: bias, kernel: kernel), "\(type) \(kernel)")
                #expect(y.shape == [m, 77])
                var worst = 0.0
                for i in 0..<exact.count { worst = Swift.max(worst, abs(Double(y.scalars[i]) - exact[i]) / (magnitude[i] + 1e-6)) }
                #expect(worst <= 1e-6, "\(type) \(kernel) M=\(m): error \(worst) of Σ|W||x|")
            }
        }
    }

    @Test(arguments: types)
    func everyPathIsWithinTheActivationRoundingBound(type: QuantizationType) throws {
        let kernels = QuantizedArithmetic.availableKernels
        #expect(kernels.contains("generic"))
        // 77 output rows: chunks of rows over two threads, the last one partial.
        let q = randomQuantized(type, rows: 77, columns: 96, seed: 31)
        let w = q.dequantized()
        let bias = testTensor([77], seed: 9)
        for m in [1, 3, 4, 5, 9] {
            let x = testTensor([m, 96], seed: UInt64(40 + m), range: -2...2)
            let (exact, bound, _) = reference(x, w, bias: bias)
            var first: [Float]?
            for kernel in kernels {
                let y = try #require(q.integerProduct(x, bias: bias, kernel: kernel), "\(type) \(kernel)")
                #expect(y.shape == [m, 77])
                var worst = 0.0
                for i in 0..<exact.count { worst = Swift.max(worst, abs(Double(y.scalars[i]) - exact[i]) / bound[i]) }
                #expect(worst <= 1, "\(type) \(kernel) M=\(m): error \(worst)× the bound")
                // The paths add the same integer block sums in different orders only.
                if let first { expectClose(y.scalars, first, absolute: 1e-4, relative: 1e-5, "\(type) \(kernel) M=\(m)") }
                first = first ?? y.scalars
            }
        }
    }

    @Test func batchedProductsEqualTheSingleOnes() throws {
        // Q, K, V-like matrices of different formats and heights sharing one input.
        let matrices = [randomQuantized(.q4_1, rows: 70, columns: 128, seed: 1), randomQuantized(.q8_0, rows: 9, columns: 128, seed: 2),
                        randomQuantized(.q4_0, rows: 33, columns: 128, seed: 3)]
        let biases: [Tensor?] = [testTensor([70], seed: 4), nil, testTensor([33], seed: 5)]
        for m in [1, 6] {
            let x = testTensor([m, 128], seed: 7)
            for arithmetic in [QuantizedArithmetic.Mode.floatKernels, .integerKernels] {
                let batched = try #require(QuantizedMatrix.products(x, matrices, biases: biases, arithmetic: arithmetic))
                for (s, w) in matrices.enumerated() {
                    let single = try #require(w.product(x, bias: biases[s], arithmetic: arithmetic))
                    #expect(batched[s].shape == [m, w.rows])
                    #expect(batched[s].scalars == single.scalars, "\(arithmetic) matrix \(s), M=\(m)")
                }
            }
            #expect(QuantizedMatrix.products(x, matrices, arithmetic: .decodedTiles) == nil)
        }
        #expect(QuantizedMatrix.products(testTensor([1, 256]), [randomQuantized(.q4_K, rows: 2, columns: 256)],
                                         arithmetic: .floatKernels) == nil)
    }

    @Test func roundingIsVisibleAndTheExactPathStaysExact() throws {
        // Without integer kernels, and with an input on the tape inside them, the product is
        // the dequantized one; inside, without gradients, it is the integer kernel's.
        let q = randomQuantized(.q4_1, rows: 40, columns: 64, seed: 3)
        let x = testTensor([2, 64], seed: 8)
        let dense = withoutGradients { x.linear(weight: q.dequantized(), bias: nil) }
        let integer = try #require(q.integerProduct(x, bias: nil))
        #expect(zip(integer.scalars, dense.scalars).contains { $0 != $1 }, "8-bit activations change some output")
        let inside = QuantizedArithmetic.with(.integerKernels) { withoutGradients { x.linear(quantized: q, bias: nil) } }
        #expect(inside.scalars == integer.scalars)
        let float = try #require(q.floatProduct(x, bias: nil))
        let insideFloat = QuantizedArithmetic.with(.floatKernels) { withoutGradients { x.linear(quantized: q, bias: nil) } }
        #expect(insideFloat.scalars == float.scalars)
        expectClose(float.scalars, dense.scalars, absolute: 1e-5, relative: 1e-5)
        let outside = withoutGradients { x.linear(quantized: q, bias: nil) }
        expectClose(outside.scalars, dense.scalars, absolute: 1e-5, relative: 1e-5)
        let taped = x.requiringGradient()
        let recorded = QuantizedArithmetic.with(.integerKernels) { taped.linear(quantized: q, bias: nil) }
        expectClose(recorded.scalars, dense.scalars, absolute: 1e-5, relative: 1e-5)
        let g = try gradients(of: recorded.sum(), withRespectTo: [taped])
        #expect(g[0].shape == [2, 64])
    }

    @Test func unsupportedFormatsAndEmptyInputsFallBack() {
        let k = randomQuantized(.q4_K, rows: 4, columns: 256, seed: 2)
        #expect(!k.supportsIntegerProducts)
        #expect(k.integerProduct(testTensor([1, 256]), bias: nil) == nil)
        let q = randomQuantized(.q8_0, rows: 4, columns: 32, seed: 2)
        #expect(q.integerProduct(Tensor(shape: [0, 32], scalars: []), bias: nil) == nil)
        // An unknown path name runs nothing.
        #expect(q.integerProduct(testTensor([1, 32]), bias: nil, kernel: "no-such-path") == nil)
        #expect(q.floatProduct(testTensor([1, 32]), bias: nil, kernel: "no-such-path") == nil)
        #expect(q.product(testTensor([1, 32]), bias: nil, arithmetic: .decodedTiles) == nil)
        // The whole-tensor op still answers (the exact path) for every format inside the scope.
        let y = QuantizedArithmetic.with(.floatKernels) { withoutGradients { testTensor([1, 256]).linear(quantized: k, bias: nil) } }
        expectClose(y.scalars, testTensor([1, 256]).linear(weight: k.dequantized(), bias: nil).scalars, absolute: 1e-5, relative: 1e-5)
    }

    @Test func handBuiltBlocksGiveExactIntegerSums() throws {
        // Inputs that are exactly representable in 8 bits (integers up to 127 in every block)
        // make the kernels exact: Q4_1 with d = 1, m = −0.5, nibbles 3 (low) and 10 (high).
        let bytes: [UInt8] = [0x00, 0x3C, 0x00, 0xB8] + [UInt8](repeating: 0xA3, count: 16)
        let storage = ByteStorage(bytes)
        let q = QuantizedMatrix(type: .q4_1, rows: 1, columns: 32, bytes: UnsafeRawBufferPointer(storage.buffer), owner: storage)
        let x = Tensor(shape: [1, 32], scalars: (0..<32).map { Float($0 % 2 == 0 ? 127 : -($0)) })
        let expected = zip(x.scalars, q.dequantized().scalars).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        for kernel in QuantizedArithmetic.availableKernels {
            let y = try #require(q.integerProduct(x, bias: nil, kernel: kernel))
            #expect(y.scalars == [expected], "\(kernel)")
        }
        for kernel in QuantizedArithmetic.availableFloatKernels {
            let y = try #require(q.floatProduct(x, bias: nil, kernel: kernel))
            #expect(y.scalars == [expected], "float \(kernel)")
        }
    }
}
