import Foundation
import Loupe
import LoupeNN
import LoupeRender
import LoupeTensor

/// `disentangle [--side 64] [--train 20000] [--eval 10000] [--positions 32] [--rotations 40] [--scales 6]
/// [--hidden 512] [--layers 2] [--latent 10] [--epochs 20] [--batch 256] [--lr 1e-3] [--beta 6]
/// [--objectives tcvae,vae] [--seed 0] [--schedule constant|linear] [--warmup 0] [--score-every K]
/// [--seeds a,b,… --screen-epochs 2]
/// [--out DIR] [--png PATH] [--load DIR] [--codes PATH]`: trains image VAEs on dSprites-like
/// sprites (`ShapesGenerator.dSpritesLike`, rendered by Loupe) with the β-TCVAE objective of Chen et
/// al. (2018; α = γ = 1, β = `--beta`) and, for comparison, the plain ELBO (`vae`) or a β-VAE
/// (`bvae`, KL weight `--beta`), then scores the Mutual Information Gap of the posterior means of
/// fresh sprites against the five factors. An untrained encoder is the floor; `--load DIR` only scores
/// a saved checkpoint; `--score-every K` also scores after every K epochs; `--seeds a,b,…` trains each
/// seed for `--screen-epochs` and continues only the one whose code is least dependent (``codeDependence``,
/// label-free); `--codes PATH` writes each scored code set (means, factors, Loupe's MIG) as JSON
/// for `benchmarks/mig_check.py`. Figures: docs/latent.md.
func runDisentanglementBenchmark(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let side = args.int("side", 64), seed = UInt64(args.int("seed", 0))
    let generator = ShapesGenerator.dSpritesLike(imageSize: side, scaleCount: args.int("scales", 6),
                                                 rotationCount: args.int("rotations", 40),
                                                 positionCount: args.int("positions", 32))
    let start = Date()
    let train = generator.randomSamples(count: args.int("train", 20_000), seed: seed + 1)
    let evaluation = generator.randomSamples(count: args.int("eval", 10_000), seed: seed + 2)
    print(String(format: "sprites: %d training + %d evaluation images of %d×%d, grid %@ (%d combinations), %.1f s",
                 train.count, evaluation.count, side, side,
                 generator.factorSizes.map(String.init).joined(separator: "×"), generator.gridCount,
                 Date().timeIntervalSince(start)))
    let config = ImageVAEConfig(height: side, width: side, hiddenDimension: args.int("hidden", 512),
                                latentDimension: args.int("latent", 10), hiddenLayers: args.int("layers", 2))
    let evaluationPixels = evaluation.pixelRows
    let mig = MutualInformationGap()

    func score(_ name: String, _ model: ImageVAE) throws -> MIGResult {
        let codes = try LatentCodes(encoding: evaluationPixels, with: model)
        let result = try mig.score(codes: codes.mu, factors: evaluation.factorRows, factorNames: ShapesGenerator.factorNames)
        let perFactor = result.factors.map { f -> String in
            let top = f.mutualInformation[f.topDimension] / f.entropy
            let second = f.secondDimension.map { f.mutualInformation[$0] / f.entropy } ?? 0
            return String(format: "%@ %.3f (z%d %.2f, z%@ %.2f)", f.name, f.gap ?? .nan, f.topDimension, top,
                          f.secondDimension.map(String.init) ?? "-", second)
        }
        print(String(format: "%@: MIG %.3f; active units %d/%d; mean KL %.2f nats; per factor: %@", name, result.mig,
                     codes.activeCount, config.latentDimension, codes.totalKL, perFactor.joined(separator: ", ")))
        // Diagnostic: the same estimate with each dimension's means clipped to its 1st–99th
        // percentile first (equal-width bins over the full range lose resolution to outliers).
        let bounds = try (0..<config.latentDimension).map { (Float(try codes.quantile(0.01, ofDimension: $0)),
                                                         Float(try codes.quantile(0.99, ofDimension: $0))) }
        let clipped = codes.mu.map { row in row.enumerated().map { Swift.min(Swift.max($1, bounds[$0].0), bounds[$0].1) } }
        let robust = try mig.score(codes: clipped, factors: evaluation.factorRows, factorNames: ShapesGenerator.factorNames)
        if let path = args.named["codes"] {
            // The scored codes and factors for an independent check (benchmarks/mig_check.py).
            let file = URL(fileURLWithPath: path).deletingPathExtension().path + "-\(name.prefix { $0.isLetter || $0 == "-" }).json"
            let document: [String: Any] = ["codes": codes.mu.map { $0.map(Double.init) }, "factors": evaluation.factorRows,
                                           "factor_names": ShapesGenerator.factorNames, "bins": mig.binCount, "mig": result.mig,
                                           "gaps": result.factors.map { $0.gap ?? .nan }, "source": name]
            try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: file))
            print("wrote \(file)")
        }
        print(String(format: "%@: MIG with means clipped to their 1–99 %% range %.3f (%@)", name, robust.mig,
                     robust.factors.map { String(format: "%@ %.3f", $0.name, $0.gap ?? .nan) }.joined(separator: ", ")))
        return result
    }

    if let load = args.named["load"] {
        // Score a saved checkpoint (e.g. an earlier run's --out folder) on fresh sprites; no training.
        guard case .imageVAE(let model) = try ModelFactory.load(from: URL(fileURLWithPath: load)).model,
              model.config.width == side else {
            throw DataSetError(.invalidArgument, file: load, "is not an image-vae checkpoint of \(side)×\(side) images")
        }
        _ = try score(load, model)
        return
    }
    _ = try score("untrained encoder", ImageVAE(config: config, seed: seed))
    let beta = args.float("beta", 6)
    for objective in (args.named["objectives"] ?? "tcvae,vae").split(separator: ",").map(String.init) {
        var options = ImageVAETrainingOptions(epochs: args.int("epochs", 20), batchSize: args.int("batch", 256),
                                              learningRate: args.float("lr", 1e-3), beta: 1, seed: seed)
        switch objective {
        case "tcvae": options.totalCorrelation = BetaTCVAEWeights(alpha: 1, beta: beta, gamma: 1)
        case "bvae": options.beta = beta
        case "vae": break
        default: throw DataSetError(.invalidArgument, file: "--objectives", "unknown objective '\(objective)' (tcvae, bvae, vae)")
        }
        options.evaluationLimit = 1_000
        options.observer = ProgressReporter(style: .lines)
        switch args.named["schedule"] ?? "constant" {
        case "constant": break
        case "linear": options.learningRateSchedule = .linearDecay(warmupSteps: args.int("warmup", 0))
        case let other: throw DataSetError(.invalidArgument, file: "--schedule", "unknown schedule '\(other)' (constant, linear)")
        }
        let images = train.imageDataSet
        let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
        var records: [VAEEpochRecord] = []
        var seconds = 0.0
        // --seeds a,b,…: train each for --screen-epochs, keep the one whose code is least dependent
        // (label-free), continue only that one. The factors are never looked at for the choice.
        let seeds = try args.named["seeds"].map { list in
            try list.split(separator: ",").map { item -> UInt64 in
                guard let value = UInt64(item) else { throw DataSetError(.invalidArgument, file: "--seeds", "'\(item)' is not a seed") }
                return value
            }
        } ?? [seed]
        var chosen: (dependence: Double, model: ImageVAE, trainer: ImageVAETrainer)?
        for candidate in seeds {
            var seeded = options
            seeded.seed = candidate
            let model = ImageVAE(config: config, seed: candidate)
            let trainer = ImageVAETrainer(model: model, options: seeded)
            guard seeds.count > 1 else { chosen = (0, model, trainer); break }
            let screenEpochs = Swift.min(args.int("screen-epochs", 2), options.epochs)
            let began = Date()
            let screened = try trainer.train(on: images, stoppingAfterEpoch: screenEpochs)
            seconds += Date().timeIntervalSince(began)
            let dependence = try codeDependence(model, Array(train.pixelRows.prefix(5_000)))
            print(String(format: "seed %d after %d epochs (%d steps): code dependence %.4f (mean normalised pairwise information of the active dimensions; lower = more factorised)",
                         candidate, screenEpochs, screenEpochs * stepsPerEpoch, dependence))
            _ = try score(String(format: "seed %d screen", candidate), model)   // reported, not used for the choice
            if chosen == nil || dependence < chosen!.dependence {
                chosen = (dependence, model, trainer)
                records = screened
            }
        }
        let (model, trainer) = (chosen!.model, chosen!.trainer)
        if seeds.count > 1 { print("continuing seed \(trainer.options.seed) (lowest code dependence)") }
        // --score-every K: MIG after every K epochs (the MIG-against-steps curve); scoring time is not training time.
        let every = Swift.max(1, args.int("score-every", options.epochs))
        for stop in stride(from: every, through: options.epochs + every - 1, by: every).map({ Swift.min($0, options.epochs) }) {
            let began = Date()
            records += try trainer.train(on: images, stoppingAfterEpoch: stop)
            seconds += Date().timeIntervalSince(began)
            if stop < options.epochs {
                _ = try score(String(format: "after epoch %d (%d steps, %.0f s)", stop, stop * stepsPerEpoch, seconds), model)
            }
        }
        let last = records.last!
        let label = objective == "vae" ? "VAE (β = 1)" : String(format: "%@ (β = %g)", objective == "tcvae" ? "β-TCVAE" : "β-VAE", beta)
        print(String(format: "%@: %d epochs (%d steps) in %.1f s; last epoch reconstruction %.2f, KL %.2f nats",
                     label, records.count, records.count * ((train.count + options.batchSize - 1) / options.batchSize),
                     seconds, last.reconstruction, last.kl))
        _ = try score(label, model)
        if let out = args.named["out"] {
            let folder = URL(fileURLWithPath: out).appendingPathComponent(objective)
            try Checkpoint.save(model, config: try config.checkpointConfig(), vocabulary: nil, to: folder,
                                metadata: ["source": "loupe-bench disentangle \(argv.joined(separator: " "))"])
            print("saved \(folder.path)")
        }
        if let png = args.named["png"], objective == "tcvae" {
            let codes = try LatentCodes(encoding: Array(evaluationPixels.prefix(2_000)), with: model)
            let result = try LatentTraversal(dimensions: .top(6), values: .standard)
                .run(on: model, from: .posteriorMean(evaluationPixels[0]), codes: codes)
            var grid = try result.traversalGrid(title: String(format: "β-TCVAE (β = %g) on 64×64 sprites: top 6 dimensions", beta))
            grid.imageCellSize = 64
            try grid.writePNG(to: URL(fileURLWithPath: png), style: RenderStyle(scale: 2))
            print("wrote \(png)")
        }
    }
    print(String(format: "total %.1f s", Date().timeIntervalSince(start)))
}

/// The mean, over pairs of active dimensions (posterior-mean variance > 0.01), of the binned
/// mutual information of the two dimensions divided by the smaller of their binned entropies: 0 for
/// a factorised code, 1 where one dimension determines another. Uses no labels.
func codeDependence(_ model: ImageVAE, _ pixels: [[Float]]) throws -> Double {
    let codes = try LatentCodes(encoding: pixels, with: model)
    let information = try MutualInformationGap().pairwiseInformation(codes: codes.mu)
    let count = Double(codes.mu.count)
    let active = (0..<model.latentDimension).filter { d in
        let mean = codes.mu.reduce(0.0) { $0 + Double($1[d]) } / count
        return codes.mu.reduce(0.0) { $0 + (Double($1[d]) - mean) * (Double($1[d]) - mean) } / count > 0.01
    }
    var total = 0.0, pairs = 0
    for (i, a) in active.enumerated() {
        for b in active[(i + 1)...] {
            total += information[a][b] / Swift.max(1e-9, Swift.min(information[a][a], information[b][b]))
            pairs += 1
        }
    }
    return pairs == 0 ? 0 : total / Double(pairs)
}
