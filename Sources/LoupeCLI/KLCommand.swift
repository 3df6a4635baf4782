import ArgumentParser
import Foundation
import Loupe

struct KLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kl",
        abstract: "Show how much each token of a sentence contributes to a text VAE's KL term.",
        discussion: """
        Integrated gradients of KL(q(z|x) ‖ N(0, I)) with respect to the token embeddings (baseline: \
        zero embeddings), overall and per latent dimension; the scores sum to KL(x) − KL(baseline) up \
        to the printed convergence delta. --method leave-one-out instead reports KL(x) − KL(x without \
        the token). The JSON is loupe.kl.v1; the PNG a bar chart beside the token × dimension matrix.

        Without --model, the bundled default text VAE (English + Chinese, docs/training.md) is used.

        Examples:
          loupe kl "the film was not good"
          loupe kl --model runs/text-vae "the film was not good"
          loupe kl --model runs/text-vae --png kl.png --json kl.json "我很好"
        """)

    @Option(name: .long, help: "Text VAE checkpoint folder (default: the bundled English + Chinese text VAE).")
    var model: String?

    @Option(name: .long, help: "'integrated-gradients' or 'leave-one-out'.")
    var method: KLMethod = .integratedGradients

    @OptionGroup var path: PathOptions

    @Option(name: .long, help: "Write the loupe.kl.v1 document.")
    var json: String?

    @Option(name: .long, help: "Write the per-token KL chart.")
    var png: String?

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The sentence.")
    var text: [String] = []


    func run() throws {
        let console = global.console
        let jsonURL = try OutputPlan.check(json, option: "--json")
        let pngURL = try OutputPlan.check(png, option: "--png")
        let sentence = text.joined(separator: " ")
        guard !sentence.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError.usage("empty text: give a sentence")
        }
        let (vae, checkpoint) = try ModelLoader.textVAE(model, command: "kl", console: console)
        let vocabulary = try Vocabulary(tokens: checkpoint.vocabulary ?? [])
        let encoded = TextEncoder(vocabulary: vocabulary, maximumLength: vae.config.maxLength).encode(sentence)
        guard !encoded.ids.isEmpty else { throw CLIError.usage("the text has no tokens") }
        if !encoded.unknownTokenIndices.isEmpty {
            let names = encoded.unknownTokenIndices.map { "'\(encoded.tokens[$0].text)'" }.joined(separator: ", ")
            console.warning("\(encoded.unknownTokenIndices.count) of \(encoded.ids.count) tokens are not in the vocabulary "
                            + "and were read as [UNK]: \(names)")
        }
        let attribution: KLAttribution
        switch method {
        case .leaveOneOut: attribution = try KLLeaveOneOut().attribute(encoded, model: vae)
        case .integratedGradients: attribution = try KLContribution(kind: path.rule, stepCount: path.steps).attribute(encoded, model: vae)
        }
        var summary = String(format: "KL = %.4f nats", attribution.kl)
        if let base = attribution.klOfBaseline { summary += String(format: " (baseline %.4f)", base) }
        if let delta = attribution.convergenceDelta { summary += String(format: ", convergence delta %.2g", delta) }
        console.result(summary)
        let heatmap = try SentenceHeatmap(text: encoded.text, offsets: encoded.tokens.map { (start: $0.start, end: $0.end) },
                                          scores: attribution.perToken)
        console.coloured(try TerminalHeatmap(heatmap: heatmap).render(mode: console.colorMode))
        console.detail(String(format: "%.3f s", attribution.seconds))

        var plan = OutputPlan()
        if let jsonURL {
            let info = LatentModelInfo(vae, path: checkpoint.directory.path)
            plan.add(try KLDocument(attribution, model: info, vocabulary: checkpoint.vocabulary).prettyJSON().withNewline,
                     to: jsonURL)
        }
        if let pngURL {
            let chart = try attribution.tokenKLChart(vocabulary: checkpoint.vocabulary, title: "KL per token: \(sentence)")
            plan.add(try chart.render(style: RenderStyle(scale: 2)).pngData(colorType: .rgb), to: pngURL)
        }
        try plan.commit { console.note("wrote \($0)") }
    }
}
