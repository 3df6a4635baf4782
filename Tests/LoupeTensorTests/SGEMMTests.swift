import CLoupeKernels
import Testing

// Tests of the C SGEMM kernel (Sources/CLoupeKernels) against a naive double-precision
// reference.  Every code path the CPU can run is tested ("generic" always, "avx2-fma" and
// "avx512" where supported) through loupe_sgemm_using, which takes the code path and the
// thread count per call, so these tests change no global state that other suites see.

/// Deterministic xorshift generator so failures reproduce.
private struct XorShift {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
}

private let allKernelNames = ["generic", "avx2-fma", "avx512"]

/// Code paths this CPU can run (a call with M == 0 only asks).
private let availableKernels: [String] = allKernelNames.filter { name in
    var c: Float = 0
    return loupe_sgemm_using(name, 1, 0, 0, 0, 0, 0, 1, [], 1, [], 1, 0, &c, 1) == 1
}

private struct Problem {
    var transA = false, transB = false
    var M: Int, N: Int, K: Int
    var alpha: Float = 1, beta: Float = 0
    var padA = 0, padB = 0, padC = 0
    var a: [Float] = [], b: [Float] = [], c: [Float] = []
    /// When set (N values), the bias variant runs: C = alpha·op(A)·op(B) + bias, beta ignored.
    var bias: [Float]? = nil

    var lda: Int { max(1, (transA ? M : K) + padA) }
    var ldb: Int { max(1, (transB ? K : N) + padB) }
    var ldc: Int { max(1, N + padC) }

    /// Fills A, B and C with random values (C with NaN when `nanC`).
    mutating func fill(_ rng: inout XorShift, nanC: Bool = false) {
        let aRows = transA ? K : M, bRows = transB ? N : K
        a = (0..<(aRows * lda)).map { _ in rng.float() }
        b = (0..<(bRows * ldb)).map { _ in rng.float() }
        c = (0..<(M * ldc)).map { _ in nanC ? Float.nan : rng.float() }
    }

    func opA(_ i: Int, _ k: Int) -> Float { transA ? a[k * lda + i] : a[i * lda + k] }
    func opB(_ k: Int, _ j: Int) -> Float { transB ? b[j * ldb + k] : b[k * ldb + j] }

    /// Runs the kernel on a copy of C and returns it; nil if the code path is unavailable.
    func run(kernel: String, threads: Int) -> [Float]? {
        var out = c
        let ok = out.withUnsafeMutableBufferPointer { cp in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    (bias ?? []).withUnsafeBufferPointer { biasp in
                        loupe_sgemm_bias_using(kernel, Int32(threads),
                                               transA ? 1 : 0, transB ? 1 : 0, Int32(M), Int32(N), Int32(K),
                                               alpha, ap.baseAddress, Int32(lda), bp.baseAddress, Int32(ldb),
                                               beta, bias == nil ? nil : biasp.baseAddress, cp.baseAddress, Int32(ldc))
                    }
                }
            }
        }
        return ok == 1 ? out : nil
    }

    /// Compares `out` with a double-precision reference; returns a description of the
    /// first few mismatches (empty when all is well).  Padding columns must be untouched.
    func mismatches(_ out: [Float]) -> [String] {
        var errors: [String] = []
        for i in 0..<M {
            for j in 0..<ldc {
                let idx = i * ldc + j
                if j >= N {
                    if out[idx].bitPattern != c[idx].bitPattern { errors.append("padding (\(i),\(j)) modified") }
                    continue
                }
                var acc = 0.0, mag = 0.0
                for k in 0..<K {
                    let p = Double(opA(i, k)) * Double(opB(k, j))
                    acc += p
                    mag += abs(p)
                }
                let old = bias.map { Double($0[j]) } ?? (beta == 0 ? 0 : Double(beta) * Double(c[idx]))
                let ref = Double(alpha) * acc + old
                let tol = 1e-6 * (abs(Double(alpha)) * mag + abs(old)) * (4 + Double(K).squareRoot()) + 1e-30
                let got = Double(out[idx])
                if !(abs(got - ref) <= tol) {
                    errors.append("(\(i),\(j)): got \(got), expected \(ref)")
                }
                if errors.count >= 3 { return errors }
            }
        }
        return errors
    }

    var label: String {
        "\(transA ? "T" : "N")\(transB ? "T" : "N") M=\(M) N=\(N) K=\(K) alpha=\(alpha) beta=\(beta) lda=\(lda) ldb=\(ldb) ldc=\(ldc)"
    }
}

private func check(_ p: Problem, kernel: String, threads: Int = 2) {
    guard let out = p.run(kernel: kernel, threads: threads) else {
        Issue.record("kernel \(kernel) unavailable")
        return
    }
    let errors = p.mismatches(out)
    #expect(errors.isEmpty, "\(kernel) \(p.label): \(errors.joined(separator: "; "))")
}

