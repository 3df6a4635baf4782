// Load time, peak RSS and forward throughput of a Hugging Face encoder folder (e.g. MiniLM), to set
// against benchmarks/encoders/peer_encoders.py in the same run. Not a package target: to run it, add
//     .executableTarget(name: "EncoderBench", dependencies: ["LoupePretrained"], path: "benchmarks/encoders",
//                       exclude: ["peer_encoders.py"])
// to Package.swift locally, then `swift build -c release --product EncoderBench` and
//     .build/release/EncoderBench <folder> [batch] [length] [repeats]
import Foundation
import LoupeNN
import LoupePretrained
import LoupeTensor

/// A `/proc/self/status` field in kB (`VmHWM`: peak resident set, `VmRSS`: current).
func status(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
    return -1
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: EncoderBench <folder> [batch] [length] [repeats]")
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])
let batch = arguments.count > 2 ? Int(arguments[2]) ?? 8 : 8
let length = arguments.count > 3 ? Int(arguments[3]) ?? 128 : 128
let repeats = arguments.count > 4 ? Int(arguments[4]) ?? 5 : 5
let before = status("VmRSS")
// The store alone: open, map, and convert every tensor (what loading costs besides building layers).
let storeRead = try seconds {
    let store = try SafeTensorsStore(folder: folder)
    for name in store.names { _ = try store.weight(named: name) }
}
var loaded: HFEncoder?
let load = try seconds { loaded = try HFEncoder.load(folder: folder) }
guard let encoder = loaded else { exit(1) }
let afterLoad = (hwm: status("VmHWM"), rss: status("VmRSS"))
// Ids: [CLS] w… [SEP], w drawn from the vocabulary above the first 1000 ids (deterministic).
var state: UInt64 = 12345
let vocabulary = encoder.config.vocabularySize
let ids: [[Int]] = (0..<batch).map { _ in
    [101] + (0..<(length - 2)).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return 1000 + Int((state >> 33) % UInt64(vocabulary - 1000))
    } + [102]
}
_ = try withoutGradients { try encoder.hiddenStates(tokenIDs: ids) }  // warm-up
let forward = try seconds { for _ in 0..<repeats { _ = try withoutGradients { try encoder.hiddenStates(tokenIDs: ids) } } }
let tokens = Double(batch * length * repeats)
let result: [String: Any] = [
    "load_seconds": load, "store_read_all_seconds": storeRead, "rss_before_kb": before, "peak_rss_after_load_kb": afterLoad.hwm, "rss_after_load_kb": afterLoad.rss,
    "peak_rss_kb": status("VmHWM"), "batch": batch, "length": length, "repeats": repeats,
    "forward_tokens_per_second": tokens / forward, "parameters": encoder.parameterCount,
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))
