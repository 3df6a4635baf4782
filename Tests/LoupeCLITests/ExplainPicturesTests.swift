import Foundation
import Loupe
import Testing

/// `loupe explain`'s pictures and labels as a reader sees them: label names, the model's name,
/// the target in every title, cut texts and unknown tokens marked, the colour-scale flag.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct ExplainPicturesTests {
    let bag = CLI.fixture("bag-of-embeddings")

    /// Runs `explain … --png` and decodes the picture.
    func picture(_ arguments: [String]) throws -> (CLIResult, DecodedPNG?) {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let png = folder.appendingPathComponent("why.png")
        let result = try CLI.run(["explain", "--png", png.path] + arguments)
        let decoded = FileManager.default.fileExists(atPath: png.path) ? try PNGDecoder.decode(Array(try Data(contentsOf: png))) : nil
        return (result, decoded)
    }

    @Test("--labels renames the classes everywhere: targets, prediction, JSON, picture")
    func labels() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("why.json"), png = folder.appendingPathComponent("why.png")
        let result = try CLI.run(["explain", "--model", bag, "--labels", "bad,good", "--target", "good", "--contrast", "bad",
                                  "--json", json.path, "--png", png.path, "the film was not good"])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try AttributionDocument.decode(try Data(contentsOf: json))
        #expect(document.model.labels == ["bad", "good"])
        #expect(["bad", "good"].contains(document.prediction.label))
        #expect(document.attributions.first?.target.label == "good" && document.attributions.first?.target.contrast?.label == "bad")
        #expect(result.stdout.contains("good \u{2212} bad"))
        let decoded = try PNGDecoder.decode(Array(try Data(contentsOf: png)))
        #expect(decoded.textValue(forKey: "target") == "good" && decoded.textValue(forKey: "foil") == "bad")
    }

    @Test("--labels with the wrong count or repeated names is a usage error", arguments: ["one", "a,a", "x,,"])
    func badLabels(_ labels: String) throws {
        let result = try CLI.run(["explain", "--model", bag, "--labels", labels, "the film"])
        #expect(result.status == 2, "\(result.transcript)")
        #expect(result.stderr.contains("--labels"))
    }

    @Test("the picture names the model from its README or config, never a bare checkpoint folder")
    func modelName() throws {
        let (bundled, decoded) = try picture(["-q", "i did not like this film at all ."])
        #expect(bundled.status == 0, "\(bundled.transcript)")
        #expect(decoded?.textValue(forKey: "model") == "Loupe's bundled sentiment classifier (English and Chinese)")
        // A training run's best/ checkpoint without a name: "run/best", not "best".
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let best = folder.appendingPathComponent("sst2-run/best")
        try FileManager.default.createDirectory(at: best.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: bag), to: best)
        try? FileManager.default.removeItem(at: best.appendingPathComponent("README.md"))
        let (_, run) = try picture(["--model", best.path, "the film was not good"])
        #expect(run?.textValue(forKey: "model") == "sst2-run/best")
    }

    @Test("a text longer than the model reads is cut with a note saying how much was left out")
    func longTextIsCut() throws {
        let text = Array(repeating: "this movie was bad and boring", count: 60).joined(separator: " ")
        let (result, decoded) = try picture(["-q", text])
        #expect(result.status == 0, "\(result.transcript)")
        let note = try #require(decoded?.textValue(forKey: "note"))
        #expect(note.contains("the model read only the first 96 tokens") && note.contains("more words not explained"), "\(note)")
        let width = try #require(decoded?.canvas.width), height = try #require(decoded?.canvas.height)
        #expect(width <= 1440 && height < 1200, "the picture stays small: \(width) × \(height)")
    }

    @Test("a comparison's title names the target; unknown tokens are counted in the heatmap's text chunks")
    func comparisonTargetAndUnknownTokens() throws {
        let (result, decoded) = try picture(["--model", bag, "--methods", "ig,leave-one-out", "--target", "positive", "the film was not good"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(decoded?.textValue(forKey: "target") == "positive")
        let (_, unknown) = try picture(["--model", bag, "xylophone good zzyzx"])
        #expect(unknown?.textValue(forKey: "unknown_tokens") == "2")
        #expect(unknown?.textValue(forKey: "note")?.contains("read as [UNK]") == true)
    }

    @Test("--color-scale takes auto, shared or a positive number", arguments: [("auto", 0), ("shared", 0), ("0.5", 0), ("-1", 2), ("loud", 2)])
    func colorScale(_ value: String, status: Int32) throws {
        let (result, _) = try picture(["--model", bag, "--methods", "ig,gradient", "--color-scale", value, "the film was not good"])
        #expect(result.status == status, "\(result.transcript)")
    }

    @Test("the terminal output ends with a legend naming the units")
    func legend() throws {
        let result = try CLI.run(["explain", "--model", bag, "--output", "probability", "the film was not good"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("scores (probability units): + supports the target"))
    }

    @Test("a comparison row whose scores are all equal says so (the bag model's gradient through mean pooling)")
    func uniformRowIsLabelled() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("why.json")
        let result = try CLI.run(["explain", "--model", bag, "--methods", "ig,gradient", "--json", json.path, "the film was not good"])
        #expect(result.status == 0, "\(result.transcript)")
        let comparison = try AttributionDocument.decode(try Data(contentsOf: json)).methodComparison()
        #expect(comparison.methods == ["Integrated Gradients", "Gradient (all equal)"])
        #expect(comparison.summary.target != nil)
    }
}