@Suite("SGEMM kernel")
struct SGEMMTests {
    @Test("kernel name and thread count API")
    func api() {
        let name = String(cString: loupe_sgemm_kernel_name())
        #expect(allKernelNames.contains(name))
        #expect(availableKernels.contains("generic"))
        #expect(availableKernels.contains(name))
        #expect(loupe_get_num_threads() >= 1)
        var c: Float = 0
        #expect(loupe_sgemm_using("no-such-kernel", 1, 0, 0, 1, 1, 1, 1, [1], 1, [1], 1, 0, &c, 1) == 0)
    }

    @Test("bias variant: the bias is added to every row and C is not read", arguments: availableKernels)
    func biasVariant(kernel: String) {
        var rng = XorShift(seed: 77)
        // GEMV path (1 and 3 rows), blocked path with edge tiles, several K blocks, K = 0, alpha = 0.
        let shapes: [(Int, Int, Int)] = [(1, 37, 19), (3, 40, 33), (17, 23, 9), (50, 384, 128), (64, 70, 700),
                                         (5, 9, 0), (200, 130, 64)]
        for (n, (m, cols, k)) in shapes.enumerated() {
            for transB in [false, true] {
                var p = Problem(transA: n % 2 == 1, transB: transB, M: m, N: cols, K: k)
                p.alpha = n == 5 ? 0 : (n == 2 ? -1.5 : 1)
                p.padC = 3
                p.fill(&rng, nanC: true)
                p.bias = (0..<cols).map { _ in rng.float() }
                for threads in [1, 2] { check(p, kernel: kernel, threads: threads) }
            }
        }
    }

    @Test("small and edge sizes, all transposes", arguments: availableKernels)
    func edgeSizes(kernel: String) {
        var rng = XorShift(seed: 1)
        let sizes = [0, 1, 2, 3, 5, 6, 7, 8, 12, 13, 16, 17, 33]
        for transA in [false, true] {
            for transB in [false, true] {
                for m in sizes {
                    for n in sizes where (m + n) % 2 == 0 || n < 3 {
                        for k in [0, 1, 3, 17] {
                            var p = Problem(transA: transA, transB: transB, M: m, N: n, K: k)
                            p.fill(&rng)
                            check(p, kernel: kernel)
                        }
                    }
                }
            }
        }
    }

    @Test("random shapes, scalars and leading dimensions", arguments: availableKernels)
    func randomShapes(kernel: String) {
        var rng = XorShift(seed: 2)
        for iteration in 0..<160 {
            let big = iteration % 16 == 0
            var p = Problem(
                transA: rng.int(0...1) == 1, transB: rng.int(0...1) == 1,
                M: big ? rng.int(60...140) : rng.int(1...40),
                N: big ? rng.int(60...140) : rng.int(1...40),
                K: big ? rng.int(60...200) : rng.int(1...40),
                alpha: rng.pick([1, -1.5, 0.25, 0]), beta: rng.pick([0, 1, -0.5, 2]),
                padA: rng.pick([0, 0, 1, 7]), padB: rng.pick([0, 0, 3, 16]), padC: rng.pick([0, 0, 2, 5]))
            p.fill(&rng, nanC: p.beta == 0 && rng.int(0...1) == 1)
            check(p, kernel: kernel)
        }
    }

    @Test("attention-head and vector shapes", arguments: availableKernels)
    func typicalShapes(kernel: String) {
        var rng = XorShift(seed: 3)
        // (M, N, K, transA, transB): Q·Kᵀ and P·V of a 24-token head, 1×E rows, E×1 columns.
        let shapes: [(Int, Int, Int, Bool, Bool)] = [
            (24, 24, 8, false, true), (24, 8, 24, false, false), (8, 24, 24, true, false),
            (1, 32, 32, false, false), (1, 96, 32, false, true), (1, 32, 96, true, false),
            (32, 1, 32, false, false), (96, 1, 32, true, true), (1, 1, 50, false, false),
            (1, 1, 50, true, true), (2, 300, 1, false, false), (300, 2, 5, true, false),
        ]
        for (m, n, k, ta, tb) in shapes {
            for beta: Float in [0, 0.5] {
                var p = Problem(transA: ta, transB: tb, M: m, N: n, K: k, alpha: 0.75, beta: beta, padC: 1)
                p.fill(&rng)
                check(p, kernel: kernel)
            }
        }
    }

