import Foundation
import Loupe

extension PatchCommand {
    /// `--clean -`: one JSON request per line of standard input → one compact `loupe.patching.v1`
    /// document per line (to stdout, or to --json as JSON Lines). A bad line yields
    /// `{"error": …, "line": N}` and the run goes on; the exit status is 1 when any line failed.
    func runLines(_ patcher: Patcher, console: Console, jsonURL: URL?) throws {
        if isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("--clean -: pipe JSON Lines requests on standard input")
        }
        let lines = try LineExplainer.readLines(FileHandle.standardInput.readDataToEndOfFile(), source: "stdin")
        guard !lines.isEmpty else { throw CLIError.usage("stdin holds no request (every line is blank)") }
        var output: [String] = []
        var failed = 0
        for (number, text) in lines {
            let line: String
            do {
                var request = try JSONDecoder().decode(PatchRequest.self, from: Data(text.utf8))
                if request.clean == "-" { throw CLIError.usage("\"clean\" cannot be '-'") }
                request.corrupt = request.corrupt ?? corrupt
                request.target = request.target ?? target
                request.foil = request.foil ?? foil
                line = String(decoding: try patcher.patch(request).0.compactJSON(), as: UTF8.self)
            } catch {
                failed += 1
                let message: String
                if error is DecodingError {
                    message = "not a JSON object with string fields clean, corrupt, target, foil"
                } else {
                    message = oneLine(CLIError.classify(error).message)
                }
                let record = ["line": AnyEncodable(number), "error": AnyEncodable(message)]
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                line = String(decoding: try encoder.encode(record), as: UTF8.self)
                console.warning("stdin line \(number): \(message)")
            }
            if jsonURL == nil { console.result(line) } else { output.append(line) }
        }
        if let jsonURL {
            var plan = OutputPlan()
            plan.add(output.map { $0 + "\n" }.joined(), to: jsonURL)
            try plan.commit { console.note("wrote \($0) (\(lines.count) lines)") }
        }
        if failed > 0 { throw CLIError.runtime("\(failed) of \(lines.count) requests failed") }
    }
}

/// A JSON value of either kind the error record holds.
private struct AnyEncodable: Encodable {
    let encode: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encode = value.encode }
    func encode(to encoder: Encoder) throws { try encode(encoder) }
}
