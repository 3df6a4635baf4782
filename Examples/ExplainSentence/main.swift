// ExplainSentence: the library API in one page — load a classifier, explain a sentence with
// integrated gradients, print the coloured tokens, write a PNG heatmap and the JSON document.
//
//   swift run ExplainSentence [MODEL_DIR] [SENTENCE] [OUT_DIR]
//
// Without MODEL_DIR (or with "-") it uses the default sentiment model (bundled, cached, or
// trained once on the built-in corpus). OUT_DIR defaults to the current folder.
import Foundation
import Loupe

let arguments = Array(CommandLine.arguments.dropFirst())
let modelPath = arguments.count > 0 && arguments[0] != "-" ? arguments[0] : nil
let sentence = arguments.count > 1 ? arguments[1] : "I had a great day today."
let outFolder = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : ".")

do {
    // 1. A checkpoint folder in the interchange layout (config.json, model.safetensors, vocab.txt).
    let checkpoint = try modelPath.map { try ModelFactory.load(from: URL(fileURLWithPath: $0)) }
        ?? DefaultModels.classifier()
    let explainer = try TextExplainer(checkpoint: checkpoint)

    // 2. Attribute: integrated gradients (50 Gauss–Legendre steps, [PAD] baseline) for the predicted class.
    let explanation = try explainer.explain(sentence, methods: [IntegratedGradients(rule: .gaussLegendre, stepCount: 50)])
    for warning in explanation.warnings { print("warning: \(warning)") }

    // 3. Print: the prediction, then each token of the original text with its score.
    print(String(format: "predicted %@ (p = %.3f)", explanation.predictedLabel, explanation.predictedProbability))
    let attribution = explanation.attributions[0]
    for (token, score) in zip(explanation.encoded.tokens, attribution.scores) {
        print(String(format: "  %@  %+.4f", token.text, score))
    }
    if let delta = attribution.convergenceDelta { print(String(format: "  convergence delta %.2g", delta)) }

    // 4. Write the loupe.attribution.v1 document and a PNG heatmap (both written atomically).
    let document = explanation.document(model: explainer.modelInfo)
    let jsonURL = outFolder.appendingPathComponent("explanation.json")
    let pngURL = outFolder.appendingPathComponent("explanation.png")
    try AtomicFile.write(try document.prettyJSON() + [0x0A], to: jsonURL)
    try document.sentenceHeatmap().writePNG(to: pngURL, style: RenderStyle(scale: 2))
    print("wrote \(jsonURL.path)\nwrote \(pngURL.path)")
} catch {
    FileHandle.standardError.write(Data("ExplainSentence: error: \(error)\n".utf8))
    exit(1)
}
