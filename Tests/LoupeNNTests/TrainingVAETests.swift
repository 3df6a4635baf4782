import Foundation
import LoupeDefaults
@testable import LoupeNN
import LoupeTensor
import Testing

@Suite("Training: VAEs")
struct TrainingVAETests {
    @Test func textVAELossFalls() throws {
        let texts = TinySentiment.train.texts
        var options = TextVAETrainingOptions(epochs: 6, batchSize: 8, learningRate: 0.01, seed: 4)
        options.klAnnealing = .linear(warmupSteps: 10)
        options.wordDropout = 0.25
        let trainer = TextVAETrainer.make(texts: texts, embedDimension: 8, hiddenDimension: 16, latentDimension: 4,
                                          options: options)
        let before = trainer.evaluate(texts, seed: 1)
        let records = try trainer.train(on: texts, heldOut: TinySentiment.dev.texts)
        let after = trainer.evaluate(texts, seed: 1)
        #expect(records.count == 6)
        #expect(records.last!.reconstruction < records.first!.reconstruction * 0.9,
                "reconstruction \(records.map(\.reconstruction))")
        #expect(after.reconstruction + after.kl < before.reconstruction + before.kl)
        #expect(records.last!.klWeight == 1)
        #expect(records.allSatisfy { $0.latentVariances.count == 4 && $0.heldOutReconstruction != nil })
        #expect(records.map(\.kl).allSatisfy { $0 >= 0 && $0.isFinite })
    }

    @Test func freeBitsFloorTheKLTermPerDimension() {
        var options = TextVAETrainingOptions(epochs: 0, seed: 1)
        options.freeBits = 0.5
        let trainer = TextVAETrainer.make(texts: TinySentiment.train.texts, embedDimension: 4, hiddenDimension: 8,
                                          latentDimension: 3, options: options)
        let rows = TinySentiment.train.texts.prefix(6).map(trainer.encode)
        var generator = RandomGenerator(seed: 2)
        let terms = trainer.lossTerms(Array(rows), decoderInputs: Array(rows), generator: &generator)
        let (mu, logVariance) = trainer.model.encode(tokenIDs: Array(rows))
        let perDimension = trainer.model.klDivergencePerDimension(mu: mu, logVariance: logVariance).mean(alongAxis: 0)
        #expect(abs(terms.kl.scalar - perDimension.sum().scalar) < 1e-5)
        let floored = perDimension.scalars.map { max($0, 0.5) }.reduce(0, +)
        #expect(abs(terms.klObjective.scalar - floored) < 1e-5)
        #expect(terms.klObjective.scalar >= 1.5 - 1e-6)
    }

    @Test func wordDropoutAndNoiseAreSeeded() throws {
        func run() throws -> [String: [Float]] {
            let options = TextVAETrainingOptions(epochs: 1, batchSize: 8, learningRate: 0.01, seed: 9)
            let trainer = TextVAETrainer.make(texts: TinySentiment.train.texts, embedDimension: 4, hiddenDimension: 8,
                                              latentDimension: 2, options: options)
            try trainer.train(on: TinySentiment.train.texts)
            return weights(of: trainer.model)
        }
        #expect(try run() == run())
    }

    @Test func imageVAELossFallsAndSavesACheckpoint() throws {
        let folder = temporaryFolder("image-vae")
        defer { try? FileManager.default.removeItem(at: folder) }
        let shapes = ShapesGenerator(imageSize: 8, scaleCount: 2, rotationCount: 2, positionCount: 3, supersampling: 2)
            .randomSamples(count: 48, seed: 3).imageDataSet
        let model = ImageVAE(config: ImageVAEConfig(height: 8, width: 8, hiddenDimension: 32, latentDimension: 3), seed: 1)
        var options = ImageVAETrainingOptions(epochs: 8, batchSize: 16, learningRate: 0.01, beta: 1, seed: 2)
        options.checkpointDirectory = folder
        let trainer = ImageVAETrainer(model: model, options: options)
        let records = try trainer.train(on: shapes)
        let losses = records.map(\.negativeELBO)
        #expect(losses.last! < losses.first! * 0.8, "negative ELBO \(losses)")
        #expect(records.last!.activeUnits >= 1)
        let reconstruction = trainer.reconstruct(shapes.tensor(indices: [0, 1]))
        #expect(reconstruction.shape == [2, 64])
        let loaded = try ModelFactory.load(from: folder)
        guard case .imageVAE(let reloaded) = loaded.model else { Issue.record("not an image VAE"); return }
        #expect(weights(of: reloaded) == weights(of: model))
        #expect(try TrainingCheckpoint.readState(VAETrainingState.self, from: folder).completedEpochs == 8)
    }

    @Test func activeUnitsCountVariance() {
        // Dimension 0 varies (variance 1), dimension 1 is constant.
        let means = Tensor(shape: [4, 2], scalars: [1, 0.3, -1, 0.3, 1, 0.3, -1, 0.3])
        let variances = LatentActivity.variances(of: means)
        #expect(abs(variances[0] - 1) < 1e-9 && variances[1] < 1e-12)
        #expect(LatentActivity.activeUnits(of: means) == 1)
    }
}
