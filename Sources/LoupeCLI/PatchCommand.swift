import ArgumentParser
import Foundation
import Loupe

struct PatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch",
        abstract: "Activation patching (causal tracing): which layers and positions carry the answer.",
        discussion: """
        Runs the model on a clean prompt and a corrupted one (--corrupt, same number of tokens), or on \
        the clean prompt with Gaussian noise on some token embeddings (--noise-positions or \
        --noise-text; ROME's causal tracing: σ = --noise-scale × the embedding matrix's standard \
        deviation, averaged over --noise-samples seeded samples). Then, for every layer and position, \
        reruns the corrupted input with the clean value of the residual stream entering the block \
        (resid), the attention output (attn) or the MLP output (mlp) restored, and reports the \
        recovery (M_patched − M_corrupt) / (M_clean − M_corrupt) of the metric at the last position: \
        logit(target) − logit(foil) by default with --foil, the target's logit without.

        --target and --foil are texts; the first token of each, encoded without special tokens, is \
        used (include the leading space the model would write: " Paris"). With --chat both prompts \
        are user messages put through the chat template. "heads" in --sites patches each head's \
        slice of blocks.N.attn.hook_z at every position (--heads-per-position: one position at a time).

        Without --png/--html/--json, prints the resid recoveries as a table (layers across, tokens \
        down). With --clean -, reads JSON Lines from standard input, each \
        {"clean": …, "corrupt": …, "target": …, "foil": …} (fields not given fall back to the \
        options), and prints one compact loupe.patching.v1 document per line (--json FILE: JSON \
        Lines there), each line read, patched and written before the next; a bad line prints \
        {"line": N, "error": …} and the run goes on (exit status 1 at the end; --fail-fast stops \
        there); --jobs N patches N lines at a time, each job with its own copy of the model, in \
        input order.

        Examples:
          loupe patch --model SmolLM2-135M-Instruct.Q4_1.gguf \\
              --clean "The Eiffel Tower is in the city of" --corrupt "The Colosseum is in the city of" \\
              --target " Paris" --foil " Rome" --png patch.png --json patch.json
          loupe patch --model path/to/gpt2 --clean "The Space Needle is in downtown" \\
              --noise-text "The Space Needle" --target " Seattle" --sites resid,attn,mlp --window 5
        """)

    @Option(name: .long, help: "GGUF file or Hugging Face folder of a causal language model.")
    var model: String

    @Flag(name: .long, help: "Treat both prompts as user messages and apply the model's chat template.")
    var chat = false

    @Option(name: .long, help: "System message for --chat.")
    var system: String?

    @Option(name: .long, help: "The clean prompt ('-': read JSON Lines requests from standard input).")
    var clean: String

    @Option(name: .long, help: "The corrupted prompt (must have as many tokens as the clean one).")
    var corrupt: String?

    @Option(name: .long, help: "Corrupt these token positions of the clean prompt with noise (0-based, e.g. 1,2).")
    var noisePositions: String?

    @Option(name: .long, help: "Corrupt with noise the tokens covering the first occurrence of this text in the clean prompt.")
    var noiseText: String?

    @Option(name: .long, help: "Noise samples averaged over (default 10).")
    var noiseSamples = 10

    @Option(name: .long, help: "Noise standard deviation as a multiple of the embeddings' (default 3).")
    var noiseScale: Double = 3

    @Option(name: .long, help: "Seed of the noise (default 0).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Target text: its first token (no special tokens) is the answer measured.")
    var target: String?

    @Option(name: .long, help: "Foil text: its first token (no special tokens) is the contrast.")
    var foil: String?

    @Option(name: .long, help: "logit-difference (default with --foil), logit (default without), probability, log-probability.")
    var metric: String?

    @Option(name: .long, help: "Comma-separated: resid, attn, mlp, heads (default resid,attn,mlp).")
    var sites = "resid,attn,mlp"

    @Flag(name: .long, help: "With heads in --sites, patch each head at one position at a time.")
    var headsPerPosition = false

    @Option(name: .long, help: "Restore K consecutive layers around each layer for attn and mlp (ROME's window; default 1).")
    var window = 1

    @Option(name: .long, help: "Write the patching heatmap (PNG).")
    var png: String?

    @Option(name: .long, help: "Write an HTML page with the heatmap and the numbers.")
    var html: String?

    @Option(name: .long, help: "Write the loupe.patching.v1 document (JSON).")
    var json: String?

    @OptionGroup(title: "Reading standard input (--clean -)") var stream: StreamOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if system != nil && !chat { throw ValidationError("--system needs --chat") }
        guard window >= 1 else { throw ValidationError("--window must be at least 1, got \(window)") }
        guard noiseSamples >= 1 else { throw ValidationError("--noise-samples must be at least 1, got \(noiseSamples)") }
        guard noiseScale > 0 && noiseScale.isFinite else { throw ValidationError("--noise-scale must be > 0, got \(noiseScale)") }
        let corruptions = [corrupt != nil, noisePositions != nil, noiseText != nil].filter { $0 }.count
        if corruptions > 1 { throw ValidationError("give one of --corrupt, --noise-positions, --noise-text") }
        if clean != "-" {
            if corruptions == 0 { throw ValidationError("give --corrupt PROMPT, --noise-positions or --noise-text") }
            if target == nil { throw ValidationError("--target is required (the answer whose recovery is measured)") }
        } else if png != nil || html != nil {
            throw ValidationError("--png and --html need one request (--clean -: JSON Lines only)")
        }
        if let metric, !PatchingMetric.names.contains(metric) {
            throw ValidationError("--metric '\(metric)' is unknown; known: \(PatchingMetric.names.joined(separator: ", "))")
        }
        _ = try settings()
    }

    /// The sweep settings the options give.
    func settings() throws -> PatchSettings {
        var kinds: [PatchingSite] = []
        var heads = false
        for raw in sites.split(separator: ",", omittingEmptySubsequences: false) {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if name == "heads" { heads = true; continue }
            guard let kind = PatchingSite(rawValue: name) else {
                throw ValidationError("--sites: '\(name)' is unknown; known: resid, attn, mlp, heads")
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        if kinds.isEmpty && !heads { throw ValidationError("--sites names no site") }
        let positions = try noisePositions.map { try ListParsing.indices($0, option: "--noise-positions") }
        return PatchSettings(chat: chat, system: system, sites: kinds, heads: heads ? (headsPerPosition ? .perPosition : .allPositions) : nil,
                             window: window, metric: metric, noisePositions: positions, noiseText: noiseText,
                             noiseSamples: noiseSamples, noiseScale: Float(noiseScale), seed: seed)
    }

    func run() throws {
        let console = global.console
        let jsonURL = try OutputPlan.check(json, option: "--json")
        let pngURL = try OutputPlan.check(png, option: "--png")
        let htmlURL = try OutputPlan.check(html, option: "--html")
        let loaded = try ModelLoader.pretrained(model)
        guard let lm = loaded.languageModel as? any ResidualStreamModel else {
            throw CLIError.usage("--model \(model): a '\(loaded.architecture)' model is not a causal language model")
        }
        let patcher = Patcher(loaded: loaded, model: lm, settings: try settings())
        if clean == "-" {
            try runLines(patcher, console: console, jsonURL: jsonURL)
            return
        }
        let request = PatchRequest(clean: clean, corrupt: corrupt, target: target, foil: foil)
        let (document, labels) = try patcher.patch(request)
        console.note(String(format: "M_clean = %.4g, M_corrupt = %.4g (%@); %d layers × %d positions in %.2f s",
                            document.cleanMetric, document.corruptMetric, document.metric, document.model.layers,
                            labels.count, document.timings.values.reduce(0, +)))
        let difference = Swift.abs(document.cleanMetric - document.corruptMetric)
        if difference < 1e-3 * Swift.max(1, Swift.abs(document.cleanMetric)) {
            console.warning(String(format: "the clean and corrupted metrics differ by only %.3g; recoveries are dominated by rounding",
                                   difference))
        }
        var plan = OutputPlan()
        if let jsonURL { plan.add(try document.prettyJSON().withNewline, to: jsonURL) }
        if pngURL != nil || htmlURL != nil {
            let picture = try document.heatmap(labels: labels)
            if let pngURL { plan.add(try picture.pngData(style: RenderStyle(scale: 2)), to: pngURL) }
            if let htmlURL { plan.add(try document.htmlReport(labels: labels, heatmap: picture), to: htmlURL) }
        }
        if plan.pending.isEmpty {
            console.coloured(PatchTable(document: document, labels: labels).render(color: TerminalHeatmap.usesColor(console.colorMode)))
        } else {
            try plan.commit { console.note("wrote \($0)") }
        }
    }
}
