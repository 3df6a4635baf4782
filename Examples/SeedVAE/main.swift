import Foundation
import Loupe

// SeedVAE: the seed's 10×10 VAE, trained on downsampled procedural sprites, and its latent
// traversal as a PNG. `SeedVAE mig` runs the disentanglement benchmark instead.
//
//   swift run -c release SeedVAE [output.png] [--epochs N] [--count N] [--seed N]
//   swift run -c release SeedVAE mig [--epochs N] [--count N] [--side N] [--latent N] [--betas 1,4,8] [--seed N]

let usage = """
    usage: SeedVAE [output.png] [--epochs N] [--count N] [--seed N]
           SeedVAE mig [--epochs N] [--count N] [--side N] [--latent N] [--betas 1,4,8] [--seed N]
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("SeedVAE: \(message)\n\(usage)\n".utf8))
    exit(2)
}

setvbuf(stdout, nil, _IOLBF, 0)     // progress lines appear as they happen, also in a pipe
var arguments = Array(CommandLine.arguments.dropFirst())
let benchmark = arguments.first == "mig"
if benchmark { arguments.removeFirst() }
var options: [String: String] = [:]
var positional: [String] = []
while !arguments.isEmpty {
    let a = arguments.removeFirst()
    if a == "-h" || a == "--help" { print(usage); exit(0) }
    if a.hasPrefix("--") {
        guard !arguments.isEmpty else { fail("\(a) needs a value") }
        options[String(a.dropFirst(2))] = arguments.removeFirst()
    } else {
        positional.append(a)
    }
}
func intOption(_ name: String, _ fallback: Int) -> Int {
    guard let text = options[name] else { return fallback }
    guard let v = Int(text), v > 0 else { fail("--\(name) needs a positive integer, got '\(text)'") }
    return v
}

do {
    if benchmark {
        var b = MIGBenchmark()
        b.epochs = intOption("epochs", b.epochs)
        b.trainCount = intOption("count", b.trainCount)
        b.side = intOption("side", b.side)
        b.latent = intOption("latent", b.latent)
        b.seed = UInt64(options["seed"].flatMap(Int.init) ?? 0)
        if let text = options["betas"] {
            let betas = text.split(separator: ",").compactMap { Float($0) }
            guard !betas.isEmpty, betas.allSatisfy({ $0 > 0 }) else { fail("--betas needs positive numbers, e.g. 1,4") }
            b.betas = betas
        }
        try b.run()
    } else {
        let output = URL(fileURLWithPath: positional.first ?? "seed-vae-traversal.png")
        try runSeedVAE(output: output, epochs: intOption("epochs", 30), count: intOption("count", 10_000),
                       seed: UInt64(options["seed"].flatMap(Int.init) ?? 0))
    }
} catch {
    FileHandle.standardError.write(Data("SeedVAE: \(error)\n".utf8))
    exit(1)
}

/// Trains the seed VAE, prints the loss per epoch, and renders the traversal of its top dimensions.
func runSeedVAE(output: URL, epochs: Int, count: Int, seed: UInt64) throws {
    let data = ShapesImages.binary10(count: count, seed: seed + 1)
    let ink = data.images.reduce(0.0) { $0 + Double($1.reduce(0, +)) } / Double(count * 100)
    print("data: \(count) binary 10×10 sprites (\(fmt(100 * ink, 1))% of pixels on)")
    let model = SeedVAE(seed: seed)
    var settings = TrainingSettings()
    settings.epochs = epochs
    settings.seed = seed
    print("model: 100 → 256 ReLU → μ, log σ² (64) → 256 ReLU → 100 sigmoid; \(model.parameterCount) weights")
    print("epoch   loss (−ELBO)   reconstruction   KL      seconds")
    _ = try train(model, on: data.images, settings: settings, observer: EpochTablePrinter())
    let codes = try LatentCodes(encoding: data.images, with: model)
    let top = Array(codes.ranking.prefix(8))
    print("active units: \(codes.activeCount) of 64; top dimensions by KL: "
          + top.map { "z\($0) \(fmt(codes.klPerDimension[$0], 2))" }.joined(separator: ", "))
    let traversal = LatentTraversal(dimensions: .top(8), values: .standard)
    let result = try traversal.run(on: model, from: .posteriorMean(data.images[0]), codes: codes)
    var grid = try result.traversalGrid(title: "Seed VAE: top 8 of 64 dimensions by KL")
    grid.imageCellSize = 40
    try grid.writePNG(to: output)
    print("wrote \(output.path)")
}
