import Foundation
import Loupe

extension TrainCommand {
    /// The settings of `train` that `--init` does not use (it fine-tunes the folder's own
    /// architecture with AdamW and a warm-up/decay schedule).
    var flagsUnusedByFineTuning: [String] {
        [("--embed-dim", embedDim != nil), ("--hidden-dim", hiddenDim != nil), ("--latent-dim", latentDim != nil),
         ("--embed-scale", embedScale != nil), ("--min-count", minCount != nil), ("--dropout", dropout != nil),
         ("--schedule constant", schedule == .constant), ("--optimizer \(optimizer?.rawValue ?? "")", optimizer.map { $0 != .adamW } ?? false)]
            .filter(\.1).map(\.0)
    }

    /// `--init FOLDER`: a new classification head on the folder's BERT-family encoder, every weight
    /// fine-tuned (``EncoderFineTuner``), saved into OUT in the Hugging Face layout.
    func fineTune(out: URL, console: Console) throws {
        guard let initFrom else { preconditionFailure("fine-tuning needs --init") }
        if let unused = flagsUnusedByFineTuning.first {
            throw CLIError.usage("\(unused) does not apply to --init (fine-tuning keeps the checkpoint's architecture; "
                                 + "it uses AdamW with a linear warm-up and decay)")
        }
        let source = URL(fileURLWithPath: initFrom).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIError.usage("--init \(initFrom): no such folder (give a Hugging Face BERT-family folder)")
        }
        if source == out.standardizedFileURL {
            throw CLIError.usage("--out \(self.out): is the --init folder; choose another folder so the checkpoint is kept")
        }
        let checkpoint: HFEncoderCheckpoint
        do { checkpoint = try HFEncoderCheckpoint.load(folder: source) } catch let error as PretrainedError {
            throw CLIError.usage("--init \(ModelLoader.located(error, initFrom))")
        }
        let tokenizer = try ModelLoader.pretrainedTokenizer(initFrom, option: "--init")
        let encoder = checkpoint.encoder
        let train = try TrainingData.labelled(data, option: "--data", textColumn: textColumn, labelColumn: labelColumn)
        let devSet = try dev.map {
            try TrainingData.labelled($0, option: "--dev", textColumn: textColumn, labelColumn: labelColumn,
                                      labelNames: train.labelNames)
        }
        guard train.labelNames.count >= 2 else {
            throw CLIError.usage("--data \(data): holds one label (\(train.labelNames.joined())); a classifier needs two or more")
        }
        var options = EncoderFineTuningOptions(epochs: epochs ?? 1, batchSize: batchSize ?? 32,
                                               learningRate: learningRate ?? 1e-4, seed: seed)
        options.maxLength = Swift.min(maxLength ?? 128, encoder.config.maximumSequenceLength)
        options.warmupSteps = warmupSteps
        options.weightDecay = weightDecay ?? 0.01
        if let clipNorm { options.gradientClipNorm = clipNorm > 0 ? clipNorm : nil }
        options.patience = patience
        options.observer = console.progress
        let model = try HFEncoderClassifier.withFreshHead(on: encoder, labels: train.labelNames, seed: seed)
        let tuner = EncoderFineTuner(model: model, options: options)
        let steps = options.epochs * ((train.count + options.batchSize - 1) / options.batchSize)
        console.note("fine-tuning \(encoder.config.architecture) (\(encoder.config.layerCount) layers, hidden "
                     + "\(encoder.config.hiddenSize), \(model.parameterCount) parameters) with a new "
                     + "\(model.sequenceClassificationArchitecture) head on \(train.count) examples (labels: "
                     + train.labelNames.joined(separator: ", ") + ")" + (devSet.map { ", dev \($0.count)" } ?? ""))
        console.note("recipe: adamw lr \(options.learningRate), weight decay \(options.weightDecay), warm-up "
                     + "\(options.warmup(plannedSteps: steps)) of \(steps) steps then linear decay, \(options.epochs) "
                     + "epoch\(options.epochs == 1 ? "" : "s"), batch \(options.batchSize), max length \(options.maxLength)"
                     + (options.gradientClipNorm.map { ", clip \($0)" } ?? ", no clipping") + " (the --init defaults; flags override)")
        let result: EncoderFineTuningResult
        do { result = try tuner.train(on: train, dev: devSet, tokenizer: tokenizer) } catch let error as ModelInputError {
            throw CLIError.usage("--data \(data): \(error)")
        }
        let state = try JSONEncoder().encode(result.state)
        // The whole folder appears at once (a Ctrl-C while it is written leaves the previous one).
        try AtomicFile.replaceFolder(at: out) { folder in
            try model.saveHuggingFace(to: folder, baseConfig: source.appendingPathComponent("config.json"), tokenizerFolder: source,
                                      metadata: ["loupe_fine_tuned_from": source.lastPathComponent])
            try AtomicFile.write(state, to: folder.appendingPathComponent("training.json"))
        }
        let accuracy = result.state.history.first { $0.epoch == result.keptEpoch }?.devAccuracy
            .map { String(format: ", dev accuracy %.2f %%", $0 * 100) } ?? ""
        console.result("fine-tuned \(result.state.completedEpochs) epoch\(result.state.completedEpochs == 1 ? "" : "s") in "
                       + String(format: "%.1f s", result.seconds) + "; kept epoch \(result.keptEpoch)\(accuracy)")
        console.result("model: \(out.path) (Hugging Face layout; use --model \(self.out))")
    }
}
