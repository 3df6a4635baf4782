import CLoupeKernels
import LoupeTestSupport
import Testing
@testable import LoupeTensor

/// Prepacked right-hand sides (`loupe_sgemm_pack_b`, `loupe_sgemm_pack_quantized_b`,
/// `loupe_sgemm_prepacked_b`), the input-gradient product straight from quantized rows
/// (`loupe_sgemm_quantized_b_rows`) and the weight panel cache that uses them: each gives the bits
/// of the product it replaces, on every SGEMM code path this CPU runs, for edge tiles in M and N,
/// several K blocks, bias, and 1 and 2 threads.
@Suite struct PrepackedGEMMTests {
    static let kernels: [String] = ["generic", "avx2-fma", "avx512"].filter { name in loupe_sgemm_packed_b_floats(name, 1, 1) > 0 }
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 7, 32), (5, 33, 64), (57, 576, 576), (13, 100, 1536),
                                                     (231, 192, 576), (20, 64, 2048), (3, 40, 96), (17, 4100, 64)]

    /// Packed panels in a 64-byte aligned buffer of the size the packer asks for.
    private func withPanels<R>(_ kernel: String, n: Int, k: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let count = Int(loupe_sgemm_packed_b_floats(kernel, Int32(n), Int32(k)))
        #expect(count >= n * k && count % 4 == 0)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
        defer { raw.deallocate() }
        let p = raw.bindMemory(to: Float.self, capacity: count)
        p.initialize(repeating: .nan, count: count)
        return body(p)
    }

    private func firstDifference(_ a: [Float], _ b: [Float]) -> String {
        zip(a, b).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
            .map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "-"
    }

    @Test("quantized weight packed once: the bits of decoding it into the panels at every call",
          arguments: [QuantizationType.q4_0, .q4_1, .q8_0], [1, 2])
    func prepackedQuantizedMatchesPerCallDecoding(type: QuantizationType, threads: Int) {
        for (m, n, k) in Self.shapes {
            let q = randomQuantized(type, rows: n, columns: k, seed: UInt64(m * 3 + n))
            let x = testTensor([m, k], seed: 7), bias = testTensor([n], seed: 9)
            for withBias in [false, true] {
                var reference = [Float](repeating: .nan, count: m * n)
                #expect(loupe_sgemm_quantized_b(Int32(threads), Int32(m), Int32(n), Int32(k), x.scalars, Int32(k),
                                                Int32(type.ggmlTypeID), q.bytes.baseAddress!, q.bytesPerRow,
                                                withBias ? bias.scalars : nil, &reference, Int32(n)) == 1)
                let packed: [Float] = withPanels("auto", n: n, k: k) { panels in
                    let kc = loupe_sgemm_pack_quantized_b(nil, Int32(type.ggmlTypeID), Int32(n), Int32(k),
                                                          q.bytes.baseAddress!, q.bytesPerRow, panels)
                    #expect(kc > 0 && kc % 32 == 0)
                    var y = [Float](repeating: .nan, count: m * n)
                    #expect(loupe_sgemm_prepacked_b(nil, Int32(threads), 0, Int32(m), Int32(n), Int32(k), kc, 1,
                                                    x.scalars, Int32(k), panels, 0, withBias ? bias.scalars : nil,
                                                    &y, Int32(n)) == 1)
                    return y
                }
                let same = zip(packed, reference).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "\(type) \(m)×\(n)×\(k) bias \(withBias) threads \(threads): \(firstDifference(packed, reference))")
            }
        }
    }

    @Test("float op(B) packed once: the bits of the SGEMM that packs it, either orientation",
          arguments: kernels, [false, true])
    func prepackedFloatMatchesTheSGEMM(kernel: String, transposeB: Bool) {
        for (m, n, k) in Self.shapes where m > 4 {   // m ≤ 4 is the SGEMM's GEMV path (another order)
            let b = testTensor(transposeB ? [n, k] : [k, n], seed: UInt64(n + k))
            let a = testTensor([m, k], seed: 2), c0 = testTensor([m, n], seed: 4)
            for beta: Float in [0, 1] {
                var reference = c0.scalars
                _ = loupe_sgemm_using(kernel, 2, 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), 0.5, a.scalars,
                                      Int32(k), b.scalars, Int32(transposeB ? k : n), beta, &reference, Int32(n))
                let packed: [Float] = withPanels(kernel, n: n, k: k) { panels in
                    let kc = loupe_sgemm_pack_b(kernel, transposeB ? 1 : 0, Int32(n), Int32(k), b.scalars,
                                                transposeB ? k : n, panels)
                    var y = c0.scalars
                    #expect(loupe_sgemm_prepacked_b(kernel, 2, 0, Int32(m), Int32(n), Int32(k), kc, 0.5, a.scalars,
                                                    Int32(k), panels, beta, nil, &y, Int32(n)) == 1)
                    return y
                }
                let same = zip(packed, reference).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "\(kernel) \(m)×\(n)×\(k) transB \(transposeB) beta \(beta): \(firstDifference(packed, reference))")
            }
        }
    }

    @Test("input gradient from quantized rows: the bits of decoding W and the float SGEMM",
          arguments: kernels, [QuantizationType.q4_0, .q4_1, .q8_0])
    func rowsProductMatchesDecodedSGEMM(kernel: String, type: QuantizationType) {
        // dx [m, k] = g [m, n] · W [n, k]: the SGEMM's N is W's columns, its K is W's rows.
        for (m, n, k) in [(5, 64, 32), (57, 576, 576), (231, 1536, 576), (13, 100, 1536), (20, 2048, 64), (9, 33, 4128)] {
            let q = randomQuantized(type, rows: n, columns: k, seed: UInt64(n * 5 + k))
            let w = q.dequantized(), g = testTensor([m, n], seed: 11)
            var reference = [Float](repeating: .nan, count: m * k)
            _ = loupe_sgemm_using(kernel, 2, 0, 0, Int32(m), Int32(k), Int32(n), 1, g.scalars, Int32(n), w.scalars,
                                  Int32(k), 0, &reference, Int32(k))
            for threads in [1, 2] {
                var y = [Float](repeating: .nan, count: m * k)
                #expect(loupe_sgemm_quantized_b_rows(kernel, Int32(threads), Int32(m), Int32(k), Int32(n), g.scalars,
                                                     Int32(n), Int32(type.ggmlTypeID), q.bytes.baseAddress!,
                                                     q.bytesPerRow, 0, &y, Int32(k)) == 1)
                let same = zip(y, reference).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "\(kernel) \(type) \(m)×\(n)×\(k) threads \(threads): \(firstDifference(y, reference))")
            }
        }
    }

    @Test func refusesWhatItCannotRead() {
        var y = [Float](repeating: 0, count: 64)
        let x = [Float](repeating: 1, count: 64), w = [UInt8](repeating: 0, count: 160)
        #expect(loupe_sgemm_quantized_b_rows(nil, 1, 1, 48, 1, x, 1, 8, w, 51, 0, &y, 48) == 0, "N not a multiple of 32")
        #expect(loupe_sgemm_quantized_b_rows(nil, 1, 1, 32, 1, x, 1, 12, w, 144, 0, &y, 32) == 0, "Q4_K")
        #expect(loupe_sgemm_quantized_b_rows("avx9000", 1, 1, 32, 1, x, 1, 8, w, 34, 0, &y, 32) == 0)
        #expect(loupe_sgemm_pack_quantized_b(nil, 8, 1, 48, w, 51, &y) == 0, "K not a multiple of 32")
        #expect(loupe_sgemm_packed_b_floats("avx9000", 4, 4) == 0)
        // A K block the packer would not have used for this K.
        #expect(loupe_sgemm_prepacked_b(nil, 1, 0, 1, 4, 64, 60, 1, x, 64, x, 0, nil, &y, 4) == 0)
    }
}

