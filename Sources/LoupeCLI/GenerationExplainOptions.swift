import ArgumentParser
import Foundation
import Loupe

/// `loupe generate --explain …`: what to attribute, and where the pictures go.
struct GenerationExplainOptions: ParsableArguments {
    @Flag(name: .long, help: "Attribute every answer token over the prompt and the answer so far.")
    var explain = false

    @Option(name: .long, help: ArgumentHelp("Comma-separated attribution methods for --explain (default: integrated-gradients).",
                                             discussion: "Known: \(AttributionMethodCatalog.names.filter { !$0.rawValue.hasPrefix("layer-") && $0 != .attentionRollout }.map(\.rawValue).joined(separator: ", "))."),
            transform: parseMethodList)
    var methods: [AttributionMethodID] = [.integratedGradients]

    @Option(name: .long, help: "Force this answer instead of generating one (its tokens, without special tokens).")
    var targetText: String?

    @Option(name: .long, help: "Explain the answer against this foil word (target − foil).")
    var contrast: String?

    @Option(name: .long, help: "Answer step (0-based) of the contrast (default: where the foil was most probable).")
    var contrastStep: Int?

    @Option(name: .long, help: "Explained quantity per token: 'logit', 'probability' or 'log-probability'.")
    var output: AttributionOutput = .logit

    @OptionGroup var path: PathOptions

    @Option(name: .long, help: "Baseline of the path methods on the attributed tokens: 'zero', 'pad', 'mean' (the mean embedding), 'uniform' or 'expected' (8 sampled baselines, averaged; docs/methods.md).")
    var baseline: Baseline = .zero

    @Option(name: .long, help: "Integrated gradients doubles --steps (up to 1600) until |convergence delta| ≤ this; the zero baseline under RMSNorm may need 400 steps for 1 % of a logit difference.")
    var tolerance: Double?

    @Option(name: .long, help: "Samples of the stochastic methods (default: each method's own).")
    var samples: Int?

    @Option(name: .long, help: "Seed of the stochastic methods.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Layer of --methods attention (default: the mean over layers).")
    var attentionLayer: Int?

    @Option(name: .long, help: "Head of --methods attention (needs --attention-layer; default: the mean over heads).")
    var attentionHead: Int?

    @Option(name: .long, help: "Words of Chinese text (word scores and the default segments): lexicon (the bundled lexicon's split) or characters.")
    var chineseWords: WordAggregation.ChineseWords = .lexicon

    @Option(name: .long, help: "A part of the user's text that perturbation methods remove as a whole (repeatable, in order; default: its words).")
    var segment: [String] = []

    @Flag(name: .long, help: "Attribute the chat template's and system tokens too (default: held fixed).")
    var attributeTemplate = false

    @Option(name: .long, help: "Write the headline attribution over the user's text as PNG (per word; per character in Chinese).")
    var png: String?

    @Option(name: .long, help: "Write the answer-token × source-token matrix of the first method as PNG (inseq's view).")
    var matrixPng: String?

    @Option(name: .long, help: "Write an HTML report (headline per method, one paragraph per answer token, matrix, step scores).")
    var html: String?

    func check() throws {
        let needsExplain = [targetText != nil, contrast != nil, contrastStep != nil, png != nil, !segment.isEmpty,
                            attributeTemplate, matrixPng != nil, html != nil]
        if !explain && needsExplain.contains(true) {
            throw ValidationError("--target-text, --contrast, --contrast-step, --segment, --attribute-template, --png, --matrix-png and --html need --explain")
        }
        if contrastStep != nil && contrast == nil { throw ValidationError("--contrast-step needs --contrast") }
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if let tolerance, !(tolerance.isFinite && tolerance > 0) {
            throw ValidationError("--tolerance must be a positive number, got \(tolerance)")
        }
        if attentionHead != nil && attentionLayer == nil { throw ValidationError("--attention-head needs --attention-layer") }
        if let bad = methods.first(where: { $0.rawValue.hasPrefix("layer-") || $0 == .attentionRollout }) {
            throw ValidationError("--methods \(bad) is not available for --explain")
        }
        if targetText?.isEmpty == true { throw ValidationError("--target-text is empty") }
        if contrast?.trimmingCharacters(in: .whitespaces).isEmpty == true { throw ValidationError("--contrast is empty") }
    }

