import ArgumentParser
import Foundation
import Loupe

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a text classifier or a VAE and save it as a checkpoint folder.",
        discussion: """
        Architectures: bag-of-embeddings, transformer-classifier (text classifiers; --data .tsv, .csv \
        or .jsonl with a header / keys naming the text and label), text-vae (--data .txt, one sentence \
        per line, or a labelled file), image-vae (--data shapes[:N] for procedural shapes, or an \
        MNIST-style IDX file). Training is deterministic for a given --seed.

        Classifiers write OUT/best (best dev accuracy, or the last epoch without --dev) and OUT/last \
        (with the optimizer state; --resume continues from it); --model OUT then uses OUT/best. \
        VAEs write their checkpoint into OUT after every epoch.

        Examples:
          loupe train --arch bag --data train.tsv --dev dev.tsv --out runs/bag
          loupe train --arch transformer --data reviews.csv \\
              --text-column review --out runs/tf --epochs 5
          loupe train --arch text-vae --data sentences.txt --out runs/text-vae
          loupe train --arch image-vae --data shapes:4000 --out runs/shapes
        """)

    /// The architectures `train` builds, by their `config.json` name (`bag` and `transformer` too).
    enum Architecture: String, CaseIterable, ExpressibleByArgument {
        case bagOfEmbeddings = "bag-of-embeddings"
        case transformerClassifier = "transformer-classifier"
        case textVAE = "text-vae"
        case imageVAE = "image-vae"

        init?(argument: String) {
            switch argument.lowercased() {
            case "bag": self = .bagOfEmbeddings
            case "transformer": self = .transformerClassifier
            default: self.init(rawValue: argument.lowercased())
            }
        }

        var isVAE: Bool { self == .textVAE || self == .imageVAE }
    }

    @Option(name: .long, help: "bag-of-embeddings, transformer-classifier, text-vae or image-vae.")
    var arch: Architecture

    @Option(name: .long, help: "Training data file (or shapes[:N] for image-vae).")
    var data: String

    @Option(name: .long, help: "Held-out data for accuracy, early stopping and the best checkpoint.")
    var dev: String?

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Passes over the training data.") var epochs = 10
    @Option(name: .long, help: "Examples per optimizer step (default: 32; 128 for image-vae).") var batchSize: Int?
    @Option(name: .long, help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(name: .long, help: "Seed of the weights and the data order.") var seed: UInt64 = 0
    @Option(name: .long, help: "Text column / key (default: sentence for .tsv, text otherwise).") var textColumn: String?
    @Option(name: .long, help: "Label column / key (default: label).") var labelColumn: String?
    @Option(name: .long, help: "Longest token sequence (longer texts are truncated).") var maxLength = 64
    @Option(name: .long, help: "Embedding size (default: 64 bag, 128 transformer, 64 text-vae).") var embedDim: Int?
    @Option(name: .long, help: "Hidden size (default: 64 bag, 256 transformer FFN, 128 VAEs).") var hiddenDim: Int?
    @Option(name: .long, help: "Latent size of the VAEs (default: 16 text, 6 image).") var latentDim: Int?
    @Option(name: .long, help: "Attention heads of the transformer.") var heads = 4
    @Option(name: .long, help: "Encoder layers of the transformer.") var layers = 2
    @Option(name: .long, help: "text-vae: steps over which the KL weight ramps from 0 to 1.") var klWarmup = 2_000
    @Option(name: .long, help: "text-vae: probability of hiding each decoder input token.") var wordDropout: Float = 0.3
    @Option(name: .long, help: "Stop after this many epochs without a better dev accuracy.") var patience: Int?
    @Flag(name: .long, help: "Continue a classifier run from OUT/last.") var resume = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if !(learningRate > 0) || !learningRate.isFinite { throw ValidationError("--learning-rate must be positive") }
        if maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
        if heads < 1 || layers < 1 || klWarmup < 0 { throw ValidationError("--heads and --layers must be ≥ 1, --kl-warmup ≥ 0") }
        if !(0..<1).contains(wordDropout) { throw ValidationError("--word-dropout must lie in [0, 1)") }
        for (name, value) in [("--embed-dim", embedDim), ("--hidden-dim", hiddenDim), ("--latent-dim", latentDim),
                              ("--patience", patience)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
        if resume && arch.isVAE { throw ValidationError("--resume is for classifiers only") }
    }

    func run() throws {
        let console = global.console
        let outURL = try checkOutputFolder()
        switch arch {
        case .textVAE: try trainTextVAE(out: outURL, console: console)
        case .imageVAE: try trainImageVAE(out: outURL, console: console)
        case .bagOfEmbeddings, .transformerClassifier: try trainClassifier(out: outURL, console: console)
        }
    }

    /// OUT must be a folder, or not exist yet with a writable ancestor; a VAE's OUT must be empty
    /// or hold a checkpoint (it is replaced).
    func checkOutputFolder() throws -> URL {
        let url = URL(fileURLWithPath: out).standardizedFileURL
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError.usage("--out \(out): is a file, expected a folder") }
            let contents = (try? manager.contentsOfDirectory(atPath: url.path)) ?? []
            let known: Set<String> = [Checkpoint.configFileName, Checkpoint.weightsFileName, "best", "last"]
            if !contents.isEmpty && known.isDisjoint(with: contents) {
                throw CLIError.usage("--out \(out): folder is not empty and holds no checkpoint; choose another folder")
            }
            if let problem = OutputPlan.probeWritable(url) { throw CLIError.usage("--out \(out): cannot write into it (\(problem))") }
            return url
        }
        var ancestor = url.deletingLastPathComponent()
        while !manager.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) && ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isDirectory.boolValue, OutputPlan.probeWritable(ancestor) == nil else {
            throw CLIError.usage("--out \(out): cannot create it (\(ancestor.path) is not a writable folder)")
        }
        return url
    }

    func trainClassifier(out: URL, console: Console) throws {
        let train = try TrainingData.labelled(data, option: "--data", textColumn: textColumn, labelColumn: labelColumn)
        let devSet = try dev.map {
            try TrainingData.labelled($0, option: "--dev", textColumn: textColumn, labelColumn: labelColumn,
                                      labelNames: train.labelNames)
        }
        console.note("training \(arch.rawValue) on \(train.count) examples (labels: \(train.labelNames.joined(separator: ", ")))"
                     + (devSet.map { ", dev \($0.count)" } ?? ""))
        var options = ClassifierTrainingOptions(epochs: epochs, batchSize: batchSize ?? 32, learningRate: learningRate, seed: seed)
        options.maxLength = maxLength
        options.patience = patience
        options.checkpointDirectory = out
        options.resume = resume
        options.observer = console.progress
        let architecture: ClassifierArchitecture = arch == .bagOfEmbeddings
            ? .bagOfEmbeddings(embedDimension: embedDim ?? 64, hiddenDimension: hiddenDim ?? 64)
            : .transformer(embedDimension: embedDim ?? 128, heads: heads, layers: layers, feedForwardDimension: hiddenDim ?? 256)
        if case .transformer(let e, let heads, _, _, _) = architecture, e % heads != 0 {
            throw CLIError.usage("--embed-dim \(e) must be a multiple of the transformer's \(heads) heads")
        }
        let trainer = try ClassifierTrainer.make(architecture: architecture, trainingData: train, options: options)
        let result = try trainer.train(on: train, dev: devSet)
        let best = result.state.bestEpoch
        let accuracy = result.state.bestDevAccuracy.map { String(format: ", dev accuracy %.2f %%", $0 * 100) } ?? ""
        console.result("trained \(result.state.completedEpochs) epochs in \(String(format: "%.1f", result.seconds)) s; "
                       + "best epoch \(best)\(accuracy)")
        console.result("model: \(out.appendingPathComponent(TrainingCheckpoint.bestFolderName).path) "
                       + "(use --model \(self.out))")
    }

    func trainTextVAE(out: URL, console: Console) throws {
        let texts = try TrainingData.sentences(data, option: "--data", textColumn: textColumn, labelColumn: labelColumn)
        let heldOut = try dev.map { try TrainingData.sentences($0, option: "--dev", textColumn: textColumn, labelColumn: labelColumn) }
        console.note("training text-vae on \(texts.count) sentences")
        var options = TextVAETrainingOptions(epochs: epochs, batchSize: batchSize ?? 32, learningRate: learningRate, seed: seed)
        options.maxLength = maxLength
        options.klAnnealing = klWarmup == 0 ? .constant(1) : .linear(warmupSteps: klWarmup)
        options.wordDropout = wordDropout
        options.checkpointDirectory = out
        options.observer = console.progress
        let trainer = TextVAETrainer.make(texts: texts, embedDimension: embedDim ?? 64, hiddenDimension: hiddenDim ?? 128,
                                          latentDimension: latentDim ?? 16, options: options)
        let records = try trainer.train(on: texts, heldOut: heldOut)
        report(records, latent: trainer.model.latentDimension, out: out, console: console)
    }

    func trainImageVAE(out: URL, console: Console) throws {
        let images = try TrainingData.images(data, option: "--data")
        let heldOut = try dev.map { try TrainingData.images($0, option: "--dev") }
        if let heldOut, heldOut.width != images.width || heldOut.height != images.height {
            throw CLIError.usage("--dev \(dev ?? ""): images are \(heldOut.width)×\(heldOut.height), training images \(images.width)×\(images.height)")
        }
        console.note("training image-vae on \(images.count) images of \(images.width)×\(images.height)")
        var options = ImageVAETrainingOptions(epochs: epochs, batchSize: batchSize ?? 128, learningRate: learningRate, seed: seed)
        options.checkpointDirectory = out
        options.observer = console.progress
        let model = ImageVAE(config: ImageVAEConfig(height: images.height, width: images.width,
                                                    hiddenDimension: hiddenDim ?? 128, latentDimension: latentDim ?? 6),
                             seed: seed)
        let records = try ImageVAETrainer(model: model, options: options).train(on: images, heldOut: heldOut)
        report(records, latent: model.latentDimension, out: out, console: console)
    }

    func report(_ records: [VAEEpochRecord], latent: Int, out: URL, console: Console) {
        if let last = records.last {
            console.result(String(format: "trained %d epochs: reconstruction %.3f, KL %.3f, active units %d/%d",
                                  records.count, last.reconstruction, last.kl, last.activeUnits, latent))
        }
        console.result("model: \(out.path)")
    }
}
