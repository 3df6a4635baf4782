import Foundation

/// Where the time of training steps goes, in seconds: the forward pass (including the loss),
/// the backward pass, the optimizer step (including gradient clipping) and the rest (batching,
/// bookkeeping, evaluation).
public struct TrainingTiming: Equatable, Sendable, Codable {
    public var forward: Double = 0
    public var backward: Double = 0
    public var optimizer: Double = 0
    public var other: Double = 0

    public init(forward: Double = 0, backward: Double = 0, optimizer: Double = 0, other: Double = 0) {
        self.forward = forward
        self.backward = backward
        self.optimizer = optimizer
        self.other = other
    }

    /// The sum of the four parts.
    public var total: Double { forward + backward + optimizer + other }

    /// `forward 41% · backward 52% · optimizer 5% · other 2%`.
    public var summary: String {
        let t = Swift.max(total, 1e-12)
        func pct(_ x: Double) -> String { String(format: "%.0f%%", 100 * x / t) }
        return "forward \(pct(forward)) · backward \(pct(backward)) · optimizer \(pct(optimizer)) · other \(pct(other))"
    }

    /// The part-wise sum.
    public static func + (a: TrainingTiming, b: TrainingTiming) -> TrainingTiming {
        TrainingTiming(forward: a.forward + b.forward, backward: a.backward + b.backward,
                       optimizer: a.optimizer + b.optimizer, other: a.other + b.other)
    }
}

/// A monotonic stopwatch for training steps.
struct TrainingClock {
    private var last: UInt64 = DispatchTime.now().uptimeNanoseconds

    /// Seconds since the previous lap (or creation), restarting the lap.
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}
