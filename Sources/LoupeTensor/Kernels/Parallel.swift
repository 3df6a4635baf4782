import Dispatch

/// Data-parallel shards over the cores, for work made of independent rows (e.g. the
/// interpolation points of integrated gradients).
///
/// Each shard runs on its own thread with GEMM limited to one thread, so every part of a
/// forward and backward pass — products, attention, norms, element-wise ops, allocation — runs
/// in parallel, not only the large products. Shard boundaries never change a row's result:
/// every kernel computes a row the same way whatever the batch it sits in.
public enum Parallel {
    /// The ranges `0..<count` is cut into: at most `GEMM.effectiveThreadCount` contiguous
    /// shards of at least `minimumShardSize` items (one shard when that is all there is).
    public static func shards(_ count: Int, minimumShardSize: Int = 1) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let byWork = count / Swift.max(1, minimumShardSize)
        let n = Swift.max(1, Swift.min(GEMM.effectiveThreadCount, byWork, count))
        return (0..<n).map { w in (count * w / n)..<(count * (w + 1) / n) }
    }

    /// Runs `body` once per shard of `0..<count`, concurrently when there is more than one
    /// shard, and returns each shard's range with its result, in order. The first error thrown
    /// is rethrown after every shard has finished.
    ///
    /// Task-local values (gradient mode, module hooks) are not visible inside the shards;
    /// callers install what they need inside `body`.
    public static func map<R>(_ count: Int, minimumShardSize: Int = 1,
                              _ body: (Range<Int>) throws -> R) throws -> [(range: Range<Int>, result: R)] {
        let ranges = shards(count, minimumShardSize: minimumShardSize)
        if ranges.count <= 1 { return try ranges.map { ($0, try body($0)) } }
        var results = [Result<R, Error>?](repeating: nil, count: ranges.count)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: ranges.count) { w in
                slots[w] = GEMM.withThreadCap(1) { Result { try body(ranges[w]) } }
            }
        }
        return try zip(ranges, results).map { ($0, try $1!.get()) }
    }
}
