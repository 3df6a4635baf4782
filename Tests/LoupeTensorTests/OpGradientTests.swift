import Foundation
import LoupeTensor
import LoupeTestSupport
import Testing

/// One finite-difference check: inputs, the op under test, and the checker's step.
struct OpCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inputs: @Sendable () -> [Tensor]
    let step: Float
    let f: @Sendable ([Tensor]) -> Tensor

    init(_ name: String, step: Float = 1e-2, _ inputs: @escaping @Sendable () -> [Tensor],
         _ f: @escaping @Sendable ([Tensor]) -> Tensor) {
        (self.name, self.inputs, self.step, self.f) = (name, inputs, step, f)
    }

    var testDescription: String { name }

    func run(sourceLocation: SourceLocation = #_sourceLocation) {
        GradientChecker(step: step).check(inputs(), Comment(rawValue: name), sourceLocation: sourceLocation, f)
    }
}

/// Distinct values on a 0.13 grid (shifted by `offset`), shuffled by `seed`: gaps far wider than
/// the finite-difference step, so max, relu, abs, maximum and clamp stay on one branch.
func grid(_ shape: [Int], seed: UInt64 = 1, offset: Float = 0.065) -> Tensor {
    let n = shape.reduce(1, *)
    var rng = RandomGenerator(seed: seed)
    let values = (0..<n).map { Float($0 - n / 2) * 0.13 + offset }.shuffled(using: &rng)
    return Tensor(shape: shape, scalars: values)
}

func positive(_ shape: [Int], seed: UInt64 = 1) -> Tensor { testTensor(shape, seed: seed, range: 0.5...2) }

/// Finite-difference checks of every differentiable op in `LoupeTensor/Ops`, plus forward values
/// against hand-computed numbers and the seeded random generator.
@Suite("Op gradients")
struct OpGradientTests {
    // MARK: Elementwise arithmetic with broadcasting

