import Foundation
import Loupe

/// Reading the `--data` / `--dev` files of `train` and `evaluate`, by extension.
enum TrainingData {
    /// The formats of labelled text.
    static let textFormats = ["tsv", "csv", "jsonl"]

    /// A labelled text file: `.tsv` (header row; default columns `sentence`, `label`), `.csv`
    /// (header row; `text`, `label`) or `.jsonl` (keys `text`, `label`). Errors name the file and line.
    ///
    /// `default-corpus`, `default-corpus:train` and `default-corpus:held-out` name the embedded
    /// bilingual corpus (with rationales) and the two parts of the split the default model was
    /// trained on (20 % held out, seed 0).
    static func labelled(_ path: String, option: String, textColumn: String?, labelColumn: String?,
                         labelNames: [String]? = nil) throws -> TextDataSet {
        if try corpusPart(path, option: option) != nil {
            return try embeddedCorpus(path, option: option, labelNames: labelNames)
        }
        let url = try existingFile(path, option: option)
        let result: TextReadResult
        switch url.pathExtension.lowercased() {
        case "tsv":
            result = try TextDataSet.readTSV(at: url, textColumn: textColumn ?? "sentence", labelColumn: labelColumn ?? "label",
                                             labelNames: labelNames)
        case "csv":
            result = try TextDataSet.readCSV(at: url, textColumn: textColumn ?? "text", labelColumn: labelColumn ?? "label",
                                             labelNames: labelNames)
        case "jsonl":
            result = try TextDataSet.readJSONL(at: url, textKey: textColumn ?? "text", labelKey: labelColumn ?? "label",
                                               labelNames: labelNames)
        default:
            throw CLIError.usage("\(option) \(path): unknown format '.\(url.pathExtension)' (use .tsv, .csv or .jsonl)")
        }
        guard !result.dataSet.isEmpty else { throw CLIError.usage("\(option) \(path): holds no examples") }
        return result.dataSet
    }

    /// The name of the embedded corpus as a `--data` value.
    static let builtInCorpus = "default-corpus"

    /// The parts of the embedded corpus a `--data` value can name.
    enum CorpusPart: String, CaseIterable { case all = "", train = ":train", heldOut = ":held-out" }

    /// The part `name` names, nil when it does not name the embedded corpus at all; throws for
    /// an unknown part (checked before any model is loaded, so the error is the only output).
    static func corpusPart(_ name: String, option: String) throws -> CorpusPart? {
        guard name == builtInCorpus || name.hasPrefix(builtInCorpus + ":") else { return nil }
        guard let part = CorpusPart(rawValue: String(name.dropFirst(builtInCorpus.count))) else {
            throw CLIError.usage("\(option) \(name): unknown part (use \(builtInCorpus), \(builtInCorpus):train "
                                 + "or \(builtInCorpus):held-out)")
        }
        return part
    }

    static func embeddedCorpus(_ name: String, option: String, labelNames: [String]?) throws -> TextDataSet {
        guard let part = try corpusPart(name, option: option) else { preconditionFailure("not the embedded corpus") }
        if let labelNames, labelNames != DefaultCorpus.labelNames {
            throw CLIError.usage("\(option) \(name): the corpus's labels \(DefaultCorpus.labelNames) "
                                 + "differ from the model's \(labelNames)")
        }
        do {
            switch part {
            case .all: return try DefaultCorpus.load()
            case .train: return try DefaultCorpus.loadSplit(heldOutFraction: 0.2, seed: 0).train
            case .heldOut: return try DefaultCorpus.loadSplit(heldOutFraction: 0.2, seed: 0).heldOut
            }
        } catch let error as DataSetError {
            throw CLIError.runtime("\(option) \(name): \(error)")
        }
    }

    /// Sentences for a text VAE: a `.txt` file (one sentence per non-blank line) or the text of a
    /// labelled file.
    static func sentences(_ path: String, option: String, textColumn: String?, labelColumn: String?) throws -> [String] {
        let url = try existingFile(path, option: option)
        guard url.pathExtension.lowercased() == "txt" else {
            return try labelled(path, option: option, textColumn: textColumn, labelColumn: labelColumn).texts
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CLIError.usage("\(option) \(path): cannot be read (\(error.localizedDescription))")
        }
        let lines = try LineExplainer.readLines(data, source: url.lastPathComponent).map(\.text)
        guard !lines.isEmpty else { throw CLIError.usage("\(option) \(path): holds no sentences") }
        return lines
    }

    /// Images for an image VAE: `shapes` or `shapes:N` (N procedural 16 × 16 shapes, default 4,000)
    /// or an MNIST-style IDX file (raw or gzip).
    static func images(_ spec: String, option: String) throws -> ImageDataSet {
        if spec == "shapes" || spec.hasPrefix("shapes:") {
            let count = spec == "shapes" ? 4_000 : Int(spec.dropFirst("shapes:".count)) ?? -1
            guard count >= 1 else { throw CLIError.usage("\(option) \(spec): expected shapes:N with N ≥ 1") }
            return ShapesGenerator(imageSize: 16, scaleCount: 4, rotationCount: 8, positionCount: 6, baseRadius: 0.22,
                                   supersampling: 2).randomSamples(count: count, seed: 7).imageDataSet
        }
        let url = try existingFile(spec, option: option)
        let set = try ImageDataSet.readIDX(images: url)
        guard set.count > 0 else { throw CLIError.usage("\(option) \(spec): holds no images") }
        return set
    }

    /// The URL of an existing regular file.
    static func existingFile(_ path: String, option: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.usage("\(option) \(path): no such file")
        }
        guard !isDirectory.boolValue else { throw CLIError.usage("\(option) \(path): is a folder, expected a file") }
        return URL(fileURLWithPath: path)
    }
}
