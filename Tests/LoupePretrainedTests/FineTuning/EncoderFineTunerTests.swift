import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Fine-tuning the tiny fixture BERT: parameter gradients against finite differences, the loss
/// going down, the batches, weight-decay groups and the best dev epoch's weights.
@Suite struct EncoderFineTunerTests {
    /// A learnable task on the fixture's 100-token vocabulary: label 1 when id 7 occurs.
    static func task(count: Int, seed: UInt64) -> (ids: [[Int]], labels: [Int]) {
        var rng = RandomGenerator(seed: seed)
        var ids: [[Int]] = [], labels: [Int] = []
        for i in 0..<count {
            let length = 3 + rng.nextInt(below: 6)
            var row = [2] + (0..<length).map { _ in 10 + rng.nextInt(below: 80) } + [3]
            if i % 2 == 0 { row[1 + rng.nextInt(below: length)] = 7 }
            ids.append(row)
            labels.append(i % 2 == 0 ? 1 : 0)
        }
        return (ids, labels)
    }

    static func freshModel(seed: UInt64 = 1) throws -> HFEncoderClassifier {
        let encoder = try HFEncoder.load(folder: EncoderFixtures.folder("bert_model_sharded"))
        return try HFEncoderClassifier.withFreshHead(on: encoder, labels: ["no", "yes"], seed: seed)
    }

    /// The gradient of `p` as a dense array (dense part plus sparse rows).
    static func denseGradient(_ p: Parameter) -> [Float] {
        var g = p.gradient?.scalars ?? [Float](repeating: 0, count: p.value.count)
        if let sparse = p.sparseGradient {
            for (r, row) in sparse.rows.enumerated() {
                for j in 0..<sparse.width { g[row * sparse.width + j] += sparse.values[r * sparse.width + j] }
            }
        }
        return g
    }

