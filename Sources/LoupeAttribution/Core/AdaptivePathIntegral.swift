import LoupeNN
import LoupeTensor

/// One target's path integral: per-token scores, their L2 norms, the completeness gap, and the
/// explained output at both ends of the path.
struct PathIntegral {
    var scores: [Double]
    var l2: [Double]
    var delta: Double
    /// F(x), the output at the input.
    var outputOfInput: Double
    /// F(baseline), the output at the path's start.
    var outputOfBaseline: Double

    /// The mean of several baselines' integrals of one target (expected gradients): scores, norms,
    /// delta and F(baseline) averaged; F(x) is the same for all.
    static func mean(_ runs: [PathIntegral]) -> PathIntegral {
        guard let first = runs.first, runs.count > 1 else { return runs[0] }
        let n = Double(runs.count)
        var scores = [Double](repeating: 0, count: first.scores.count), l2 = scores
        for r in runs {
            for i in scores.indices { scores[i] += r.scores[i] / n; l2[i] += r.l2[i] / n }
        }
        return PathIntegral(scores: scores, l2: l2, delta: runs.reduce(0) { $0 + $1.delta } / n,
                            outputOfInput: first.outputOfInput,
                            outputOfBaseline: runs.reduce(0) { $0 + $1.outputOfBaseline } / n)
    }

    /// Per target, the mean over baselines of `runs` (`runs[b][k]`: baseline b, target k).
    static func mean(perBaseline runs: [[PathIntegral]]) -> [PathIntegral] {
        guard runs.count > 1 else { return runs[0] }
        return runs[0].indices.map { k in mean(runs.map { $0[k] }) }
    }
}

/// A method that integrates gradients along a straight path (``IntegratedGradients``,
/// ``LayerIntegratedGradients``): its settings are one ``PathSettings``, readable and writable
/// through the method itself (`ig.stepCount = 100`).
@dynamicMemberLookup
public protocol PathAttributionMethod: AttributionMethod {
    var path: PathSettings { get set }
}

extension PathAttributionMethod {
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PathSettings, T>) -> T {
        get { path[keyPath: keyPath] }
        set { path[keyPath: keyPath] = newValue }
    }

    public var parameters: [String: ParameterValue] { path.parameters }
    public func validateSettings() throws { try path.validate() }
}

/// The settings every path method shares (integrated gradients at the embeddings or at a layer,
/// the KL contribution): quadrature rule and step count, baseline, memory cap, and the adaptive
/// mode's tolerance and ceiling.
public struct PathSettings: Equatable, Sendable {
    public var rule: IntegrationRule.Kind
    public var stepCount: Int
    public var baseline: Baseline
    /// Most interpolation rows evaluated in one forward/backward pass (caps memory).
    public var internalBatchSize: Int
    /// When set, double the step count until |convergence delta| ≤ tolerance.
    public var tolerance: Double?
    public var maximumStepCount: Int

    public init(rule: IntegrationRule.Kind = .gaussLegendre, stepCount: Int = 50, baseline: Baseline = .pad,
                internalBatchSize: Int = 256, tolerance: Double? = nil, maximumStepCount: Int = 1600) {
        self.rule = rule
        self.stepCount = stepCount
        self.baseline = baseline
        self.internalBatchSize = internalBatchSize
        self.tolerance = tolerance
        self.maximumStepCount = maximumStepCount
    }

