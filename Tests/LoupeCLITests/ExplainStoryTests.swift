import Foundation
import Loupe
import Testing

/// Story 1: explain a sentence with a checkpoint exported from PyTorch — terminal output, JSON
/// that reads back as `loupe.attribution.v1`, a decodable PNG, an HTML report, JSON Lines.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct ExplainStoryTests {
    let bag = CLI.fixture("bag-of-embeddings")
    let transformer = CLI.fixture("transformer-classifier")

    @Test func explainWritesJSONPNGAndHTML() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("why.json"), png = folder.appendingPathComponent("why.png")
        let html = folder.appendingPathComponent("why.html")
        let text = "The film was not good, 我 很 喜 欢"
        let result = try CLI.run(["explain", "--model", bag, "--json", json.path, "--png", png.path, "--html", html.path, text])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("predicted: "))
        #expect(result.stdout.contains("Integrated Gradients"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour codes when stdout is not a terminal")

        let document = try AttributionDocument.decode(try Data(contentsOf: json))
        #expect(document.schema == "loupe.attribution.v1")
        #expect(document.input.text == text)
        #expect(document.model.labels == ["negative", "positive"])
        let scalars = Array(text.unicodeScalars)
        for token in document.input.tokens {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[try #require(token.span)])
            #expect(String(view).lowercased() == token.text, "span of '\(token.text)' points into the original text")
        }
        let entry = try #require(document.attributions.first)
        #expect(entry.method == "integrated-gradients")
        #expect(entry.scores?.count == document.input.tokens.count)
        #expect(abs(entry.convergenceDelta ?? 1) < 0.05)
        #expect(abs(document.prediction.probabilities.reduce(0, +) - 1) < 1e-6)

        let decoded = try PNGDecoder.decode(Array(try Data(contentsOf: png)))
        #expect(decoded.canvas.width > 100 && decoded.canvas.height > 50)
        #expect(decoded.textValue(forKey: "Software") == "Loupe")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("data:image/png;base64,"))
        #expect(contents(of: folder) == ["why.html", "why.json", "why.png"], "no temporary files left")
    }

    /// The CLI reproduces PyTorch + Captum's integrated gradients on the exported checkpoint.
    @Test(arguments: ["bag-of-embeddings", "transformer-classifier"])
    func explainMatchesTheCaptumReference(_ name: String) throws {
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.fixtures
            .appendingPathComponent(name).appendingPathComponent("expected.json"))) as? [String: Any]
        let cases = try #require(expected?["cases"] as? [[String: Any]])
        let first = try #require(cases.first)
        let sentence = try #require(first["sentence"] as? String)
        let target = try #require(first["target"] as? Int)
        let reference = try #require((first["integrated_gradients_gausslegendre_50"] as? [String: Any])?["per_token"] as? [Double])
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("ig.json")
        let result = try CLI.run(["explain", "--model", CLI.fixture(name), "--target", String(target),
                                  "--steps", "50", "--rule", "gausslegendre", "--json", json.path, "--quiet", sentence])
        #expect(result.status == 0, "\(result.transcript)")
        let scores = try #require(try AttributionDocument.decode(Data(contentsOf: json)).attributions.first?.scores)
        #expect(scores.count == reference.count)
        let scale = max(1e-6, reference.map(abs).max() ?? 1)
        for (a, b) in zip(scores, reference) { #expect(abs(a - b) <= 1e-4 * max(1, scale), "\(scores) vs \(reference)") }
    }

    @Test func severalMethodsAndTargetsGiveAComparisonPicture() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let png = folder.appendingPathComponent("compare.png"), json = folder.appendingPathComponent("all.json")
        let result = try CLI.run(["explain", "--model", transformer, "--methods", "ig,gradient,loo,attention-rollout",
                                  "--target", "all", "--output", "probability", "--png", png.path, "--json", json.path,
                                  "the", "acting", "was", "brilliant"])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try AttributionDocument.decode(Data(contentsOf: json))
        #expect(document.attributions.count == 8)
        #expect(Set(document.attributions.map(\.output)) == ["probability"])
        #expect(document.input.text == "the acting was brilliant")
        #expect(try PNGDecoder.decode(Array(Data(contentsOf: png))).canvas.height > 100)
    }

    @Test func linesOnStdinBecomeJSONLines() throws {
        let input = "the movie was good\n我 很 喜 欢\r\nboring plot\n"
        let result = try CLI.run(["explain", "--model", bag, "--methods", "gradient,leave-one-out"], input: Data(input.utf8))
        #expect(result.status == 0, "\(result.transcript)")
        let documents = try AttributionDocument.decodeLines(result.stdout)
        #expect(documents.map(\.input.text) == ["the movie was good", "我 很 喜 欢", "boring plot"])
        #expect(documents.allSatisfy { $0.attributions.map(\.method) == ["gradient", "leave-one-out"] })
        #expect(result.stdout.split(separator: "\n").count == 3)
    }

    @Test func jsonLinesCanGoToAFile() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let out = folder.appendingPathComponent("all.jsonl")
        let result = try CLI.run(["explain", "--model", bag, "--json", out.path], input: Data("good\nbad\n".utf8))
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.isEmpty)
        #expect(try AttributionDocument.decodeLines(String(contentsOf: out, encoding: .utf8)).count == 2)
    }

    @Test func unknownTokensAreExplainedWithAWarning() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("unknown.json")
        let result = try CLI.run(["explain", "--model", bag, "--json", json.path, "xylophone zzyzx"])
        #expect(result.status == 0, "only unknown tokens still explain (documented), \(result.transcript)")
        #expect(result.stderr.contains("loupe: warning: every token is unknown"))
        let document = try AttributionDocument.decode(Data(contentsOf: json))
        #expect(document.input.tokens.allSatisfy { $0.unknown == true })
        #expect(document.warnings?.first?.contains("unknown") == true)
    }

    @Test func quietPrintsNothingButTheFiles() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("q.json")
        let result = try CLI.run(["explain", "--quiet", "--model", bag, "--json", json.path, "good"])
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result.transcript)")
        let verbose = try CLI.run(["explain", "--verbose", "--model", bag, "good"])
        #expect(verbose.stderr.contains("integrated-gradients"), "\(verbose.transcript)")
    }
}
