import Foundation
import Loupe

/// The recipe of the bundled default image VAE (`Resources/default-image-vae`): the `image-vae`
/// MLP 784 → 400 → 16 (Bernoulli decoder on logits) trained with the plain ELBO (Kingma & Welling,
/// 2014) on the first 9,000 MNIST test digits, Adam 1e-3, batch 128, 40 epochs, seed 0; the last
/// 1,000 digits are held out for the figures and the base codes.
struct ImageVAERecipe {
    var trainCount = 9_000
    var hidden = 400
    var latent = 16
    var epochs = 40
    var batchSize = 128
    var learningRate: Float = 1e-3
    var seed: UInt64 = 0
    /// Held-out digits of each class stored as base codes.
    var codesPerDigit = 5
    /// The class of the code the demo traverses from.
    var baseDigit = 5
}

/// The shared data folder: `LOUPE_DATA`, else `<repo>/../shared/data`.
func sharedData(_ relative: String, root: URL) throws -> URL {
    let base = ProcessInfo.processInfo.environment["LOUPE_DATA"].map { URL(fileURLWithPath: $0) }
        ?? root.deletingLastPathComponent().appendingPathComponent("shared/data")
    let url = base.appendingPathComponent(relative)
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw DataSetError(.io, file: url.path, "missing (set LOUPE_DATA to the shared data folder)")
    }
    return url
}

/// The CPU's model name and core count from /proc/cpuinfo.
func cpuDescription() -> String {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
    let lines = info.split(separator: "\n")
    let name = lines.first { $0.hasPrefix("model name") }.map { $0.split(separator: ":", maxSplits: 1).last!
        .trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    let family = lines.first { $0.hasPrefix("cpu family") }.map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) }
    let model = lines.first { $0.hasPrefix("model\t") }.map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) }
    let cores = lines.filter { $0.hasPrefix("processor") }.count
    return "\(name) (family \(family ?? "?") model \(model ?? "?")), \(cores) cores"
}

