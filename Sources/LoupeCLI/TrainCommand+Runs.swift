import ArgumentParser
import Foundation
import Loupe

/// What `loupe train` records about a classifier run in `OUT/run.json`, so that a later command
/// neither overwrites the run by mistake nor resumes it with other data or another model.
struct TrainRunRecord: Codable, Equatable {
    var format = 1
    /// Every setting in effect, as its flag would spell it (`embed-dim` → `64`).
    var settings: [String: String]
    var data: DataFingerprint
    var dev: DataFingerprint?
}

/// A data file's identity: its size and FNV-1a 64 hash of its bytes (the embedded corpus: its name).
struct DataFingerprint: Codable, Equatable {
    var path: String
    var bytes: Int
    var fnv1a64: String

    /// The fingerprint of `--data` / `--dev` value `path`.
    static func of(_ path: String) throws -> DataFingerprint {
        if path == TrainingData.builtInCorpus || path.hasPrefix(TrainingData.builtInCorpus + ":") {
            return DataFingerprint(path: path, bytes: 0, fnv1a64: "embedded")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError.usage("\(path): cannot be read") }
        defer { try? handle.close() }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var bytes = 0
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            bytes += chunk.count
            for byte in chunk {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return DataFingerprint(path: path, bytes: bytes, fnv1a64: String(repeating: "0", count: 16 - hex.count) + hex)
    }

    var summary: String { fnv1a64 == "embedded" ? path : "\(path), \(bytes) bytes, FNV-1a \(fnv1a64)" }
}

extension TrainCommand {
    /// `run.json`.
    static let runRecordFileName = "run.json"

    /// The settings that fix the model or its input: a resumed run must keep them.
    static let structuralSettings: Set<String> = ["arch", "embed-dim", "hidden-dim", "heads", "layers", "max-length",
                                                  "min-count", "embed-scale", "text-column", "label-column"]

    /// Every setting of a classifier run, as flags spell them.
    func settings(architecture: Architecture, recipe: ClassifierRecipe) -> [String: String] {
        var values: [String: String] = [
            "arch": architecture.rawValue, "epochs": String(recipe.epochs), "batch-size": String(batchSize ?? 32),
            "learning-rate": String(recipe.learningRate), "optimizer": recipe.optimizer.rawValue,
            "weight-decay": String(recipe.weightDecay), "schedule": recipe.schedule.rawValue,
            "embed-scale": String(recipe.embeddingScale), "min-count": String(recipe.minimumTokenCount),
            "embed-dim": String(recipe.embedDimension), "hidden-dim": String(recipe.hiddenDimension),
            "clip-norm": String(recipe.gradientClipNorm ?? 0), "seed": String(seed), "max-length": String(maxLength ?? 64),
            "text-column": textColumn ?? "", "label-column": labelColumn ?? "",
        ]
        if let warmupSteps { values["warmup-steps"] = String(warmupSteps) }
        if let patience { values["patience"] = String(patience) }
        if architecture == .transformerClassifier {
            values["heads"] = String(heads)
            values["layers"] = String(layers)
            values["dropout"] = String(recipe.dropout)
        }
        return values
    }

    /// Refuses to train into a folder that holds another run, unless `--resume` (continue it) or
    /// `--force` (replace it: its checkpoints are removed first); `--resume` needs a run to continue.
    func checkExistingRun(_ out: URL) throws {
        let manager = FileManager.default
        let names = Set((try? manager.contentsOfDirectory(atPath: out.path)) ?? [])
        let runNames: Set<String> = [TrainingCheckpoint.bestFolderName, TrainingCheckpoint.lastFolderName,
                                     TrainingCheckpoint.interruptedFolderName, Checkpoint.configFileName, Checkpoint.weightsFileName]
        if resume {
            guard manager.fileExists(atPath: out.path) else {
                throw CLIError.usage("--resume: \(self.out) does not exist (there is no run to continue; drop --resume to start one)")
            }
            guard try ClassifierTrainer.resumeFolder(in: out) != nil else {
                throw CLIError.usage("--resume: \(self.out) holds no checkpoint to continue from (no last/ or interrupted/)")
            }
            return
        }
        guard !runNames.isDisjoint(with: names) else { return }
        guard force else {
            throw CLIError.usage("--out \(self.out) already holds a run (\(describeRun(out))); --resume continues it, "
                                 + "--force replaces it, or choose another folder")
        }
        for name in [TrainingCheckpoint.bestFolderName, TrainingCheckpoint.lastFolderName,
                     TrainingCheckpoint.interruptedFolderName, Self.runRecordFileName] where names.contains(name) {
            try? manager.removeItem(at: out.appendingPathComponent(name))
        }
    }

    /// "bag-of-embeddings, 3 epochs done" — what the folder holds, as far as it says.
    func describeRun(_ out: URL) -> String {
        var parts: [String] = []
        for folder in [out.appendingPathComponent(TrainingCheckpoint.lastFolderName), out] {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(Checkpoint.configFileName)),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            if let architecture = object["architecture"] as? String ?? (object["architectures"] as? [String])?.first {
                parts.append(architecture)
            }
            if let state = try? TrainingCheckpoint.readState(ClassifierTrainingState.self, from: folder) {
                parts.append("\(state.completedEpochs) epoch\(state.completedEpochs == 1 ? "" : "s") done")
            }
            break
        }
        return parts.isEmpty ? "a checkpoint" : parts.joined(separator: ", ")
    }

