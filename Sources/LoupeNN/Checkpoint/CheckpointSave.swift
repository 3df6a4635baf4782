import LoupeIO
import Foundation
import LoupeTensor

extension Checkpoint {
    /// Writes config.json (pretty, sorted keys), model.safetensors (module.namedParameters), vocab.txt
    /// (if given) atomically: write into a temporary sibling folder then rename over / into place so
    /// no half-written checkpoint is ever visible.
    ///
    /// Everything is validated in memory first (finite weights, a valid vocabulary that agrees with
    /// the config's `vocab_size`), then the files are written and flushed into a hidden sibling
    /// folder `.<name>.tmp-<random>`. A missing destination is created by one rename; an existing one
    /// is first renamed aside to `.<name>.old-<random>`, the new folder is renamed into place and the
    /// old one deleted (if the process dies between those two renames the previous checkpoint is
    /// still complete under the `.old-` name). Missing parent folders are created.
    ///
    /// To guard against mistakes, an existing destination must be a folder that is empty or already
    /// holds a `config.json` or `model.safetensors`; anything else is refused. On any failure the
    /// temporary folder is removed and the destination is left as it was.
    public static func save(_ module: Module, config: CheckpointConfig, vocabulary: [String]?, to directory: URL,
                            metadata: [String: String] = [:]) throws {
        try save(module, config: config, vocabulary: vocabulary, to: directory, metadata: metadata,
                 beforeCommit: { _ in })
    }

    /// ``save(_:config:vocabulary:to:metadata:)`` with a hook that runs after the temporary folder is
    /// complete and before it is renamed into place (tests use it to simulate a failure).
    static func save(_ module: Module, config: CheckpointConfig, vocabulary: [String]?, to directory: URL,
                     metadata: [String: String], beforeCommit: (URL) throws -> Void) throws {
        // A signal (Ctrl-C) arriving while the folder is written exits only once it is committed or removed.
        try ProcessSignals.deferringExit {
            try saveNow(module, config: config, vocabulary: vocabulary, to: directory, metadata: metadata,
                        beforeCommit: beforeCommit)
        }
    }

    private static func saveNow(_ module: Module, config: CheckpointConfig, vocabulary: [String]?, to directory: URL,
                                metadata: [String: String], beforeCommit: (URL) throws -> Void) throws {
        // 1. Produce and validate every byte before touching the disk.
        let parameters = try uniqueCheckpointParameters(of: module, file: weightsFileName)
        let weights = try SafeTensorsFile(tensors: parameters.mapValues { $0.value.detached }, metadata: metadata)
            .serialized(fileName: weightsFileName)
        let configData = try config.serialized()
        var vocabularyData: Data?
        if let vocabulary {
            vocabularyData = try CheckpointVocabulary.serialized(vocabulary)
            try CheckpointVocabulary.checkSize(vocabulary, config: config)
        }

        // 2. Check the destination.
        let fileManager = FileManager.default
        let target = directory.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        guard !target.lastPathComponent.isEmpty, target.path != "/", target.lastPathComponent != ".." else {
            throw CheckpointError(.invalidArgument, file: directory.path, "is not a usable checkpoint folder name")
        }
        let exists = try checkReplaceable(target)
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(.io, file: parent.path, "cannot create the parent folder: \(error.localizedDescription)")
        }

        // 3. Build the new folder beside the destination.
        let temporary = AtomicFile.temporarySibling(of: target, tag: "tmp")
        do {
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw CheckpointError(.io, file: temporary.path, "cannot create a temporary folder: \(error.localizedDescription)")
        }
        var committed = false
        defer {
            if !committed { try? fileManager.removeItem(at: temporary) }
        }
        try CheckpointError.writing { try AtomicFile.writeNew(configData, to: temporary.appendingPathComponent(configFileName)) }
        try CheckpointError.writing { try AtomicFile.writeNew(weights, to: temporary.appendingPathComponent(weightsFileName)) }
        if let vocabularyData {
            try CheckpointError.writing { try AtomicFile.writeNew(vocabularyData, to: temporary.appendingPathComponent(vocabularyFileName)) }
        }
        AtomicFile.syncDirectory(temporary)
        try beforeCommit(temporary)

        // 4. Commit by renames.
        if exists {
            let previous = AtomicFile.temporarySibling(of: target, tag: "old")
            try CheckpointError.writing { try AtomicFile.move(target, to: previous) }
            do {
                try CheckpointError.writing { try AtomicFile.move(temporary, to: target) }
            } catch {
                try? AtomicFile.move(previous, to: target)
                throw error
            }
            committed = true
            try? fileManager.removeItem(at: previous)
        } else {
            try CheckpointError.writing { try AtomicFile.move(temporary, to: target) }
            committed = true
        }
        AtomicFile.syncDirectory(parent)
    }

    /// Whether `target` exists; throws when it exists but must not be replaced.
    private static func checkReplaceable(_ target: URL) throws -> Bool {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory) else { return false }
        guard isDirectory.boolValue else {
            throw CheckpointError(.invalidArgument, file: target.path, "exists and is not a folder; refusing to replace it")
        }
        let contents: [String]
        do {
            contents = try fileManager.contentsOfDirectory(atPath: target.path)
        } catch {
            throw CheckpointError(.io, file: target.path, "cannot be listed: \(error.localizedDescription)")
        }
        guard contents.isEmpty || contents.contains(configFileName) || contents.contains(weightsFileName) else {
            throw CheckpointError(.invalidArgument, file: target.path,
                                  "is a non-empty folder without \(configFileName) or \(weightsFileName); refusing to replace it")
        }
        return true
    }
}
