import Foundation
import Loupe
import Testing

/// `loupe explain --baseline …` and `--contrast …`: both ends of the path in the JSON, the
/// terminal and the picture; the warning when the baseline already gives the output; the logit
/// difference of a contrastive target.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct BaselineContrastTests {
    let bag = CLI.fixture("bag-of-embeddings")
    let sentence = "the film was not good"

    /// Runs `explain` with `arguments` and reads its JSON.
    func explain(_ arguments: [String], text: String? = nil) throws -> (CLIResult, AttributionDocument?) {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("why.json")
        let result = try CLI.run(["explain", "--model", bag, "--json", json.path] + arguments + [text ?? sentence])
        let document = FileManager.default.fileExists(atPath: json.path)
            ? try AttributionDocument.decode(try Data(contentsOf: json)) : nil
        return (result, document)
    }

    @Test("every baseline reports F(x), F(baseline) and their difference, and the scores add up to it",
          arguments: ["pad", "zero", "unk", "mean", "uniform:3", "expected:3", "text:a plain sentence"])
    func reportsBothEnds(_ baseline: String) throws {
        let (result, doc) = try explain(["--baseline", baseline, "--steps", "64"])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try #require(doc)
        let entry = try #require(document.attributions.first)
        let fx = try #require(entry.outputOfInput), fb = try #require(entry.outputOfBaseline)
        #expect(Swift.abs(fx - document.prediction.logits[entry.target.index]) < 1e-5, "F(x) is the explained logit")
        #expect(Swift.abs((entry.outputDifference ?? .nan) - (fx - fb)) < 1e-9)
        let sum = (entry.scores ?? []).reduce(0, +)
        #expect(Swift.abs(sum - (fx - fb)) < 0.02, "Σ scores \(sum) vs F(x) − F(baseline) \(fx - fb)")
        let name = baseline.split(separator: ":").first.map(String.init) ?? baseline
        #expect(entry.parameters["baseline"] == .string(name))
        #expect(result.stdout.contains("\(name) baseline: F(x) = "), "the terminal line names both ends: \(result.stdout)")
    }

    @Test("a baseline the vocabulary lacks is a usage error naming the alternatives")
    func missingMaskToken() throws {
        let (result, _) = try explain(["--baseline", "mask"])
        #expect(result.status == 2, "\(result.transcript)")
        #expect(result.stderr.contains("[MASK]") && result.stderr.contains("try pad"))
    }

    @Test("a baseline that gives the input's own output is flagged, with what to try instead")
    func warnsWhenTheBaselineSaysLittle() throws {
        let (result, doc) = try explain(["--baseline", "text:\(sentence)"])
        #expect(result.status == 0, "\(result.transcript)")
        let warning = try #require(doc?.warnings?.first { $0.contains("say little") })
        #expect(warning.contains("--contrast") && warning.contains("--baseline") && warning.contains("leave-one-out"))
        #expect(result.stderr.contains("loupe: warning: integrated-gradients"))
        let entry = try #require(doc?.attributions.first)
        #expect(Swift.abs(entry.outputDifference ?? 1) < 1e-6)
        // The default baseline on the same sentence says something: no such warning.
        let (_, plain) = try explain([])
        #expect(plain?.warnings?.contains { $0.contains("say little") } != true)
    }

    @Test("--contrast explains the logit difference: one entry, target − foil, its scores the difference of the two")
    func contrastIsTheLogitDifference() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let png = folder.appendingPathComponent("contrast.png")
        let (result, doc) = try explain(["--target", "positive", "--contrast", "negative", "--png", png.path])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try #require(doc)
        #expect(document.attributions.count == 1)
        let entry = try #require(document.attributions.first)
        #expect(entry.target.label == "positive" && entry.target.contrast?.label == "negative")
        let logits = document.prediction.logits
        #expect(Swift.abs((entry.outputOfInput ?? .nan) - (logits[1] - logits[0])) < 1e-5)
        #expect(result.stdout.contains("positive \u{2212} negative"), "\(result.stdout)")
        let (_, both) = try explain(["--target", "all"])
        let positive = try #require(both?.attributions.first { $0.target.index == 1 }?.scores)
        let negative = try #require(both?.attributions.first { $0.target.index == 0 }?.scores)
        for (i, s) in (entry.scores ?? []).enumerated() {
            #expect(Swift.abs(s - (positive[i] - negative[i])) < 1e-4, "IG is linear in the target")
        }
        let picture = try PNGDecoder.decode(Array(try Data(contentsOf: png)))
        #expect(picture.textValue(forKey: "foil") == "negative")
        #expect(picture.textValue(forKey: "target") == "positive")
    }

    @Test("--contrast with the target itself, or naming no class, is a usage error",
          arguments: [["--target", "positive", "--contrast", "positive"], ["--contrast", "all"], ["--contrast", "neutral"]])
    func badContrast(_ arguments: [String]) throws {
        let (result, _) = try explain(arguments)
        #expect(result.status == 2, "\(result.transcript)")
        #expect(result.stderr.contains("--contrast"))
    }
}

/// `explain`'s method flags: `--faithfulness` on the terminal, `--delta-tolerance`, occlusion's
/// `--window` and `--stride`.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct ExplainFlagsTests {
    let bag = CLI.fixture("bag-of-embeddings")

    @Test("--faithfulness prints its table, random ranking included")
    func faithfulnessTable() throws {
        let result = try CLI.run(["explain", "--model", bag, "--methods", "ig,leave-one-out", "--faithfulness", "the film was not good"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("faithfulness (target: "), "\(result.stdout)")
        for name in ["integrated-gradients", "leave-one-out", "random", "infidelity ↓", "rank agreement"] {
            #expect(result.stdout.contains(name), "\(name) missing: \(result.stdout)")
        }
    }

    @Test("--delta-tolerance turns on adaptive steps; --window and --stride reach occlusion")
    func methodFlags() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("why.json")
        let result = try CLI.run(["explain", "--model", bag, "--methods", "ig,occlusion", "--steps", "2", "--rule", "riemann-left",
                                  "--delta-tolerance", "0.001", "--window", "3", "--stride", "2", "--json", json.path,
                                  "the film was not good at all"])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try AttributionDocument.decode(try Data(contentsOf: json))
        let ig = try #require(document.attributions.first { $0.method == "integrated-gradients" })
        #expect(ig.parameters["requested_steps"] == .int(2) && (ig.parameters["steps"]?.intValue ?? 0) > 2)
        #expect(ig.parameters["tolerance"] == .double(0.001))
        let occlusion = try #require(document.attributions.first { $0.method == "occlusion" })
        #expect(occlusion.parameters["window"] == .int(3) && occlusion.parameters["stride"] == .int(2))
    }

    @Test("bad method flags are usage errors", arguments: [["--delta-tolerance", "0"], ["--stride", "0"], ["--window", "0"]])
    func badFlags(_ arguments: [String]) throws {
        let result = try CLI.run(["explain", "--model", bag] + arguments + ["the film"])
        #expect(result.status == 2, "\(result.transcript)")
    }
}
