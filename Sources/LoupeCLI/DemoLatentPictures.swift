import Foundation
import Loupe

/// The latent half of `loupe demo`: an image VAE's traversal grid, and a text VAE's traversal
/// grid and per-token KL chart.
struct DemoLatentPictures {
    let console: Console
    let style: RenderStyle

    /// The image VAE at `path` (or the default one): a traversal of its (up to) 8 dimensions with
    /// the largest mean KL. The bundled MNIST VAE starts from the stored posterior mean of a
    /// held-out digit and ranks dimensions over its stored codes (``ImageVAEBaseCodes``); any other
    /// model starts from a procedural sprite, ranked over 300 of them.
    func imageTraversal(_ path: String?, folder: URL, plan: inout OutputPlan, report: inout HTMLReport) throws {
        let checkpoint = try path.map { try ModelLoader.load($0, option: "--image-vae") }
            ?? DefaultModels.imageVAE(log: console.note, observer: console.sideProgress)
        guard case .imageVAE(let vae) = checkpoint.model else {
            throw CLIError.usage("--image-vae \(path ?? ""): not an image-vae checkpoint")
        }
        let dimensions = LatentTraversal.Dimensions.top(Swift.min(8, vae.latentDimension))
        let result: TraversalResult
        let title: String
        if path == nil, let stored = try DefaultModels.imageVAEBaseCodes(latentDimension: vae.latentDimension) {
            let codes = try LatentCodes(mu: stored.codes.map(\.mu), logVariance: stored.codes.map(\.logVariance),
                                    latentDimension: vae.latentDimension)
            result = try LatentTraversal(dimensions: dimensions, values: .standard)
                .run(on: vae, from: .vector(stored.baseCode.mu), codes: codes)
            title = "MNIST VAE around a held-out " + (stored.baseCode.label.map { "“\($0)”" } ?? "digit")
                + ": one latent dimension per row"
        } else {
            let shapes = ShapesGenerator(imageSize: vae.config.width, scaleCount: 4, rotationCount: 8, positionCount: 6,
                                         baseRadius: 0.22, supersampling: 2).randomSamples(count: 300, seed: 11)
            let examples = shapes.images.map { image -> [Float] in
                image.width == vae.config.width && image.height == vae.config.height
                    ? image.pixels : image.downsampled(width: vae.config.width, height: vae.config.height).pixels
            }
            let codes = try LatentCodes(encoding: examples, with: vae)
            result = try LatentTraversal(dimensions: dimensions, values: .standard)
                .run(on: vae, from: .posteriorMean(examples[0]), codes: codes)
            title = "Image VAE: one latent dimension per row"
        }
        var grid = try result.traversalGrid(title: title)
        // Cells of at least 84 points (28 × 28 digits drawn 3 × 3 per pixel at scale 1).
        grid.imageCellSize = Swift.max(84, Double(Swift.max(vae.config.width, vae.config.height)) * 3)
        let picture = try grid.render(style: style)
        plan.add(try picture.pngData(colorType: .rgb), to: folder.appendingPathComponent("traversal-image.png"))
        plan.add(try TraversalDocument(result).prettyJSON().withNewline, to: folder.appendingPathComponent("traversal-image.json"))
        report.addHeading("Latent traversal: image VAE")
        try report.addImage(picture, alt: "image VAE traversal", caption: "Rows: latent dimensions by mean KL; "
                            + "columns: the value in prior standard deviations", scale: style.scale)
    }

    /// The text VAE at `path` (or the default one): a traversal from the posterior mean of
    /// `sentence` over its 4 dimensions with the largest mean KL, and the per-token KL chart.
    func textPictures(_ path: String?, sentence: String, folder: URL, plan: inout OutputPlan,
                      report: inout HTMLReport) throws {
        let checkpoint = try path.map { try ModelLoader.load($0, option: "--text-vae") }
            ?? DefaultModels.textVAE(log: console.note, observer: console.sideProgress)
        guard case .textVAE(let vae) = checkpoint.model, let tokens = checkpoint.vocabulary else {
            throw CLIError.usage("--text-vae \(path ?? ""): not a text-vae checkpoint with a vocab.txt")
        }
        let encoder = TextEncoder(vocabulary: try Vocabulary(tokens: tokens), maximumLength: vae.config.maxLength)
        let encoded = encoder.encode(sentence)
        if !encoded.unknownTokenIndices.isEmpty {
            console.warning("text VAE: \(encoded.unknownTokenIndices.count) tokens of '\(sentence)' are not in its vocabulary")
        }
        let corpus = (try? DefaultCorpus.load().texts.prefix(300)).map(Array.init) ?? [sentence]
        let codes = try LatentCodes(encoding: corpus.map { encoder.encode($0).ids }.filter { !$0.isEmpty }, with: vae)
        let decoding = LatentDecoding(vocabulary: tokens)
        let traversal = try LatentTraversal(dimensions: .top(4), values: .priorStandardDeviations(lower: -2, upper: 2, count: 5),
                                            decoding: decoding)
            .run(on: vae, from: .posteriorMean(encoded.ids), codes: codes)
        let grid = try traversal.traversalGrid(title: "Text VAE around “\(sentence)”").render(style: style)
        plan.add(try grid.pngData(colorType: .rgb), to: folder.appendingPathComponent("traversal-text.png"))
        plan.add(try TraversalDocument(traversal).prettyJSON().withNewline, to: folder.appendingPathComponent("traversal-text.json"))

        let kl = try KLContribution().attribute(encoded, model: vae)
        let chart = try kl.tokenKLChart(vocabulary: tokens, title: "KL per token: \(sentence)").render(style: style)
        plan.add(try chart.pngData(colorType: .rgb), to: folder.appendingPathComponent("kl.png"))
        let info = LatentModelInfo(vae, path: checkpoint.directory.path)
        plan.add(try KLDocument(kl, model: info, vocabulary: tokens).prettyJSON().withNewline,
                 to: folder.appendingPathComponent("kl.json"))
        console.result(String(format: "text VAE: KL(“%@”) = %.3f nats over %d tokens", sentence, kl.kl, encoded.ids.count))

        report.addHeading("Latent traversal: text VAE")
        let reconstruction = traversal.reconstruction?.text?.text ?? ""
        console.result("text VAE: “\(sentence)” reconstructs as “\(reconstruction)”", essential: false)
        try report.addImage(grid, alt: "text VAE traversal",
                            caption: "Rows: the 4 dimensions with the largest mean KL; the base code decodes to “\(reconstruction)”",
                            scale: style.scale)
        report.addHeading("Per-token KL contribution")
        try report.addImage(chart, alt: "per-token KL chart", caption: "Integrated gradients of KL(q(z|x) ‖ N(0, I))",
                            scale: style.scale)
    }
}
