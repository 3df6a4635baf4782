import ArgumentParser
import Foundation
import Loupe

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Explain English and Chinese reviews and draw every picture Loupe makes.",
        discussion: """
        Loads the bundled default models — a sentiment classifier trained on real English and Chinese \
        reviews, a text VAE trained on real sentences, an image VAE trained on MNIST digits — and writes \
        into --out (default ./loupe-demo/): sentence heatmaps and method comparisons of \
        \(DemoCommand.reviews.map { "\"\($0.text)\"" }.joined(separator: ", ")) (PNG + \
        loupe.attribution.v1 JSON; the last two are hard cases: a turn of phrase, and a complaint \
        without a negative word), latent traversal grids of the image VAE and the text VAE (PNG + \
        loupe.traversal.v1), a per-token KL chart (PNG + loupe.kl.v1) and report.html with all of it. \
        Each file is printed as it is written.

        Examples:
          swift run -c release loupe demo
          loupe demo --out /tmp/loupe-demo
          loupe demo --model runs/bag --text-vae runs/text-vae \\
              --image-vae runs/shapes
        """)

    static let english = "I had a great day today."
    static let chinese = "我今天过得很好。"
    /// The reviews the demo explains: a plain English and Chinese one, then a hard case of each.
    static let reviews: [(tag: String, text: String)] = [
        ("en", english), ("zh", chinese),
        ("en-hard", "The plot was predictable but the acting saved it."), ("zh-hard", "等了一个小时才送到，饭都凉了。"),
    ]
    static let comparedMethods: [AttributionMethodID] = [.integratedGradients, .gradient, .inputXGradient, .leaveOneOut, .kernelSHAP]

    @Option(name: .long, help: "Output folder (created if missing).") var out = "loupe-demo"
    @Option(name: .long, help: "Classifier to use instead of the default one.") var model: String?
    @Option(name: .customLong("text-vae"), help: "Text VAE to use instead of the default one.") var textVAE: String?
    @Option(name: .customLong("image-vae"), help: "Image VAE to use instead of the default one.") var imageVAE: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let console = global.console
        let started = Date()
        let folder = try prepareFolder()
        let style = RenderStyle(scale: 2)
        var plan = OutputPlan()
        var report = HTMLReport(title: "Loupe demo")
        report.addParagraph("Why did the model decide? Integrated gradients colour each token by how much it "
                            + "pushed the prediction (red: towards it, blue: against it).")

        let explainer = try ModelLoader.explainer(model, console: console)
        var names = Self.comparedMethods
        if explainer.model.hasAttentionPatterns { names.append(.attentionRollout) }
        let methods = try names.map { try AttributionMethodCatalog.make($0) }
        for (tag, sentence) in Self.reviews {
            let explanation = try explainer.explain(sentence, methods: methods)
            for warning in explanation.warnings { console.warning("\(tag): \(warning)") }
            for failure in explanation.failures { console.warning("\(tag): \(failure.method) failed: \(failure.error ?? "")") }
            let document = explanation.document(model: explainer.modelInfo)
            let heatmap = try document.sentenceHeatmap()
            console.coloured(try document.terminalReport(mode: console.colorMode).split(separator: "\n").prefix(2)
                .joined(separator: "\n"))
            let heatmapCanvas = try heatmap.render(style: style)
            let comparison = try document.methodComparison(title: sentence).render(style: style)
            plan.add(try heatmapCanvas.pngData(colorType: .rgb, text: heatmap.summary.pngText),
                     to: folder.appendingPathComponent("explain-\(tag).png"))
            plan.add(try comparison.pngData(colorType: .rgb), to: folder.appendingPathComponent("compare-\(tag).png"))
            plan.add(try document.prettyJSON().withNewline, to: folder.appendingPathComponent("explain-\(tag).json"))
            report.addHeading(sentence)
            try report.addImage(heatmapCanvas, alt: "heatmap of \(sentence)", scale: style.scale)
            try report.addTokenHeatmap(heatmap)
            try report.addImage(comparison, alt: "method comparison of \(sentence)", caption: "Every method, each row on its own scale",
                                scale: style.scale)
        }

        let latent = DemoLatentPictures(console: console, style: style)
        try latent.imageTraversal(imageVAE, folder: folder, plan: &plan, report: &report)
        try latent.textPictures(textVAE, sentence: Self.english, folder: folder, plan: &plan, report: &report)

        plan.add(report.html(), to: folder.appendingPathComponent("report.html"))
        try plan.commit { console.result("wrote \($0)") }
        console.note(String(format: "demo finished in %.1f s; open %@", Date().timeIntervalSince(started),
                            folder.appendingPathComponent("report.html").path))
    }

    /// Creates the output folder (and its parents) unless it exists; a file in the way is an error.
    func prepareFolder() throws -> URL {
        let url = URL(fileURLWithPath: out).standardizedFileURL
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError.usage("--out \(out): is a file, expected a folder") }
        } else {
            do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw CLIError.usage("--out \(out): cannot create the folder (\(error.localizedDescription))")
            }
        }
        if let problem = OutputPlan.probeWritable(url) { throw CLIError.usage("--out \(out): cannot write into the folder (\(problem))") }
        return url
    }
}
