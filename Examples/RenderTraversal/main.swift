// RenderTraversal: latent traversal grids of an image VAE and a text VAE — set one latent
// dimension at a time to −3…3 and decode — as PNG pictures and loupe.traversal.v1 JSON.
//
//   swift run RenderTraversal [IMAGE_VAE_DIR|-] [TEXT_VAE_DIR|-] [OUT_DIR]
//
// "-" (or nothing) uses the default VAEs (trained briefly once and cached in ~/.cache/loupe).
import Foundation
import Loupe

let arguments = Array(CommandLine.arguments.dropFirst())
func modelArgument(_ i: Int) -> URL? {
    arguments.count > i && arguments[i] != "-" ? URL(fileURLWithPath: arguments[i]) : nil
}
let outFolder = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : ".")

do {
    // Image VAE: rows are latent dimensions, columns the values; start from the prior mean.
    let imageCheckpoint = try modelArgument(0).map(ModelFactory.load) ?? DefaultModels.imageVAE()
    guard case .imageVAE(let imageVAE) = imageCheckpoint.model else { throw ExplainerError("not an image-vae checkpoint") }
    let imageResult = try LatentTraversal(dimensions: .all, values: .standard).run(on: imageVAE, from: .zero)
    let imageURL = outFolder.appendingPathComponent("traversal-image.png")
    try imageResult.traversalGrid(title: "Image VAE traversal").writePNG(to: imageURL, style: RenderStyle(scale: 2))
    try AtomicFile.write(try TraversalDocument(imageResult).prettyJSON(),
                           to: outFolder.appendingPathComponent("traversal-image.json"))
    print("wrote \(imageURL.path)")

    // Text VAE: start from the posterior mean of a sentence; decode greedily with the vocabulary.
    let textCheckpoint = try modelArgument(1).map(ModelFactory.load) ?? DefaultModels.textVAE()
    guard case .textVAE(let textVAE) = textCheckpoint.model, let tokens = textCheckpoint.vocabulary else {
        throw ExplainerError("not a text-vae checkpoint with a vocabulary")
    }
    let encoder = TextEncoder(vocabulary: try Vocabulary(tokens: tokens), maximumLength: textVAE.config.maxLength)
    let ids = encoder.encode("the film was good").ids
    let traversal = LatentTraversal(dimensions: .top(4), values: .priorStandardDeviations(lower: -2, upper: 2, count: 5),
                                    decoding: LatentDecoding(vocabulary: tokens))
    let textResult = try traversal.run(on: textVAE, from: .posteriorMean(ids))
    for row in textResult.rows {
        print("z\(row.dimension): " + row.cells.compactMap { $0.text?.text }.joined(separator: " | "))
    }
    let textURL = outFolder.appendingPathComponent("traversal-text.png")
    try textResult.traversalGrid(title: "Text VAE traversal").writePNG(to: textURL, style: RenderStyle(scale: 2))
    print("wrote \(textURL.path)")
} catch {
    FileHandle.standardError.write(Data("RenderTraversal: error: \(error)\n".utf8))
    exit(1)
}