/// Trains the MNIST image VAE with ``ImageVAERecipe`` and, with `write`, stores it with its base
/// codes and a README in `Resources/default-image-vae`.
func regenerateImageVAE(write: Bool, resources: URL) throws {
    let recipe = ImageVAERecipe()
    let root = resources.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let imagesURL = try sharedData("mnist/t10k-images-idx3-ubyte.gz", root: root)
    let labelsURL = try sharedData("mnist/t10k-labels-idx1-ubyte.gz", root: root)
    let all = try ImageDataSet.readIDX(images: imagesURL, labels: labelsURL)
    guard all.count > recipe.trainCount, let labels = all.labels else {
        throw DataSetError(.invalidArgument, file: imagesURL.lastPathComponent,
                           "\(all.count) images (with labels), need more than \(recipe.trainCount)")
    }
    let train = ImageDataSet(width: all.width, height: all.height, images: Array(all.images[..<recipe.trainCount]),
                             labels: Array(labels[..<recipe.trainCount]))
    let heldOut = ImageDataSet(width: all.width, height: all.height, images: Array(all.images[recipe.trainCount...]),
                               labels: Array(labels[recipe.trainCount...]))
    let config = ImageVAEConfig(height: all.height, width: all.width, hiddenDimension: recipe.hidden,
                                latentDimension: recipe.latent)
    var options = ImageVAETrainingOptions(epochs: recipe.epochs, batchSize: recipe.batchSize,
                                          learningRate: recipe.learningRate, beta: 1, seed: recipe.seed)
    options.observer = ProgressReporter(style: .lines)
    let model = ImageVAE(config: config, seed: recipe.seed)
    let trainer = ImageVAETrainer(model: model, options: options)
    let started = Date()
    let records = try trainer.train(on: train, heldOut: heldOut)
    let seconds = Date().timeIntervalSince(started)

    // Held-out figures on all 1,000 digits: one seeded sample for the reconstruction and KL, the
    // posterior means for the active units.
    let heldOutTensor = heldOut.tensor()
    let (reconstruction, kl) = trainer.evaluate(heldOutTensor, seed: 1)
    let codes = try LatentCodes(encoding: heldOut.images.map(\.pixels), with: model)
    let meanReconstruction = withoutGradients { () -> Double in
        let probabilities = model.decode(model.encode(heldOutTensor).mu).scalars
        var total = 0.0
        for (p, x) in zip(probabilities, heldOutTensor.scalars) {
            let q = Double(Swift.min(Swift.max(p, 1e-7), 1 - 1e-7))
            total -= Double(x) * Foundation.log(q) + (1 - Double(x)) * Foundation.log(1 - q)
        }
        return total / Double(heldOut.count)
    }
    let cpu = cpuDescription()
    print(String(format: "image VAE: %d epochs in %.1f s on %@; held-out (1,000 digits) reconstruction BCE %.2f + KL %.2f "
                 + "= −ELBO %.2f nats; BCE of the decoded posterior mean %.2f; active units %d/%d",
                 records.count, seconds, cpu, reconstruction, kl, reconstruction + kl, meanReconstruction,
                 codes.activeCount, recipe.latent))

    // Base codes: the first `codesPerDigit` held-out digits of each class.
    var chosen: [ImageVAEBaseCodes.Code] = []
    for digit in 0..<10 {
        for i in heldOut.labels!.indices.filter({ heldOut.labels![$0] == digit }).prefix(recipe.codesPerDigit) {
            chosen.append(.init(index: recipe.trainCount + i, label: digit, mu: codes.mu[i], logVariance: codes.logVariance[i]))
        }
    }
    let base = chosen.firstIndex { $0.label == recipe.baseDigit } ?? 0
    let baseCodes = ImageVAEBaseCodes(source: "posterior of MNIST t10k-images-idx3-ubyte.gz digits (held out: indices "
                                      + "\(recipe.trainCount)–\(all.count - 1)), \(recipe.codesPerDigit) per class",
                                      base: base, codes: chosen)
    guard write else { return }
    let folder = resources.appendingPathComponent(DefaultModels.Kind.imageVAE.rawValue)
    var metadata = DefaultModels.cacheMetadata(for: .imageVAE)
    metadata["source"] = "loupe-regenerate-defaults image-vae (MNIST t10k 0..<\(recipe.trainCount), seed \(recipe.seed))"
    try Checkpoint.save(model, config: try config.checkpointConfig(), vocabulary: nil, to: folder, metadata: metadata)
    try baseCodes.write(to: folder)
    let readme = """
    # default-image-vae

    The default image VAE of `loupe demo` (its MNIST traversal) and of `DefaultModels.imageVAE`:
    the `image-vae` architecture, an MLP 784 → 400 (ReLU) → μ, log σ² of 16 → 400 (ReLU) → 784
    (Bernoulli decoder on logits), \(model.parameterCount) parameters, float32.

    Files: `config.json`, `model.safetensors` (metadata `\(DefaultModels.recipeKey)` =
    `\(DefaultModels.Kind.imageVAE.recipe)`), `base-codes.json` (posterior means and log-variances of
    \(chosen.count) held-out digits, \(recipe.codesPerDigit) of each class, so a traversal starts from a real
    digit without the data; `base` = the first held-out \(recipe.baseDigit)).

    ## Provenance

    - Data: `../shared/data/mnist/t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz` (the
      10,000 MNIST test images, LeCun, Cortes & Burges), unchanged and not copied here. Training:
      images 0..<\(recipe.trainCount); held out: the last \(all.count - recipe.trainCount).
    - Recipe (`Sources/RegenerateDefaults/ImageVAE.swift`, `ImageVAERecipe`): plain ELBO (β = 1),
      Adam lr \(recipe.learningRate), batch \(recipe.batchSize), \(recipe.epochs) epochs, seed \(recipe.seed).
    - Command: `LOUPE_DATA=/path/to/shared/data swift run -c release loupe-regenerate-defaults image-vae --write`
    - CPU: \(cpu) (shared with other jobs); training wall time \(String(format: "%.0f", seconds)) s.

    ## Measured (held-out \(heldOut.count) digits)

    | reconstruction BCE (nats/image, one sample) | KL (nats/image) | −ELBO | BCE of the decoded posterior mean | active units |
    |---|---|---|---|---|
    | \(String(format: "%.2f", reconstruction)) | \(String(format: "%.2f", kl)) | \(String(format: "%.2f", reconstruction + kl)) | \(String(format: "%.2f", meanReconstruction)) | \(codes.activeCount) / \(recipe.latent) |

    Per-dimension mean KL (nats), dimensions 0…\(recipe.latent - 1):
    \(codes.klPerDimension.map { String(format: "%.2f", $0) }.joined(separator: ", ")).

    """
    try Data(readme.utf8).write(to: folder.appendingPathComponent("README.md"))
    print("wrote \(folder.path)")
}
