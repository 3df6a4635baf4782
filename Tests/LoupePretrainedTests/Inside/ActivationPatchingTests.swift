import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Activation patching on the tiny committed decoders: batched sweeps equal one-at-a-time sweeps,
/// the exact invariants of the residual stream hold (restoring the whole stream restores the
/// clean run; restoring an unchanged value restores nothing), and bad input is a thrown error.
@Suite struct ActivationPatchingTests {
    static let models = ["gpt2", "llama_gqa"]
    static let clean = [5, 17, 99, 3, 42, 8]
    static let corrupted = [5, 61, 99, 3, 42, 8]   // differs at position 1 only
    static let metric = PatchingMetric.logitDifference(target: 7, foil: 11)

    static func patching(_ name: String, corruption: PatchingCorruption = .prompt(corrupted),
                         metric: PatchingMetric = metric, rows: Int? = nil) throws -> ActivationPatching {
        try ActivationPatching(model: DecoderFixtures.model(name), clean: clean, corruption: corruption,
                               metric: metric, maximumBatchRows: rows)
    }

    static let noise = EmbeddingNoise(positions: [1, 2], samples: 3, seed: 7)

    @Test(arguments: models)
    func batchedSweepsEqualOneAtATime(_ name: String) throws {
        for corruption in [PatchingCorruption.prompt(Self.corrupted), .noise(Self.noise)] {
            let batched = try Self.patching(name, corruption: corruption, rows: 7)
            let single = try Self.patching(name, corruption: corruption, rows: 1)
            #expect(Swift.abs(batched.corruptedMetric - single.corruptedMetric) < 1e-5)
            for (site, window) in [(PatchingSite.residual, 1), (.attention, 1), (.mlp, 1), (.attention, 3), (.mlp, 2)] {
                let a = try batched.sweep(site, window: window), b = try single.sweep(site, window: window)
                #expect(a.layerCount == 2 && a.positionCount == Self.clean.count)
                expectNear(a.metrics.flatMap { $0 }, b.metrics.flatMap { $0 }, absolute: 1e-5)
                expectNear(a.recoveries.flatMap { $0 }, b.recoveries.flatMap { $0 }, absolute: 1e-5)
            }
            for mode in [HeadPatchingMode.allPositions, .perPosition] {
                let a = try batched.sweepHeads(mode), b = try single.sweepHeads(mode)
                #expect(a.metrics[0].count == 4 * (mode == .allPositions ? 1 : Self.clean.count))
                expectNear(a.metrics.flatMap { $0 }, b.metrics.flatMap { $0 }, absolute: 1e-5)
            }
        }
    }

    @Test(arguments: models)
    func restoringTheWholeStreamRecoversOne(_ name: String) throws {
        for corruption in [PatchingCorruption.prompt(Self.corrupted), .noise(Self.noise)] {
            let patching = try Self.patching(name, corruption: corruption)
            let last = patching.model.layerCount - 1, t = Self.clean.count
            // Every position of the stream entering layer 0: the clean run itself.
            let first = try patching.metric(patching: [ActivationPatch(site: .residualPre(0))])
            #expect(Swift.abs(patching.recovery(of: first) - 1) < 1e-5, "\(name): \(patching.recovery(of: first))")
            // The last position of the stream leaving the last layer: what the logits read.
            let final = try patching.metric(patching: [ActivationPatch(site: .residualPost(last), positions: [t - 1])])
            #expect(Swift.abs(patching.recovery(of: final) - 1) < 1e-5, "\(name): \(patching.recovery(of: final))")
            // All heads of a layer's context = that layer's attention output.
            let heads = try patching.metric(patching: [ActivationPatch(site: .attentionContext(last))])
            let attention = try patching.metric(patching: [ActivationPatch(site: .attentionOutput(last))])
            #expect(Swift.abs(heads - attention) < 1e-5)
        }
    }