/// The weight cache behind `linear(quantized:bias:)`: a weight keeps its form from its second
/// many-row product on (a float copy for formats decoded in Swift, in any mode; packed panels for
/// Q4_0 / Q4_1 / Q8_0, only for prompts in generation), the products before and after are the same
/// bits forward and backward, a weight beyond the budget keeps nothing, and the bytes go back with
/// the weight. Each test draws on a budget of its own.
@Suite struct WeightPanelCacheTests {
    private func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test("formats decoded in Swift keep a float copy from the second product on, forward and backward",
          arguments: [QuantizationType.q6_K, .q4_K, .f16, .bf16])
    func keptCopyGivesTheSameBits(type: QuantizationType) throws {
        let budget = PanelBudget(limit: 1 << 20)
        let columns = type.blockSize == 256 ? 512 : 128
        let q = randomQuantized(type, rows: 96, columns: columns, seed: 21).withPanelBudget(budget)
        let x = testTensor([3, 20, columns], seed: 22), bias = testTensor([96], seed: 23)
        func pass() throws -> (y: [Float], dx: [Float]) {
            let leaf = x.requiringGradient()
            let y = leaf.linear(quantized: q, bias: bias)
            let dx = try gradient(of: (y * y).sum(), withRespectTo: leaf)
            return (y.scalars, dx.scalars)
        }
        let first = try pass()
        #expect(!q.panelSlot.hasPanels, "a single product keeps nothing")
        #expect(budget.resident == 0)
        let second = try pass()
        #expect(q.panelSlot.hasPanels)
        #expect(budget.resident == 96 * columns * 4)
        let third = try pass()
        for later in [second, third] {
            #expect(same(later.y, first.y))
            #expect(same(later.dx, first.dx))
        }
        // The dense reference: the copy changes nothing but the time.
        let dense = x.linear(weight: q.dequantized(), bias: bias)
        expectClose(third.y, dense.scalars, absolute: 1e-4, relative: 1e-5)
    }

