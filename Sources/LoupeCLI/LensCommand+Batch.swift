import Foundation
import Loupe

extension LensCommand {
    /// One request of the stdin batch mode.
    struct BatchRequest: Decodable {
        var prompt: String
        var target: String?
        var foil: String?
    }

    /// A line that failed.
    struct BatchFailure: Encodable {
        var line: Int
        var error: String
    }

    /// Reads JSON Lines from standard input, writes one compact `loupe.lens.v1` document (or one
    /// `{"line": N, "error": …}`) per line; exits with status 1 at the end when any line failed.
    func runBatch(_ runner: LensRunner, loadSeconds: Double) throws {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var failed = 0
        for (index, var slice) in lines.enumerated() {
            let number = index + 1
            if slice.last == 0x0D { slice = slice.dropLast() }
            do {
                let request = try Self.request(Data(slice))
                let document = try runner.run(prompt: request.prompt, targetText: request.target,
                                              foilText: request.foil, loadSeconds: number == 1 ? loadSeconds : nil)
                global.console.result(String(decoding: try document.compactJSON(), as: UTF8.self))
            } catch {
                failed += 1
                let message = oneLine(CLIError.classify(error).message)
                global.console.result(String(decoding: try encoder.encode(BatchFailure(line: number, error: message)),
                                             as: UTF8.self))
            }
        }
        if failed > 0 {
            throw CLIError.runtime("\(failed) of \(lines.count) stdin line\(lines.count == 1 ? "" : "s") failed")
        }
    }

    /// The request on one line.
    static func request(_ line: Data) throws -> BatchRequest {
        guard String(data: line, encoding: .utf8) != nil else { throw CLIError.usage("not valid UTF-8 text") }
        guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { throw CLIError.usage("empty line") }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw CLIError.usage("not a JSON object (expected {\"prompt\": \"...\", \"target\": \"...\"})")
        }
        let known: Set<String> = ["prompt", "target", "foil"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw CLIError.usage("unknown key '\(unknown)' (expected prompt, target, foil)")
        }
        guard let prompt = object["prompt"] as? String else { throw CLIError.usage("\"prompt\" is missing or not a string") }
        for key in ["target", "foil"] where object[key] != nil && !(object[key] is String) && !(object[key] is NSNull) {
            throw CLIError.usage("\"\(key)\" is not a string")
        }
        return BatchRequest(prompt: prompt, target: object["target"] as? String, foil: object["foil"] as? String)
    }
}
