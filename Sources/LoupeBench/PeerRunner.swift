import Foundation

/// Runs `benchmarks/peer.py MODE` (or another script of `benchmarks/`) with the peer Python (LOUPE_PEER_PYTHON, or /tmp/peer/bin/python)
/// and returns the JSON object it prints, or nil (with the reason printed) when there is no peer.
func runPeer(_ mode: String, extra: [String] = [], script name: String = "peer.py") -> [String: Any]? {
    let env = ProcessInfo.processInfo.environment
    let python = env["LOUPE_PEER_PYTHON"] ?? "/tmp/peer/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
        print("  peer: n/a (no Python with torch at \(python); set LOUPE_PEER_PYTHON)")
        return nil
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("benchmarks").appendingPathComponent(name).path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, mode] + extra
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch {
        print("  peer: n/a (\(error))")
        return nil
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
          let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
        print("  peer: failed (exit \(process.terminationStatus))")
        return nil
    }
    return object
}

/// Wall-clock seconds of `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median of repeated timings (in seconds) of `body`, after `warmup` untimed runs.
func medianSeconds(repeats: Int, warmup: Int = 3, _ body: () throws -> Void) rethrows -> Double {
    try timings(repeats: repeats, warmup: warmup, body).median
}

/// Median and minimum of repeated timings (in seconds) of `body`, after `warmup` untimed runs.
/// On a shared virtual machine the minimum is the steadier figure; both are printed.
func timings(repeats: Int, warmup: Int = 3, _ body: () throws -> Void) rethrows -> (median: Double, minimum: Double) {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    for _ in 0..<repeats { times.append(try seconds(body)) }
    times.sort()
    return (times[times.count / 2], times[0])
}