    @Test("Q4_0 / Q4_1 / Q8_0 keep panels for prompts in generation only",
          arguments: [QuantizationType.q4_0, .q4_1, .q8_0])
    func blockFormatsKeepPanelsForPrompts(type: QuantizationType) throws {
        let budget = PanelBudget(limit: 1 << 20)
        let q = randomQuantized(type, rows: 100, columns: 192, seed: 24).withPanelBudget(budget)
        let x = testTensor([57, 192], seed: 25), bias = testTensor([100], seed: 26)
        // Attribution (the default arithmetic, a gradient recorded): decoded into the panels at
        // every pass, nothing kept.
        for _ in 0..<3 {
            let leaf = x.requiringGradient()
            _ = try gradient(of: leaf.linear(quantized: q, bias: bias).sum(), withRespectTo: leaf)
        }
        #expect(!q.panelSlot.hasPanels)
        // Prompts in generation.
        func prompt() -> [Float] {
            QuantizedArithmetic.with(.floatKernels) { withoutGradients { x.linear(quantized: q, bias: bias).scalars } }
        }
        let first = prompt()
        #expect(!q.panelSlot.hasPanels)
        let second = prompt(), third = prompt()
        #expect(q.panelSlot.hasPanels)
        #expect(budget.resident >= 100 * 192 * 4)
        #expect(same(second, first) && same(third, first))
        expectClose(third, x.linear(weight: q.dequantized(), bias: bias).scalars, absolute: 1e-4, relative: 1e-5)
    }

    @Test func aWeightBeyondTheBudgetKeepsNothing() {
        let budget = PanelBudget(limit: 64 * 256 * 4 - 1)
        let q = randomQuantized(.q6_K, rows: 64, columns: 256, seed: 31).withPanelBudget(budget)
        let x = testTensor([24, 256], seed: 32)
        let reference = x.linear(quantized: q, bias: nil).scalars
        let again = x.linear(quantized: q, bias: nil).scalars
        let third = x.linear(quantized: q, bias: nil).scalars
        #expect(!q.panelSlot.hasPanels)
        #expect(budget.resident == 0)
        #expect(same(again, reference) && same(third, reference))
    }

    @Test func keptBytesGoBackWithTheirWeight() {
        let budget = PanelBudget(limit: 1 << 20)
        do {
            let q = randomQuantized(.f16, rows: 64, columns: 96, seed: 41).withPanelBudget(budget)
            let x = testTensor([24, 96], seed: 42)
            _ = x.linear(quantized: q, bias: nil)
            _ = x.linear(quantized: q, bias: nil)
            #expect(q.panelSlot.hasPanels)
            #expect(budget.resident == 64 * 96 * 4)
        }
        #expect(budget.resident == 0)
    }
}
