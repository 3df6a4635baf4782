import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Integrated gradients")
struct IntegratedGradientsTests {
    static let rules = IntegrationRule.Kind.allCases

    @Test("completeness: Σ scores ≈ F(x) − F(baseline), and the delta says so", arguments: TinyModel.allCases, rules)
    func completeness(kind: TinyModel, rule: IntegrationRule.Kind) throws {
        let model = kind.make()
        let ig = IntegratedGradients(rule: rule, stepCount: 64, baseline: .zero)
        for ids in sentences {
            for a in try ig.attribute(ids, targets: [0, 1, 2], model: model) {
                let x = embeddings(model, ids)
                let gap = outputs(model, ids, embeddings: x)[a.target.index]
                    - outputs(model, ids, embeddings: Tensor.zeros(x.shape))[a.target.index]
                let delta = try #require(a.convergenceDelta)
                #expect(Swift.abs(delta - (total(a.scores) - gap)) < 1e-4, "reported delta matches")
                #expect(Swift.abs(delta) < 1e-2, "|delta| \(delta) for \(rule.rawValue) on \(ids)")
            }
        }
    }

    @Test("Gauss–Legendre beats left Riemann at the same step count", arguments: TinyModel.allCases)
    func gaussLegendreIsMoreAccurate(kind: TinyModel) throws {
        let model = kind.make()
        func error(_ rule: IntegrationRule.Kind) throws -> Double {
            try sentences.flatMap { try IntegratedGradients(rule: rule, stepCount: 8).attribute($0, targets: [0, 1, 2], model: model) }
                .reduce(0.0) { $0 + Swift.abs($1.convergenceDelta ?? .infinity) }
        }
        let gauss = try error(.gaussLegendre), left = try error(.riemannLeft)
        #expect(gauss < left, "Gauss–Legendre |delta| \(gauss) vs left Riemann \(left)")
    }

    @Test("adaptive mode doubles the steps until |delta| ≤ tolerance and reports them")
    func adaptiveSteps() throws {
        let model = TokenwiseTanhClassifier()
        let ig = IntegratedGradients(rule: .riemannLeft, stepCount: 2, tolerance: 1e-3)
        for a in try ig.attribute(sentences[2], targets: [0, 1, 2], model: model) {
            let steps = try #require(a.parameters["steps"]?.intValue, "adaptive results report their steps")
            #expect(steps > 2)
            #expect(a.parameters["requested_steps"] == .int(2))
            #expect(Swift.abs(a.convergenceDelta ?? 1) <= 1e-3)
        }
        // The fixed run at the reported step count has the same delta.
        let adaptive = try ig.attribute(sentences[2], targets: [1], model: model)[0]
        let steps = try #require(adaptive.parameters["steps"]?.intValue)
        let fixed = try IntegratedGradients(rule: .riemannLeft, stepCount: steps).attribute(sentences[2], targets: [1], model: model)[0]
        #expect(maxDifference(adaptive.scores, fixed.scores) < 1e-9)
    }

