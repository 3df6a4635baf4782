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
        An OUT holding a run is never overwritten without --force; --resume keeps the run's own \
        settings (OUT/run.json), refuses another architecture, size or data file, and says what \
        changes. Ctrl-C stops after the current step, saves OUT/interrupted and exits with 130; \
        --resume then continues to the weights of an uninterrupted run. \
        VAEs write their checkpoint into OUT after every epoch.

        Without flags, classifiers train with their architecture's best measured recipe (printed as \
        `recipe: …`); each flag replaces the one setting it names. --init FOLDER fine-tunes a Hugging \
        Face BERT-family encoder (e.g. all-MiniLM-L6-v2) with a new classification head (AdamW, linear \
        warm-up and decay) and saves OUT as a Hugging Face sequence-classification folder.

        Examples:
          loupe train --arch bag --data train.tsv --dev dev.tsv --out runs/bag
          loupe train --arch transformer --data reviews.csv \\
              --text-column review --out runs/tf --epochs 5
          loupe train --arch text-vae --data sentences.txt --out runs/text-vae
          loupe train --arch image-vae --data shapes:4000 --out runs/shapes
          loupe train --init minilm-folder --data train.tsv --out runs/ft
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

    @Option(name: .long, help: "bag-of-embeddings, transformer-classifier, text-vae or image-vae (not with --init).")
    var arch: Architecture?

    @Option(name: .customLong("init"), help: "Fine-tune this Hugging Face BERT-family folder (e.g. all-MiniLM-L6-v2) with a new classification head.")
    var initFrom: String?

    @Option(name: .long, help: "Training data file (or shapes[:N] for image-vae).")
    var data: String

    @Option(name: .long, help: "Held-out data for accuracy, early stopping and the best checkpoint.")
    var dev: String?

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Passes over the training data (default: the architecture's recipe; 10 for VAEs).") var epochs: Int?
    @Option(name: .long, help: "Examples per optimizer step (default: 32; 128 for image-vae).") var batchSize: Int?
    @Option(name: .long, help: "Base learning rate (default: the architecture's recipe; 1e-3 for VAEs).") var learningRate: Float?
    @Option(name: .long, help: "Classifiers: adam, adamw or sgd (default: the recipe's).") var optimizer: OptimizerChoice?
    @Option(name: .long, help: "Classifiers: weight decay (L2 for adam/sgd, decoupled for adamw).") var weightDecay: Float?
    @Option(name: .long, help: "Classifiers: linear-decay (warm-up, then linear decay to 0) or constant.") var schedule: ClassifierRecipe.Schedule?
    @Option(name: .long, help: "Classifiers: warm-up steps of linear-decay (default: 200, at most 10 % of the run).") var warmupSteps: Int?
    @Option(name: .long, help: "Classifiers: scale of the fresh N(0, 1) embedding tables.") var embedScale: Float?
    @Option(name: .long, help: "Classifiers: keep tokens seen at least this often in the vocabulary.") var minCount: Int?
    @Option(name: .long, help: "Transformer dropout.") var dropout: Float?
    @Option(name: .long, help: "Clip the gradient norm to this (0: no clipping).") var clipNorm: Float?
    @Option(name: .customLong("seed"), help: "Seed of the weights and the data order (default 0).") var seedOption: UInt64?
    @Option(name: .long, help: "Text column / key (default: sentence for .tsv, text otherwise).") var textColumn: String?
    @Option(name: .long, help: "Label column / key (default: label).") var labelColumn: String?
    @Option(name: .long, help: "Longest token sequence (longer texts are truncated; default 64, 128 with --init).") var maxLength: Int?
    @Option(name: .long, help: "Embedding size (default: 64 bag, 128 transformer, 64 text-vae).") var embedDim: Int?
    @Option(name: .long, help: "Hidden size (default: 64 bag, 256 transformer FFN, 128 VAEs).") var hiddenDim: Int?
    @Option(name: .long, help: "Latent size of the VAEs (default: 16 text, 6 image).") var latentDim: Int?
    @Option(name: .customLong("heads"), help: "Attention heads of the transformer (default 4).") var headsOption: Int?
    @Option(name: .customLong("layers"), help: "Encoder layers of the transformer (default 2).") var layersOption: Int?
    @Option(name: .long, help: "text-vae: steps over which the KL weight ramps from 0 to 1.") var klWarmup = 2_000
    @Option(name: .long, help: "text-vae: probability of hiding each decoder input token.") var wordDropout: Float = 0.3
    @Option(name: .long, help: "Stop after this many epochs without a better dev accuracy.") var patience: Int?
    @Flag(name: .long, help: "Continue the classifier run in OUT (from OUT/interrupted or OUT/last); settings not given are the run's own.") var resume = false
    @Flag(name: .long, help: "Replace the run already in OUT (without it, train refuses to overwrite one).") var force = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if arch == nil && initFrom == nil { throw ValidationError("give --arch (train from scratch) or --init (fine-tune a pretrained encoder)") }
        if let arch, initFrom != nil {
            throw ValidationError("--arch \(arch.rawValue) and --init cannot be used together (--init fine-tunes the folder's own architecture)")
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let learningRate, !(learningRate > 0) || !learningRate.isFinite { throw ValidationError("--learning-rate must be positive") }
        if let maxLength, maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
        if let weightDecay, !(weightDecay >= 0) { throw ValidationError("--weight-decay must be ≥ 0") }
        if let warmupSteps, warmupSteps < 0 { throw ValidationError("--warmup-steps must be ≥ 0") }
        if let embedScale, !(embedScale > 0) || !embedScale.isFinite { throw ValidationError("--embed-scale must be positive") }
        if let dropout, !(0..<1).contains(dropout) { throw ValidationError("--dropout must lie in [0, 1)") }
        if let clipNorm, !(clipNorm >= 0) || !clipNorm.isFinite { throw ValidationError("--clip-norm must be ≥ 0") }
        if (headsOption ?? 1) < 1 || (layersOption ?? 1) < 1 || klWarmup < 0 { throw ValidationError("--heads and --layers must be ≥ 1, --kl-warmup ≥ 0") }
        if !(0..<1).contains(wordDropout) { throw ValidationError("--word-dropout must lie in [0, 1)") }
        for (name, value) in [("--embed-dim", embedDim), ("--hidden-dim", hiddenDim), ("--latent-dim", latentDim),
                              ("--patience", patience)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
        if let minCount, minCount < 1 { throw ValidationError("--min-count must be at least 1, got \(minCount)") }
        if resume && initFrom != nil { throw ValidationError("--resume is for classifiers trained from scratch") }
        if resume && (arch?.isVAE ?? false) { throw ValidationError("--resume is for classifiers only") }
        if resume && force { throw ValidationError("--resume and --force cannot be used together (continue the run, or replace it)") }
    }

    /// The seed, heads and layers in effect (flags or their defaults).
    var seed: UInt64 { seedOption ?? 0 }
    var heads: Int { headsOption ?? 4 }
    var layers: Int { layersOption ?? 2 }

    func run() throws {
        let console = global.console
        let outURL = try checkOutputFolder()
        try checkExistingRun(outURL)
        guard let arch else { return try fineTune(out: outURL, console: console) }
        switch arch {
        case .textVAE: try trainTextVAE(out: outURL, console: console)
        case .imageVAE: try trainImageVAE(out: outURL, console: console)
        case .bagOfEmbeddings, .transformerClassifier:
            let command = resume ? try resumedCommand(outURL, console: console) : self
            try command.trainClassifier(out: outURL, console: console)
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
            let known: Set<String> = [Checkpoint.configFileName, Checkpoint.weightsFileName, "best", "last",
                                      TrainingCheckpoint.interruptedFolderName, Self.runRecordFileName]
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

    /// The architecture's best measured recipe (``ClassifierRecipe/best(for:)``) with the user's flags applied.
    func classifierRecipe(for arch: Architecture) -> ClassifierRecipe {
        var recipe = ClassifierRecipe.best(for: arch)
        if let epochs { recipe.epochs = epochs }
        if let learningRate { recipe.learningRate = learningRate }
        if let optimizer { recipe.optimizer = optimizer }
        if let weightDecay { recipe.weightDecay = weightDecay }
        if let schedule { recipe.schedule = schedule }
        if let warmupSteps { recipe.warmupSteps = warmupSteps }
        if let embedScale { recipe.embeddingScale = embedScale }
        if let minCount { recipe.minimumTokenCount = minCount }
        if let embedDim { recipe.embedDimension = embedDim }
        if let hiddenDim { recipe.hiddenDimension = hiddenDim }
        if let dropout { recipe.dropout = dropout }
        if let clipNorm { recipe.gradientClipNorm = clipNorm > 0 ? clipNorm : nil }
        return recipe
    }

    func trainClassifier(out: URL, console: Console) throws {
        guard let arch else { preconditionFailure("a classifier architecture") }
        let train = try TrainingData.labelled(data, option: "--data", textColumn: textColumn, labelColumn: labelColumn)
        let devSet = try dev.map {
            try TrainingData.labelled($0, option: "--dev", textColumn: textColumn, labelColumn: labelColumn,
                                      labelNames: train.labelNames)
        }
        console.note("training \(arch.rawValue) on \(train.count) examples (labels: \(train.labelNames.joined(separator: ", ")))"
                     + (devSet.map { ", dev \($0.count)" } ?? ""))
        let recipe = classifierRecipe(for: arch)
        var options = ClassifierTrainingOptions(epochs: recipe.epochs, batchSize: batchSize ?? 32,
                                                learningRate: recipe.learningRate, optimizer: recipe.optimizer, seed: seed)
        let plannedSteps = recipe.epochs * ((train.count + options.batchSize - 1) / options.batchSize)
        options.learningRateSchedule = recipe.learningRateSchedule(plannedSteps: plannedSteps, warmupGiven: warmupSteps != nil)
        options.weightDecay = recipe.weightDecay
        options.embeddingScale = recipe.embeddingScale
        options.minimumTokenCount = recipe.minimumTokenCount
        options.gradientClipNorm = recipe.gradientClipNorm
        options.maxLength = maxLength ?? 64
        options.patience = patience
        options.checkpointDirectory = out
        options.resume = resume
        options.observer = console.progress
        console.note("recipe: " + recipe.summary(warmup: recipe.warmup(plannedSteps: plannedSteps, userGiven: warmupSteps != nil),
                                                 architecture: arch)
                     + " (the \(arch.rawValue) defaults; flags override)")
        let architecture: ClassifierArchitecture = arch == .bagOfEmbeddings
            ? .bagOfEmbeddings(embedDimension: recipe.embedDimension, hiddenDimension: recipe.hiddenDimension)
            : .transformer(embedDimension: recipe.embedDimension, heads: heads, layers: layers,
                           feedForwardDimension: recipe.hiddenDimension, dropout: recipe.dropout)
        if case .transformer(let e, let heads, _, _, _) = architecture, e % heads != 0 {
            throw CLIError.usage("--embed-dim \(e) must be a multiple of the transformer's \(heads) heads")
        }
        options.stopRequested = { ProcessSignals.stopRequested }
        let trainer = try ClassifierTrainer.make(architecture: architecture, trainingData: train, options: options)
        try writeRunRecord(out, architecture: arch, recipe: recipe)   // a resumed run records the settings it now has
        let result: ClassifierTrainingResult
        do {
            // Ctrl-C / SIGTERM now stop after the current step, saving OUT/interrupted.
            result = try ProcessSignals.cooperating { try trainer.train(on: train, dev: devSet) }
        } catch let stop as TrainingInterrupted {
            let signal = ProcessSignals.receivedSignal ?? SIGINT
            Console.writeError("loupe: interrupted (\(ProcessSignals.name(of: signal))): \(stop.description)"
                               + (stop.checkpoint == nil ? "" : "; continue with: loupe train --resume --arch \(arch.rawValue) --data \(data) --out \(self.out)"))
            throw ExitCode(128 + signal)
        }
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
        var options = TextVAETrainingOptions(epochs: epochs ?? 10, batchSize: batchSize ?? 32, learningRate: learningRate ?? 1e-3,
                                             seed: seed)
        options.maxLength = maxLength ?? 64
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
        var options = ImageVAETrainingOptions(epochs: epochs ?? 10, batchSize: batchSize ?? 128, learningRate: learningRate ?? 1e-3,
                                              seed: seed)
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
