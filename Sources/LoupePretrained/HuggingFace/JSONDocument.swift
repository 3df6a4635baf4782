import Foundation
import LoupeNN

/// Reading the JSON files of a Hugging Face folder (`config.json`, safetensors headers, shard
/// indexes) with LoupeNN's strict parser (``LoupeNN/JSONValue/parse(_:fileName:)``: duplicate
/// keys, runaway nesting and bad text are errors), its failures turned into ``PretrainedError``.
enum JSONDocument {
    /// Parses `data`; a syntax error becomes ``PretrainedError/malformed(file:detail:)``.
    static func parse(_ data: Data, fileName: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(data, fileName: fileName)
        } catch let error as CheckpointError {
            throw PretrainedError.malformed(file: fileName, detail: error.line.map { "line \($0): " } .map { $0 + error.message } ?? error.message)
        }
    }

    /// Reads and parses the file at `url`.
    static func read(_ url: URL) throws -> JSONValue {
        let name = url.lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw PretrainedError.malformed(file: name, detail: "cannot read: \(error.localizedDescription)")
        }
        return try parse(data, fileName: name)
    }
}
