/// A bad input to ``ActivationPatching``, thrown before any sweep (one message naming the problem).
public enum ActivationPatchingError: Error, Equatable, CustomStringConvertible {
    /// The clean and corrupted prompts differ in length.
    case lengthMismatch(clean: Int, corrupted: Int)
    /// The corrupted prompt is the clean prompt.
    case identicalPrompts
    /// Patching cannot recover anything: the clean and corrupted metrics are equal.
    case nothingToRecover(clean: Double, corrupted: Double)
    /// A prompt is empty, too long or holds an id outside the vocabulary.
    case invalidPrompt(String)
    /// A noise setting is out of range.
    case invalidNoise(String)
    /// The metric is unknown or its tokens are outside the vocabulary.
    case invalidMetric(String)
    /// A layer, position, head, window or site is out of range.
    case invalidPatch(String)

    public var description: String {
        switch self {
        case .lengthMismatch(let c, let k):
            return "the clean prompt has \(c) tokens and the corrupted prompt \(k); activation patching needs equal lengths"
        case .identicalPrompts:
            return "the corrupted prompt is identical to the clean prompt; nothing is corrupted"
        case .nothingToRecover(let c, let k):
            return "nothing to recover: the clean metric (\(c)) equals the corrupted metric (\(k))"
        case .invalidPrompt(let s): return "invalid prompt: \(s)"
        case .invalidNoise(let s): return "invalid noise: \(s)"
        case .invalidMetric(let s): return "invalid metric: \(s)"
        case .invalidPatch(let s): return "invalid patch: \(s)"
        }
    }
}