    @Test("one right-Riemann step from a zero baseline is input × gradient (any model)", arguments: TinyModel.allCases)
    func oneStepIsInputTimesGradient(kind: TinyModel) throws {
        let model = kind.make()
        let ig = IntegratedGradients(rule: .riemannRight, stepCount: 1, baseline: .zero)
        for ids in sentences {
            let a = try ig.attribute(ids, targets: [0, 1, 2], model: model)
            let b = try InputXGradient().attribute(ids, targets: [0, 1, 2], model: model)
            for (x, y) in zip(a, b) { #expect(maxDifference(x.scores, y.scores) < 1e-6) }
        }
    }

    /// On a linear model the gradient is constant along the path, so IG = (Σ weights) · input × gradient:
    /// exactly input × gradient for rules whose weights sum to 1, and (n − 1)/n of it for Captum's
    /// trapezoid convention (which the reference results use).
    @Test("on a linear model IG equals (Σ weights) × input × gradient, for every rule", arguments: rules)
    func linearModel(rule: IntegrationRule.Kind) throws {
        let model = LinearBagModel(meanPooling: true)
        let total = try IntegrationRule.make(rule, stepCount: 3).weights.reduce(0, +)
        for ids in sentences {
            let a = try IntegratedGradients(rule: rule, stepCount: 3, baseline: .zero).attribute(ids, targets: [0, 1], model: model)
            let b = try InputXGradient().attribute(ids, targets: [0, 1], model: model)
            for (x, y) in zip(a, b) {
                #expect(maxDifference(x.scores, y.scores.map { $0 * total }) < 1e-5)
                let gap = y.scores.reduce(0, +)
                #expect(Swift.abs((x.convergenceDelta ?? 1) - (total - 1) * gap) < 1e-5)
            }
        }
    }

    @Test("a batch of different lengths equals one-at-a-time (inseq#110)", arguments: TinyModel.allCases)
    func batchedEqualsSingle(kind: TinyModel) throws {
        let model = kind.make()
        let ig = IntegratedGradients(stepCount: 16)
        let batched = try ig.attribute(sentences, targets: [0, 2], model: model, output: .logit)
        for (i, ids) in sentences.enumerated() {
            let single = try ig.attribute(ids, targets: [0, 2], model: model)
            for (x, y) in zip(batched[i], single) {
                #expect(x.scores.count == ids.count)
                #expect(maxDifference(x.scores, y.scores) < 1e-6)
            }
        }
    }

    @Test("steps spread over the cores give exactly the one-thread result, with or without hooks in scope")
    func shardingDoesNotChangeResults() throws {
        let model = TransformerClassifier(config: TransformerClassifierConfig(
            vocabularySize: 30, embedDimension: 16, heads: 2, layerCount: 1, feedForwardDimension: 24,
            maxLength: 16, labels: ["a", "b"]), seed: 5)
        let ids = [3, 9, 14, 2, 20, 7, 11]
        // 128 steps × 7 tokens, cut into 4 shards that run concurrently whatever the core count.
        let ig = IntegratedGradients(stepCount: 128)
        let log = Parallel.ShardLog()
        let sharded = try Parallel.withShards(count: 4, recordingInto: log) {
            try ig.attribute(ids, targets: [0, 1], model: model)
        }
        #expect(log.runs.contains { $0.count == 4 }, "the steps were really split: \(log.runs)")
        for run in log.runs {
            let contiguous = zip(run, run.dropFirst()).allSatisfy { pair in pair.0.upperBound == pair.1.lowerBound }
            #expect(run.first?.lowerBound == 0 && contiguous, "shards are contiguous from 0: \(run)")
        }
        let oneLog = Parallel.ShardLog()
        let oneThread = try GEMM.withThreadCap(1) {
            try Parallel.withShards(count: nil, recordingInto: oneLog) { try ig.attribute(ids, targets: [0, 1], model: model) }
        }
        #expect(oneLog.runs.allSatisfy { $0.count == 1 }, "capped to one thread: one shard")
        let capture = ActivationCapture()
        let hooked = try withHooks([.capture(model.output, into: capture)]) {
            try Parallel.withShards(count: 4) { try ig.attribute(ids, targets: [0, 1], model: model) }
        }
        #expect(!capture.activations.isEmpty, "an enclosing hook sees the steps (they ran on its thread)")
        for k in 0..<2 {
            #expect(sharded[k].scores == oneThread[k].scores)
            #expect(sharded[k].convergenceDelta == oneThread[k].convergenceDelta)
            #expect(hooked[k].scores == oneThread[k].scores)
        }
    }

    @Test("a model with dropout in training mode runs its steps on one thread (its masks come from one generator)")
    func trainingModeDropoutStaysSerial() throws {
        let model = TransformerClassifier(config: TransformerClassifierConfig(
            vocabularySize: 30, embedDimension: 16, heads: 2, layerCount: 1, feedForwardDimension: 24,
            maxLength: 16, labels: ["a", "b"], dropout: 0.3), seed: 6)
        model.isTraining = true
        let dropouts = model.allModules.compactMap { $0 as? Dropout }
        let generators = dropouts.map(\.generator)
        let ids = [3, 9, 14, 2, 20, 7, 11]
        let ig = IntegratedGradients(stepCount: 128)
        let log = Parallel.ShardLog()
        let first = try Parallel.withShards(count: 4, recordingInto: log) { try ig.attribute(ids, targets: [0], model: model)[0] }
        #expect(log.runs.allSatisfy { $0.count == 1 }, "even when 4 shards are asked for: \(log.runs)")
        for (d, g) in zip(dropouts, generators) { d.generator = g }
        let oneThread = try GEMM.withThreadCap(1) { try ig.attribute(ids, targets: [0], model: model)[0] }
        #expect(first.scores == oneThread.scores, "the same masks in the same order")
    }

    @Test("all classes in one call equal per-class calls")
    func allClassesAtOnce() throws {
        let model = BagOfEmbeddingsClassifier()
        let ig = IntegratedGradients(stepCount: 12)
        let all = try ig.attribute(sentences[0], targets: [0, 1, 2], model: model)
        for c in 0..<3 {
            let one = try ig.attribute(sentences[0], targets: [c], model: model)[0]
            #expect(all[c].target.index == c)
            #expect(maxDifference(all[c].scores, one.scores) < 1e-7)
            #expect(all[c].convergenceDelta == one.convergenceDelta)
        }
    }

    @Test("probability output: completeness holds for softmax probabilities")
    func probabilityOutput() throws {
        let model = TokenwiseTanhClassifier()
        let ids = sentences[0]
        let results = try IntegratedGradients(stepCount: 32).attribute(ids, targets: [0, 1, 2], model: model, output: .probability)
        let x = embeddings(model, ids)
        let p = outputs(model, ids, embeddings: x, .probability)
        let p0 = outputs(model, ids, embeddings: Tensor.zeros(x.shape), .probability)
        for a in results {
            #expect(a.output == .probability)
            #expect(Swift.abs(total(a.scores) - (p[a.target.index] - p0[a.target.index])) < 1e-4)
        }
        // Probabilities sum to one, so the class attributions cancel token by token.
        for i in ids.indices {
            #expect(Swift.abs(results.reduce(0.0) { $0 + $1.scores[i] }) < 1e-5)
        }
    }
}
