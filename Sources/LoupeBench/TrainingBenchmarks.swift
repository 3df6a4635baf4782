import Foundation
import Loupe
import LoupeNN
import LoupeRender
import LoupeTensor

// Real-data training runs (release build): SST-2, waimai_10k, the default corpus model, training
// speed against PyTorch, and an MNIST image VAE. Data come from LOUPE_DATA (default
// <repo>/../shared/data); nothing is copied into the repository. Figures: docs/training.md.

/// The repository root (this file is Sources/LoupeBench/TrainingBenchmarks.swift).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private var dataRoot: URL {
    if let path = ProcessInfo.processInfo.environment["LOUPE_DATA"] { return URL(fileURLWithPath: path) }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
}

/// `--name value` options after the positional ones.
struct BenchArguments {
    var positional: [String] = []
    var named: [String: String] = [:]

    init(_ args: [String]) {
        var i = 0
        while i < args.count {
            if args[i].hasPrefix("--") {
                let key = String(args[i].dropFirst(2))
                if i + 1 < args.count && !args[i + 1].hasPrefix("--") {
                    named[key] = args[i + 1]
                    i += 2
                } else {
                    named[key] = "true"
                    i += 1
                }
            } else {
                positional.append(args[i])
                i += 1
            }
        }
    }

    func int(_ key: String, _ fallback: Int) -> Int { named[key].flatMap(Int.init) ?? fallback }
    func float(_ key: String, _ fallback: Float) -> Float { named[key].flatMap(Float.init) ?? fallback }
    func flag(_ key: String) -> Bool { named[key] == "true" }
}

func requireData(_ relative: String) throws -> URL {
    let url = dataRoot.appendingPathComponent(relative)
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw DataSetError(.io, file: url.path, "missing (set LOUPE_DATA to the shared data folder)")
    }
    return url
}

/// The classifier architecture and options for a named model kind (`bag` or `transformer`).
private func classifierSetup(_ kind: String, _ args: BenchArguments, epochs: Int, maxLength: Int)
    -> (ClassifierArchitecture, ClassifierTrainingOptions) {
    var options = ClassifierTrainingOptions(epochs: args.int("epochs", epochs), batchSize: args.int("batch", 32),
                                            seed: UInt64(args.int("seed", 0)))
    options.maxLength = args.int("max-length", maxLength)
    options.observer = ProgressReporter(style: .lines)
    options.maximumVocabularySize = args.int("vocab", 16_000)
    options.minimumTokenCount = args.int("min-count", 1)
    options.patience = args.named["patience"].flatMap(Int.init)
    if let out = args.named["out"] { options.checkpointDirectory = URL(fileURLWithPath: out) }
    let architecture: ClassifierArchitecture
    if kind == "transformer" {
        architecture = .transformer(embedDimension: args.int("embed", 128), heads: args.int("heads", 4),
                                    layers: args.int("layers", 2), feedForwardDimension: args.int("ffn", 256),
                                    dropout: args.float("dropout", 0.1))
        options.learningRate = args.float("lr", 1e-3)
        options.optimizer = .adamW
        options.weightDecay = args.float("weight-decay", 0.01)
        options.embeddingScale = args.float("embed-scale", 0.02)
    } else {
        architecture = .bagOfEmbeddings(embedDimension: args.int("embed", 64), hiddenDimension: args.int("hidden", 64))
        options.learningRate = args.float("lr", 1e-2)
        options.weightDecay = args.float("weight-decay", 0)
        options.embeddingScale = args.float("embed-scale", 0.1)
    }
    let steps = args.int("warmup", 200)
    options.learningRateSchedule = args.flag("constant-lr") ? .constant : .linearDecay(warmupSteps: steps)
    return (architecture, options)
}

private func report(_ title: String, _ result: ClassifierTrainingResult, _ evaluation: ClassifierEvaluation) {
    let tokens = result.epochs.map(\.tokensPerSecond)
    let model = result.bestCheckpoint == nil ? "final model (epoch \(result.state.completedEpochs))"
        : "best checkpoint (epoch \(result.state.bestEpoch))"
    print(String(format: "%@: %@ accuracy %.2f%% (%d/%d); best epoch %d at %.2f%%; %.1f s training wall, %.0f tokens/s "
                 + "(mean over epochs)", title, model, 100 * evaluation.accuracy, evaluation.correct, evaluation.count,
                 result.state.bestEpoch, 100 * (result.state.bestDevAccuracy ?? .nan), result.seconds,
                 tokens.reduce(0, +) / Double(Swift.max(tokens.count, 1))))
    print(evaluation.confusionTable)
    print("time split: \(result.epochs.map(\.timing).reduce(TrainingTiming(), +).summary)")
}