    /// The methods, their path batches sized for sequences of about `length` tokens.
    /// The breaker of `--chinese-words`; a missing lexicon is a warning on `console`.
    func wordBreaker(console: Console?) -> (any IdeographWordBreaker)? {
        let (breaker, problem) = chineseWords.breaker()
        if let problem { console?.warning(problem) }
        return breaker
    }

    func makeMethods(length: Int = 64) throws -> [any AttributionMethod] {
        var settings = AttributionMethodSettings(steps: path.steps, rule: path.rule, baseline: baseline, samples: samples,
                                                 seed: seed, window: 1)
        settings.internalBatchSize = AttributionMethodSettings.pathBatch(forTokens: length)
        settings.tolerance = tolerance
        settings.attentionLayer = attentionLayer
        settings.attentionHead = attentionHead
        return try methods.map { try AttributionMethodCatalog.make($0, settings: settings) }
    }

    func run(_ loaded: PretrainedModel, text: String, chat: Bool, system: String?, maxNewTokens: Int,
             json: URL?, console: Console) throws {
        let pngURL = try OutputPlan.check(png, option: "--png")
        let matrixURL = try OutputPlan.check(matrixPng, option: "--matrix-png")
        let htmlURL = try OutputPlan.check(html, option: "--html")
        var layout: PromptLayout
        do { layout = try PromptLayout(loaded, text: text, chat: chat, system: system) } catch let e as AttributionError {
            throw CLIError.usage("\(e)")
        }
        layout.wordBreaker = wordBreaker(console: console)
        let explainer = GenerationExplainer(methods: try makeMethods(length: layout.ids.count), output: output,
                                            maxNewTokens: maxNewTokens,
                                            attributesEverything: attributeTemplate, segments: segment.isEmpty ? nil : segment)
        let explained: GenerationExplanation
        do {
            explained = try explainer.explain(loaded, prompt: layout, targetText: targetText, contrastText: contrast,
                                              contrastStep: contrastStep)
        } catch let e as AttributionError {
            throw CLIError.usage("\(e)")
        }
        GenerationReport(explanation: explained, model: loaded.source.lastPathComponent, methods: methods)
            .print(to: console)
        var plan = OutputPlan()
        let name = loaded.source.lastPathComponent
        var pictures: [(bytes: [UInt8], alt: String)] = []
        if let method = methods.first, pngURL != nil || htmlURL != nil, let headline = explained.headline(method) {
            let picture = try GenerationReport.textHeatmap(explained, headline, model: name)
            let bytes = try picture.render().pngData(text: picture.summary.pngText)
            if let pngURL { plan.add(bytes, to: pngURL) }
            pictures.append((bytes, "headline attribution over the user's text"))
        }
        if let method = methods.first, matrixURL != nil || htmlURL != nil {
            let matrix = try explained.matrix(method, contrast: explained.contrastStep != nil, model: name)
            let bytes = try matrix.render().pngData(text: matrix.summary.pngText)
            if let matrixURL { plan.add(bytes, to: matrixURL) }
            pictures.append((bytes, "answer-token × source-token attribution matrix"))
        }
        if let htmlURL {
            plan.add(try explained.html(methods: methods, model: name, pictures: pictures).html(), to: htmlURL)
        }
        if let json {
            let document = GenerationDocument(loaded, explanation: explained, contrastText: contrast)
            plan.add(try document.prettyJSON().withNewline, to: json)
        }
        try plan.commit { console.note("wrote \($0)") }
    }
}
