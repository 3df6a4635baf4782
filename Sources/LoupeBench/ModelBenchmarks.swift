import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor

/// The benchmark transformer of issues 2 and 5: vocab 16,000, E = 128, 2 layers, 4 heads, ffn 256.
func benchmarkTransformer(seed: UInt64 = 0) -> TransformerClassifier {
    TransformerClassifier(config: TransformerClassifierConfig(
        vocabularySize: 16_000, embedDimension: 128, heads: 4, layerCount: 2, feedForwardDimension: 256,
        maxLength: 64, labels: ["negative", "positive"]), seed: seed)
}

/// Milliseconds per Adam training step, batch 32 × 24 tokens.
func runTrainStepBenchmark(_ args: [String]) throws {
    let model = benchmarkTransformer()
    var rng = RandomGenerator(seed: 1)
    let batch = (0..<32).map { _ in (0..<24).map { _ in 4 + rng.nextInt(below: 15_996) } }
    let labels = (0..<32).map { _ in rng.nextInt(below: 2) }
    let optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
    func step() throws {
        optimizer.zeroGradients()
        let loss = crossEntropy(logits: model.logits(tokenIDs: batch), targets: labels)
        try loss.backward()
        optimizer.step()
    }
    let seconds = try medianSeconds(repeats: 40, warmup: 5, step)
    let ms = seconds * 1000
    print(String(format: "loupe     %.2f ms/step  %.0f tokens/s  (GEMM kernel %@, %d threads)",
                 ms, 768 / seconds, GEMM.kernelName, GEMM.threadCount))
    if let peer = runPeer("train-step"), let pms = peer["ms_per_step"] as? Double {
        print(String(format: "peer      %.2f ms/step  %.0f tokens/s  (%@, %d threads)  → loupe is %.2f× faster",
                     pms, 768 / pms * 1000, peer["peer"] as? String ?? "torch", peer["threads"] as? Int ?? 0, pms / ms))
    }
}

/// Milliseconds per sentence for 50-step Gauss–Legendre IG on a 20-token sentence.
func runIGBenchmark(_ args: [String]) throws {
    let model = benchmarkTransformer()
    var rng = RandomGenerator(seed: 2)
    let ids = (0..<20).map { _ in 4 + rng.nextInt(below: 15_996) }
    let ig = IntegratedGradients(rule: .gaussLegendre, stepCount: 50)
    var delta = 0.0
    let (seconds, fastest) = try timings(repeats: 30) {
        delta = try ig.attribute(ids, targets: [0], model: model)[0].convergenceDelta ?? .nan
    }
    print(String(format: "loupe     %.2f ms/sentence, fastest %.2f  (|delta| %.2e)", seconds * 1000, fastest * 1000, abs(delta)))
    // Batch throughput: many sentences of SST-2-like lengths (10–30 tokens).
    let sentences = (0..<32).map { _ in (0..<(10 + rng.nextInt(below: 21))).map { _ in 4 + rng.nextInt(below: 15_996) } }
    let total = try medianSeconds(repeats: 3, warmup: 1) { _ = try ig.attribute(sentences, targets: [0], model: model, output: .logit) }
    print(String(format: "loupe     %.1f sentences/s over 32 sentences of 10–30 tokens", Double(sentences.count) / total))
    if let peer = runPeer("ig"), let pms = peer["ms_per_sentence"] as? Double {
        print(String(format: "peer      %.2f ms/sentence  (%@)  → loupe is %.2f× faster", pms,
                     peer["peer"] as? String ?? "captum", pms / (seconds * 1000)))
    }
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
        try body(); try body()
        var times: [Double] = []
        for _ in 0..<40 { times.append(try seconds(body)) }
        times.sort()
        print(String(format: "%-34@ min %7.3f ms  median %7.3f ms", label as NSString, times[0] * 1000, times[20] * 1000))
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