/// `train-sst2 [bag|transformer] [--epochs N] [--lr X] [--out DIR] …`: trains on SST-2 train.tsv,
/// reports dev.tsv accuracy after every epoch and for the best epoch.
func runSST2TrainingBenchmark(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let kind = args.positional.first ?? "bag"
    let train = try TextDataSet.readTSV(at: try requireData("sst2/train.tsv"), labelNames: ["0", "1"]).dataSet
    let dev = try TextDataSet.readTSV(at: try requireData("sst2/dev.tsv"), labelNames: ["0", "1"]).dataSet
    let (architecture, options) = classifierSetup(kind, args, epochs: kind == "transformer" ? 3 : 6, maxLength: 64)
    let trainer = try ClassifierTrainer.make(architecture: architecture, trainingData: train, options: options)
    print("sst2 \(kind): \(train.count) train / \(dev.count) dev, vocabulary \(trainer.encoder.vocabulary.count), "
          + "\(trainer.classifier.parameterCount) parameters, \(options.epochs) epochs, lr \(options.learningRate)")
    let result = try trainer.train(on: train, dev: dev)
    let best = try bestClassifier(result, fallback: trainer)
    report("sst2 \(kind) dev", result, try ClassifierEvaluation(classifier: best.classifier, encoder: best.encoder, dataSet: dev))
}

/// `train-waimai [bag|transformer] [--epochs N] …`: waimai_10k with a stratified 20% held-out split (seed 0).
func runWaimaiTrainingBenchmark(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let kind = args.positional.first ?? "bag"
    let all = try TextDataSet.readCSV(at: try requireData("zh/waimai_10k.csv"), textColumn: "review",
                                      labelNames: ["0", "1"]).dataSet
    let (train, heldOut) = all.split(heldOutFraction: 0.2, seed: UInt64(args.int("split-seed", 0)))
    let (architecture, options) = classifierSetup(kind, args, epochs: kind == "transformer" ? 4 : 6, maxLength: 128)
    let trainer = try ClassifierTrainer.make(architecture: architecture, trainingData: train, options: options)
    print("waimai \(kind): \(train.count) train / \(heldOut.count) held out (\(heldOut.labelCounts) per label), "
          + "vocabulary \(trainer.encoder.vocabulary.count), \(options.epochs) epochs")
    let result = try trainer.train(on: train, dev: heldOut)
    let best = try bestClassifier(result, fallback: trainer)
    report("waimai \(kind) held-out", result,
           try ClassifierEvaluation(classifier: best.classifier, encoder: best.encoder, dataSet: heldOut))
}

/// The best checkpoint when one was written, else the trainer's current model.
private func bestClassifier(_ result: ClassifierTrainingResult, fallback: ClassifierTrainer) throws
    -> (classifier: TextClassifier, encoder: TextEncoder) {
    guard let folder = result.bestCheckpoint else { return (fallback.classifier, fallback.encoder) }
    let loaded = try ModelFactory.load(from: folder)
    let vocabulary = try Vocabulary(tokens: loaded.vocabulary ?? [])
    return (loaded.model.classifier!, TextEncoder(vocabulary: vocabulary, maximumLength: fallback.options.maxLength))
}

