import ArgumentParser
import Foundation
import Loupe

struct TraverseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traverse",
        abstract: "Decode a VAE's latent space one dimension at a time (a traversal grid).",
        discussion: """
        Starts from a base code — the posterior mean of --example TEXT (text VAE) or --image PNG \
        (image VAE, converted to grayscale and resized to the model's size), an explicit --z, or the \
        prior mean (zero) — sets one latent dimension at a time to each value and decodes. Rows are \
        dimensions, columns values. The base code's own decoding is printed first ('reconstruction'). \
        Without --model, the default VAE is used: the bundled English + Chinese text VAE, or the default \
        image VAE with --image. The JSON is loupe.traversal.v1 (docs/schemas/loupe.traversal.v1.json).

        Examples:
          loupe traverse --example "I had a great day today." --dims 0,1,2 --values -2,2,5
          loupe traverse --model runs/shapes --png grid.png
          loupe traverse --model runs/shapes --image shape.png --dims 0,1 \\
              --values -2,2,5 --png grid.png --json grid.json
          loupe traverse --model runs/text-vae --example "the film was good" \\
              --dims top:3 --values -2,2,5
        """)

    @Option(name: .long, help: "VAE checkpoint folder (text-vae or image-vae; default: the bundled text VAE, or the default image VAE with --image).")
    var model: String?

    @Option(name: .long, help: "Start from the posterior mean of this sentence (text VAE).")
    var example: String?

    @Option(name: .long, help: "Start from the posterior mean of this PNG (image VAE).")
    var image: String?

    @Option(name: .long, parsing: .unconditional, help: "Start from this latent code: comma-separated values, one per dimension.")
    var z: String?

    @Option(name: .long, help: "Dimensions (rows): 'all', 'top:K' (the first K), or indices such as 0,2,5.")
    var dims = "all"

    @Option(name: .long, parsing: .unconditional, help: "Values (columns) as 'lo,hi,n': n evenly spaced values from lo to hi.")
    var values = "-3,3,7"

    @Option(name: .long, help: "Beam width for decoding sentences (1 = greedy).")
    var beam = 1

    @Option(name: .long, help: "Write the traversal grid picture.")
    var png: String?

    @Option(name: .long, help: "Write the loupe.traversal.v1 document.")
    var json: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if [example, image, z].compactMap({ $0 }).count > 1 {
            throw ValidationError("give at most one of --example, --image and --z")
        }
        _ = try valueRange()
        _ = try dimensions()
        if beam < 1 { throw ValidationError("--beam must be at least 1, got \(beam)") }
    }

    func valueRange() throws -> LatentTraversal.Values {
        let parts = try ListParsing.numbers(values, option: "--values")
        guard parts.count == 3, let count = Int(exactly: parts[2]), count >= 1 else {
            throw ValidationError("--values must be 'lo,hi,n' with a whole n ≥ 1, got '\(values)'")
        }
        return .priorStandardDeviations(lower: parts[0], upper: parts[1], count: count)
    }

    func dimensions() throws -> LatentTraversal.Dimensions {
        let text = dims.lowercased()
        if text == "all" { return .all }
        if text.hasPrefix("top:") {
            guard let k = Int(text.dropFirst(4)), k >= 1 else { throw ValidationError("--dims top:K needs K ≥ 1, got '\(dims)'") }
            return .top(k)
        }
        return .indices(try ListParsing.indices(dims, option: "--dims"))
    }

    func run() throws {
        let console = global.console
        let pngURL = try OutputPlan.check(png, option: "--png")
        let jsonURL = try OutputPlan.check(json, option: "--json")
        let latent = try ModelLoader.latent(model, command: "traverse", wantsImage: image != nil, console: console)
        let name = model ?? "the default model"
        var z: [Float]?
        if let text = self.z { z = try ListParsing.numbers(text, option: "--z").map { Float($0) } }
        let result: TraversalResult
        switch latent {
        case .text(let vae, let checkpoint):
            if image != nil { throw CLIError.usage("--image needs an image VAE; \(name) is a text VAE (use --example)") }
            let decoding = LatentDecoding(beamWidth: beam, vocabulary: checkpoint.vocabulary)
            let traversal = LatentTraversal(dimensions: try dimensions(), values: try valueRange(), decoding: decoding)
            result = try traversal.run(on: vae, from: try textBase(vae, checkpoint: checkpoint, z: z, console: console))
        case .image(let vae, _):
            if example != nil { throw CLIError.usage("--example needs a text VAE; \(name) is an image VAE (use --image)") }
            guard pngURL != nil || jsonURL != nil else {
                throw CLIError.usage("an image traversal needs --png or --json to write to")
            }
            let traversal = LatentTraversal(dimensions: try dimensions(), values: try valueRange())
            result = try traversal.run(on: vae, from: try imageBase(vae, z: z))
        }
        console.result("traversed \(result.rows.count) dimensions × \(result.values.count) values (base: \(result.baseKind))",
                       essential: false)
        if let text = result.reconstruction?.text {
            console.result("reconstruction: " + (text.text ?? text.tokenIDs.map(String.init).joined(separator: " ")))
        }
        for row in result.rows {
            let texts = row.cells.compactMap { $0.text }.map { $0.text ?? $0.tokenIDs.map(String.init).joined(separator: " ") }
            if !texts.isEmpty { console.result("z\(row.dimension): " + texts.joined(separator: " | ")) }
        }
        var plan = OutputPlan()
        if let jsonURL {
            var document = TraversalDocument(result)
            switch latent {
            case .text(_, let checkpoint), .image(_, let checkpoint): document.model.path = checkpoint.directory.path
            }
            plan.add(try document.prettyJSON().withNewline, to: jsonURL)
        }
        if let pngURL {
            let grid = try result.traversalGrid(title: "Latent traversal (\(result.model.architecture))")
            plan.add(try grid.render(style: RenderStyle(scale: 2)).pngData(colorType: .rgb), to: pngURL)
        }
        try plan.commit { console.note("wrote \($0)") }
    }

    func textBase(_ vae: TextVAE, checkpoint: ModelCheckpoint, z: [Float]?,
                  console: Console) throws -> LatentTraversal.Base<[Int]> {
        if let z { return .vector(z) }
        guard let example else { return .zero }
        let vocabulary = try Vocabulary(tokens: checkpoint.vocabulary ?? [])
        let encoded = TextEncoder(vocabulary: vocabulary, maximumLength: vae.config.maxLength).encode(example)
        guard !encoded.ids.isEmpty else { throw CLIError.usage("--example: the text has no tokens") }
        if !encoded.unknownTokenIndices.isEmpty {
            console.warning("--example: \(encoded.unknownTokenIndices.count) tokens are not in the vocabulary (read as [UNK])")
        }
        return .posteriorMean(encoded.ids)
    }

    func imageBase(_ vae: ImageVAE, z: [Float]?) throws -> LatentTraversal.Base<[Float]> {
        if let z { return .vector(z) }
        guard let image else { return .zero }
        let decoded: DecodedPNG
        do { decoded = try Canvas.readPNG(from: URL(fileURLWithPath: image)) } catch {
            throw CLIError.usage("--image \(image): \(error)")
        }
        return .posteriorMean(ImageInput.intensities(of: decoded.canvas, width: vae.config.width, height: vae.config.height))
    }
}
