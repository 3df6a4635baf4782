import Foundation

/// What a ``TrainingLoop`` checkpoints after every epoch, and where. Every folder is written by
/// ``TrainingCheckpoint`` (one atomic rename per folder).
public struct TrainingCheckpointPlan {
    /// Which folders are written.
    public enum Layout: Equatable, Sendable {
        /// `directory` itself, rewritten every epoch: the model files and `training.json`.
        case latest
        /// `directory/best` when the epoch is the best so far (see ``TrainingRunState/earlyStopping``)
        /// and `directory/last` every epoch, the latter with the optimizer state for resuming.
        case bestAndLast
    }

    public var directory: URL
    public var layout: Layout
    /// The model whose weights are saved.
    public var module: Module
    /// Its `config.json`.
    public var config: CheckpointConfig
    /// Its `vocab.txt` tokens (`nil`: none).
    public var vocabulary: [String]?

    public init(directory: URL, layout: Layout, module: Module, config: CheckpointConfig, vocabulary: [String]?) {
        self.directory = directory
        self.layout = layout
        self.module = module
        self.config = config
        self.vocabulary = vocabulary
    }

    /// The `last/` folder of a ``Layout/bestAndLast`` plan.
    public var lastFolder: URL { directory.appendingPathComponent(TrainingCheckpoint.lastFolderName) }
    /// The `best/` folder of a ``Layout/bestAndLast`` plan.
    public var bestFolder: URL { directory.appendingPathComponent(TrainingCheckpoint.bestFolderName) }
    /// The `interrupted/` folder of a ``Layout/bestAndLast`` plan: the state of an epoch a stop
    /// request cut short (removed once a later epoch completes).
    public var interruptedFolder: URL { directory.appendingPathComponent(TrainingCheckpoint.interruptedFolderName) }
    /// The folder a run resumes from after the last completed epoch.
    public var resumeFolder: URL { layout == .bestAndLast ? lastFolder : directory }

    /// Writes the state of an epoch cut short (``TrainingLoop/stopRequested``) into
    /// ``interruptedFolder`` — `last/` and `best/` keep the last completed epoch — and returns it.
    func writeInterrupted<State: Encodable>(state: State, optimizer: Optimizer, epoch: Int) throws -> URL {
        let folder = layout == .bestAndLast ? interruptedFolder : directory
        try TrainingCheckpoint.save(module, config: config, vocabulary: vocabulary, state: state,
                                    optimizerState: OptimizerStateIO.export(optimizer), to: folder,
                                    metadata: ["epoch": String(epoch), "format": "pt", "interrupted": "true"])
        return folder
    }

    /// Writes the folders of epoch `epoch`.
    func write<State: Encodable>(state: State, optimizer: Optimizer, isBest: Bool, epoch: Int) throws {
        let metadata = ["epoch": String(epoch), "format": "pt"]
        switch layout {
        case .latest:
            try TrainingCheckpoint.save(module, config: config, vocabulary: vocabulary, state: state,
                                        optimizerState: nil, to: directory, metadata: metadata)
        case .bestAndLast:
            if isBest {
                try TrainingCheckpoint.save(module, config: config, vocabulary: vocabulary, state: state,
                                            optimizerState: nil, to: bestFolder, metadata: metadata)
            }
            try TrainingCheckpoint.save(module, config: config, vocabulary: vocabulary, state: state,
                                        optimizerState: OptimizerStateIO.export(optimizer), to: lastFolder,
                                        metadata: metadata)
            // An interrupted epoch is now completed by `last/`.
            if FileManager.default.fileExists(atPath: interruptedFolder.path) {
                try? FileManager.default.removeItem(at: interruptedFolder)
            }
        }
    }
}

extension TrainingLoop {
    /// The progress saved in checkpoint folder `directory` (its `training.json`), with the
    /// optimizer state of `training-state.safetensors` (when present) restored into `optimizer`:
    /// a loop run with the returned state continues where that run stopped — the same epoch,
    /// schedule position and per-epoch random draws. Throws a ``CheckpointError`` for a missing or
    /// unreadable file, or optimizer state that does not fit `optimizer`'s parameters.
    public static func restoreState<State: Decodable>(_ type: State.Type, optimizer: Optimizer,
                                                      from directory: URL) throws -> State {
        let state = try TrainingCheckpoint.readState(State.self, from: directory)
        try OptimizerStateIO.restore(try TrainingCheckpoint.readOptimizerState(from: directory), into: optimizer,
                                     file: TrainingCheckpoint.optimizerStateFileName)
        return state
    }
}