    @Test("every kind of encoder parameter gets the gradient central differences give")
    func parameterGradientsMatchFiniteDifferences() throws {
        let model = try HFEncoderClassifier.load(folder: EncoderFixtures.folder("bert_cls"))
        // Ragged rows (padding masked as keys), three labels.
        let ids = [[2, 15, 40, 3], [2, 61, 9, 33, 12, 3], [2, 5, 3]]
        let targets = [0, 2, 1]
        func loss() -> Tensor { crossEntropy(logits: model.logits(tokenIDs: ids), targets: targets) }
        model.zeroGradients()
        try loss().backward()
        let checked = ["bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
                       "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight",
                       "bert.encoder.layer.0.attention.self.query.weight", "bert.encoder.layer.0.attention.self.key.bias",
                       "bert.encoder.layer.1.attention.self.value.weight", "bert.encoder.layer.0.attention.output.dense.weight",
                       "bert.encoder.layer.1.attention.output.LayerNorm.bias", "bert.encoder.layer.0.intermediate.dense.weight",
                       "bert.encoder.layer.1.output.dense.bias", "bert.encoder.layer.1.output.LayerNorm.weight",
                       "bert.pooler.dense.weight", "classifier.weight", "classifier.bias"]
        let named = model.namedParameters
        let step: Float = 1e-2
        for name in checked {
            let p = try #require(named[name], "no parameter \(name)")
            let analytic = Self.denseGradient(p)
            // The four largest components (a wrong gradient cannot hide in tiny ones) and four seeded ones.
            var rng = RandomGenerator(seed: 3)
            let largest = analytic.indices.sorted { abs(analytic[$0]) > abs(analytic[$1]) }.prefix(4)
            let picks = Array(largest) + (0..<4).map { _ in rng.nextInt(below: analytic.count) }
            #expect(analytic.contains { $0 != 0 }, "\(name): zero gradient")
            let original = p.value
            for index in picks {
                var plus = original.scalars, minus = original.scalars
                plus[index] += step
                minus[index] -= step
                p.value = Tensor(shape: original.shape, scalars: plus)
                let up = Double(withoutGradients { loss() }.scalar)
                p.value = Tensor(shape: original.shape, scalars: minus)
                let down = Double(withoutGradients { loss() }.scalar)
                p.value = original
                let numeric = Float((up - down) / (2 * Double(step)))
                let tolerance = 2e-3 + 2e-2 * abs(numeric)
                #expect(abs(analytic[index] - numeric) <= tolerance,
                        "\(name)[\(index)]: analytic \(analytic[index]), numeric \(numeric)")
            }
        }
    }

    @Test("a few AdamW steps lower the training loss, and the same seed gives the same weights")
    func fewStepsLowerTheLossDeterministically() throws {
        let (ids, labels) = Self.task(count: 64, seed: 5)
        var options = EncoderFineTuningOptions(epochs: 3, batchSize: 16, learningRate: 3e-3, seed: 2)
        options.warmupSteps = 2
        func run() throws -> (HFEncoderClassifier, EncoderFineTuningResult) {
            let model = try Self.freshModel()
            let tuner = EncoderFineTuner(model: model, options: options)
            return (model, try tuner.train(ids: ids, labels: labels))
        }
        let (model, result) = try run()
        let history = result.state.history
        #expect(history.count == 3 && result.state.globalStep == 12)
        #expect(history.allSatisfy { $0.steps == 4 && $0.examples == 64 && $0.tokens == ids.reduce(0) { $0 + $1.count } })
        #expect(history[2].loss < history[0].loss * 0.9, "losses \(history.map(\.loss))")
        let before = try Self.freshModel()
        let initial = try ClassifierEvaluation(classifier: before, encodedTexts: ids, labels: labels).loss
        let final = try ClassifierEvaluation(classifier: model, encodedTexts: ids, labels: labels).loss
        #expect(final < initial, "loss \(initial) → \(final)")
        let (again, _) = try run()
        let first = model.namedParameters, second = again.namedParameters
        for (name, p) in first { #expect(p.value.scalars == second[name]?.value.scalars, "\(name) differs between runs") }
    }

    @Test("the model ends with the best dev epoch's weights")
    func keepsTheBestDevEpoch() throws {
        let (ids, labels) = Self.task(count: 48, seed: 8)
        let (devIDs, devLabels) = Self.task(count: 24, seed: 9)
        // A rate high enough that later epochs may get worse; whichever epoch is best is the one kept.
        let options = EncoderFineTuningOptions(epochs: 4, batchSize: 16, learningRate: 2e-2, seed: 4)
        let model = try Self.freshModel()
        let tuner = EncoderFineTuner(model: model, options: options)
        let result = try tuner.train(ids: ids, labels: labels, devIDs: devIDs, devLabels: devLabels)
        let accuracies = result.state.history.compactMap(\.devAccuracy)
        #expect(accuracies.count == 4)
        let best = try #require(accuracies.indices.max { (accuracies[$0], -$0) < (accuracies[$1], -$1) })
        #expect(result.keptEpoch == best + 1 && result.state.earlyStopping.bestEpoch == best + 1)
        #expect(try abs(tuner.evaluate(ids: devIDs, labels: devLabels).accuracy - accuracies[best]) < 1e-12)
    }

    @Test("every example is in exactly one batch of similar lengths, in an order fixed by the seed")
    func batchesCoverTheDataOnce() throws {
        let model = try Self.freshModel()
        let lengths = (0..<1_000).map { 3 + ($0 * 7919) % 40 }
        let tuner = EncoderFineTuner(model: model, options: EncoderFineTuningOptions(batchSize: 32, seed: 1))
        let batches = tuner.batches(lengths: lengths, epoch: 1)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<1_000))
        #expect(batches.allSatisfy { $0.count <= 32 })
        #expect(batches == tuner.batches(lengths: lengths, epoch: 1))
        #expect(batches != tuner.batches(lengths: lengths, epoch: 2))
        let spread = batches.map { b in (b.map { lengths[$0] }.max() ?? 0) - (b.map { lengths[$0] }.min() ?? 0) }
        #expect(Double(spread.reduce(0, +)) / Double(spread.count) < 5, "mean length spread \(spread)")
        var limited = EncoderFineTuningOptions(batchSize: 32, seed: 1)
        limited.stepLimit = 5
        #expect(EncoderFineTuner(model: model, options: limited).batches(lengths: lengths, epoch: 1) == Array(batches.prefix(5)))
    }

    @Test("biases and LayerNorm parameters are not decayed; weight matrices and embeddings are")
    func weightDecayGroups() throws {
        let tuner = EncoderFineTuner(model: try Self.freshModel(), options: EncoderFineTuningOptions())
        let groups = tuner.optimizer.groups.compactMap { $0 as? AdamW }
        #expect(groups.count == 2 && groups[0].weightDecay == 0.01 && groups[1].weightDecay == 0)
        let decayed = Set(groups[0].parameters.map(\.name)), exempt = Set(groups[1].parameters.map(\.name))
        #expect(decayed.contains("encoder.layer.0.attention.self.query.weight") && decayed.contains("classifier.weight"))
        #expect(decayed.contains("embeddings.word_embeddings.weight"))
        #expect(exempt.contains("encoder.layer.0.attention.self.query.bias") && exempt.contains("embeddings.LayerNorm.weight"))
        #expect(decayed.isDisjoint(with: exempt) && decayed.count + exempt.count == tuner.model.parameters.count)
    }
}
