/// How the learning rate changes over the optimizer steps of a training run.
public enum LearningRateSchedule: Equatable, Sendable {
    /// The base rate at every step.
    case constant
    /// A linear warm-up from 0 over `warmupSteps` steps, then a linear decay to 0 at the last
    /// planned step (the last step of the last epoch).
    case linearDecay(warmupSteps: Int)

    /// The multiplier of the base rate at `step` (0-based) of `totalSteps`.
    public func factor(step: Int, totalSteps: Int) -> Float {
        switch self {
        case .constant:
            return 1
        case .linearDecay(let warmup):
            if warmup > 0 && step < warmup { return Float(step + 1) / Float(warmup) }
            let remaining = Swift.max(1, totalSteps - warmup)
            return Swift.max(0, 1 - Float(step - warmup) / Float(remaining))
        }
    }

    /// The name written to `training.json`.
    var name: String {
        switch self {
        case .constant: return "constant"
        case .linearDecay(let warmup): return "linear-decay(warmup \(warmup))"
        }
    }
}
