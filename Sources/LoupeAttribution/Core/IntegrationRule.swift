import Foundation

/// A quadrature rule for the path integral of integrated gradients: the interpolation points
/// `alphas` in [0, 1] and the weight of each point. Rules are data, not branches inside IG.
///
/// The Riemann rules follow the step conventions of Captum (`approximation_methods.py`), so results
/// agree with Captum for the same rule and step count. Gauss–Legendre maps the n-point Legendre
/// nodes from [−1, 1] to [0, 1] (weights halved).
public struct IntegrationRule: Equatable, Sendable {
    /// The rule's name as used in JSON and on the command line.
    public let name: String
    /// Interpolation coefficients, ascending.
    public let alphas: [Double]
    /// Quadrature weights (they sum to 1, except Captum's trapezoid rule: (n − 1)/n).
    public let weights: [Double]

    public init(name: String, alphas: [Double], weights: [Double]) {
        precondition(alphas.count == weights.count && !alphas.isEmpty, "a rule needs matching, non-empty alphas and weights")
        self.name = name
        self.alphas = alphas
        self.weights = weights
    }

    /// Number of evaluation points.
    public var stepCount: Int { alphas.count }

    /// The rule families Loupe knows, by name.
    public enum Kind: String, CaseIterable, Sendable {
        case riemannLeft = "riemann-left"
        case riemannRight = "riemann-right"
        case riemannMiddle = "riemann-middle"
        case riemannTrapezoid = "riemann-trapezoid"
        case gaussLegendre = "gauss-legendre"
    }

    /// The rule of `kind` with `stepCount` points.
    public static func make(_ kind: Kind, stepCount n: Int) throws -> IntegrationRule {
        guard n >= 1 else { throw RuleError.badStepCount(n) }
        switch kind {
        case .riemannLeft:
            return IntegrationRule(name: kind.rawValue, alphas: (0..<n).map { Double($0) / Double(n) },
                                   weights: Array(repeating: 1 / Double(n), count: n))
        case .riemannRight:
            return IntegrationRule(name: kind.rawValue, alphas: (1...n).map { Double($0) / Double(n) },
                                   weights: Array(repeating: 1 / Double(n), count: n))
        case .riemannMiddle:
            return IntegrationRule(name: kind.rawValue, alphas: (0..<n).map { (Double($0) + 0.5) / Double(n) },
                                   weights: Array(repeating: 1 / Double(n), count: n))
        case .riemannTrapezoid:
            guard n >= 2 else { throw RuleError.badStepCount(n) }
            // Captum's convention: nodes linspace(0, 1, n), step 1/n with halved end weights, so
            // the weights sum to (n − 1)/n rather than 1. Kept for parity with Captum results.
            var w = Array(repeating: 1 / Double(n), count: n)
            w[0] /= 2
            w[n - 1] /= 2
            return IntegrationRule(name: kind.rawValue, alphas: (0..<n).map { Double($0) / Double(n - 1) }, weights: w)
        case .gaussLegendre:
            let (x, w) = gaussLegendreNodes(n)
            return IntegrationRule(name: kind.rawValue, alphas: x.map { ($0 + 1) / 2 }, weights: w.map { $0 / 2 })
        }
    }

    /// Parses `gauss-legendre`, `riemann-trapezoid`, … (also Captum's `gausslegendre` and `riemann_trapezoid`).
    public static func kind(named name: String) -> Kind? {
        let normalized = name.lowercased().replacingOccurrences(of: "_", with: "-")
        if normalized == "gausslegendre" { return .gaussLegendre }
        return Kind(rawValue: normalized)
    }

    public enum RuleError: Error, CustomStringConvertible {
        case badStepCount(Int)
        public var description: String {
            switch self {
            case .badStepCount(let n): return "integration steps must be positive (trapezoid needs ≥ 2), got \(n)"
            }
        }
    }

    /// Nodes and weights of n-point Gauss–Legendre quadrature on [−1, 1] (Newton iteration on
    /// the Legendre polynomial from Chebyshev starting points; Golub & Welsch give the same values).
    static func gaussLegendreNodes(_ n: Int) -> ([Double], [Double]) {
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                if n == 1 { p1 = x; p0 = 1 }
                var pn = n == 0 ? 1.0 : x
                if n >= 2 {
                    for k in 2...n {
                        let pk = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                        p0 = p1; p1 = pk
                    }
                    pn = p1
                } else {
                    p0 = 1; pn = x
                }
                derivative = Double(n) * (x * pn - p0) / (x * x - 1)
                let dx = pn / derivative
                x -= dx
                if abs(dx) < 1e-15 { break }
            }
            nodes[i] = -x
            nodes[n - 1 - i] = x
            let w = 2 / ((1 - x * x) * derivative * derivative)
            weights[i] = w
            weights[n - 1 - i] = w
        }
        return (nodes, weights)
    }
}