/// `train-speed [--steps N] [--batch 32]`: tokens/s of ClassifierTrainer on the benchmark
/// transformer (vocab 16,000, E = 128, 2 layers, 4 heads, ffn 256, no dropout, Adam, no clipping)
/// over the first N length-bucketed SST-2 batches of epoch 1, with the forward / backward /
/// optimizer split, and PyTorch on exactly the same padded batches (`peer.py sst2-tokens`).
func runTrainingSpeedBenchmark(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let steps = args.int("steps", 300)
    let train = try TextDataSet.readTSV(at: try requireData("sst2/train.tsv"), labelNames: ["0", "1"]).dataSet
    var options = ClassifierTrainingOptions(epochs: 1, batchSize: args.int("batch", 32), learningRate: 1e-3, seed: 0)
    options.maxLength = 64
    options.gradientClipNorm = nil
    let architecture = ClassifierArchitecture.transformer(embedDimension: 128, heads: 4, layers: 2,
                                                          feedForwardDimension: 256, dropout: 0)
    // The vocabulary comes from the whole training set (16,000 entries); the run covers `steps` batches.
    let trainer = try ClassifierTrainer.make(architecture: architecture, trainingData: train, options: options)
    let planned = trainer.plannedBatches(for: train, epoch: 1)
    let chosen = Array(planned.batches.prefix(steps))
    let subset = train.subset(chosen.flatMap { $0 })
    // Replay: the subset is in batch order and the runner takes it unshuffled, so its batches are
    // exactly `chosen`.
    var replay = options
    replay.shuffles = false
    let runner = try ClassifierTrainer(model: LoadedModel.make(config: trainer.modelConfig, seed: 0),
                                       vocabulary: trainer.encoder.vocabulary, options: replay)
    let replayed = runner.plannedBatches(for: subset, epoch: 1)
    let rows = replayed.batches.map { $0.map { replayed.ids[$0] } }
    precondition(rows == chosen.map { $0.map { planned.ids[$0] } }, "replayed batches differ from the planned ones")
    let result = try runner.train(on: subset)
    let epoch = result.epochs[0]
    let ms = epoch.trainingSeconds / Double(rows.count) * 1000
    print(String(format: "loupe  %d steps of batch %d (mean %.1f real / %.1f padded tokens per row): %.0f tokens/s "
                 + "(%.0f padded positions/s), %.2f ms/step, GEMM %@ × %d threads",
                 rows.count, options.batchSize, Double(epoch.tokens) / Double(subset.count),
                 Double(epoch.paddedTokens) / Double(subset.count), epoch.tokensPerSecond,
                 Double(epoch.paddedTokens) / epoch.trainingSeconds, ms, GEMM.kernelName, GEMM.threadCount))
    let t = epoch.timing
    print(String(format: "loupe  split: forward %.1f%% · backward %.1f%% · optimizer %.1f%% · other %.1f%%",
                 100 * t.forward / t.total, 100 * t.backward / t.total, 100 * t.optimizer / t.total, 100 * t.other / t.total))

    // The same padded batches for PyTorch, as JSON: {"batches": [[[ids…]…]…], "labels": [[…]…]}.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-sst2-batches-\(getpid()).json")
    defer { try? FileManager.default.removeItem(at: file) }
    let padded = rows.map { batch -> [[Int]] in
        let width = batch.map(\.count).max() ?? 1
        return batch.map { $0 + [Int](repeating: Vocabulary.padID, count: width - $0.count) }
    }
    let labels = replayed.batches.map { $0.map { subset.examples[$0].label } }
    try JSONSerialization.data(withJSONObject: ["batches": padded, "labels": labels]).write(to: file)
    guard !args.flag("no-peer") else { return }
    if let peer = runPeer("sst2-tokens", extra: ["--batches", file.path, "--vocab", String(trainer.encoder.vocabulary.count)]),
       let tps = peer["tokens_per_second"] as? Double {
        print(String(format: "peer   %@ (%d threads): %.0f tokens/s, %.2f ms/step; split forward %.1f%% · backward %.1f%% · "
                     + "optimizer %.1f%%  → loupe is %.2f× PyTorch",
                     peer["peer"] as? String ?? "torch", peer["threads"] as? Int ?? 0, tps,
                     peer["ms_per_step"] as? Double ?? 0, peer["forward_percent"] as? Double ?? 0,
                     peer["backward_percent"] as? Double ?? 0, peer["optimizer_percent"] as? Double ?? 0,
                     epoch.tokensPerSecond / tps))
    }
}