    @Test(arguments: models)
    func unchangedValuesRecoverNothing(_ name: String) throws {
        // The prompts differ at position 1 only; a causal model's activations before it are equal.
        let patching = try Self.patching(name)
        let grid = try patching.sweep(.residual)
        #expect(Swift.abs(grid.recoveries[0][1] - 1) < 1e-5, "layer 0 at the corrupted position restores everything")
        for p in [0, 2, 3, 4, 5] { #expect(Swift.abs(grid.recoveries[0][p]) < 1e-6, "layer 0, position \(p)") }
        for site in PatchingSite.allCases {
            let g = try patching.sweep(site)
            for layer in 0..<g.layerCount { #expect(Swift.abs(g.recoveries[layer][0]) < 1e-6, "\(site) layer \(layer) position 0") }
        }
        #expect(patching.cleanMetric != patching.corruptedMetric)
    }

    @Test func recoveryIsNormalisedAndMetricsAgree() throws {
        let patching = try Self.patching("gpt2")
        #expect(patching.recovery(of: patching.cleanMetric) == 1)
        #expect(patching.recovery(of: patching.corruptedMetric) == 0)
        // The logit difference is the difference of the two logit metrics.
        let target = try Self.patching("gpt2", metric: .logit(target: 7))
        let foil = try Self.patching("gpt2", metric: .logit(target: 11))
        #expect(Swift.abs(patching.cleanMetric - (target.cleanMetric - foil.cleanMetric)) < 1e-5)
        let probability = try Self.patching("gpt2", metric: .probability(target: 7))
        let logProbability = try Self.patching("gpt2", metric: .logProbability(target: 7))
        #expect(Swift.abs(Foundation.exp(logProbability.cleanMetric) - probability.cleanMetric) < 1e-6)
        #expect(probability.cleanMetric > 0 && probability.cleanMetric < 1)
    }

    @Test func windowsAreClippedToTheModel() throws {
        let patching = try Self.patching("gpt2")
        #expect(patching.windowLayers(around: 0, window: 1) == 0..<1)
        #expect(patching.windowLayers(around: 0, window: 3) == 0..<2)
        #expect(patching.windowLayers(around: 1, window: 2) == 0..<2)
        #expect(patching.windowLayers(around: 1, window: 10) == 0..<2)
        // A window covering the whole model restores the sub-layer at every layer for each cell.
        let wide = try patching.sweep(.mlp, window: 10)
        let both = try patching.metric(patching: [ActivationPatch(site: .mlpOutput(0), positions: [3]),
                                                 ActivationPatch(site: .mlpOutput(1), positions: [3])])
        #expect(Swift.abs(wide.metrics[0][3] - both) < 1e-5 && Swift.abs(wide.metrics[1][3] - both) < 1e-5)
    }

    @Test func noiseIsSeededAndScaledByTheEmbeddings() throws {
        let a = try Self.patching("llama_gqa", corruption: .noise(Self.noise))
        let b = try Self.patching("llama_gqa", corruption: .noise(Self.noise))
        #expect(a.corruptedMetric == b.corruptedMetric)
        var other = Self.noise
        other.seed = 8
        let c = try Self.patching("llama_gqa", corruption: .noise(other))
        #expect(a.corruptedMetric != c.corruptedMetric)
        let entries = a.model.tokenEmbedding.weight.value.scalars.map(Double.init)
        let mean = entries.reduce(0, +) / Double(entries.count)
        let sd = (entries.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(entries.count)).squareRoot()
        #expect(Swift.abs(Double(try #require(a.noiseStandardDeviation)) - 3 * sd) < 1e-4 * sd)
    }

    @Test func badInputIsAThrownError() throws {
        #expect(throws: ActivationPatchingError.lengthMismatch(clean: 6, corrupted: 5)) {
            try Self.patching("gpt2", corruption: .prompt([1, 2, 3, 4, 5]))
        }
        #expect(ActivationPatchingError.lengthMismatch(clean: 6, corrupted: 5).description.contains("6 tokens")
                && ActivationPatchingError.lengthMismatch(clean: 6, corrupted: 5).description.contains("prompt 5"))
        #expect(throws: ActivationPatchingError.identicalPrompts) {
            try Self.patching("gpt2", corruption: .prompt(Self.clean))
        }
        // Noise far below the embeddings' precision corrupts nothing.
        #expect(throws: ActivationPatchingError.self) {
            try Self.patching("gpt2", corruption: .noise(EmbeddingNoise(positions: [1], standardDeviation: 1e-30)))
        }
        do {
            _ = try Self.patching("gpt2", corruption: .noise(EmbeddingNoise(positions: [1], standardDeviation: 1e-30)))
        } catch let error as ActivationPatchingError {
            guard case .nothingToRecover(let c, let k) = error else { Issue.record("\(error)"); return }
            #expect(Swift.abs(c - k) < 1e-5 && error.description.contains("\(c)") && error.description.contains("\(k)"))
        }
        #expect(throws: ActivationPatchingError.self) { try Self.patching("gpt2", metric: .logit(target: 128)) }
        #expect(throws: ActivationPatchingError.self) { try Self.patching("gpt2", metric: .logitDifference(target: 7, foil: 7)) }
        #expect(throws: ActivationPatchingError.self) { try Self.patching("gpt2", corruption: .prompt([5, 17, 99, 3, 42, 500])) }
        #expect(throws: ActivationPatchingError.self) { try Self.patching("gpt2", corruption: .noise(EmbeddingNoise(positions: [6]))) }
        #expect(throws: ActivationPatchingError.self) { try Self.patching("gpt2", corruption: .noise(EmbeddingNoise(positions: []))) }
        #expect(throws: ActivationPatchingError.self) {
            try Self.patching("gpt2", corruption: .noise(EmbeddingNoise(positions: [1], samples: 0)))
        }
        #expect(throws: ActivationPatchingError.self) { try PatchingMetric(name: "logit-difference", target: 1, foil: nil) }
        #expect(throws: ActivationPatchingError.self) { try PatchingMetric(name: "kl", target: 1, foil: nil) }
        let patching = try Self.patching("gpt2")
        #expect(throws: ActivationPatchingError.self) { try patching.sweep(.mlp, window: 0) }
        #expect(throws: ActivationPatchingError.self) {
            try patching.metric(patching: [ActivationPatch(site: .residualPre(0), positions: [6])])
        }
        #expect(throws: ActivationPatchingError.self) { try patching.metric(patching: [ActivationPatch(site: .embed)]) }
        #expect(throws: ActivationPatchingError.self) {
            try patching.metric(patching: [ActivationPatch(site: .attentionContext(0), columns: 0..<33)])
        }
    }
}

/// `a` and `b` agree elementwise to `absolute`.
func expectNear(_ a: [Double], _ b: [Double], absolute: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, sourceLocation: sourceLocation)
    let worst = zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
    #expect(worst <= absolute, "max difference \(worst)", sourceLocation: sourceLocation)
}
