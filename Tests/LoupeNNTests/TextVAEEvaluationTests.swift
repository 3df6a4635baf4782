import Foundation
@testable import LoupeNN
import LoupeTensor
import Testing

@Suite("Text VAE: held-out metrics, decoding, free bits")
struct TextVAEEvaluationTests {
    static func trainer(freeBits: Float = 0, latent: Int = 4) -> TextVAETrainer {
        var options = TextVAETrainingOptions(epochs: 0, seed: 3)
        options.freeBits = freeBits
        return TextVAETrainer.make(texts: TinySentiment.train.texts, embedDimension: 8, hiddenDimension: 12,
                                   latentDimension: latent, options: options)
    }

    /// The metrics agree with greedy decoding, the KL and the latent activity computed directly.
    @Test func metricsAgreeWithTheirDefinitions() throws {
        let trainer = Self.trainer()
        let rows = TinySentiment.dev.texts.map(trainer.encode)
        let model = trainer.model
        let metrics = model.metrics(of: rows, seed: 5, batchSize: 3)
        let (mu, logVariance) = withoutGradients { model.encode(tokenIDs: rows) }
        let decoded = model.greedyDecode(z: mu, maxLength: model.config.maxLength + 1)
        var correct = 0, positions = 0
        for (row, guess) in zip(rows, decoded) {
            let reference = row + [model.config.eosID], hypothesis = guess + [model.config.eosID]
            positions += reference.count
            correct += reference.indices.filter { $0 < hypothesis.count && hypothesis[$0] == reference[$0] }.count
        }
        #expect(metrics.sentences == rows.count && metrics.positions == positions)
        #expect(abs(metrics.tokenAccuracy - Double(correct) / Double(positions)) < 1e-12)
        #expect(metrics.exactMatches == zip(rows, decoded).filter { $0 == $1 }.count)
        let kl: [Float] = withoutGradients { model.klDivergence(mu: mu, logVariance: logVariance) }.scalars
        #expect(abs(metrics.kl - kl.reduce(0.0) { $0 + Double($1) } / Double(rows.count)) < 1e-4)
        #expect(metrics.activeUnits == LatentActivity.activeUnits(of: mu))
        #expect(metrics.perplexity > 1 && metrics.perplexity.isFinite)
        #expect(abs(metrics.perplexity - exp(metrics.negativeELBO * Double(rows.count) / Double(positions))) < 1e-6 * metrics.perplexity)
        // The batch size does not change the figures.
        #expect(model.metrics(of: rows, seed: 5, batchSize: 100).tokenAccuracy == metrics.tokenAccuracy)
    }

    /// A model trained for a few seconds reconstructs its training sentences better than it did untrained.
    @Test func trainingRaisesTheTokenAccuracy() throws {
        let texts = Array(TinySentiment.train.texts.prefix(16))
        var options = TextVAETrainingOptions(epochs: 25, batchSize: 8, learningRate: 0.02, seed: 2)
        options.klAnnealing = .cyclical(cycleSteps: 20, rampFraction: 0.5)
        options.freeBits = 0.5
        options.wordDropout = 0.2
        let trainer = TextVAETrainer.make(texts: texts, embedDimension: 16, hiddenDimension: 32, latentDimension: 4,
                                          options: options)
        let rows = texts.map(trainer.encode)
        let before = trainer.model.metrics(of: rows)
        try trainer.train(on: texts)
        let after = trainer.model.metrics(of: rows)
        #expect(after.tokenAccuracy > before.tokenAccuracy + 0.2, "\(before.summary) → \(after.summary)")
        #expect(after.teacherForcedAccuracy >= after.tokenAccuracy - 0.2)
        #expect(after.activeUnits >= 1)
    }

    /// Greedy decoding never chooses [PAD] or [BOS], even when the decoder prefers them.
    @Test func greedyDecodingSkipsPaddingAndBegin() throws {
        let model = Self.trainer().model
        let bias = try #require(model.output.bias)
        var values = bias.value.scalars
        values[model.config.padID] = 100
        values[model.config.bosID] = 90
        bias.value = Tensor(shape: bias.value.shape, scalars: values)
        let decoded = model.greedyDecode(z: Tensor.zeros([3, model.latentDimension]), maxLength: 6)
        #expect(decoded.allSatisfy { $0.count == 6 && !$0.contains(model.config.padID) && !$0.contains(model.config.bosID) })
    }

    /// With free bits λ, a dimension whose batch-mean KL is below λ gets no gradient from the KL
    /// term; one above λ gets the plain KL's gradient.
    @Test func freeBitsGradientVanishesBelowTheFloor() throws {
        let rows = TinySentiment.train.texts.prefix(8).map(Self.trainer().encode)
        let plain = Self.trainer()
        let perDimension = withoutGradients {
            let (mu, logVariance) = plain.model.encode(tokenIDs: Array(rows))
            return plain.model.klDivergencePerDimension(mu: mu, logVariance: logVariance).mean(alongAxis: 0).scalars
        }
        let sorted = perDimension.sorted()
        let lambda = (sorted[1] + sorted[2]) / 2
        let floored = Self.trainer(freeBits: lambda)
        func biasGradients(_ trainer: TextVAETrainer) throws -> (mu: [Float], logVariance: [Float]) {
            for p in trainer.model.parameters { p.zeroGradient() }
            var generator = RandomGenerator(seed: 1)
            try trainer.lossTerms(Array(rows), decoderInputs: Array(rows), generator: &generator).klObjective.backward()
            return (try #require(trainer.model.toMu.bias?.gradient).scalars,
                    try #require(trainer.model.toLogVariance.bias?.gradient).scalars)
        }
        let withFloor = try biasGradients(floored), without = try biasGradients(plain)
        for d in perDimension.indices {
            if perDimension[d] < lambda {
                #expect(withFloor.mu[d] == 0 && withFloor.logVariance[d] == 0, "dimension \(d) below λ")
            } else {
                #expect(abs(withFloor.mu[d] - without.mu[d]) < 1e-6 && abs(withFloor.logVariance[d] - without.logVariance[d]) < 1e-6)
                #expect(without.mu[d] != 0)
            }
        }
    }
}

@Suite("Token spelling")
struct TokenSpellingTests {
    @Test(arguments: [
        (["i", "had", "a", "great", "day", "today", "."], "i had a great day today."),
        (["我", "今", "天", "过", "得", "很", "好", "。"], "我今天过得很好。"),
        (["it", "'s", "not", "bad", ",", "really", "!"], "it's not bad, really!"),
        (["送", "餐", "快", "，", "good", "(", "really", ")"], "送餐快，good (really)"),
        (["ca", "n't", "wait"], "can't wait"),
        (["[UNK]", "film"], "[UNK] film"),
        ([], ""),
    ])
    func spelling(tokens: [String], expected: String) {
        #expect(TokenSpelling.join(tokens) == expected)
    }
}