    @Test("sizes crossing the cache blocks (MC, KC, NC)", arguments: availableKernels)
    func blockBoundaries(kernel: String) {
        var rng = XorShift(seed: 4)
        // MC is 72 (avx2-fma), 128 (generic) or 384 (avx512); KC 384, 256 or 192;
        // NC about 4096.  Shapes keep the reference cheap while crossing each boundary.
        let shapes: [(Int, Int, Int)] = [
            (73, 20, 9), (145, 18, 10), (385, 17, 6), (129, 33, 20),
            (14, 19, 193), (13, 18, 257), (7, 34, 385), (11, 21, 769),
            (7, 4097, 9), (5, 4100, 3),
            (3, 2100, 1000), // few rows but a large B: packed path, not one GEMV per row
        ]
        for (i, (m, n, k)) in shapes.enumerated() {
            var p = Problem(transA: i % 2 == 1, transB: i % 3 == 1, M: m, N: n, K: k,
                            alpha: 0.5, beta: i % 2 == 0 ? 0 : -1, padA: 3, padB: 1, padC: 2)
            p.fill(&rng, nanC: p.beta == 0)
            check(p, kernel: kernel)
        }
    }

    @Test("beta == 0 ignores NaN in C; alpha == 0 and K == 0 only scale C", arguments: availableKernels)
    func betaAndAlphaSpecialCases(kernel: String) {
        var rng = XorShift(seed: 5)
        for (m, n, k) in [(1, 1, 1), (1, 40, 7), (40, 1, 7), (9, 20, 5), (70, 70, 70)] {
            for (alpha, beta) in [(Float(1), Float(0)), (0, 0), (0, 2), (1.5, 0)] {
                var p = Problem(M: m, N: n, K: k, alpha: alpha, beta: beta)
                p.fill(&rng, nanC: beta == 0)
                guard let out = p.run(kernel: kernel, threads: 2) else { continue }
                #expect(out.allSatisfy { $0.isFinite }, "\(kernel) \(p.label) left non-finite values")
                #expect(p.mismatches(out).isEmpty, "\(kernel) \(p.label)")
            }
        }
        // K == 0: C = beta * C (beta == 0 clears NaN).
        for beta: Float in [0, 1, 3] {
            var p = Problem(M: 5, N: 7, K: 0, alpha: 1, beta: beta)
            p.fill(&rng, nanC: beta == 0)
            guard let out = p.run(kernel: kernel, threads: 1) else { continue }
            for (o, c) in zip(out, p.c) {
                #expect(o == (beta == 0 ? 0 : beta * c))
            }
        }
    }

    @Test("results do not depend on the thread count", arguments: availableKernels)
    func threadCountDeterminism(kernel: String) {
        var rng = XorShift(seed: 6)
        let shapes: [(Int, Int, Int)] = [(256, 256, 300), (300, 97, 800), (97, 300, 33), (100, 100, 100), (1030, 64, 40)]
        for (m, n, k) in shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                var p = Problem(transA: ta, transB: tb, M: m, N: n, K: k, alpha: 0.7, beta: 0.3)
                p.fill(&rng)
                guard let one = p.run(kernel: kernel, threads: 1),
                      let two = p.run(kernel: kernel, threads: 2),
                      let five = p.run(kernel: kernel, threads: 5)
                else { continue }
                #expect(one.map(\.bitPattern) == two.map(\.bitPattern), "\(kernel) \(p.label): 1 vs 2 threads")
                #expect(one.map(\.bitPattern) == five.map(\.bitPattern), "\(kernel) \(p.label): 1 vs 5 threads")
            }
        }
    }

    @Test("concurrent callers get correct, identical results")
    func concurrentCallers() async {
        var rng = XorShift(seed: 7)
        var p = Problem(M: 150, N: 170, K: 300, alpha: 1, beta: 0)
        p.fill(&rng)
        guard let expected = p.run(kernel: "auto", threads: 1) else {
            Issue.record("auto kernel unavailable")
            return
        }
        #expect(p.mismatches(expected).isEmpty)
        let problem = p
        let bad = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var wrong = 0
                    for _ in 0..<10 {
                        if problem.run(kernel: "auto", threads: 2)?.map(\.bitPattern) != expected.map(\.bitPattern) {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(bad == 0)
    }

    @Test("loupe_sgemm uses the default path and thread setting")
    func defaultEntryPoint() {
        var rng = XorShift(seed: 8)
        var p = Problem(transA: true, M: 70, N: 90, K: 110, alpha: 2, beta: 0.5, padC: 3)
        p.fill(&rng)
        var out = p.c
        loupe_sgemm(1, 0, Int32(p.M), Int32(p.N), Int32(p.K), p.alpha, p.a, Int32(p.lda),
                    p.b, Int32(p.ldb), p.beta, &out, Int32(p.ldc))
        #expect(p.mismatches(out).isEmpty)
        let viaUsing = p.run(kernel: "auto", threads: 0)
        #expect(viaUsing.map { $0.map(\.bitPattern) } == out.map(\.bitPattern))
    }
}
