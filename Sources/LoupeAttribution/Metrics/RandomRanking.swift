import LoupeNN
import LoupeTensor

/// A random attribution: every token gets a score drawn uniformly from [0, 1), i.e. a uniformly
/// random ranking. It is the chance baseline for the faithfulness metrics (a method that does not
/// beat it on comprehensiveness, deletion or insertion is not informative; cf. the random
/// baselines of Hooker et al., "A Benchmark for Interpretability Methods in Deep Neural Networks",
/// NeurIPS 2019, and DeYoung et al. 2020). Target-independent. Each input draws from a fresh
/// generator seeded with `seed`, so scores do not depend on the batch.
public struct RandomRanking: AttributionMethod {
    public var seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    public var id: AttributionMethodID { .random }
    public var layer: AttributionLayer { .input }
    public var parameters: [String: ParameterValue] { ["seed": .seed(seed), "target_independent": .bool(true)] }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        inputs.map { ids in
            var rng = RandomGenerator(seed: seed)
            let scores = ids.map { _ in Double(rng.nextUniform()) }
            return context.targets.map { _ in TargetScores(scores: scores) }
        }
    }
}
