import Foundation
import LoupeAttribution

/// `loupe-bench gauss-legendre [N…]`: seconds to build the N-point Gauss–Legendre rule (nodes and
/// weights) — O(n) overall since the nodes come from Stieltjes' asymptotic series
/// (IntegrationRule.gaussLegendreNodes), and the weights' sum as a check.
func runQuadratureBenchmark(_ args: [String]) throws {
    let sizes = args.compactMap(Int.init)
    for n in sizes.isEmpty ? [1_000, 10_000, 100_000, 1_000_000] : sizes {
        var best = Double.infinity
        var sum = 0.0
        for _ in 0..<3 {
            let start = Date()
            let rule = try IntegrationRule.make(.gaussLegendre, stepCount: n)
            best = min(best, Date().timeIntervalSince(start))
            sum = rule.weights.reduce(0, +)
        }
        print(String(format: "gauss-legendre %8d points: %.4f s (best of 3), |Σ weights − 1| = %.1e", n, best, abs(sum - 1)))
    }
}
