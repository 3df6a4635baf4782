import CLoupeKernels
import Foundation

// GEMM throughput of the CLoupeKernels SGEMM, next to numpy's (measured in the same run by
// spawning python3, when python3 and numpy are installed).
//
// GFLOP/s = 2·M·N·K / seconds, best of `repetitions` timings; each timing averages enough
// back-to-back calls to last a few milliseconds.  Other processes on the machine make single
// timings noisy, hence the best-of; run under `chrt -f 50` (root) for steadier figures.

private struct GEMMCase {
    let size: Int
    let transA: Bool
    let transB: Bool
    var op: String { (transA ? "T" : "N") + (transB ? "T" : "N") }
}

private let gemmRepetitions = 7

private func gemmInnerCount(size: Int) -> Int {
    let flops = 2.0 * Double(size) * Double(size) * Double(size)
    return max(1, Int(4e8 / flops))
}

/// Best-of-N GFLOP/s of loupe_sgemm for one square case with `threads` threads.
private func measureLoupe(_ c: GEMMCase, threads: Int) -> Double {
    let n = c.size
    let a = (0..<(n * n)).map { Float($0 % 7) * 0.1 }
    let b = (0..<(n * n)).map { Float($0 % 5) * 0.1 }
    var out = [Float](repeating: 0, count: n * n)
    let inner = gemmInnerCount(size: n)
    let n32 = Int32(n), tA: Int32 = c.transA ? 1 : 0, tB: Int32 = c.transB ? 1 : 0
    var best = Double.infinity
    a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
            out.withUnsafeMutableBufferPointer { cp in
                func call() {
                    _ = loupe_sgemm_using(nil, Int32(threads), tA, tB, n32, n32, n32, 1,
                                          ap.baseAddress, n32, bp.baseAddress, n32, 0, cp.baseAddress, n32)
                }
                call() // warm-up: thread pool, work buffers, caches
                let clock = ContinuousClock()
                for _ in 0..<gemmRepetitions {
                    let elapsed = clock.measure {
                        for _ in 0..<inner { call() }
                    }
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                    best = min(best, seconds / Double(inner))
                }
            }
        }
    }
    return 2.0 * Double(n) * Double(n) * Double(n) / best * 1e-9
}

/// This machine's SGEMM rate (GFLOP/s, best of 7, square `size`, NN): the FLOP floor other
/// benchmarks print beside their figures.
func sgemmGFLOPs(size: Int = 512, threads: Int) -> Double {
    measureLoupe(GEMMCase(size: size, transA: false, transB: false), threads: threads)
}

private let numpyScript = """
import sys, time
import numpy as np
print("version", np.__version__)
reps = int(sys.argv[1])
for spec in sys.argv[2:]:
    n, op = spec.split(":")
    n = int(n)
    a = np.random.rand(n, n).astype(np.float32)
    b = np.random.rand(n, n).astype(np.float32)
    x = a.T if op[0] == "T" else a
    y = b.T if op[1] == "T" else b
    inner = max(1, int(4e8 / (2 * n ** 3)))
    x @ y
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(inner):
            x @ y
        best = min(best, (time.perf_counter() - t) / inner)
    print("result", n, op, 2 * n ** 3 / best * 1e-9)
    sys.stdout.flush()
"""

/// numpy GFLOP/s keyed by "size op", measured with OPENBLAS_NUM_THREADS etc. = threads;
/// nil when python3 or numpy is missing or the script fails.
private func measureNumpy(_ cases: [GEMMCase], threads: Int) -> (version: String, results: [String: Double])? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", numpyScript, String(gemmRepetitions)] + cases.map { "\($0.size):\($0.op)" }
    var environment = ProcessInfo.processInfo.environment
    for key in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] {
        environment[key] = String(threads)
    }
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        return nil
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    var version = "?"
    var results: [String: Double] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        let fields = line.split(separator: " ")
        if fields.count == 2, fields[0] == "version" { version = String(fields[1]) }
        if fields.count == 4, fields[0] == "result", let g = Double(fields[3]) {
            results["\(fields[1]) \(fields[2])"] = g
        }
    }
    return (version, results)
}

/// Prints GFLOP/s of loupe_sgemm (1 thread and the default thread count) for square
/// 128/512/1024 problems, NN and two transposed cases, with numpy's figure from the same run.
func runGEMMBenchmark() {
    let sizes = [128, 512, 1024]
    let cases = sizes.flatMap { n in
        [GEMMCase(size: n, transA: false, transB: false),
         GEMMCase(size: n, transA: true, transB: false),
         GEMMCase(size: n, transA: false, transB: true)]
    }
    let defaultThreads = Int(loupe_get_num_threads())
    let threadCounts = defaultThreads > 1 ? [1, defaultThreads] : [1]
    let kernel = String(cString: loupe_sgemm_kernel_name())

    print("GEMM: C = op(A)·op(B), float32 row-major, square n×n; GFLOP/s = 2n³/time, best of \(gemmRepetitions)")
    var numpy: [Int: [String: Double]] = [:]
    var numpyVersion: String?
    for t in threadCounts {
        if let r = measureNumpy(cases, threads: t) {
            numpy[t] = r.results
            numpyVersion = r.version
        }
    }
    print("numpy: " + (numpyVersion.map { "\($0) (python3, same run)" } ?? "n/a (python3 with numpy not found)"))
    func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
    func fmt(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "n/a" }
    print(pad("size", 6) + pad("op", 4) + pad("threads", 9) + pad("kernel", 10) + pad("Loupe GFLOP/s", 15) + "numpy GFLOP/s")
    for c in cases {
        for t in threadCounts {
            let g = measureLoupe(c, threads: t)
            let np = numpy[t]?["\(c.size) \(c.op)"]
            print(pad("\(c.size)", 6) + pad(c.op, 4) + pad("\(t)", 9) + pad(kernel, 10) + pad(fmt(g), 15) + fmt(np))
        }
    }
}
