import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("KernelSHAP")
struct KernelSHAPTests {
    static let long = [3, 9, 14, 2, 20, 5, 11, 17, 4, 8, 13, 21]

    @Test("on a model linear in token presence it recovers each token's contribution",
          arguments: [(sentences[0], 200), (sentences[2], 60), (long, 200), (long, 40)])
    func linearRecovery(ids: [Int], samples: Int) throws {
        let model = LinearBagModel()
        for a in try KernelSHAP(sampleCount: samples, seed: 5).attribute(ids, targets: [0, 1], model: model) {
            let expected = ids.map { model.contribution(of: $0, toClass: a.target.index) }
            #expect(maxDifference(a.scores, expected) < 1e-4, "\(samples) samples, \(ids.count) tokens")
        }
    }

    @Test("with every coalition enumerated it gives the exact Shapley values", arguments: TinyModel.allCases)
    func exactShapley(kind: TinyModel) throws {
        let model = kind.make()
        let ids = [3, 9, 14, 2]
        let m = ids.count
        func f(_ present: Set<Int>) -> [Double] {
            outputs(model, ids.indices.map { present.contains($0) ? ids[$0] : 0 }, .probability)
        }
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }
        let results = try KernelSHAP(sampleCount: 200).attribute(ids, targets: [0, 1, 2], model: model, output: .probability)
        for a in results {
            #expect(a.parameters["exact"] == .bool(true))
            let c = a.target.index
            let shapley = (0..<m).map { i -> Double in
                var value = 0.0
                let others = (0..<m).filter { $0 != i }
                for mask in 0..<(1 << others.count) {
                    let s = Set(others.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
                    let weight = factorial(s.count) * factorial(m - s.count - 1) / factorial(m)
                    value += weight * (f(s.union([i]))[c] - f(s)[c])
                }
                return value
            }
            #expect(maxDifference(a.scores, shapley) < 1e-5)
        }
    }

    @Test("scores sum to F(x) − F(all [PAD]) when sampling", arguments: TinyModel.allCases)
    func efficiency(kind: TinyModel) throws {
        let model = kind.make()
        let ids = Self.long
        let full = outputs(model, ids), empty = outputs(model, ids.map { _ in 0 })
        for a in try KernelSHAP(sampleCount: 100, seed: 2).attribute(ids, targets: [0, 1, 2], model: model) {
            #expect(a.parameters["exact"] == .bool(false))
            #expect(Swift.abs(total(a.scores) - (full[a.target.index] - empty[a.target.index])) < 1e-6)
            #expect(Swift.abs(a.convergenceDelta ?? 1) < 1e-9)
        }
    }

    @Test("sampled estimates approach the exact Shapley values as samples grow")
    func convergence() throws {
        let model = TokenwiseTanhClassifier()
        let exact = try KernelSHAP(sampleCount: 5000).attribute(Self.long, targets: [1], model: model)[0]
        #expect(exact.parameters["exact"] == .bool(true))
        func error(_ n: Int) throws -> Double {
            maxDifference(try KernelSHAP(sampleCount: n, seed: 1).attribute(Self.long, targets: [1], model: model)[0].scores, exact.scores)
        }
        let (coarse, fine) = (try error(50), try error(1000))
        #expect(fine < coarse)
        #expect(fine < 0.01)
    }

    @Test("seeded sampling reproduces; a single token gets the whole difference")
    func seedsAndSingleToken() throws {
        let model = TokenwiseTanhClassifier()
        func run(_ seed: UInt64) throws -> [Double] {
            try KernelSHAP(sampleCount: 30, seed: seed).attribute(Self.long, targets: [1], model: model)[0].scores
        }
        #expect(try run(3) == run(3))
        #expect(try run(3) != run(4))
        let one = try KernelSHAP().attribute([12], targets: [2], model: model)[0]
        #expect(Swift.abs(one.scores[0] - (outputs(model, [12])[2] - outputs(model, [0])[2])) < 1e-6)
    }
}
