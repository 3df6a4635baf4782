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

/// Multiply–add FLOPs of one forward pass of a transformer classifier's products over `tokens`
/// tokens in sequences of `length` (projections, feed-forward, and the attention's two products).
func forwardProductFLOPs(_ c: TransformerClassifierConfig, tokens: Int, length: Int) -> Double {
    let (e, f) = (Double(c.embedDimension), Double(c.feedForwardDimension))
    let perToken = 2 * Double(c.layerCount) * (4 * e * e + 2 * e * f + 2 * Double(length) * e)
    return perToken * Double(tokens)
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
    let stepSeconds = try medianSeconds(repeats: 40, warmup: 5, step)
    let ms = stepSeconds * 1000
    print(String(format: "loupe     %.2f ms/step  %.0f tokens/s  (GEMM kernel %@, %d threads)",
                 ms, 768 / stepSeconds, GEMM.kernelName, GEMM.threadCount))
    // Where a step's time goes: the same step with each phase timed on its own (medians of 40).
    var phases: [[Double]] = [[], [], [], []]
    for _ in 0..<40 {
        var loss: Tensor?
        phases[0].append(seconds { optimizer.zeroGradients() })
        phases[1].append(seconds { loss = crossEntropy(logits: model.logits(tokenIDs: batch), targets: labels) })
        phases[2].append(try seconds { try loss!.backward() })
        phases[3].append(seconds { optimizer.step() })
    }
    let medians = phases.map { $0.sorted()[$0.count / 2] * 1000 }
    print(String(format: "  split: zero gradients %.2f ms, forward %.2f ms, backward %.2f ms, optimizer %.2f ms",
                 medians[0], medians[1], medians[2], medians[3]))
    // The FLOP floor: forward, input gradient and weight gradient products (3× a forward pass).
    let gflop = 3 * forwardProductFLOPs(model.config, tokens: 768, length: 24) / 1e9
    let rate = sgemmGFLOPs(threads: GEMM.threadCount)
    print(String(format: "  floor: %.2f GFLOP of products a step; at this machine's SGEMM 512³ rate of %.0f GFLOP/s "
                 + "that is %.2f ms — Loupe's median step runs at %.0f %% of it", gflop, rate, gflop / rate * 1000,
                 gflop / rate / stepSeconds * 100))
    if let peer = runPeer("train-step"), let pms = peer["ms_per_step"] as? Double {
        print(String(format: "peer      %.2f ms/step  %.0f tokens/s  (%@, %d threads)  → loupe is %.2f× faster",
                     pms, 768 / pms * 1000, peer["peer"] as? String ?? "torch", peer["threads"] as? Int ?? 0, pms / ms))
    }
}

