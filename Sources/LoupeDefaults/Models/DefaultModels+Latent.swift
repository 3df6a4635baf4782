import Foundation
import LoupeNN

/// The default VAEs of the latent pictures (traversal grids, per-token KL): small and trained
/// briefly, deterministically, then cached like the classifier (see ``DefaultModels``).
extension DefaultModels {
    /// Sentences the default text VAE trains on (a seeded sample of the built-in corpus).
    public static let textVAESentenceCount = 2_000
    /// Side of the default image VAE's procedural shapes.
    public static let imageSide = 16

    /// A small sentence VAE (GRU encoder/decoder, 8 latent dimensions) trained briefly on
    /// sentences of the built-in corpus with KL annealing and word dropout.
    public static func textVAE(log: (String) -> Void = { print($0) },
                               observer: (any TrainingObserver)? = nil) throws -> ModelCheckpoint {
        try cachedOrTrained(.textVAE, log: log) {
            let texts = Array(try DefaultCorpus.load().shuffled(seed: 1).texts.prefix(textVAESentenceCount))
            log("training the default text VAE on \(texts.count) sentences of the built-in corpus…")
            var options = TextVAETrainingOptions(epochs: 4, batchSize: 32, learningRate: 4e-3, seed: 0)
            options.maxLength = 24
            options.klAnnealing = .linear(warmupSteps: 200)
            options.wordDropout = 0.4
            options.evaluationLimit = 400
            options.observer = observer
            let trainer = TextVAETrainer.make(texts: texts, embedDimension: 32, hiddenDimension: 64,
                                              latentDimension: 8, options: options)
            try trainer.train(on: texts)
            return (trainer.model, try trainer.model.config.checkpointConfig(), trainer.encoder.vocabulary.tokens)
        }
    }

    /// A small image VAE (MLP, 6 latent dimensions) trained briefly on procedural 16 × 16 shapes
    /// (squares, ellipses, hearts, triangles at varying scale, rotation and position).
    public static func imageVAE(log: (String) -> Void = { print($0) },
                                observer: (any TrainingObserver)? = nil) throws -> ModelCheckpoint {
        try cachedOrTrained(.imageVAE, log: log) {
            let shapes = ShapesGenerator(imageSize: imageSide, scaleCount: 4, rotationCount: 8, positionCount: 6,
                                         baseRadius: 0.22, supersampling: 2)
                .randomSamples(count: 3_000, seed: 7).imageDataSet
            log("training the default image VAE on \(shapes.count) procedural \(imageSide)×\(imageSide) shapes…")
            var options = ImageVAETrainingOptions()
            options.epochs = 12
            options.batchSize = 64
            options.learningRate = 3e-3
            options.seed = 0
            options.evaluationLimit = 500
            options.observer = observer
            let model = ImageVAE(config: ImageVAEConfig(height: imageSide, width: imageSide, hiddenDimension: 128,
                                                        latentDimension: 6), seed: 0)
            try ImageVAETrainer(model: model, options: options).train(on: shapes)
            return (model, try model.config.checkpointConfig(), nil)
        }
    }
}