    static let shapePairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], []), ([], [3, 4]), ([3, 4], [1]), ([3, 4], [4]), ([4], [3, 4]),
        ([3, 4], [3, 1]), ([3, 1], [1, 4]), ([3, 1, 4], [2, 4]), ([2, 4], [3, 1, 4]), ([2, 1, 4], [2, 3, 1]),
    ]
    static let binaryOps: [(String, @Sendable (Tensor, Tensor) -> Tensor)] = [
        ("+", { $0 + $1 }), ("−", { $0 - $1 }), ("×", { $0 * $1 }), ("÷", { $0 / $1 }),
        ("+=", { var a = $0; a += $1; return a }), ("−=", { var a = $0; a -= $1; return a }),
        ("×=", { var a = $0; a *= $1; return a }),
    ]
    static let arithmeticCases: [OpCase] = binaryOps.flatMap { name, op in
        shapePairs.map { sa, sb in
            OpCase("\(sa) \(name) \(sb)", { [testTensor(sa, seed: 2), positive(sb, seed: 3)] }) { op($0[0], $0[1]) }
        }
    }

    @Test(arguments: arithmeticCases) func arithmetic(_ c: OpCase) { c.run() }

    static let scalarCases: [OpCase] = [
        OpCase("negation", { [testTensor([3, 4])] }) { -$0[0] },
        OpCase("x + s", { [testTensor([3, 4])] }) { $0[0] + 2 },
        OpCase("x − s", { [testTensor([3, 4])] }) { $0[0] - 2 },
        OpCase("x × s", { [testTensor([3, 4])] }) { $0[0] * 3 },
        OpCase("x ÷ s", { [testTensor([3, 4])] }) { $0[0] / 4 },
        OpCase("s + x", { [testTensor([3, 4])] }) { 2 + $0[0] },
        OpCase("s − x", { [testTensor([3, 4])] }) { 2 - $0[0] },
        OpCase("s × x", { [testTensor([3, 4])] }) { 3 * $0[0] },
        OpCase("s ÷ x", { [positive([3, 4])] }) { 2 / $0[0] },
        OpCase("maximum", { [grid([3, 4]), grid([3, 4], seed: 2, offset: 0)] }) { $0[0].maximum($0[1]) },
        OpCase("maximum broadcast", { [grid([3, 4]), grid([4], seed: 2, offset: 0)] }) { $0[0].maximum($0[1]) },
        OpCase("minimum", { [grid([3, 4]), grid([3, 4], seed: 2, offset: 0)] }) { $0[0].minimum($0[1]) },
        OpCase("minimum broadcast", { [grid([3, 1]), grid([3, 4], seed: 2, offset: 0)] }) { $0[0].minimum($0[1]) },
        OpCase("pow 2", { [testTensor([3, 4])] }) { $0[0].pow(2) },
        OpCase("pow 3", { [testTensor([3, 4])] }) { $0[0].pow(3) },
        OpCase("pow 0.5", { [positive([3, 4])] }) { $0[0].pow(0.5) },
        OpCase("pow −1.5", { [positive([3, 4])] }) { $0[0].pow(-1.5) },
        OpCase("fan-out", { [testTensor([3, 4])] }) { $0[0] * $0[0].tanh() + $0[0] },
    ]

    @Test(arguments: scalarCases) func scalarAndPairwise(_ c: OpCase) { c.run() }

    // MARK: Elementwise functions

    static let unaryCases: [OpCase] = [
        OpCase("exp", { [testTensor([3, 4])] }) { $0[0].exp() },
        OpCase("log", { [positive([3, 4])] }) { $0[0].log() },
        OpCase("sqrt", { [positive([3, 4])] }) { $0[0].sqrt() },
        OpCase("squared", { [testTensor([3, 4])] }) { $0[0].squared() },
        OpCase("abs", { [grid([3, 4])] }) { $0[0].abs() },
        OpCase("tanh", { [testTensor([3, 4], range: -2...2)] }) { $0[0].tanh() },
        OpCase("sigmoid", { [testTensor([3, 4], range: -4...4)] }) { $0[0].sigmoid() },
        OpCase("relu", { [grid([3, 4])] }) { $0[0].relu() },
        OpCase("gelu", { [testTensor([3, 4], range: -3...3)] }) { $0[0].gelu() },
        OpCase("softplus", { [testTensor([3, 4], range: -4...4)] }) { $0[0].softplus() },
        OpCase("softplus large", { [Tensor([-30, -19.5, 19.5, 25, 40])] }) { $0[0].softplus() },
        OpCase("clamped", { [grid([4, 5])] }) { $0[0].clamped(to: -0.5...0.5) },
        OpCase("markedForGradient", { [testTensor([3, 4])] }) { ($0[0] * 2).markedForGradient().tanh() },
        OpCase("markedForGradient leaf", { [testTensor([3, 4])] }) { $0[0].markedForGradient() * 3 },
    ]

    @Test(arguments: unaryCases) func elementwise(_ c: OpCase) { c.run() }

    // MARK: Reductions and softmax

    static let reductionCases: [OpCase] = {
        var cases = [
            OpCase("sum", { [grid([2, 3, 4])] }) { $0[0].sum() },
            OpCase("mean", { [grid([2, 3, 4])] }) { $0[0].mean() },
            OpCase("softmax rank 2", { [grid([3, 5])] }) { $0[0].softmax() },
            OpCase("logSoftmax rank 2", { [grid([3, 5])] }) { $0[0].logSoftmax() },
        ]
        for axis in [0, 1, 2, -1] {
            for keep in [false, true] {
                cases.append(OpCase("sum axis \(axis) keep \(keep)", { [grid([2, 3, 4])] }) {
                    $0[0].sum(alongAxis: axis, keepingDimension: keep)
                })
                cases.append(OpCase("mean axis \(axis) keep \(keep)", { [grid([2, 3, 4])] }) {
                    $0[0].mean(alongAxis: axis, keepingDimension: keep)
                })
                cases.append(OpCase("max axis \(axis) keep \(keep)", { [grid([2, 3, 4])] }) {
                    $0[0].max(alongAxis: axis, keepingDimension: keep)
                })
                cases.append(OpCase("logSumExp axis \(axis) keep \(keep)", { [grid([2, 3, 4])] }) {
                    $0[0].logSumExp(alongAxis: axis, keepingDimension: keep)
                })
            }
            cases.append(OpCase("softmax axis \(axis)", { [grid([2, 3, 4])] }) { $0[0].softmax(alongAxis: axis) })
            cases.append(OpCase("logSoftmax axis \(axis)", { [grid([2, 3, 4])] }) { $0[0].logSoftmax(alongAxis: axis) })
        }
        return cases
    }()

    @Test(arguments: reductionCases) func reductions(_ c: OpCase) { c.run() }

    // MARK: Matrix products

    static let matmulCases: [OpCase] = {
        func mm(_ name: String, _ a: [Int], _ b: [Int], _ ta: Bool = false, _ tb: Bool = false) -> OpCase {
            OpCase("\(name): \(a)\(ta ? "ᵀ" : "") · \(b)\(tb ? "ᵀ" : "")", { [testTensor(a, seed: 4), testTensor(b, seed: 5)] }) {
                $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb)
            }
        }
        return [
            mm("2D", [3, 4], [4, 5]), mm("2D", [3, 4], [5, 4], false, true),
            mm("2D", [4, 3], [4, 5], true, false), mm("2D", [4, 3], [5, 4], true, true),
            mm("rank-3 × rank-2 fast path", [2, 3, 4], [4, 5]),
            mm("rank-3 × rank-2 fast path", [2, 3, 4], [5, 4], false, true),
            mm("rank-3 × rank-2 batched", [2, 4, 3], [4, 5], true, false),
            mm("rank-3 × rank-2 batched", [2, 4, 3], [5, 4], true, true),
            mm("batched", [2, 3, 4], [2, 4, 5]), mm("batched", [2, 3, 4], [2, 5, 4], false, true),
            mm("batched", [2, 4, 3], [2, 4, 5], true, false), mm("batched", [2, 4, 3], [2, 5, 4], true, true),
            mm("broadcast batch", [2, 1, 3, 4], [3, 4, 5]), mm("broadcast batch", [1, 3, 4], [2, 4, 5]),
            mm("broadcast batch", [3, 4], [2, 4, 5]), mm("broadcast batch", [2, 1, 4, 3], [2, 5, 4], true, true),
            mm("rank 4", [2, 2, 3, 4], [2, 2, 4, 3]),
            mm("odd sizes fast path", [2, 13, 7], [11, 7], false, true),
            mm("odd sizes batched", [2, 7, 13], [2, 11, 7], true, true),
        ]
    }()

    @Test(arguments: matmulCases) func matmul(_ c: OpCase) { c.run() }

    // MARK: Shape manipulation

    static let shapeCases: [OpCase] = [
        OpCase("reshaped", { [testTensor([2, 3, 4])] }) { $0[0].reshaped([6, 4]) * $0[0].reshaped([6, 4]).tanh() },
        OpCase("reshaped −1", { [testTensor([2, 3, 4])] }) { $0[0].reshaped([-1, 2]).tanh() },
        OpCase("permuted [2, 0, 1]", { [testTensor([2, 3, 4])] }) { $0[0].permuted([2, 0, 1]) },
        OpCase("permuted [1, 0, 2]", { [testTensor([2, 3, 4])] }) { $0[0].permuted([1, 0, 2]) },
        OpCase("transposed", { [testTensor([2, 3, 4])] }) { $0[0].transposed() },
        OpCase("transposed 0 2", { [testTensor([2, 3, 4])] }) { $0[0].transposed(0, 2) },
        OpCase("expanded [3,1]→[2,3,4]", { [testTensor([3, 1])] }) { $0[0].expanded(to: [2, 3, 4]) },
        OpCase("expanded [4]→[3,4]", { [testTensor([4])] }) { $0[0].expanded(to: [3, 4]) },
        OpCase("unsqueezed 0", { [testTensor([3, 4])] }) { $0[0].unsqueezed(at: 0) + testTensor([2, 1, 4], seed: 9) },
        OpCase("unsqueezed −1", { [testTensor([3, 4])] }) { $0[0].unsqueezed(at: -1) * testTensor([3, 4, 2], seed: 9) },
        OpCase("squeezed", { [testTensor([3, 1, 4])] }) { $0[0].squeezed(at: 1) * testTensor([3, 4], seed: 9) },
        OpCase("concatenate axis 0", { [testTensor([2, 3]), testTensor([1, 3], seed: 2), testTensor([3, 3], seed: 3)] }) {
            Tensor.concatenate($0, alongAxis: 0)
        },
        OpCase("concatenate axis 1", { [testTensor([2, 3, 4]), testTensor([2, 1, 4], seed: 2)] }) {
            Tensor.concatenate($0, alongAxis: 1)
        },
        OpCase("concatenate last", { [testTensor([2, 2]), testTensor([2, 5], seed: 2), testTensor([2, 1], seed: 3)] }) {
            Tensor.concatenate($0, alongAxis: -1)
        },
        OpCase("concatenate reused", { [testTensor([2, 3])] }) { Tensor.concatenate([$0[0], $0[0].exp()], alongAxis: 1) },
        OpCase("sliced axis 0", { [testTensor([4, 3])] }) { $0[0].sliced(alongAxis: 0, 1..<3) },
        OpCase("sliced axis 1", { [testTensor([2, 5, 3])] }) { $0[0].sliced(alongAxis: 1, 2..<5) },
        OpCase("sliced last", { [testTensor([2, 5, 3])] }) { $0[0].sliced(alongAxis: -1, 0..<2) },
        OpCase("chunked", { [testTensor([2, 6])] }) {
            let c = $0[0].chunked(3, alongAxis: 1)
            return Tensor.concatenate([c[2], c[0] * c[1]], alongAxis: 1)
        },
    ]

    @Test(arguments: shapeCases) func shapes(_ c: OpCase) { c.run() }

    // MARK: Indexing and selection

    static let mask34 = Tensor(shape: [3, 4], scalars: [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0])

    static let indexingCases: [OpCase] = [
        OpCase("gatherRows repeated", { [testTensor([4, 3])] }) { $0[0].gatherRows([2, 0, 2, 1, 2]) },
        OpCase("gatherRows index shape", { [testTensor([4, 3])] }) { $0[0].gatherRows([3, 3, 0, 1], indexShape: [2, 2]) },
        OpCase("scatterAddingRows", { [testTensor([4, 3]), testTensor([5, 3], seed: 2)] }) {
            $0[0].scatterAddingRows([1, 1, 3, 0, 1], $0[1]).tanh()
        },
        OpCase("picking", { [testTensor([4, 5])] }) { $0[0].picking([4, 0, 2, 2]) },
        OpCase("scatteredColumns", { [testTensor([2, 3, 2])] }) { $0[0].scatteredColumns([4, 1], width: 6).tanh() },
        OpCase("selecting", { [testTensor([3, 4]), testTensor([3, 4], seed: 2)] }) {
            Tensor.selecting(mask34, $0[0], $0[1])
        },
        OpCase("selecting broadcast", { [testTensor([3, 4]), testTensor([4], seed: 2)] }) {
            Tensor.selecting(Tensor(shape: [3, 1], scalars: [1, 0, 1]), $0[0], $0[1])
        },
        OpCase("selecting scalar branch", { [testTensor([]), testTensor([3, 4], seed: 2)] }) {
            Tensor.selecting(mask34, $0[0], $0[1])
        },
        OpCase("filling", { [testTensor([3, 4])] }) { $0[0].filling(where: mask34, with: -1e9) * 1e-9 + $0[0] },
        OpCase("filling broadcast mask", { [testTensor([3, 4])] }) {
            $0[0].filling(where: Tensor([0, 1, 1, 0]), with: 2).tanh()
        },
        OpCase("filling wider mask", { [testTensor([4])] }) { $0[0].filling(where: mask34, with: 0.5) },
    ]

    @Test(arguments: indexingCases) func indexing(_ c: OpCase) { c.run() }

    // MARK: Forward values

    @Test func forwardValues() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 2], scalars: [5, 6, 7, 8])
        expectClose(a.matmul(b).scalars, [19, 22, 43, 50])
        expectClose(a.matmul(b, transposeSelf: true).scalars, [26, 30, 38, 44])
        expectClose(a.matmul(b, transposeOther: true).scalars, [17, 23, 39, 53])
        expectClose(a.matmul(b, transposeSelf: true, transposeOther: true).scalars, [23, 31, 34, 46])
        expectClose(Tensor([1, 2, 3]).softmax().scalars, [0.09003057, 0.24472847, 0.66524096])
        expectClose(Tensor([1, 2, 3]).logSoftmax().scalars, [-2.40760596, -1.40760596, -0.40760596])
        let lse = Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 0]).logSumExp(alongAxis: 1)
        expectClose(lse, Tensor([3.40760596, 1.09861229]))
        expectClose(Tensor(shape: [2, 1], scalars: [1, 2]) + Tensor([10, 20, 30]),
                    Tensor(shape: [2, 3], scalars: [11, 21, 31, 12, 22, 32]))
        let m = Tensor(shape: [2, 3], scalars: [1, 5, 2, 7, 0, 3])
        expectClose(m.max(alongAxis: 0), Tensor([7, 5, 3]))
        expectClose(m.max(alongAxis: 1, keepingDimension: true), Tensor(shape: [2, 1], scalars: [5, 7]))
        #expect(m.argmax() == [1, 0])
        expectClose(m.sum(alongAxis: 0), Tensor([8, 5, 5]))
        expectClose(m.mean(alongAxis: 1), Tensor([8.0 / 3, 10.0 / 3]))
        expectClose(m.transposed(), Tensor(shape: [3, 2], scalars: [1, 7, 5, 0, 2, 3]))
        expectClose(Tensor.concatenate([m, Tensor(shape: [2, 1], scalars: [9, 9])], alongAxis: 1).scalars,
                    [1, 5, 2, 9, 7, 0, 3, 9])
        expectClose(m.sliced(alongAxis: 1, 1..<3), Tensor(shape: [2, 2], scalars: [5, 2, 0, 3]))
        expectClose(m.gatherRows([1, 1, 0]).scalars, [7, 0, 3, 7, 0, 3, 1, 5, 2])
        expectClose(m.scatterAddingRows([0, 0], Tensor(shape: [2, 3], scalars: [1, 1, 1, 2, 2, 2])).scalars,
                    [4, 8, 5, 7, 0, 3])
        expectClose(m.picking([2, 0]), Tensor([2, 7]))
        expectClose(m.scatteredColumns([3, 0, 1], width: 5).scalars, [5, 2, 0, 1, 0, 0, 3, 0, 7, 0])
        expectClose(Tensor([-1, 0, 1]).gelu().scalars, [-0.15865525393145707, 0, 0.8413447460685429])
        expectClose(Tensor([0, 30, -30]).softplus().scalars, [0.6931471805599453, 30, 9.357623e-14])
        expectClose(Tensor([-100, 0, 100]).sigmoid().scalars, [0, 0.5, 1])
        expectClose(Tensor.selecting(Tensor([1, 0]), Tensor([1, 2]), Tensor([3, 4])), Tensor([1, 4]))
        expectClose(Tensor([1, 2]).filling(where: Tensor([0, 1]), with: -5), Tensor([1, -5]))
        // Middle-axis broadcast: [3,1,4] + [2,4] → [3,2,4], out[i,j,k] = a[i,0,k] + b[j,k].
        let x = Tensor(shape: [3, 1, 4], scalars: (0..<12).map(Float.init))
        let y = Tensor(shape: [2, 4], scalars: (0..<8).map { Float($0) * 100 })
        let sum = x + y
        #expect(sum.shape == [3, 2, 4])
        for i in 0..<3 { for j in 0..<2 { for k in 0..<4 {
            #expect(sum[i, j, k] == x[i, 0, k] + y[j, k])
        } } }
    }

    /// Larger, odd-sized products (edge tiles of the GEMM kernel) against a naive triple loop.
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmulMatchesNaiveProduct(_ transposes: (Bool, Bool)) {
        let (ta, tb) = transposes
        let (m, k, n) = (67, 45, 71)
        let a = testTensor(ta ? [2, k, m] : [2, m, k], seed: 60), b = testTensor(tb ? [n, k] : [k, n], seed: 61)
        let product = a.matmul(b, transposeSelf: ta, transposeOther: tb)
        #expect(product.shape == [2, m, n])
        var expected = [Float](repeating: 0, count: 2 * m * n)
        let (sa, sb) = (a.scalars, b.scalars)
        for batch in 0..<2 { for i in 0..<m { for j in 0..<n {
            var total = 0.0
            for p in 0..<k {
                let x = sa[batch * m * k + (ta ? p * m + i : i * k + p)]
                let y = sb[tb ? j * k + p : p * n + j]
                total += Double(x) * Double(y)
            }
            expected[(batch * m + i) * n + j] = Float(total)
        } } }
        expectClose(product.scalars, expected, absolute: 1e-4)
    }

    // MARK: Random generator

    @Test func sameSeedSameNumbers() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let xs = (0..<16).map { _ in a.next() }, ys = (0..<16).map { _ in b.next() }, zs = (0..<16).map { _ in c.next() }
        #expect(xs == ys)
        #expect(xs != zs)
        var d = RandomGenerator(seed: 7), e = RandomGenerator(seed: 7)
        #expect(Tensor.randomNormal([50], using: &d).scalars == Tensor.randomNormal([50], using: &e).scalars)
    }

    @Test func normalMoments() {
        var rng = RandomGenerator(seed: 2024)
        let n = 100_000
        let xs = Tensor.randomNormal([n], mean: 1.5, standardDeviation: 2, using: &rng).scalars.map(Double.init)
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        // Standard errors: 2/√n ≈ 0.0063 for the mean, ≈ 4·√(2/n) ≈ 0.018 for the variance.
        #expect(Swift.abs(mean - 1.5) < 0.03)
        #expect(Swift.abs(variance - 4) < 0.08)
        let allFinite = xs.allSatisfy(\.isFinite)
        #expect(allFinite)
    }

    @Test func uniformAndBernoulli() {
        var rng = RandomGenerator(seed: 9)
        let u = Tensor.randomUniform([100_000], lower: -1, upper: 3, using: &rng).scalars
        let inRange = u.allSatisfy { $0 >= -1 && $0 < 3 }
        #expect(inRange)
        expectClose(u.reduce(0, +) / Float(u.count), 1, absolute: 0.03)
        let b = Tensor.randomBernoulli([100_000], probability: 0.3, using: &rng).scalars
        let binary = b.allSatisfy { $0 == 0 || $0 == 1 }
        #expect(binary)
        // Standard error √(0.3·0.7/n) ≈ 0.0014.
        expectClose(b.reduce(0, +) / Float(b.count), 0.3, absolute: 0.007)
        let ints = (0..<10_000).map { _ in rng.nextInt(below: 7) }
        let intsInRange = ints.allSatisfy { (0..<7).contains($0) }
        #expect(intsInRange && Set(ints).count == 7)
    }

    @Test func splitStreamsAreIndependentAndReproducible() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        var sa = a.split(), sb = b.split()
        #expect(sa.next() == sb.next())
        #expect(a.next() != sa.next())
    }
}
