import Foundation
import Loupe
import Testing

/// The example programs (built by `swift build`) run on the reference checkpoints.
@Suite struct ExamplesTests {
    static func example(_ name: String) -> URL? { CLI.binary(name) }

    @Test(.enabled(if: example("ExplainSentence") != nil, "ExplainSentence is not built next to the tests"))
    func explainSentence() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let result = try CLI.run([CLI.fixture("bag-of-embeddings"), "the acting was brilliant", folder.path],
                                 executable: Self.example("ExplainSentence"))
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("predicted ") && result.stdout.contains("brilliant"))
        let document = try AttributionDocument.decode(Data(contentsOf: folder.appendingPathComponent("explanation.json")))
        #expect(document.input.text == "the acting was brilliant")
        #expect(try PNGDecoder.decode(Array(Data(contentsOf: folder.appendingPathComponent("explanation.png")))).canvas.width > 0)
    }

    @Test(.enabled(if: example("ExportAttributionJSON") != nil, "ExportAttributionJSON is not built next to the tests"))
    func exportAttributionJSON() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let input = folder.appendingPathComponent("sentences.txt"), output = folder.appendingPathComponent("out.jsonl")
        try Data("the film was good\n\nthe plot was boring\n我 很 喜 欢\n".utf8).write(to: input)
        let result = try CLI.run([input.path, CLI.fixture("bag-of-embeddings"), output.path],
                                 executable: Self.example("ExportAttributionJSON"))
        #expect(result.status == 0, "\(result.transcript)")
        let documents = try AttributionDocument.decodeLines(String(contentsOf: output, encoding: .utf8))
        #expect(documents.count == 3)
        #expect(documents[0].attributions.map(\.method) == ["integrated-gradients", "gradient", "leave-one-out"])
    }

    @Test(.enabled(if: example("RenderTraversal") != nil, "RenderTraversal is not built next to the tests"))
    func renderTraversal() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let result = try CLI.run([CLI.fixture("image-vae"), CLI.fixture("text-vae"), folder.path],
                                 executable: Self.example("RenderTraversal"))
        #expect(result.status == 0, "\(result.transcript)")
        for name in ["traversal-image.png", "traversal-text.png"] {
            #expect(try PNGDecoder.decode(Array(Data(contentsOf: folder.appendingPathComponent(name)))).canvas.width > 0)
        }
        #expect(try TraversalDocument.decode(Data(contentsOf: folder.appendingPathComponent("traversal-image.json"))).cells.count == 6)
    }
}
