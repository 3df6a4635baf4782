import Foundation

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
    ///
    /// Inside ``withShards(count:recordingInto:_:)`` the shard count is the forced one instead
    /// (still at most `count`), whatever the number of cores.
    public static func shards(_ count: Int, minimumShardSize: Int = 1) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let n: Int
        if let forced = forcedShardCount {
            n = Swift.max(1, Swift.min(forced, count))
        } else {
            let byWork = count / Swift.max(1, minimumShardSize)
            n = Swift.max(1, Swift.min(GEMM.effectiveThreadCount, byWork, count))
        }
        return (0..<n).map { w in (count * w / n)..<(count * (w + 1) / n) }
    }

    /// The shards each ``map(_:minimumShardSize:_:)`` call ran, in call order (see
    /// ``withShards(count:recordingInto:_:)``).
    public final class ShardLog: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [[Range<Int>]] = []
        public init() {}
        /// One entry per `map` call: its shard ranges.
        public var runs: [[Range<Int>]] { lock.withLock { storage } }
        func append(_ ranges: [Range<Int>]) { lock.withLock { storage.append(ranges) } }
    }

    @TaskLocal static var forcedShardCount: Int?
    @TaskLocal static var shardLog: ShardLog?

    /// Runs `body` with every ``map(_:minimumShardSize:_:)`` it starts cut into `count` shards
    /// (`nil`: the usual choice by cores and work), each call's shards appended to `log`. The
    /// shards run on as many threads of the GEMM's pool (concurrently, even on one core, unless
    /// the pool is busy), so code can be checked to give the same result however its work is
    /// cut, on any machine.
    public static func withShards<R>(count: Int?, recordingInto log: ShardLog? = nil,
                                     _ body: () throws -> R) rethrows -> R {
        try $forcedShardCount.withValue(count) {
            try $shardLog.withValue(log) { try body() }
        }
    }

    /// Runs `body` once per shard of `0..<count`, concurrently on the GEMM's worker threads when
    /// there is more than one shard (in order on the calling thread when that pool is busy), and
    /// returns each shard's range with its result, in order. The first error thrown is rethrown
    /// after every shard has finished.
    ///
    /// Task-local values (gradient mode, module hooks) are not visible inside the shards;
    /// callers install what they need inside `body`.
    public static func map<R>(_ count: Int, minimumShardSize: Int = 1,
                              _ body: (Range<Int>) throws -> R) throws -> [(range: Range<Int>, result: R)] {
        let ranges = shards(count, minimumShardSize: minimumShardSize)
        shardLog?.append(ranges)
        if ranges.count <= 1 { return try ranges.map { ($0, try body($0)) } }
        var results = [Result<R, Error>?](repeating: nil, count: ranges.count)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            // On the GEMM's worker threads (see forEachPart): one part per shard.
            forEachPart(ranges.count, parts: ranges.count) { parts in
                for w in parts { slots[w] = GEMM.withThreadCap(1) { Result { try body(ranges[w]) } } }
            }
        }
        return try zip(ranges, results).map { ($0, try $1!.get()) }
    }
}