/// `train-mnist-vae [--epochs N] [--beta B] [--png]`: an image VAE 784 → 400 → 20 on the MNIST test
/// images (9,000 train / 1,000 held out); with `--png`, docs/images/mnist-reconstructions.png:
/// held-out originals above their reconstructions (decoded posterior means).
func runMNISTVAETraining(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let images = try ImageDataSet.readIDX(images: try requireData("mnist/t10k-images-idx3-ubyte.gz"),
                                          labels: try requireData("mnist/t10k-labels-idx1-ubyte.gz"))
    let train = ImageDataSet(width: 28, height: 28, images: Array(images.images[..<9_000]),
                             labels: images.labels.map { Array($0[..<9_000]) })
    let heldOut = ImageDataSet(width: 28, height: 28, images: Array(images.images[9_000...]),
                               labels: images.labels.map { Array($0[9_000...]) })
    let config = ImageVAEConfig(height: 28, width: 28, hiddenDimension: args.int("hidden", 400),
                                latentDimension: args.int("latent", 20))
    var options = ImageVAETrainingOptions(epochs: args.int("epochs", 40), batchSize: 128, learningRate: 1e-3,
                                          beta: args.float("beta", 1), seed: 0)
    options.observer = ProgressReporter(style: .lines)
    let trainer = ImageVAETrainer(model: ImageVAE(config: config, seed: 0), options: options)
    let start = DispatchTime.now().uptimeNanoseconds
    let records = try trainer.train(on: train, heldOut: heldOut)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let last = records.last!
    print(String(format: "mnist vae: %d epochs in %.1f s; train recon %.1f KL %.1f nats/image; held-out recon %.1f "
                 + "KL %.1f (−ELBO %.1f); active units %d/%d",
                 records.count, wall, last.reconstruction, last.kl, last.heldOutReconstruction ?? .nan,
                 last.heldOutKL ?? .nan, (last.heldOutReconstruction ?? .nan) + (last.heldOutKL ?? .nan),
                 last.activeUnits, config.latentDimension))

    guard args.flag("png") else { return }
    // Two held-out digits of each class 0–9: originals above reconstructions.
    var picks: [Int] = []
    for round in 0..<2 {
        for digit in 0..<10 {
            let matches = heldOut.labels!.indices.filter { heldOut.labels![$0] == digit }
            picks.append(matches[round])
        }
    }
    let originals = heldOut.tensor(indices: picks)
    let reconstructions = trainer.reconstruct(originals)
    func canvas(_ t: Tensor, _ i: Int) throws -> Canvas {
        try Canvas(intensities: Array(t.scalars[(i * 784)..<((i + 1) * 784)]), width: 28, height: 28)
    }
    var rows: [TraversalGrid.Row] = []
    for round in 0..<2 {
        let range = (round * 10)..<((round + 1) * 10)
        rows.append(TraversalGrid.Row(label: "original", cells: try range.map { .image(try canvas(originals, $0)) }))
        rows.append(TraversalGrid.Row(label: "VAE", cells: try range.map { .image(try canvas(reconstructions, $0)) }))
    }
    let grid = try TraversalGrid(values: (0..<10).map(Double.init), rows: rows,
                                 title: String(format: "MNIST held-out digits 0–9 and VAE reconstructions "
                                               + "(784-400-20, %d epochs, −ELBO %.1f)",
                                               records.count, (last.heldOutReconstruction ?? 0) + (last.heldOutKL ?? 0)))
    let out = repositoryRoot.appendingPathComponent("docs/images/mnist-reconstructions.png")
    try grid.writePNG(to: out, style: RenderStyle(scale: 2))
    print("wrote \(out.path)")
}

/// `train-text-vae [--epochs N] [--word-dropout P] [--warmup STEPS] [--cyclical] [--free-bits λ]`:
/// a GRU sentence VAE (E = 64, H = 128, Z = 16) on the default corpus's sentences (80/20 split,
/// seed 0), with KL annealing (linear over 1,000 steps), word dropout 0.3 and free bits 0.25 nats
/// per dimension; reports reconstruction, KL and active units per epoch.
func runTextVAETraining(_ argv: [String]) throws {
    let args = BenchArguments(argv)
    let (train, heldOut) = try DefaultCorpus.loadSplit(heldOutFraction: 0.2, seed: 0)
    var options = TextVAETrainingOptions(epochs: args.int("epochs", 6), batchSize: 32, learningRate: 1e-3, seed: 0)
    options.wordDropout = args.float("word-dropout", 0.3)
    options.freeBits = args.float("free-bits", 0.25)
    options.klAnnealing = args.flag("cyclical") ? .cyclical(cycleSteps: args.int("warmup", 1_000))
        : .linear(warmupSteps: args.int("warmup", 1_000))
    options.minimumTokenCount = 2
    options.observer = ProgressReporter(style: .lines)
    let trainer = TextVAETrainer.make(texts: train.texts, embedDimension: 64, hiddenDimension: 128,
                                      latentDimension: args.int("latent", 16), options: options)
    let start = DispatchTime.now().uptimeNanoseconds
    let records = try trainer.train(on: train.texts, heldOut: heldOut.texts)
    let last = records.last!
    print(String(format: "text vae: %d epochs in %.1f s; held-out recon %.2f KL %.2f nats/sentence; active units %d/%d",
                 records.count, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                 last.heldOutReconstruction ?? .nan, last.heldOutKL ?? .nan, last.activeUnits, last.latentVariances.count))
    // Greedy decodes of a few held-out posterior means.
    let vocabulary = trainer.encoder.vocabulary
    for text in heldOut.texts.prefix(4) {
        let mu = trainer.model.encode(tokenIDs: [trainer.encode(text)]).mu
        let decoded = trainer.model.greedyDecode(z: mu)[0].map { vocabulary.token(of: $0) }.joined(separator: " ")
        print("  \(text)  →  \(decoded)")
    }
}
