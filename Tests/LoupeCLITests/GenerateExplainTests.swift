import Foundation
import Loupe
import LoupeTestSupport
import Testing

/// `loupe generate --explain` on the tiny chat model: the answer's attributions over the prompt
/// with the chat template held fixed, the contrast, forced targets, the pictures and the JSON
/// (against docs/schemas/loupe.generation.v1.json), and bad requests as one-line usage errors.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct GenerateExplainTests {
    static let gguf = PretrainedCLITests.gguf
    static let folder = PretrainedCLITests.llama
    static let prompt = "我今天过得很好。Is it good?"

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func explain(_ model: String, _ extra: [String], prompt: String = prompt) throws
        -> (CLIResult, GenerationDocument, Data) {
        let out = try Self.scratch()
        let json = out.appendingPathComponent("g.json")
        let result = try CLI.run(["generate", "--model", model, "--chat", "--explain", "--max-new-tokens", "4",
                                  "--json", json.path] + extra + [prompt])
        try #require(result.status == 0, "\(result.transcript)")
        let data = try Data(contentsOf: json)
        return (result, try GenerationDocument.decode(data), data)
    }

    @Test func explainedGenerationHoldsTheTemplateAndAggregatesToCharacters() throws {
        let (result, document, data) = try Self.explain(Self.gguf, ["--methods", "ig,gradient,loo", "--contrast", "hello"])
        let e = try #require(document.explanation)
        // Every attributed position lies inside the user's text; the template's do not.
        let start = try #require(document.prompt.userStart), end = try #require(document.prompt.userEnd)
        #expect(!e.attributedPositions.isEmpty)
        for (i, token) in document.prompt.tokens.enumerated() {
            let inside = (token.start.map { $0 < end } ?? false) && (token.end.map { $0 > start } ?? false) && token.special != true
            #expect(token.attributed == inside, "token \(i) '\(token.text)'")
        }
        #expect(e.steps.count == document.generated.count && !e.steps.isEmpty)
        for step in e.steps {
            #expect(step.attributions.filter { $0.target == "token" }.count == 3)
            for a in step.attributions {
                #expect(a.scores.count == step.position + 1)
                // Path and perturbation methods give held positions exactly 0.
                if a.method != "gradient" {
                    for p in document.prompt.tokens.indices where document.prompt.tokens[p].attributed == false {
                        #expect(a.scores[p] == 0, "\(a.method) position \(p)")
                    }
                }
                // Characters and words redistribute the user tokens' scores without loss.
                let userTotal = e.attributedPositions.reduce(0.0) { $0 + a.scores[$1] }
                #expect(Swift.abs(a.characters.reduce(0) { $0 + $1.score } - userTotal) < 1e-9 * Swift.max(1, Swift.abs(userTotal)) + 1e-12)
                #expect(Swift.abs(a.words.reduce(0) { $0 + $1.score } - userTotal) < 1e-9 * Swift.max(1, Swift.abs(userTotal)) + 1e-12)
                #expect(a.characters.map(\.text).prefix(8).joined() == "我今天过得很好。")
            }
        }
        // The contrast: a foil at one step, attributed as target − foil there.
        let contrast = try #require(e.contrast)
        let step = e.steps[contrast.step]
        #expect(step.foil?.id == contrast.foilID)
        #expect(step.attributions.contains { $0.target == "contrast" && $0.method == "integrated-gradients" })
        // The whole answer (several tokens) is attributed too.
        if e.steps.count > 1 { #expect(e.whole.map(\.method) == ["integrated-gradients", "gradient", "leave-one-out"]) }
        // No byte-level or SentencePiece markers in any label.
        let labels = document.prompt.tokens.map(\.text) + e.steps.map(\.text) + e.segments.map(\.text)
            + e.steps.flatMap { $0.attributions.flatMap { $0.words.map(\.text) } }
        for label in labels { #expect(!label.contains("Ġ") && !label.contains("▁") && !label.contains("\u{FFFD}"), "'\(label)'") }
        // Segments are the user's words (Chinese words from the bundled lexicon).
        #expect(e.wordSegmenter == "unicode+zh-lexicon:default-zh-lexicon")
        #expect(e.segments.prefix(7).map(\.text) == ["我", "今天", "过", "得", "很", "好", "。"], "\(e.segments.map(\.text))")
        // The JSON satisfies its schema; the terminal shows the answer and the contrast.
        let schema = try SchemaChecker(contentsOf: CLI.packageRoot.appendingPathComponent("docs/schemas/loupe.generation.v1.json"))
        let errors = schema.errors(try JSON.parse(data))
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(result.stdout.contains("answer: \(document.text.trimmingCharacters(in: .whitespacesAndNewlines))"))
        #expect(result.stdout.contains(" − '\(contrast.foilText)'"), "\(result.stdout)")
    }

    /// The GGUF file holds the folder's weights quantized (Q8_0 / Q4_1): the same prompt layout
    /// and answer, and attributions of the same shape pointing the same way (cosine > 0.5; 0.86 at
    /// worst measured — a random tiny model is sensitive to 4-bit weights).
    @Test func folderAndGGUFExplainAlike() throws {
        let (_, a, _) = try Self.explain(Self.gguf, ["--methods", "ixg"])
        let (_, b, _) = try Self.explain(Self.folder, ["--methods", "ixg"])
        #expect(a.prompt.tokens.map(\.id) == b.prompt.tokens.map(\.id))
        #expect(a.prompt.tokens.map(\.attributed) == b.prompt.tokens.map(\.attributed))
        let ea = try #require(a.explanation), eb = try #require(b.explanation)
        #expect(ea.steps.map(\.id) == eb.steps.map(\.id))
        for (x, y) in zip(ea.steps, eb.steps) {
            let s = x.attributions[0].scores, t = y.attributions[0].scores
            #expect(s.count == t.count)
            let dot = zip(s, t).reduce(0) { $0 + $1.0 * $1.1 }
            let norms = (s.reduce(0) { $0 + $1 * $1 } * t.reduce(0) { $0 + $1 * $1 }).squareRoot()
            #expect(dot > 0.5 * norms, "cosine \(dot / norms) at step \(x.index)")
        }
    }

    @Test func forcedTargetTextIsAttributedTokenByToken() throws {
        let out = try Self.scratch()
        let (_, document, _) = try Self.explain(Self.gguf, ["--methods", "ig", "--target-text", " positive", "--contrast", "negative",
                                                            "--png", out.appendingPathComponent("h.png").path,
                                                            "--matrix-png", out.appendingPathComponent("m.png").path,
                                                            "--html", out.appendingPathComponent("r.html").path])
        let e = try #require(document.explanation)
        #expect(e.forced && document.stopReason == "forced")
        #expect(document.text == " positive")
        #expect(e.contrast?.step == 0)
        for name in ["h.png", "m.png"] {
            let bytes = try Data(contentsOf: out.appendingPathComponent(name))
            let image = try PNGDecoder.decode([UInt8](bytes))
            #expect(image.canvas.width > 100 && image.canvas.height > 50, "\(name)")
        }
        let html = try String(contentsOf: out.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(html.contains("<table") && html.contains("data:image/png;base64,"))
        // IG complete per step: |δ| reported and finite (the adaptive run below meets its tolerance).
        for step in e.steps { for a in step.attributions { #expect(a.convergenceDelta.map { $0.isFinite } == true) } }
    }

    @Test func adaptiveStepsMeetTheTolerance() throws {
        let (_, document, _) = try Self.explain(Self.gguf, ["--methods", "ig", "--target-text", " positive", "--steps", "4",
                                                            "--tolerance", "1e-3"])
        let a = try #require(document.explanation?.steps.first?.attributions.first)
        #expect(Swift.abs(try #require(a.convergenceDelta)) <= 1e-3)
        #expect(try #require(a.parameters["steps"]?.intValue) > 4)
        #expect(a.parameters["tolerance"] == .double(1e-3))
    }

    @Test(arguments: [
        (["--contrast", "bad"], "--contrast"),                                   // without --explain
        (["--explain", "--segment", "xyz"], "segment 'xyz'"),
        (["--explain", "--methods", "layer-gradient"], "not available for --explain"),
        (["--explain", "--contrast-step", "1"], "--contrast-step needs --contrast"),
        (["--explain", "--contrast", "x", "--contrast-step", "9"], "contrast step 9"),
        (["--explain", "--tolerance", "0"], "--tolerance must be a positive number"),
    ])
    func badRequestsAreOneLineUsageErrors(arguments: [String], message: String) throws {
        let result = try CLI.run(["generate", "--model", Self.gguf, "--chat", "--max-new-tokens", "2"] + arguments + [Self.prompt])
        #expect(result.status == 2, "\(result.transcript)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty || !result.stdout.contains("answer:"))
    }
}
