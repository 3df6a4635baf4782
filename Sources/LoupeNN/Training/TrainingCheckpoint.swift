import LoupeIO
import Foundation
import LoupeTensor

/// Checkpoint folders written during training: the model files of ``Checkpoint`` plus, for
/// resuming, `training.json` (the run's progress, JSON) and `training-state.safetensors` (the
/// optimizer state, see ``OptimizerStateIO``). All files of a folder are committed by one atomic
/// rename, so a crash never leaves a folder whose weights and training state disagree.
///
/// A training run's checkpoint directory holds:
///
/// - `best/`: `config.json`, `model.safetensors`, `vocab.txt`, `training.json` — the model of the
///   best epoch so far; loads with ``ModelFactory/load(from:)``.
/// - `last/`: the same files for the latest epoch plus `training-state.safetensors`; a run with
///   `resume` continues from it.
/// - `interrupted/` (only after a stop request mid-epoch, e.g. Ctrl-C): the same files as `last/`
///   for the epoch in progress, with its position (``PartialEpoch``); `resume` prefers it while it
///   is newer than `last/`, and it is removed once a later epoch completes.
public enum TrainingCheckpoint {
    /// `training.json`.
    public static let stateFileName = "training.json"
    /// `training-state.safetensors`.
    public static let optimizerStateFileName = "training-state.safetensors"
    /// `best`.
    public static let bestFolderName = "best"
    /// `last`.
    public static let lastFolderName = "last"
    /// `interrupted`: an epoch a stop request cut short (see ``PartialEpoch``).
    public static let interruptedFolderName = "interrupted"

    /// Writes a checkpoint folder with the model, its vocabulary, `training.json` from `state`
    /// and, when given, the optimizer state.
    static func save<State: Encodable>(_ module: Module, config: CheckpointConfig, vocabulary: [String]?,
                                       state: State, optimizerState: [String: Tensor]?, to directory: URL,
                                       metadata: [String: String] = [:]) throws {
        let stateData = try encodeState(state)
        let optimizerData = try optimizerState.map {
            try SafeTensorsFile(tensors: $0, metadata: ["content": "optimizer-state"])
                .serialized(fileName: optimizerStateFileName)
        }
        try Checkpoint.save(module, config: config, vocabulary: vocabulary, to: directory, metadata: metadata,
                            beforeCommit: { folder in
            try CheckpointError.writing { try AtomicFile.writeNew(stateData, to: folder.appendingPathComponent(stateFileName)) }
            if let optimizerData {
                try CheckpointError.writing { try AtomicFile.writeNew(optimizerData, to: folder.appendingPathComponent(optimizerStateFileName)) }
            }
            AtomicFile.syncDirectory(folder)
        })
    }

    /// Reads `training.json` of a checkpoint folder.
    public static func readState<State: Decodable>(_ type: State.Type, from directory: URL) throws -> State {
        let url = directory.appendingPathComponent(stateFileName)
        let data = try readCheckpointFile(url)
        do {
            return try JSONDecoder().decode(State.self, from: data)
        } catch {
            throw CheckpointError(.invalidEntry, file: stateFileName, "cannot be read: \(error)")
        }
    }

    /// Reads `training-state.safetensors` of a checkpoint folder (empty when absent).
    static func readOptimizerState(from directory: URL) throws -> [String: Tensor] {
        let url = directory.appendingPathComponent(optimizerStateFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        return try SafeTensorsFile.read(from: url).tensors
    }

    static func encodeState<State: Encodable>(_ state: State) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        var data = try encoder.encode(state)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
