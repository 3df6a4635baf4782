import Foundation
import Loupe

/// `loupe explain` without TEXT: one text per line of standard input → one JSON document per
/// line (JSON Lines). Every line is checked (UTF-8) before anything is explained, so bad input
/// fails before any output; blank lines are skipped.
struct LineExplainer {
    let command: ExplainCommand
    let console: Console
    let jsonURL: URL?

    func run() throws {
        if isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("no TEXT given; pass a sentence, or pipe one text per line on standard input")
        }
        let lines = try Self.readLines(FileHandle.standardInput.readDataToEndOfFile(), source: "stdin")
        guard !lines.isEmpty else { throw CLIError.usage("stdin holds no text to explain (every line is blank)") }
        let explainer = try command.attribution.relabel(try ModelLoader.explainer(command.model, console: console))
        let methods = try command.attribution.makeMethods(for: explainer, warn: console.warning)
        var output: [String] = []
        for (number, text) in lines {
            let document = try command.explainDocument(text, explainer: explainer, methods: methods, console: console,
                                                       linePrefix: "stdin line \(number): ")
            let line = try document.jsonLine()
            if jsonURL == nil { console.result(line) } else { output.append(line) }
        }
        if let jsonURL {
            var plan = OutputPlan()
            plan.add(output.map { $0 + "\n" }.joined(), to: jsonURL)
            try plan.commit { console.note("wrote \($0) (\(lines.count) documents)") }
        }
    }

    /// The non-blank lines of `data` with their 1-based numbers (a final `\r` is dropped).
    /// - Throws: a usage error naming the first line that is not valid UTF-8.
    static func readLines(_ data: Data, source: String) throws -> [(number: Int, text: String)] {
        var result: [(Int, String)] = []
        var number = 0
        for var slice in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if slice.last == 0x0D { slice = slice.dropLast() }
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw CLIError.usage("\(source) line \(number): not valid UTF-8 text")
            }
            if !text.trimmingCharacters(in: .whitespaces).isEmpty { result.append((number, text)) }
        }
        return result
    }
}
