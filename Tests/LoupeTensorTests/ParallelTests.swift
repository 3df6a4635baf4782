import Foundation
import LoupeTensor
import Testing

@Suite("Parallel shards")
struct ParallelTests {
    @Test("shards cover the range in order, without overlap, and respect the minimum size",
          arguments: [0, 1, 2, 7, 100])
    func shardsCoverTheRange(count: Int) {
        for minimum in [1, 3, 1000] {
            let shards = Parallel.shards(count, minimumShardSize: minimum)
            #expect(shards.flatMap { Array($0) } == Array(0..<count))
            #expect(shards.count <= Swift.max(1, GEMM.effectiveThreadCount))
            if shards.count > 1 { #expect(shards.allSatisfy { $0.count >= minimum }) }
        }
        #expect(GEMM.withThreadCap(1) { Parallel.shards(count) }.count == (count == 0 ? 0 : 1))
    }

    @Test("map returns results in shard order, with GEMM capped to one thread inside each shard")
    func mapKeepsOrder() throws {
        let results = try Parallel.map(1000) { range in (range, GEMM.effectiveThreadCount) }
        #expect(results.map(\.range).flatMap { Array($0) } == Array(0..<1000))
        #expect(results.allSatisfy { $0.range == $0.result.0 }, "each result beside its own range")
        if results.count > 1 { #expect(results.allSatisfy { $0.result.1 == 1 }) }
        #expect(GEMM.effectiveThreadCount == GEMM.threadCount, "the cap is lifted afterwards")
    }

    @Test("forced shards cut the range as asked on any machine, in order, and are logged", arguments: [2, 3, 8])
    func forcedShardsRunConcurrently(count: Int) throws {
        let log = Parallel.ShardLog()
        let results = try Parallel.withShards(count: count, recordingInto: log) {
            try Parallel.map(1000) { range -> Int in
                return range.reduce(0, +)
            }
        }
        #expect(results.count == count, "asked for \(count) shards")
        #expect(results.map(\.range).flatMap { Array($0) } == Array(0..<1000))
        let total: Int = results.map(\.result).reduce(0, +)
        #expect(total == 499_500)
        #expect(log.runs.map(\.count) == [count])
        #expect(log.runs.first == results.map(\.range))
        // Outside the scope the usual choice returns.
        #expect(Parallel.shards(1000).count == Swift.min(GEMM.effectiveThreadCount, 1000))
    }

    @Test("a map inside a shard runs while the pool is busy (its shards in order on that thread), same results")
    func nestedMapsComplete() throws {
        let outer = try Parallel.withShards(count: 4) {
            try Parallel.map(400) { range -> [Int] in
                // Inside a shard: another map, which finds the pool held by the outer one.
                try Parallel.map(range.count) { inner in inner.map { range.lowerBound + $0 } }
                    .flatMap(\.result)
            }
        }
        #expect(outer.count == 4)
        #expect(outer.flatMap(\.result) == Array(0..<400))
    }

    struct Failure: Error, Equatable { let shard: Int }

    @Test("an error in a shard is rethrown after all shards finish")
    func errorsPropagate() {
        #expect(throws: Failure.self) {
            _ = try Parallel.map(100) { range in
                if range.upperBound == 100 { throw Failure(shard: range.lowerBound) }
                return range.count
            }
        }
    }

    @Test("thread caps nest and restore")
    func capsNest() {
        let outer = GEMM.effectiveThreadCount
        GEMM.withThreadCap(1) {
            #expect(GEMM.effectiveThreadCount == 1)
            GEMM.withThreadCap(0) { #expect(GEMM.effectiveThreadCount == GEMM.threadCount) }
            #expect(GEMM.effectiveThreadCount == 1)
        }
        #expect(GEMM.effectiveThreadCount == outer)
    }
}
