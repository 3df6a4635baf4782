import Foundation
import LoupeAttribution
import Testing

@Suite("Integration rules: Gauss–Legendre nodes")
struct IntegrationRuleTests {
    static func rule(_ n: Int) throws -> IntegrationRule { try IntegrationRule.make(.gaussLegendre, stepCount: n) }

    /// The n-point rule on [0, 1] by Newton's method on the three-term recurrence at every node
    /// (the former O(n²) computation), as an independent reference.
    static func reference(_ n: Int) -> (alphas: [Double], weights: [Double]) {
        var alphas = [Double](repeating: 0, count: n), weights = alphas
        func legendre(_ x: Double) -> (Double, Double) {
            var p0 = 1.0, p1 = x
            if n >= 2 { for k in 2...n { (p0, p1) = (p1, ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)) } }
            return n == 0 ? (1, 0) : (p1, p0)
        }
        for i in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            for _ in 0..<100 {
                let (p, q) = legendre(x)
                let dx = p / (Double(n) * (x * p - q) / (x * x - 1))
                x -= dx
                if abs(dx) < 1e-15 { break }
            }
            let (p, q) = legendre(x)
            let d = Double(n) * (x * p - q) / (x * x - 1)
            let w = 1 / ((1 - x * x) * d * d)
            alphas[i] = (1 - x) / 2; alphas[n - 1 - i] = (1 + x) / 2
            weights[i] = w; weights[n - 1 - i] = w
        }
        return (alphas, weights)
    }

    @Test("exact for every polynomial of degree ≤ 2n − 1", arguments: [1, 2, 3, 5, 8, 13, 20, 64, 101, 150, 400])
    func exactOnPolynomials(n: Int) throws {
        let r = try Self.rule(n)
        for k in 0...(2 * n - 1) {
            let q = zip(r.alphas, r.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(k)) }
            let exact = 1 / Double(k + 1)
            #expect(abs(q - exact) / exact < 1e-11, "n = \(n), ∫ t^\(k): \(q) vs \(exact)")
        }
        // One degree more is not exact: the error (n!)⁴ / ((2n + 1)((2n)!)²) is visible for n ≤ 8.
        if n <= 8 {
            let k = 2 * n
            let q = zip(r.alphas, r.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(k)) }
            #expect(abs(q - 1 / Double(k + 1)) > 1e-12)
        }
    }

    @Test("nodes ascend inside (0, 1), symmetric about ½; weights positive, symmetric, summing to 1",
          arguments: [1, 2, 7, 100, 101, 1000, 5001])
    func shape(n: Int) throws {
        let r = try Self.rule(n)
        #expect(r.stepCount == n)
        #expect(zip(r.alphas, r.alphas.dropFirst()).allSatisfy { $0 < $1 })
        #expect(r.alphas.allSatisfy { $0 > 0 && $0 < 1 })
        for i in 0..<n {
            #expect(abs(r.alphas[i] + r.alphas[n - 1 - i] - 1) <= 3e-16)
            #expect(r.weights[i] == r.weights[n - 1 - i] && r.weights[i] > 0)
        }
        #expect(abs(r.weights.reduce(0, +) - 1) < 1e-13)
        if n % 2 == 1 { #expect(r.alphas[n / 2] == 0.5) }
    }

    @Test("textbook values: 2 and 3 points")
    func textbook() throws {
        let two = try Self.rule(2)
        #expect(abs(two.alphas[0] - (1 - 1 / 3.0.squareRoot()) / 2) < 1e-15 && abs(two.weights[0] - 0.5) < 1e-15)
        let three = try Self.rule(3)
        #expect(abs(three.alphas[0] - (1 - 0.6.squareRoot()) / 2) < 1e-15)
        #expect(abs(three.weights[0] - 5 / 18.0) < 1e-15 && abs(three.weights[1] - 4 / 9.0) < 1e-15)
    }

    @Test("agrees with the recurrence at every node (the former computation)", arguments: Array(1...24) + [100, 101, 257, 1000])
    func agreesWithTheRecurrence(n: Int) throws {
        let r = try Self.rule(n), old = Self.reference(n)
        for i in 0..<n {
            #expect(abs(r.alphas[i] - old.alphas[i]) < 1e-15, "node \(i) of \(n)")
            #expect(abs(r.weights[i] - old.weights[i]) / old.weights[i] < 1e-11, "weight \(i) of \(n)")
        }
    }
}
