import Foundation
import Loupe

/// `SeedVAE mig`: trains the reference `image-vae` architecture on procedural sprites with β = 1
/// and β > 1 and reports the Mutual Information Gap of each, with an untrained encoder as the floor.
struct MIGBenchmark {
    var side = 16
    var trainCount = 20_000
    var evaluationCount = 10_000
    var hidden = 256
    var latent = 10
    var epochs = 40
    var betas: [Float] = [1, 4, 8]
    var seed: UInt64 = 0

    func run() throws {
        let start = Date()
        let trainingSet = ShapesImages.grayscale(side: side, count: trainCount, seed: seed + 1)
        let evaluation = ShapesImages.grayscale(side: side, count: evaluationCount, seed: seed + 2)
        print("shapes: \(trainCount) training and \(evaluationCount) evaluation sprites of \(side)×\(side), "
              + "factors \(ShapesImages.factorNames.joined(separator: ", ")) (\(fmt(Date().timeIntervalSince(start), 1)) s)")
        let config = ImageVAEConfig(height: side, width: side, hiddenDimension: hidden, latentDimension: latent)
        let mig = MutualInformationGap()

        func evaluate(_ name: String, _ model: ImageVAE) throws {
            let codes = try LatentCodes(encoding: evaluation.images, with: model)
            let result = try mig.score(codes: codes.mu, factors: evaluation.factors, factorNames: ShapesImages.factorNames)
            // Per factor: the gap, and the normalised information of the top two dimensions.
            let perFactor = result.factors.map { f -> String in
                let top = f.mutualInformation[f.topDimension] / f.entropy
                let second = f.secondDimension.map { f.mutualInformation[$0] / f.entropy } ?? 0
                return "\(f.name) \(fmt(f.gap ?? .nan, 3)) (z\(f.topDimension) \(fmt(top, 2)), "
                    + "z\(f.secondDimension.map(String.init) ?? "-") \(fmt(second, 2)))"
            }
            print("\(name): MIG \(fmt(result.mig, 3)); active units \(codes.activeCount)/\(latent); "
                  + "mean KL \(fmt(codes.totalKL, 2)) nats; per factor: \(perFactor.joined(separator: ", "))")
        }

        try evaluate("untrained encoder", ImageVAE(config: config, seed: seed))
        for beta in betas {
            let model = ImageVAE(config: config, seed: seed)
            var settings = TrainingSettings()
            settings.epochs = epochs
            settings.batchSize = 128
            settings.beta = beta
            settings.seed = seed
            let history = try train(model, on: trainingSet.images, settings: settings)
            guard let last = history.last else { throw SeedVAEError("training ran no epoch (no training data?)") }
            print("β = \(fmt(Double(beta), 0)): \(epochs) epochs, \(fmt(history.map(\.seconds).reduce(0, +), 1)) s; "
                  + "last epoch reconstruction \(fmt(last.reconstruction, 2)), KL \(fmt(last.kl, 2)) nats")
            try evaluate("β = \(fmt(Double(beta), 0))", model)
        }
        print("total \(fmt(Date().timeIntervalSince(start), 1)) s")
    }
}

/// A failure of the example, reported as one line.
struct SeedVAEError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func fmt(_ x: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }
