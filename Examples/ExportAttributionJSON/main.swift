// ExportAttributionJSON: explain every line of a text file and write JSON Lines
// (loupe.attribution.v1, one document per sentence) for other tools.
//
//   swift run ExportAttributionJSON SENTENCES.txt [MODEL_DIR|-] [OUT.jsonl]
//
// Blank lines are skipped. Without OUT.jsonl the documents go to standard output.
import Foundation
import Loupe

let arguments = Array(CommandLine.arguments.dropFirst())
guard let inputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: ExportAttributionJSON SENTENCES.txt [MODEL_DIR|-] [OUT.jsonl]\n".utf8))
    exit(2)
}
let modelPath = arguments.count > 1 && arguments[1] != "-" ? arguments[1] : nil
let outPath = arguments.count > 2 ? arguments[2] : nil

do {
    guard let text = String(data: try Data(contentsOf: URL(fileURLWithPath: inputPath)), encoding: .utf8) else {
        throw ExplainerError("\(inputPath): not UTF-8 text")
    }
    let checkpoint = try modelPath.map { try ModelFactory.load(from: URL(fileURLWithPath: $0)) }
        ?? DefaultModels.classifier(log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    let explainer = try TextExplainer(checkpoint: checkpoint)
    let methods: [any AttributionMethod] = [IntegratedGradients(), Saliency(), LeaveOneOut()]

    var lines: [String] = []
    for sentence in text.split(whereSeparator: \.isNewline).map(String.init)
    where !sentence.trimmingCharacters(in: .whitespaces).isEmpty {
        let explanation = try explainer.explain(sentence, methods: methods)
        lines.append(try explanation.document(model: explainer.modelInfo).jsonLine())
    }
    let output = lines.map { $0 + "\n" }.joined()
    if let outPath {
        try AtomicFile.write(output, to: URL(fileURLWithPath: outPath))
        FileHandle.standardError.write(Data("wrote \(lines.count) documents to \(outPath)\n".utf8))
    } else {
        print(output, terminator: "")
    }
} catch {
    FileHandle.standardError.write(Data("ExportAttributionJSON: error: \(error)\n".utf8))
    exit(1)
}
