import Foundation
import LoupeTensor

/// A model checkpoint folder in the interchange layout:
///
/// - `config.json`: `architecture` plus the architecture's sizes (``CheckpointConfig``);
/// - `model.safetensors`: the weights by PyTorch `state_dict()` name (``SafeTensorsFile``);
/// - `vocab.txt` (optional): one token per line, line number = id, ids 0–3 `[PAD] [UNK] [BOS] [EOS]`.
///
/// ``load(from:)`` validates all three files; ``assign(to:)`` copies the weights into a module after
/// checking that keys and shapes match exactly; ``save(_:config:vocabulary:to:metadata:)`` writes a
/// folder atomically.
public struct Checkpoint {
    /// `config.json`.
    public static let configFileName = CheckpointConfig.fileName
    /// `model.safetensors`.
    public static let weightsFileName = "model.safetensors"
    /// `vocab.txt`.
    public static let vocabularyFileName = CheckpointVocabulary.fileName

    /// The folder the checkpoint was loaded from.
    public var directory: URL
    /// The parsed `config.json`.
    public var config: CheckpointConfig
    /// The weights by name.
    public var tensors: [String: Tensor]
    /// The tokens of `vocab.txt` (index = id), or `nil` when the folder has none.
    public var vocabulary: [String]?
    /// The safetensors `__metadata__` map.
    public var metadata: [String: String]
    /// Non-fatal observations from reading the weights (unused bytes between tensors).
    public var warnings: [String]

    /// A checkpoint assembled in memory (nothing is validated or read).
    public init(directory: URL, config: CheckpointConfig, tensors: [String: Tensor], vocabulary: [String]? = nil,
                metadata: [String: String] = [:], warnings: [String] = []) {
        self.directory = directory
        self.config = config
        self.tensors = tensors
        self.vocabulary = vocabulary
        self.metadata = metadata
        self.warnings = warnings
    }

    /// Loads and validates a checkpoint folder.
    ///
    /// Throws a ``CheckpointError`` when the folder is missing or not a folder, when `config.json` or
    /// `model.safetensors` is missing, when `config.json` is not valid JSON (the error gives the line),
    /// is not an object or lacks a string `architecture`, when the weights fail any safetensors check
    /// (see ``SafeTensorsFile/parse(_:fileName:)``), or when `vocab.txt` is malformed (bad special
    /// tokens, empty or duplicate tokens, naming the line) or disagrees with the config's `vocab_size`.
    public static func load(from directory: URL) throws -> Checkpoint {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw CheckpointError(.io, file: directory.path, "checkpoint folder does not exist")
        }
        guard isDirectory.boolValue else {
            throw CheckpointError(.io, file: directory.path, "is a file, expected a checkpoint folder")
        }
        func required(_ name: String) throws -> URL {
            let url = directory.appendingPathComponent(name)
            guard fileManager.fileExists(atPath: url.path) else {
                throw CheckpointError(.io, file: name, "missing from checkpoint folder \(directory.path)")
            }
            return url
        }
        let configURL = try required(configFileName)
        let weightsURL = try required(weightsFileName)

        let config = try CheckpointConfig.parse(try readCheckpointFile(configURL), fileName: configFileName)
        let weights = try SafeTensorsFile.parse(try readCheckpointFile(weightsURL), fileName: weightsFileName)

        var vocabulary: [String]?
        let vocabularyURL = directory.appendingPathComponent(vocabularyFileName)
        if fileManager.fileExists(atPath: vocabularyURL.path) {
            let tokens = try CheckpointVocabulary.parse(try readCheckpointFile(vocabularyURL))
            try CheckpointVocabulary.checkSize(tokens, config: config)
            vocabulary = tokens
        }
        return Checkpoint(directory: directory, config: config, tensors: weights.tensors, vocabulary: vocabulary,
                          metadata: weights.metadata, warnings: weights.warnings)
    }

    /// Copies tensors into the module's parameters: every parameter must have a tensor of the same
    /// shape, every tensor must belong to a parameter (missing and extra keys are errors listing the
    /// keys), naming file and key.
    ///
    /// Everything is checked before anything is copied, so a failed assignment leaves the module as
    /// it was. Gradients are left untouched.
    public func assign(to module: Module) throws {
        let parameters = try uniqueCheckpointParameters(of: module, file: Self.weightsFileName)
        let missing = parameters.keys.filter { tensors[$0] == nil }.sorted()
        let extra = tensors.keys.filter { parameters[$0] == nil }.sorted()
        if !missing.isEmpty || !extra.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing tensors for parameters \(describeCheckpointKeys(missing))") }
            if !extra.isEmpty { parts.append("unexpected tensors \(describeCheckpointKeys(extra)) (no such parameter)") }
            throw CheckpointError(missing.isEmpty ? .unexpectedTensors : .missingTensors, file: Self.weightsFileName,
                                  parts.joined(separator: "; "))
        }
        for name in parameters.keys.sorted() {
            guard let parameter = parameters[name], let tensor = tensors[name] else { continue }
            guard parameter.value.shape == tensor.shape else {
                throw CheckpointError(.shapeMismatch, file: Self.weightsFileName, key: name,
                                      "shape \(tensor.shape) does not match the parameter's shape \(parameter.value.shape)")
            }
        }
        for (name, parameter) in parameters {
            if let tensor = tensors[name] { parameter.value = tensor.detached }
        }
    }
}

/// The module's parameters by name, each object once (shared parameters are fine); two different
/// parameters with the same name are an error, since a checkpoint could not tell them apart.
func uniqueCheckpointParameters(of module: Module, file: String) throws -> [String: Parameter] {
    var byName: [String: Parameter] = [:]
    for parameter in module.parameters {
        if let existing = byName[parameter.name] {
            guard existing === parameter else {
                throw CheckpointError(.invalidArgument, file: file, key: parameter.name, subject: "parameter",
                                      "two different parameters of the module share this name")
            }
            continue
        }
        byName[parameter.name] = parameter
    }
    return byName
}
