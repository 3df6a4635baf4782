import ArgumentParser
import Foundation
import Loupe

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a text classifier's prediction: which tokens pushed it, and how much.",
        discussion: """
        Prints the predicted label with its probability and the text with each token coloured by its \
        attribution (24-bit colour on a terminal; 'token(+score)' text when piped or with NO_COLOR). \
        The original text is shown, not the normalized tokens. Tokens the vocabulary does not know \
        are read as [UNK] and reported as a warning (and in the JSON 'warnings').

        Without TEXT (or with '-'), reads one text per line from standard input and writes JSON Lines \
        (loupe.attribution.v1), one record per input line, each flushed as it is done, to standard \
        output or --json. A line that cannot be explained (not UTF-8, blank, no tokens, longer than \
        the model takes unless --truncate, only unknown tokens) gets {"error": "...", "line": N} in \
        its place and a warning; the run goes on and exits with status 1 at the end (--fail-fast \
        stops at the first). --png and --html then name folders: one line-NNNNNN.png / .html per line. \
        Ctrl-C finishes the current line, writes what is done and exits with 130.

        Examples:
          loupe explain "I had a great day today."
          loupe explain --methods ig,gradient,leave-one-out --png why.png \\
              --json why.json --html why.html "not good at all"
          loupe explain --target all --output probability "我今天过得很好。"
          loupe explain --aggregate words --json why.json "客服态度很好，问题很快就解决了。"
          loupe explain --target positive --contrast negative "not good at all"
          loupe explain --baseline unk --methods ig,leave-one-out "i did not like this film at all ."
          loupe explain --model runs/bag < sentences.txt > explained.jsonl
          loupe explain --jobs 2 --png pictures/ < sentences.txt > explained.jsonl
        """)

    @Option(name: .long, help: "Checkpoint folder (default: the built-in English + Chinese sentiment model).")
    var model: String?

    @OptionGroup var attribution: AttributionOptions

    @Flag(name: .long, help: "Add faithfulness metrics (ERASER, deletion/insertion, infidelity) to the terminal output and the JSON.")
    var faithfulness = false

    @Option(name: .long, help: "Write the loupe.attribution.v1 document (JSON Lines when reading stdin).")
    var json: String?

    @Option(name: .long, help: "Write a PNG: the heatmap (one method) or the method comparison (several); reading stdin: a folder, one PNG per line.")
    var png: String?

    @Option(name: .long, help: "Write a self-contained HTML report; reading stdin: a folder, one report per line.")
    var html: String?

    @Option(name: .long, help: ArgumentHelp("Score unit: auto (words for sub-word models, else tokens), tokens, or words.",
                                             discussion: "Words: each word's score is the sum of its tokens' scores, drawn per word and listed in the JSON "
                                                 + "(input.words, word_scores); the choice is recorded in input.aggregation."))
    var aggregate: WordAggregation.Unit = .automatic

    @Option(name: .long, help: "Words of Chinese text when scores are per word: lexicon (the bundled lexicon's split: 态度 / 很 / 好) or characters.")
    var chineseWords: WordAggregation.ChineseWords = .lexicon

    @OptionGroup var pictures: PictureOptions

    @OptionGroup(title: "Reading standard input") var stream: StreamOptions

    @Flag(name: .long, help: "Reading stdin: explain the first tokens of a line longer than the model takes (with a warning) instead of failing it.")
    var truncate = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The text to explain (words are joined by spaces). Omit, or '-', to read lines from stdin.")
    var text: [String] = []

    func run() throws {
        let console = global.console
        let jsonURL = try OutputPlan.check(json, option: "--json")
        if text.isEmpty || text == ["-"] {
            try LineExplainer(command: self, console: console, jsonURL: jsonURL,
                              pngFolder: try png.map { try OutputPlan.checkFolder($0, option: "--png") },
                              htmlFolder: try html.map { try OutputPlan.checkFolder($0, option: "--html") }).run()
            return
        }
        let pngURL = try OutputPlan.check(png, option: "--png")
        let htmlURL = try OutputPlan.check(html, option: "--html")
        let sentence = text.joined(separator: " ")
        guard !sentence.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError.usage("empty text: give a sentence to explain")
        }
        let explainer = try attribution.relabel(try ModelLoader.explainer(model, console: console))
        let methods = try attribution.makeMethods(for: explainer, warn: console.warning)
        let document = try explainDocument(sentence, explainer: explainer, methods: methods, console: console)

        if !global.quiet || (jsonURL == nil && pngURL == nil && htmlURL == nil) {
            console.coloured(try document.terminalReport(mode: console.colorMode))
            if let table = document.faithfulness?.terminalTable { console.result(table) }
        }
        var plan = OutputPlan()
        if let jsonURL { plan.add(try document.prettyJSON().withNewline, to: jsonURL) }
        try addPictures(of: document, png: pngURL, html: htmlURL, to: &plan)
        try plan.commit { console.note("wrote \($0)") }
    }

    /// Explains one text and returns its document; warnings and failures go to `console`.
    /// - Throws: a runtime error when every method failed, a usage error for a text without tokens.
    func explainDocument(_ sentence: String, explainer: TextExplainer, methods: [any AttributionMethod],
                         console: Console, linePrefix: String = "") throws -> AttributionDocument {
        guard !explainer.encode(sentence).encoded.ids.isEmpty else {
            throw CLIError.usage("\(linePrefix)the text has no tokens to explain")
        }
        let explanation = try explainer.explain(sentence, methods: methods, target: attribution.target,
                                                contrast: attribution.contrast, output: attribution.output)
        for warning in explanation.warnings { console.warning(linePrefix + warning) }
        for failure in explanation.failures {
            console.warning("\(linePrefix)\(failure.method) failed: \(failure.error ?? "unknown error")")
        }
        if explanation.attributions.isEmpty {
            throw CLIError.runtime("\(linePrefix)every attribution method failed: "
                                   + (explanation.failures.first?.error ?? "no results"))
        }
        for a in explanation.attributions {
            let delta = a.convergenceDelta.map { String(format: ", convergence delta %.3g", $0) } ?? ""
            console.detail(String(format: "%@%@ → %@: %.3f s%@", linePrefix, a.method.rawValue, a.target.label ?? "#\(a.target.index)",
                                  a.seconds, delta))
        }
        var block: FaithfulnessBlock?
        if faithfulness {
            let target = explanation.attributions[0].target.index
            block = FaithfulnessEvaluator().evaluate(explanation.encoded.ids, target: target,
                                                     attributions: explanation.attributions, model: explainer.model,
                                                     methods: methods)
        }
        return explanation.document(model: explainer.modelInfo, faithfulness: block,
                                    aggregation: WordAggregation(unit: aggregate, chineseWords: chineseWords))
    }
}
