/// One target's path integral: per-token scores, their L2 norms, and the completeness gap.
struct PathIntegral {
    var scores: [Double]
    var l2: [Double]
    var delta: Double
}

/// The `parameters` entry of a path method: steps, rule, baseline and, in adaptive mode, the
/// tolerance.
func pathParameters(stepCount: Int, rule: IntegrationRule.Kind, baseline: Baseline,
                    tolerance: Double?) -> [String: ParameterValue] {
    var p: [String: ParameterValue] = ["steps": .int(stepCount), "rule": .string(rule.rawValue),
                                       "baseline": .string(baseline.rawValue)]
    if let tolerance { p["tolerance"] = .double(tolerance) }
    return p
}

/// Rejects empty inputs and step or batch counts below 1 (the checks every path method makes
/// before integrating).
func validatePathInputs(_ inputs: [[Int]], stepCount: Int, internalBatchSize: Int) throws {
    guard !inputs.isEmpty, inputs.allSatisfy({ !$0.isEmpty }) else { throw AttributionError.emptyInput }
    guard stepCount >= 1, internalBatchSize >= 1 else {
        throw AttributionError.invalidParameter(
            "steps and internal batch size must be ≥ 1 (got \(stepCount), \(internalBatchSize))")
    }
}

/// The adaptive step loop shared by the integrated-gradients methods: integrates with `stepCount`
/// steps and, when `tolerance` is set, doubles the steps while the worst |delta| exceeds it (up to
/// `maximumStepCount`); then builds one ``Attribution`` per target, recording the steps used (and
/// the requested ones in adaptive mode).
func adaptivePathAttributions(method: String, layer: String, parameters: [String: ParameterValue],
                              stepCount: Int, tolerance: Double?, maximumStepCount: Int,
                              targets: [Int], labels: [String], output: AttributionOutput,
                              integrate: (_ steps: Int) throws -> [PathIntegral]) throws -> [Attribution] {
    var steps = stepCount
    while true {
        let (result, seconds) = try timed { try integrate(steps) }
        let worst = result.map { Swift.abs($0.delta) }.max() ?? 0
        if let tolerance, worst > tolerance, steps * 2 <= maximumStepCount {
            steps *= 2
            continue
        }
        var params = parameters
        params["steps"] = .int(steps)
        if tolerance != nil { params["requested_steps"] = .int(stepCount) }
        return zip(targets, result).map { target, r in
            Attribution(method: method, target: AttributionTarget(index: target, label: labels[safe: target]),
                        output: output, layer: layer, parameters: params, scores: r.scores, scoresL2: r.l2,
                        convergenceDelta: r.delta, seconds: seconds / Double(targets.count))
        }
    }
}
