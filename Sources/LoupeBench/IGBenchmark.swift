import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor

/// `ig [--dev N]`: integrated gradients (50 Gauss–Legendre steps, baseline [PAD]) on the issue's
/// benchmark transformer — ms per 20-token sentence, then sentences/s over the first N SST-2 dev
/// sentences (default 200) — with Captum on the same weights (exported as safetensors), the same
/// token ids and the same batch, in the same run. Also prints the largest difference between
/// Loupe's and Captum's per-token scores (a parity check on a checkpoint that is not in shared/).
func runIGBenchmark(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let model = benchmarkTransformer()
    var rng = RandomGenerator(seed: 2)
    let ids = (0..<20).map { _ in 4 + rng.nextInt(below: 15_996) }
    let ig = IntegratedGradients(rule: .gaussLegendre, stepCount: 50)
    var single: Attribution?
    let (seconds, fastest) = try timings(repeats: 30) {
        single = try ig.attribute(ids, targets: [0], model: model)[0]
    }
    print(String(format: "loupe     %.2f ms/sentence (median of 30), fastest %.2f  (|delta| %.2e, GEMM %@, %d threads)",
                 seconds * 1000, fastest * 1000, abs(single?.convergenceDelta ?? .nan), GEMM.kernelName, GEMM.threadCount))
    // The FLOP floor: 50 forward and 50 input-gradient passes over the 20 tokens.
    let gflop = 2 * forwardProductFLOPs(model.config, tokens: 50 * ids.count, length: ids.count) / 1e9
    let rate = sgemmGFLOPs(threads: GEMM.threadCount)
    let floorMs = gflop / rate * 1000
    print(String(format: "floor     %.2f GFLOP of products (forward + input gradient, 50 points); at this machine's SGEMM "
                 + "512³ rate of %.0f GFLOP/s that is %.2f ms — Loupe's median runs at %.0f %% of it",
                 gflop, rate, floorMs, floorMs / (seconds * 1000) * 100))

    // SST-2 dev sentences, tokenized with a 16,000-entry vocabulary from SST-2 train (weights are
    // the random benchmark ones: speed does not depend on them).
    let devLimit = args.int("dev", 200)
    let dev = devLimit > 0 ? try sst2DevIDs(limit: devLimit, vocabularySize: 16_000, maxLength: 64) : nil
    if let dev, !dev.isEmpty {
        let tokens = dev.reduce(0) { $0 + $1.count }
        let total = try medianSeconds(repeats: 1, warmup: 0) {
            _ = try ig.attribute(dev, targets: [0], model: model, output: .logit)
        }
        print(String(format: "loupe     %.1f sentences/s over the first %d SST-2 dev sentences (mean %.1f tokens)",
                     Double(dev.count) / total, dev.count, Double(tokens) / Double(dev.count)))
    }

    // The peer: same weights, same ids.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-ig-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: folder) }
    try Checkpoint.save(model, config: model.config.checkpointConfig(), vocabulary: nil, to: folder)
    let idsFile = folder.appendingPathComponent("ids.json")
    try JSONSerialization.data(withJSONObject: ["single": ids, "dev": dev ?? []]).write(to: idsFile)
    guard !args.flag("no-peer"), let peer = runPeer("ig", extra: ["--weights", folder.path, "--ids", idsFile.path]),
          let pms = peer["ms_per_sentence"] as? Double else { return }
    print(String(format: "peer      %.2f ms/sentence, fastest %.2f  (%@, %d threads)  → loupe is %.2f× faster (median), %.2f× (fastest)",
                 pms, peer["fastest_ms"] as? Double ?? .nan, peer["peer"] as? String ?? "captum",
                 peer["threads"] as? Int ?? 0, pms / (seconds * 1000), (peer["fastest_ms"] as? Double ?? .nan) / (fastest * 1000)))
    print(String(format: "          at the floor Loupe would be %.2f× Captum (median)", pms / floorMs))
    if let rate = peer["dev_sentences_per_second"] as? Double {
        print(String(format: "peer      %.1f sentences/s over the same SST-2 dev sentences (batches of %d)",
                     rate, peer["dev_batch"] as? Int ?? 0))
    }
    if let theirs = peer["scores"] as? [Double], let ours = single?.scores, theirs.count == ours.count {
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
        print(String(format: "parity    max |loupe − captum| per-token score %.2e (largest score %.2e)",
                     worst, theirs.map(abs).max() ?? 0))
    }
}

