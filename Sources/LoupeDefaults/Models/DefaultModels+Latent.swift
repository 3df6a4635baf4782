import Foundation
import LoupeNN

/// The default VAEs of the latent pictures (traversal grids, per-token KL): small and trained
/// briefly, deterministically, then cached like the classifier (see ``DefaultModels``).
extension DefaultModels {
    /// Sentences the default text VAE trains on (a seeded sample of the built-in corpus).
    public static let textVAESentenceCount = 2_000
    /// Side of the procedural shapes of the fallback image VAE (used when no bundled one ships).
    public static let imageSide = 32

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

    /// The default image VAE: the bundled MNIST model (`Resources/default-image-vae`: an MLP
    /// 784 → 400 → 16 trained on 9,000 MNIST test digits by `loupe-regenerate-defaults image-vae`),
    /// else the cached one, else a small MLP (32 × 32 → 256 → 8) trained now, for a few seconds, on
    /// procedural sprites (squares, ellipses, hearts, triangles at varying scale, rotation and
    /// position) and cached.
    public static func imageVAE(log: (String) -> Void = { print($0) },
                                observer: (any TrainingObserver)? = nil) throws -> ModelCheckpoint {
        if let bundled = bundledFolder(for: .imageVAE) {
            log("using the bundled default image VAE (\(bundled.path))")
            return try ModelFactory.load(from: bundled)
        }
        return try cachedOrTrained(.imageVAE, log: log) {
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
            let model = ImageVAE(config: ImageVAEConfig(height: imageSide, width: imageSide, hiddenDimension: 256,
                                                        latentDimension: 8), seed: 0)
            try ImageVAETrainer(model: model, options: options).train(on: shapes)
            return (model, try model.config.checkpointConfig(), nil)
        }
    }

    /// The posterior codes of a few held-out digits stored with the bundled image VAE
    /// (``ImageVAEBaseCodes``), or `nil` when the build ships no image VAE.
    /// - Throws: ``CheckpointError`` when the bundled file is there but unreadable.
    public static func imageVAEBaseCodes(latentDimension: Int) throws -> ImageVAEBaseCodes? {
        guard let folder = bundledFolder(for: .imageVAE),
              FileManager.default.fileExists(atPath: folder.appendingPathComponent(ImageVAEBaseCodes.fileName).path)
        else { return nil }
        return try ImageVAEBaseCodes.read(from: folder, latentDimension: latentDimension)
    }
}