    /// Writes `OUT/run.json` for a new run.
    func writeRunRecord(_ out: URL, architecture: Architecture, recipe: ClassifierRecipe) throws {
        let record = TrainRunRecord(settings: settings(architecture: architecture, recipe: recipe),
                                    data: try DataFingerprint.of(data), dev: try dev.map { try DataFingerprint.of($0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try AtomicFile.write(try encoder.encode(record) + Data("\n".utf8), to: out.appendingPathComponent(Self.runRecordFileName))
    }

    /// The command that continues the run in `out`: settings not given on the command line are the
    /// run's own (from `run.json`); the model's settings and the data must be the run's; what
    /// changes and what is kept is said in one note each.
    func resumedCommand(_ out: URL, console: Console) throws -> TrainCommand {
        let url = out.appendingPathComponent(Self.runRecordFileName)
        guard let bytes = try? Data(contentsOf: url) else {
            console.warning("--resume: \(self.out) has no \(Self.runRecordFileName) (an older run); its settings and data "
                            + "cannot be checked, the flags given apply")
            return self
        }
        let saved: TrainRunRecord
        do { saved = try JSONDecoder().decode(TrainRunRecord.self, from: bytes) } catch {
            throw CLIError.usage("--resume: \(url.path): cannot be read (\(error.localizedDescription))")
        }
        var command = self
        for (key, value) in saved.settings { try command.adopt(key, value) }
        if command.dev == nil, let savedDev = saved.dev { command.dev = savedDev.path }
        guard let architecture = command.arch else { preconditionFailure("a classifier architecture") }
        let now = command.settings(architecture: architecture, recipe: command.classifierRecipe(for: architecture))
        let changed = now.keys.sorted().filter { saved.settings[$0] != nil && saved.settings[$0] != now[$0] }
        let structural = changed.filter(Self.structuralSettings.contains)
        if !structural.isEmpty {
            throw CLIError.usage("--resume: the run in \(self.out) was trained with "
                                 + structural.map { "--\($0) \(saved.settings[$0] ?? "")" }.joined(separator: " ")
                                 + ", not " + structural.map { "\(now[$0] ?? "")" }.joined(separator: ", ")
                                 + " (the model cannot change; start a new run with another --out, or --force)")
        }
        let data = try DataFingerprint.of(command.data)
        guard data.fnv1a64 == saved.data.fnv1a64 && data.bytes == saved.data.bytes else {
            throw CLIError.usage("--resume: --data \(command.data) is not the run's data (\(data.summary); the run was "
                                 + "trained on \(saved.data.summary))")
        }
        let dev = try command.dev.map { try DataFingerprint.of($0) }
        if dev != nil || saved.dev != nil, dev?.fnv1a64 != saved.dev?.fnv1a64 || dev?.bytes != saved.dev?.bytes {
            throw CLIError.usage("--resume: --dev \(command.dev ?? "(none)") is not the run's held-out data ("
                                 + (saved.dev?.summary ?? "none") + ")")
        }
        let kept = now.keys.sorted().filter { !changed.contains($0) && !(now[$0] ?? "").isEmpty }
        console.note("resuming \(self.out): keeps " + kept.map { "\($0) \(now[$0] ?? "")" }.joined(separator: ", ")
                     + ", the data and the data order")
        if !changed.isEmpty {
            console.note("resuming \(self.out): changes " + changed.map { "\($0) \(saved.settings[$0] ?? "") → \(now[$0] ?? "")" }
                .joined(separator: ", "))
        }
        return command
    }

    /// Takes a saved setting unless its flag was given.
    private mutating func adopt(_ key: String, _ value: String) throws {
        func number<T: LosslessStringConvertible>(_ type: T.Type) throws -> T {
            guard let parsed = T(value) else { throw CLIError.usage("--resume: run.json: setting \(key) '\(value)' cannot be read") }
            return parsed
        }
        switch key {
        case "epochs": if epochs == nil { epochs = try number(Int.self) }
        case "batch-size": if batchSize == nil { batchSize = try number(Int.self) }
        case "learning-rate": if learningRate == nil { learningRate = try number(Float.self) }
        case "optimizer": if optimizer == nil { optimizer = OptimizerChoice(argument: value) }
        case "weight-decay": if weightDecay == nil { weightDecay = try number(Float.self) }
        case "schedule": if schedule == nil { schedule = ClassifierRecipe.Schedule(argument: value) }
        case "warmup-steps": if warmupSteps == nil { warmupSteps = try number(Int.self) }
        case "embed-scale": if embedScale == nil { embedScale = try number(Float.self) }
        case "min-count": if minCount == nil { minCount = try number(Int.self) }
        case "embed-dim": if embedDim == nil { embedDim = try number(Int.self) }
        case "hidden-dim": if hiddenDim == nil { hiddenDim = try number(Int.self) }
        case "dropout": if dropout == nil { dropout = try number(Float.self) }
        case "clip-norm": if clipNorm == nil { clipNorm = try number(Float.self) }
        case "seed": if seedOption == nil { seedOption = try number(UInt64.self) }
        case "max-length": if maxLength == nil { maxLength = try number(Int.self) }
        case "patience": if patience == nil { patience = try number(Int.self) }
        case "heads": if headsOption == nil { headsOption = try number(Int.self) }
        case "layers": if layersOption == nil { layersOption = try number(Int.self) }
        case "text-column": if textColumn == nil, !value.isEmpty { textColumn = value }
        case "label-column": if labelColumn == nil, !value.isEmpty { labelColumn = value }
        case "arch": break   // given (required) and compared
        default: break       // a setting of a later version: compared only
        }
    }
}