/// Token ids of the first `limit` SST-2 dev sentences under a vocabulary built from SST-2 train,
/// or nil (with a note) when the data folder is missing.
func sst2DevIDs(limit: Int, vocabularySize: Int, maxLength: Int) throws -> [[Int]]? {
    guard let trainURL = try? requireData("sst2/train.tsv"), let devURL = try? requireData("sst2/dev.tsv") else {
        print("  sst2: n/a (no SST-2 data; set LOUPE_DATA to the shared data folder)")
        return nil
    }
    let train = try TextDataSet.readTSV(at: trainURL, labelNames: ["0", "1"]).dataSet
    let dev = try TextDataSet.readTSV(at: devURL, labelNames: ["0", "1"]).dataSet
    let tokenizer = Tokenizer()
    let vocabulary = Vocabulary.build(from: train.examples.map { tokenizer.tokenize($0.text).map(\.text) },
                                      maximumSize: vocabularySize)
    let encoder = TextEncoder(tokenizer: tokenizer, vocabulary: vocabulary, maximumLength: maxLength)
    return dev.examples.prefix(limit).map { encoder.encode($0.text).ids }.filter { !$0.isEmpty }
}

/// Where IG's time goes: one 50-row interpolation batch of a 20-token sentence through the
/// benchmark transformer, split into forward without a tape, forward with a tape, and the
/// input-gradient pass; then the single ops of one encoder layer at that size.
func runIGBreakdownBenchmark(_ args: [String]) throws {
    let model = benchmarkTransformer()
    var rng = RandomGenerator(seed: 2)
    let ids = (0..<20).map { _ in 4 + rng.nextInt(below: 15_996) }
    let batchIDs = Array(repeating: ids, count: 50)
    let x = Tensor.randomNormal([50, 20, 128], using: &rng)
    func report(_ label: String, _ body: () throws -> Void) rethrows {
        let (median, fastest) = try timings(repeats: 40, warmup: 2, body)
        print(String(format: "%-34@ min %7.3f ms  median %7.3f ms", label as NSString, fastest * 1000, median * 1000))
    }
    report("forward, no tape") { _ = withoutGradients { model.logits(embeddings: x, tokenIDs: batchIDs) } }
    report("forward, tape") { _ = model.logits(embeddings: x.requiringGradient(), tokenIDs: batchIDs) }
    var seed = [Float](repeating: 0, count: 100)
    for b in 0..<50 { seed[b * 2] = 1 }
    try report("forward + input gradient") {
        let leaf = x.requiringGradient()
        let y = model.logits(embeddings: leaf, tokenIDs: batchIDs)
        _ = try gradient(of: y, withRespectTo: leaf, seed: Tensor(shape: [50, 2], scalars: seed))
    }
    let layer = model.encoder.layers[0]
    let h = x.reshaped([1000, 128])
    let packed = h.linear(weight: layer.selfAttention.inProjWeight.tensor, bias: layer.selfAttention.inProjBias.tensor)
    let wide = h.linear(weight: layer.linear1.weight.tensor, bias: layer.linear1.bias?.tensor)
    withoutGradients {
        report("linear 1000×128 → 384") { _ = h.linear(weight: layer.selfAttention.inProjWeight.tensor, bias: layer.selfAttention.inProjBias.tensor) }
        report("linear 1000×128 → 256") { _ = h.linear(weight: layer.linear1.weight.tensor, bias: layer.linear1.bias?.tensor) }
        report("linear 1000×256 → 128") { _ = wide.linear(weight: layer.linear2.weight.tensor, bias: layer.linear2.bias?.tensor) }
        report("self-attention 50×20, 4 heads") { _ = packed.reshaped([50, 20, 384]).selfAttention(heads: 4) }
        report("self-attention, 1 thread") { _ = GEMM.withThreadCap(1) { packed.reshaped([50, 20, 384]).selfAttention(heads: 4) } }
        report("linear 1000×128 → 384, 1 thread") { _ = GEMM.withThreadCap(1) { h.linear(weight: layer.selfAttention.inProjWeight.tensor, bias: layer.selfAttention.inProjBias.tensor) } }
        report("layer norm 1000×128") { _ = layer.norm1(h) }
        report("relu 1000×256") { _ = wide.relu() }
        report("add 1000×128") { _ = h + h }
    }
}
