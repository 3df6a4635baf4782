import CLoupeKernels
import Foundation
import LoupeTensor
import Testing

// The SiLU and GELU kernels (Sources/CLoupeKernels/activations.c) on every code path this CPU can
// run, against a double-precision reference, at lengths that hit the vector body and the tail,
// and at arguments where exp under- or overflows.

private let activationPaths = ["generic", "avx2-fma", "avx512"].filter { path in
    var out: [Float] = [0]
    return loupe_silu_forward_using(path, 1, [1], &out) == 1
}

fileprivate typealias Forward = (UnsafePointer<CChar>?, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Int32
fileprivate typealias Backward = (UnsafePointer<CChar>?, Int, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Int32

@Suite("Activation kernels")
struct ActivationKernelTests {
    enum Activation: String, CaseIterable { case silu, gelu }

    /// f(x) and f′(x) in double precision.
    static func reference(_ activation: Activation, _ v: Float) -> (y: Double, derivative: Double) {
        let x = Double(v)
        switch activation {
        case .silu:
            let s = 1 / (1 + Foundation.exp(-x))
            return (x * s, s * (1 + x * (1 - s)))
        case .gelu:
            let cdf = 0.5 * Foundation.erfc(-x / 2.0.squareRoot())
            return (x * cdf, cdf + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot())
        }
    }

    fileprivate static func kernels(_ activation: Activation) -> (Forward, Backward) {
        switch activation {
        case .silu: return (loupe_silu_forward_using, loupe_silu_backward_using)
        case .gelu: return (loupe_gelu_forward_using, loupe_gelu_backward_using)
        }
    }

    static var cases: [(String, Activation)] {
        activationPaths.flatMap { path in Activation.allCases.map { (path, $0) } }
    }

    /// Values within a few float roundings of |x|-scaled terms: f(x) to 4e-7 relative (or
    /// absolute below 1); f′(x)·g to (8 + |x|)·2e-7·max(1, |g|), since f′ holds x·(1 − σ(x))
    /// (or x·φ(x)), whose float rounding grows with |x|.
    @Test(arguments: cases)
    func matchesDoublePrecisionReference(path: String, activation: Activation) {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Float {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) * 24 - 12
        }
        let extremes: [Float] = [0, -0.0, 1e-20, -1e-20, 5, -5, 20, -20, 87, -87, 88.5, -88.5, 100, -100, 1e30, -1e30]
        let (forward, backward) = Self.kernels(activation)
        for n in [1, 7, 8, 9, 31, 64, 1000] {
            let x = (0..<n).map { i in i < extremes.count && n >= 31 ? extremes[i] : next() }
            let g = (0..<n).map { _ in next() }
            var y = [Float](repeating: .nan, count: n), dx = y
            #expect(forward(path, n, x, &y) == 1)
            #expect(backward(path, n, x, g, &dx) == 1)
            for i in 0..<n {
                let (ry, rd) = Self.reference(activation, x[i])
                let expectedDx = Double(g[i]) * rd
                #expect(Swift.abs(Double(y[i]) - ry) <= 4e-7 * Swift.max(1, Swift.abs(ry)),
                        "\(path) n \(n) \(activation)(\(x[i])) = \(y[i]), want \(ry)")
                let bound = (8 + Double(Swift.min(Swift.abs(x[i]), 1e3))) * 2e-7 * Swift.max(1, Double(Swift.abs(g[i])))
                #expect(Swift.abs(Double(dx[i]) - expectedDx) <= bound,
                        "\(path) n \(n) \(activation)′(\(x[i])) · \(g[i]) = \(dx[i]), want \(expectedDx)")
            }
        }
    }

    @Test("GELU's lower tail keeps its relative precision (no cancellation in 1 + erf)", arguments: activationPaths)
    func geluLowerTail(path: String) {
        let x: [Float] = [-3, -4, -5, -6, -7, -8, -9, -10]
        var y = [Float](repeating: 0, count: x.count)
        #expect(loupe_gelu_forward_using(path, x.count, x, &y) == 1)
        for (v, got) in zip(x, y) {
            let want = Self.reference(.gelu, v).y
            // exp(p − a²) with a² up to 50: its argument's rounding alone is a few 1e-6 relative.
            #expect(Swift.abs(Double(got) - want) <= 1e-5 * Swift.abs(want), "gelu(\(v)) = \(got), want \(want)")
        }
    }

    @Test(arguments: cases)
    func propagatesInfinityAndNaN(path: String, activation: Activation) {
        let x: [Float] = [.infinity, .nan, 1, 2, 3, 4, 5, 6, .infinity, .nan]
        var y = [Float](repeating: 0, count: x.count)
        #expect(Self.kernels(activation).0(path, x.count, x, &y) == 1)
        #expect(y[0] == .infinity && y[8] == .infinity)
        #expect(y[1].isNaN && y[9].isNaN)
    }

    @Test("SwiGLU's product and its two gradients against double precision", arguments: activationPaths)
    func swigluMatchesDoublePrecision(path: String) {
        var state: UInt64 = 0x6A09_E667_F3BC_C908
        func next() -> Float {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) * 16 - 8
        }
        for n in [1, 15, 16, 17, 100] {
            let g = (0..<n).map { _ in next() }, u = (0..<n).map { _ in next() }, dy = (0..<n).map { _ in next() }
            var y = [Float](repeating: .nan, count: n), dg = y, du = y, onlyDu = y
            #expect(loupe_swiglu_forward_using(path, n, g, u, &y) == 1)
            #expect(loupe_swiglu_backward_using(path, n, g, u, dy, &dg, &du) == 1)
            #expect(loupe_swiglu_backward_using(path, n, g, u, dy, nil, &onlyDu) == 1)
            for i in 0..<n {
                let (silu, derivative) = Self.reference(.silu, g[i])
                let (ry, rdg, rdu) = (silu * Double(u[i]), Double(dy[i]) * Double(u[i]) * derivative, Double(dy[i]) * silu)
                let scale = (8 + Double(Swift.abs(g[i]))) * 2e-7 * Swift.max(1, Double(Swift.abs(u[i]))) * Swift.max(1, Double(Swift.abs(dy[i])))
                #expect(Swift.abs(Double(y[i]) - ry) <= scale, "\(path) y[\(i)]")
                #expect(Swift.abs(Double(dg[i]) - rdg) <= scale, "\(path) dg[\(i)]")
                #expect(Swift.abs(Double(du[i]) - rdu) <= scale, "\(path) du[\(i)]")
                #expect(onlyDu[i] == du[i])
            }
        }
    }

    @Test func unknownPathIsRefused() {
        var y: [Float] = [0]
        #expect(loupe_silu_forward_using("avx9000", 1, [1], &y) == 0)
        #expect(loupe_gelu_forward_using("avx9000", 1, [1], &y) == 0)
    }
}

@Suite("Reductions")
struct ReductionTests {
    @Test(arguments: [0, 1, 15, 16, 17, 1000, 49_152])
    func sumOfExponentialsMatchesDoublePrecision(count: Int) {
        var state: UInt64 = 0x853C_49E6_748F_EA9B
        let values = (0..<count).map { _ -> Float in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) * 40 - 30
        }
        let shift = values.max() ?? 0
        let exact = values.reduce(0.0) { $0 + Foundation.exp(Double($1) - Double(shift)) }
        let got = Reductions.sumOfExponentials(values, shiftedBy: shift)
        #expect(Swift.abs(got - exact) <= 1e-6 * Swift.max(exact, 1e-300), "\(count): \(got) vs \(exact)")
    }
}
