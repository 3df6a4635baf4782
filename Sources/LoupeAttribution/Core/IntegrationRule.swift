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

    /// Nodes and weights of n-point Gauss–Legendre quadrature on [−1, 1], ascending, in O(n) time
    /// overall (100,000 points in milliseconds).
    ///
    /// Each node is found by Newton's method from the Chebyshev-like guess
    /// `θ = π(k − ¼)/(n + ½)`, `x = cos θ`. Up to ``recurrenceLimit`` points, and for the few nodes
    /// within `n·sin θ < 30` of either end, `P_n` and `P_n′` come from the three-term recurrence
    /// (`O(n)` per node, a fixed number of such nodes). Every other node uses Stieltjes' asymptotic
    /// series (Szegő, *Orthogonal Polynomials*, §8.21; the approach of Hale & Townsend, "Fast and
    /// accurate computation of Gauss–Legendre and Gauss–Jacobi quadrature nodes and weights",
    /// SIAM J. Sci. Comput. 2013)
    /// `P_n(cos θ) = C_n Σ_m h_m cos((n + m + ½)θ − (m + ½)π/2) / (2 sin θ)^(m + ½)`,
    /// `C_n = (4/π) Π_{j≤n} j/(j + ½)`, `h_0 = 1`, `h_m = h_{m−1} (m − ½)² / (m (n + m + ½))`,
    /// summed until a term is below 1e-17 of the first: `O(1)` per node. Newton runs in θ, and the
    /// weight is `2 / (dP_n(cos θ)/dθ)²`. Nodes are exactly symmetric (the middle one of an odd
    /// rule is 0).
    static func gaussLegendreNodes(_ n: Int) -> ([Double], [Double]) {
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        let constant = n > recurrenceLimit ? stieltjesConstant(n) : 0
        for i in 0..<(n + 1) / 2 {
            let theta = Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5)
            var node: (x: Double, weight: Double)?
            if n > recurrenceLimit && Double(n) * sin(theta) >= 30 {
                node = asymptoticNode(n, theta: theta, constant: constant)
            }
            let (x, w) = node ?? recurrenceNode(n, start: cos(theta))
            nodes[i] = -x
            nodes[n - 1 - i] = x
            weights[i] = w
            weights[n - 1 - i] = w
        }
        if n % 2 == 1 { nodes[n / 2] = 0 }
        return (nodes, weights)
    }

    /// Rules of at most this many points use the recurrence for every node.
    static let recurrenceLimit = 100

    /// The root of `P_n` near `start` and its weight, by Newton's method on the three-term
    /// recurrence `k P_k = (2k − 1) x P_{k−1} − (k − 1) P_{k−2}` (O(n) per iteration).
    static func recurrenceNode(_ n: Int, start: Double) -> (x: Double, weight: Double) {
        var x = start
        var derivative = 1.0
        for _ in 0..<100 {
            let (p, previous) = legendre(n, at: x)
            derivative = Double(n) * (x * p - previous) / (x * x - 1)
            let dx = p / derivative
            x -= dx
            if abs(dx) < 1e-15 { break }
        }
        let (p, previous) = legendre(n, at: x)
        derivative = Double(n) * (x * p - previous) / (x * x - 1)
        return (x, 2 / ((1 - x * x) * derivative * derivative))
    }

    /// `(P_n(x), P_{n−1}(x))` by the three-term recurrence.
    static func legendre(_ n: Int, at x: Double) -> (Double, Double) {
        guard n > 0 else { return (1, 0) }
        var p0 = 1.0, p1 = x
        if n >= 2 {
            for k in 2...n {
                let pk = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                p0 = p1
                p1 = pk
            }
        }
        return (p1, p0)
    }

    /// `C_n = (4/π) Π_{j=1…n} j/(j + ½)` (= `(2/√π) Γ(n + 1)/Γ(n + 3/2)`).
    static func stieltjesConstant(_ n: Int) -> Double {
        var c = 4 / Double.pi
        for j in 1...Swift.max(1, n) { c *= Double(j) / (Double(j) + 0.5) }
        return c
    }

    /// `(P_n(cos θ), dP_n(cos θ)/dθ)` from Stieltjes' series, or nil when it has not converged in
    /// 60 terms (θ too close to 0 or π).
    static func stieltjes(_ n: Int, theta: Double, constant: Double) -> (value: Double, slope: Double)? {
        let sine = sin(theta), cosine = cos(theta)
        let s = 2 * sine
        let nd = Double(n)
        let alpha = (nd + 0.5) * theta - Double.pi / 4
        var c = cos(alpha), sn = sin(alpha)
        var h = 1.0
        var scale = 1 / s.squareRoot()                  // (2 sin θ)^−(m + ½)
        var value = 0.0, slope = 0.0
        for m in 0..<60 {
            let md = Double(m)
            value += h * c * scale
            slope -= h * ((nd + md + 0.5) * sn * scale + (md + 0.5) * c * scale * (2 * cosine) / s)
            // Next term: h, the power of 2 sin θ, and the angle advanced by θ − π/2.
            h *= (md + 0.5) * (md + 0.5) / ((md + 1) * (nd + md + 1.5))
            scale /= s
            if h * scale * s.squareRoot() < 1e-17 { return (constant * value, constant * slope) }
            (c, sn) = (c * sine + sn * cosine, sn * sine - c * cosine)
        }
        return nil
    }

    /// The root of `P_n(cos θ)` near `theta` and its weight by Newton's method in θ on Stieltjes'
    /// series; nil when the series does not converge there.
    static func asymptoticNode(_ n: Int, theta start: Double, constant: Double) -> (x: Double, weight: Double)? {
        var theta = start
        for _ in 0..<20 {
            guard let (value, slope) = stieltjes(n, theta: theta, constant: constant) else { return nil }
            let step = value / slope
            theta -= step
            if abs(step) < 1e-15 * Swift.max(1, theta) { break }
        }
        guard let (_, slope) = stieltjes(n, theta: theta, constant: constant) else { return nil }
        return (cos(theta), 2 / (slope * slope))
    }
}
