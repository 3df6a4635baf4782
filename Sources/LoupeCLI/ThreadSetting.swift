import Foundation
import Loupe

/// `LOUPE_THREADS=N`: the threads one `loupe` process computes with (GEMM and the per-core
/// shards of integrated gradients and the other path methods), instead of one per online CPU.
///
/// Engines that start one process per task — Spark's `RDD.pipe`, GNU parallel, a batch
/// scheduler — give each task a share of the cores (`spark.task.cpus`, `--jobs`); without this
/// setting every process would start a thread per core of the whole machine and the processes
/// would fight over them. See docs/scale-out.md.
enum ThreadSetting {
    static let variable = "LOUPE_THREADS"

    /// Applies `LOUPE_THREADS` from the environment, when set (an empty value is ignored).
    /// - Throws: a usage error for a value that is not a whole number from 1 to 64 (the kernels' most).
    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let count = try threads(environment) else { return }
        GEMM.threadCount = count
    }

    /// The thread count `environment` asks for, or nil when it asks for none.
    static func threads(_ environment: [String: String]) throws -> Int? {
        guard let raw = environment[variable]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let count = Int(raw), (1...64).contains(count) else {
            throw CLIError.usage("\(variable) must be a whole number of threads from 1 to 64, got '\(raw)'")
        }
        return count
    }
}
