import LoupeNN
import LoupeTensor

/// The quadrature at the heart of the integrated-gradients methods: `Σ_i w_i ∂F/∂z` at the points
/// `z_i = start + α_i · (end − start)` of an ``IntegrationRule``, per target, accumulated in Double.
///
/// The points are evaluated in chunks of at most `chunkSize` rows (caps memory); each chunk is cut
/// into one contiguous run of steps per core (``Parallel``), every run a full forward and backward
/// pass on its own thread. The weighted sum then runs in step order, so the result does not
/// depend on the number of cores. Small chunks, models that may not be run from two threads at
/// once (`parallel` false), and calls made while module hooks are installed (those would not be
/// visible on other threads) run on the calling thread.
enum PathGradientSum {
    /// Below this many token positions per shard, splitting a chunk across cores costs more
    /// than it saves.
    static let minimumTokensPerShard = 256

    /// - Parameters:
    ///   - start, difference: the path's start and `end − start`, `tokens × width` values each.
    ///   - gradients: for points `[rows, tokens, width]`, the gradient of each target's output
    ///     with respect to them (one tensor of that shape per target).
    static func accumulate(rule: IntegrationRule, start: [Float], difference: [Float], tokens: Int,
                           targetCount: Int, chunkSize: Int, parallel: Bool,
                           gradients: (_ points: Tensor) throws -> [Tensor]) throws -> [[Double]] {
        let size = start.count
        precondition(difference.count == size && tokens > 0 && size % tokens == 0, "path of \(size) values over \(tokens) tokens")
        let width = size / tokens
        var accumulated = [[Double]](repeating: [Double](repeating: 0, count: size), count: targetCount)
        var first = 0
        while first < rule.stepCount {
            let end = Swift.min(rule.stepCount, first + Swift.max(1, chunkSize))
            let chunk = first
            let shards = try sharded(rowCount: end - first, tokens: tokens, parallel: parallel) { range in
                let points = [Float](unsafeUninitializedCapacity: range.count * size) { buffer, initialized in
                    start.withUnsafeBufferPointer { p0 in
                        difference.withUnsafeBufferPointer { pd in
                            for (r, i) in range.enumerated() {
                                let alpha = Float(rule.alphas[chunk + i])
                                let row = buffer.baseAddress! + r * size
                                for j in 0..<size { row[j] = p0[j] + alpha * pd[j] }
                            }
                        }
                    }
                    initialized = range.count * size
                }
                return try gradients(Tensor(shape: [range.count, tokens, width], scalars: points))
            }
            for (range, grads) in shards {
                for k in 0..<targetCount {
                    grads[k].scalars.withUnsafeBufferPointer { g in
                        accumulated[k].withUnsafeMutableBufferPointer { acc in
                            for (r, i) in range.enumerated() {
                                let w = rule.weights[chunk + i]
                                let row = g.baseAddress! + r * size
                                for j in 0..<size { acc[j] += w * Double(row[j]) }
                            }
                        }
                    }
                }
            }
            first = end
        }
        return accumulated
    }

    /// Runs `body` over `0..<rowCount` cut into one shard per core and returns each shard's range
    /// with its result, in order (one shard on this thread when the rows are few or hooks are on).
    static func sharded<R>(rowCount: Int, tokens: Int, parallel: Bool,
                           _ body: (Range<Int>) throws -> R) throws -> [(Range<Int>, R)] {
        guard parallel, !HookRegistry.isActive, GradientMode.isEnabled else { return [(0..<rowCount, try body(0..<rowCount))] }
        let minimum = Swift.max(1, minimumTokensPerShard / Swift.max(1, tokens))
        return try Parallel.map(rowCount, minimumShardSize: minimum, body).map { ($0.range, $0.result) }
    }
}

extension TokenModel {
    /// Whether forward and backward passes may run on several threads at once: true when none of
    /// the model's dropout layers is in training mode (a dropout mask generator is shared state).
    var allowsConcurrentPasses: Bool {
        !allModules.contains { ($0 as? Dropout).map { $0.isTraining && $0.probability > 0 } ?? false }
    }
}
