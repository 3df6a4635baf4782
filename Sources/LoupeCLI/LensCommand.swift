import ArgumentParser
import Foundation
import Loupe

struct LensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lens",
        abstract: "Look inside a language model: the logit lens, direct logit attribution, attention heads.",
        discussion: """
        The logit lens (nostalgebraist 2020) reads the residual stream after every block through the \
        model's final norm and unembedding: which next token each layer already predicts. Lens layer 0 \
        is the embeddings, lens layer i the output of block i-1; the last one is the model's own \
        prediction. Without an output file, prints a table of the last positions: per layer the top \
        token and its probability (and the target's probability and rank).

        --target-text is tokenised without special tokens and its FIRST token is the target (so give \
        " positive" with its leading space where the model writes one); the same for --foil-text. With \
        a target, the direct logit attribution of the embeddings, every attention and MLP output and \
        every head to the target's logit (minus the foil's) at the last position is computed too.

        With PROMPT '-', reads JSON Lines from standard input — {"prompt": "...", "target": "...", \
        "foil": "..."} (target and foil optional) — and writes one compact loupe.lens.v1 document per \
        line, each read, run and written before the next; a bad line gives {"line": N, "error": "..."} \
        and the others still run (exit status 1 then; --fail-fast stops there); --jobs N runs N \
        lines at a time, each job with its own copy of the model, in input order.

        Examples:
          loupe lens --model SmolLM2-135M-Instruct.Q4_1.gguf --chat --target-text positive \\
              "我今天过得很好。Is this sentence positive or negative? Answer with one word."
          loupe lens --model path/to/gpt2 --png lens.png --json lens.json "The capital of France is"
          loupe lens --model m.gguf --attention 3 --attention-png heads.png "one two three four"
          echo '{"prompt": "Paris is in", "target": " France"}' | loupe lens --model path/to/gpt2 -
        """)

    @Option(name: .long, help: "GGUF file or Hugging Face folder of a causal language model.")
    var model: String

    @Flag(name: .long, help: "Treat PROMPT as a user message and apply the model's chat template.")
    var chat = false

    @Option(name: .long, help: "System message for --chat.")
    var system: String?

    @Option(name: .long, help: "Top tokens kept per (layer, position) (default 5).")
    var topK = 5

    @Option(name: .long, help: "Target text; its first token (no special tokens added) is the target.")
    var targetText: String?

    @Option(name: .long, help: "Foil text (needs --target-text); its first token is the foil: target − foil.")
    var foilText: String?

    @Option(name: .long, help: "Lens layers to read: 'a-b', 'a' or a comma list (0 = embeddings; default all).")
    var layers: String?

    @Option(name: .long, help: "Positions in the terminal table, counted from the end (default 6); files get all.")
    var lastPositions = 6

    @Option(name: .long, help: "Write the logit-lens grid as a PNG.")
    var png: String?

    @Option(name: .long, help: "Write everything as JSON (loupe.lens.v1).")
    var json: String?

    @Option(name: .long, help: "Write an HTML report (the pictures and the tables).")
    var html: String?

    @Option(name: .long, help: "Summarise the attention heads of this block (0-based).")
    var attention: Int?

    @Option(name: .long, help: "Write the heads of --attention as a PNG grid.")
    var attentionPng: String?

    @OptionGroup(title: "Reading standard input (PROMPT -)") var stream: StreamOptions

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The prompt (words are joined by spaces); '-' reads JSON Lines from standard input.")
    var prompt: [String] = []

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1, got \(topK)") }
        guard lastPositions >= 1 else { throw ValidationError("--last-positions must be at least 1, got \(lastPositions)") }
        if system != nil && !chat { throw ValidationError("--system needs --chat") }
        if foilText != nil && targetText == nil { throw ValidationError("--foil-text needs --target-text") }
        if attentionPng != nil && attention == nil { throw ValidationError("--attention-png needs --attention LAYER") }
        if let attention, attention < 0 { throw ValidationError("--attention must be a block index ≥ 0, got \(attention)") }
        if let layers { _ = try Self.parseLayers(layers) }
    }

    /// `"2-5"`, `"3"`, `"0,4,8-10"` → lens layers, in order, without repeats.
    static func parseLayers(_ text: String) throws -> [Int] {
        var out: [Int] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = raw.trimmingCharacters(in: .whitespaces)
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            switch bounds.count {
            case 1 where bounds[0] != nil && bounds[0]! >= 0:
                out.append(bounds[0]!)
            case 2 where bounds[0] != nil && bounds[1] != nil && bounds[0]! >= 0 && bounds[0]! <= bounds[1]!:
                out += Array(bounds[0]!...bounds[1]!)
            default:
                throw ValidationError("--layers: '\(part)' is not a layer or a range a-b (e.g. 0-6 or 0,3,6)")
            }
        }
        var seen = Set<Int>()
        return out.filter { seen.insert($0).inserted }
    }

    func run() throws {
        let console = global.console
        let batch = prompt == ["-"]
        if batch && (png != nil || json != nil || html != nil || attentionPng != nil) {
            throw CLIError.usage("with PROMPT '-' the documents go to standard output; --png, --json, --html and "
                                 + "--attention-png take a single prompt")
        }
        let jsonURL = try OutputPlan.check(json, option: "--json")
        let pngURL = try OutputPlan.check(png, option: "--png")
        let htmlURL = try OutputPlan.check(html, option: "--html")
        let attentionURL = try OutputPlan.check(attentionPng, option: "--attention-png")
        let text = prompt.joined(separator: " ")
        if !batch && text.isEmpty { throw CLIError.usage("empty prompt: give the text to look into (or '-' for stdin)") }
        if batch && isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("PROMPT '-': pipe JSON Lines {\"prompt\": ...} on standard input")
        }
        let start = Date()
        let loaded = try ModelLoader.pretrained(model)
        let loadSeconds = Date().timeIntervalSince(start)
        var runner = try LensRunner(loaded: loaded, model: model, chat: chat, system: system, topK: topK,
                                    layers: try layers.map(Self.parseLayers))
        if let attention {
            guard attention < runner.model.layerCount else {
                throw CLIError.usage("--attention \(attention): the model has blocks 0-\(runner.model.layerCount - 1)")
            }
            runner.attentionLayers = [attention]
        }
        if batch {
            try runBatch(runner, loadSeconds: loadSeconds)
            return
        }
        let writes = jsonURL != nil || pngURL != nil || htmlURL != nil || attentionURL != nil
        // The table alone shows the last positions: only those go through the unembedding.
        if !writes { runner.lastPositions = lastPositions }
        let document = try runner.run(prompt: text, targetText: targetText, foilText: foilText, loadSeconds: loadSeconds)
        console.note(String(format: "%d tokens, %d lens layers in %.2f s", document.prompt.tokens.count,
                            document.layers.count, document.timings.lensSeconds))
        if !writes || global.verbose {
            console.coloured(LensTable(document: document, lastPositions: lastPositions).render(mode: console.colorMode))
        }
        guard writes else { return }
        var plan = OutputPlan()
        var lensPNG: [UInt8]?, headsPNG: [UInt8]?
        if pngURL != nil || htmlURL != nil { lensPNG = try document.logitLensGrid().pngBytes() }
        if attentionURL != nil || (htmlURL != nil && attention != nil) {
            headsPNG = try document.attentionHeadsGrid()?.pngBytes()
        }
        if let jsonURL { plan.add(try document.prettyJSON().withNewline, to: jsonURL) }
        if let pngURL, let lensPNG { plan.add(lensPNG, to: pngURL) }
        if let attentionURL, let headsPNG { plan.add(headsPNG, to: attentionURL) }
        if let htmlURL {
            plan.add(document.htmlReport(lensPNG: lensPNG, headsPNG: headsPNG), to: htmlURL)
        }
        try plan.commit { console.note("wrote \($0)") }
    }
}
