import Foundation
import Loupe

/// `loupe explain` without TEXT (or with `-`): one text per line of standard input → one
/// `loupe.attribution.v1` document per line (JSON Lines on stdout or in `--json`), streamed by
/// ``LineStream``. A line that cannot be explained — not UTF-8, blank, without tokens, longer than
/// the model allows (unless `--truncate`), made only of tokens the model does not know — gets an
/// error record in its place. With `--png DIR` / `--html DIR` each line's picture / report is
/// written to `DIR/line-NNNNNN.png` / `.html`.
struct LineExplainer {
    let command: ExplainCommand
    let console: Console
    let jsonURL: URL?
    var pngFolder: URL?
    var htmlFolder: URL?

    func run() throws {
        // A terminal on stdin without '-' is a forgotten argument; with '-', the user types lines.
        if command.text.isEmpty && isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("no TEXT given; pass a sentence, or pipe one text per line on standard input")
        }
        var reader = LineReader(maximumLineBytes: command.stream.maxLineBytes)
        let sink = try LineSink(console: console, file: jsonURL)
        let stream = LineStream(options: command.stream, console: console)
        try stream.run(reader: &reader, sink: sink) {
            // Once per job, before the first line: an engine's task (one process per partition) pays it once.
            let started = Date()
            let explainer = try command.attribution.relabel(try ModelLoader.explainer(command.model, console: console))
            console.detail(String(format: "model loaded in %.3f s", Date().timeIntervalSince(started)))
            let methods = try command.attribution.makeMethods(for: explainer, warn: console.warning)
            return { number, text in try explain(number, text, explainer: explainer, methods: methods) }
        }
    }

    /// One line's record; its pictures are written on the way.
    func explain(_ number: Int, _ text: String, explainer: TextExplainer, methods: [any AttributionMethod]) throws -> String {
        try Self.check(text, explainer: explainer, truncates: command.truncate)
        let document = try command.explainDocument(text, explainer: explainer, methods: methods, console: console,
                                                   linePrefix: "stdin line \(number): ")
        if pngFolder != nil || htmlFolder != nil {
            var plan = OutputPlan()
            try command.addPictures(of: document, png: pngFolder.map { OutputPlan.lineFile($0, line: number, extension: "png") },
                                    html: htmlFolder.map { OutputPlan.lineFile($0, line: number, extension: "html") }, to: &plan)
            try plan.commit { console.detail("wrote \($0)") }
        }
        return try document.jsonLine()
    }

    /// Throws for a text the stream does not explain: no tokens, more tokens than the model takes
    /// (unless `truncates`), or only tokens the model does not know.
    static func check(_ text: String, explainer: TextExplainer, truncates: Bool) throws {
        let (encoded, _) = explainer.encode(text)
        guard !encoded.ids.isEmpty else { throw CLIError.usage("the text has no tokens to explain") }
        if !truncates, let full = explainer.untruncatedTokenCount(text), full > encoded.ids.count {
            throw CLIError.usage("too long for the model: \(full) tokens, the model takes \(encoded.ids.count) "
                                 + "(--truncate explains the first \(encoded.ids.count))")
        }
        let special = Set(encoded.specialTokenIndices)
        let content = encoded.ids.indices.filter { !special.contains($0) }
        if !content.isEmpty, content.allSatisfy(Set(encoded.unknownTokenIndices).contains) {
            let names = content.prefix(8).map { "'\(encoded.tokens[$0].text)'" }.joined(separator: ", ")
            throw CLIError.usage("every token is unknown to the model's vocabulary (\(names)\(content.count > 8 ? ", …" : ""))")
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

extension TextExplainer {
    /// The number of ids `text` has before truncation to the model's length, when the front end tells.
    func untruncatedTokenCount(_ text: String) -> Int? {
        switch frontEnd {
        case let vocabulary as VocabularyFrontEnd: return vocabulary.encoder.tokenize(text).tokens.count
        case let pretrained as PretrainedFrontEnd: return pretrained.tokenizer.encode(text, addSpecialTokens: true).count
        default: return nil
        }
    }
}