    /// The `parameters` entry: steps, rule, baseline (``Baseline/parameters``) and, in adaptive
    /// mode, the tolerance.
    var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = ["steps": .int(stepCount), "rule": .string(rule.rawValue)]
        p.merge(baseline.parameters) { a, _ in a }
        if let tolerance { p["tolerance"] = .double(tolerance) }
        return p
    }

    /// Rejects step or batch counts below 1 and a tolerance that is not a positive number.
    func validate() throws {
        guard stepCount >= 1, internalBatchSize >= 1 else {
            throw AttributionError.invalidParameter(
                "steps and internal batch size must be ≥ 1 (got \(stepCount), \(internalBatchSize))")
        }
        if let tolerance, !(tolerance.isFinite && tolerance >= 0) {
            throw AttributionError.invalidParameter("tolerance must be a finite number ≥ 0 (got \(tolerance))")
        }
    }

    /// The adaptive step loop: integrates with `stepCount` steps and, when `tolerance` is set,
    /// doubles the steps while the worst |delta| exceeds it (up to `maximumStepCount`); records the
    /// steps used (and the requested ones in adaptive mode).
    func adaptiveScores(_ integrate: (_ steps: Int) throws -> [PathIntegral]) throws -> [TargetScores] {
        var steps = stepCount
        while true {
            let result = try integrate(steps)
            let worst = result.map { Swift.abs($0.delta) }.max() ?? 0
            if let tolerance, worst > tolerance, steps * 2 <= maximumStepCount {
                steps *= 2
                continue
            }
            var params: [String: ParameterValue] = ["steps": .int(steps)]
            if tolerance != nil { params["requested_steps"] = .int(stepCount) }
            return result.map {
                TargetScores(scores: $0.scores, scoresL2: $0.l2, convergenceDelta: $0.delta, parameters: params,
                             outputOfInput: $0.outputOfInput, outputOfBaseline: $0.outputOfBaseline)
            }
        }
    }

    /// The path integral with this rule at `steps` points (see ``integratePath(_:probe:rule:from:to:chunkSize:)``).
    func integrate(_ ids: [Int], probe: SiteProbe, from start: Tensor, to end: Tensor, steps: Int) throws -> [PathIntegral] {
        try integratePath(ids, probe: probe, rule: try IntegrationRule.make(rule, stepCount: steps), from: start, to: end,
                          chunkSize: internalBatchSize)
    }

    /// The path integral from each of `starts` (one per baseline) to `end`, averaged per target.
    func integrate(_ ids: [Int], probe: SiteProbe, from starts: [Tensor], to end: Tensor, steps: Int) throws -> [PathIntegral] {
        let rule = try IntegrationRule.make(rule, stepCount: steps)
        let runs = try starts.map {
            try integratePath(ids, probe: probe, rule: rule, from: $0, to: end, chunkSize: internalBatchSize)
        }
        return PathIntegral.mean(perBaseline: runs)
    }
}

/// `Σ_i w_i ∂F/∂a` along the straight path from `start` to `end` (`[1, T, F]` each) at the site of
/// `probe`, times `end − start`, summed per token: one ``PathIntegral`` per target of the probe,
/// whose delta is `Σ scores − (F(end) − F(start))`. The points run through ``PathGradientSum``
/// (chunks of `chunkSize`, sharded over cores).
func integratePath(_ ids: [Int], probe: SiteProbe, rule: IntegrationRule, from start: Tensor, to end: Tensor,
                   chunkSize: Int) throws -> [PathIntegral] {
    let (t, f) = (end.shape[1], end.shape[2])
    let difference = (end - start).scalars
    let targetCount = probe.readout.targets.count
    // Leading positions where the path does not move (a held template): every point shares them,
    // and their gradient is multiplied by zero — a causal model reads them once.
    var held = 0
    while held < t, (0..<f).allSatisfy({ difference[held * f + $0] == 0 }) { held += 1 }
    let accumulated = try PathGradientSum.accumulate(
        rule: rule, start: start.scalars, difference: difference, tokens: t, targetCount: targetCount,
        chunkSize: chunkSize, parallel: probe.model.allowsConcurrentPasses) { points in
        try probe.gradients(Array(repeating: ids, count: points.shape[0]), at: points, heldPrefix: held)
    }
    let ends = try probe.values([ids, ids], replacing: Tensor.concatenate([end, start], alongAxis: 0))
    return (0..<targetCount).map { k in
        var attribution = [Float](repeating: 0, count: t * f)
        for j in 0..<(t * f) { attribution[j] = Float(accumulated[k][j] * Double(difference[j])) }
        let (sum, l2) = SiteProbe.perToken(Tensor(shape: [1, t, f], scalars: attribution), row: 0, length: t)
        let gap = ends[k][0] - ends[k][1]
        return PathIntegral(scores: sum, l2: l2, delta: sum.reduce(0, +) - gap,
                            outputOfInput: ends[k][0], outputOfBaseline: ends[k][1])
    }
}
