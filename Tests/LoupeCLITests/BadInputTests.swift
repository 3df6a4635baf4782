import Foundation
import Loupe
import Testing

/// Every bad input exits with status 2, says what is wrong in one `loupe: error:` line on
/// standard error (naming the file, line or key), and leaves no output file behind.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct BadInputTests {
    let bag = CLI.fixture("bag-of-embeddings")

    /// Runs `arguments` (with `{OUT}` replaced by a fresh folder) and checks status 2, one error
    /// line containing each of `mentions`, and an empty output folder.
    func expectUsageError(_ arguments: [String], input: Data? = nil, mentions: [String],
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let args = arguments.map { $0.replacingOccurrences(of: "{OUT}", with: folder.path) }
        let result = try CLI.run(args, input: input, in: folder)
        #expect(result.status == 2, "\(args): \(result.transcript)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("loupe: error: "), "\(result.stderr)", sourceLocation: sourceLocation)
        for needle in mentions {
            #expect(result.stderr.contains(needle), "'\(needle)' not in \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(contents(of: folder).isEmpty, "files left: \(contents(of: folder))", sourceLocation: sourceLocation)
    }

    @Test func emptyText() throws {
        try expectUsageError(["explain", "--model", bag, "--json", "{OUT}/x.json", ""], mentions: ["empty text"])
        try expectUsageError(["explain", "--model", bag, "--png", "{OUT}/x.png", "  \t "], mentions: ["empty text"])
        try expectUsageError(["explain", "--model", bag, "--json", "{OUT}/x.json"], input: Data(),
                             mentions: ["no text"])
    }

    @Test func missingOrCorruptModelFolder() throws {
        try expectUsageError(["explain", "--model", "/nonexistent/model", "--json", "{OUT}/x.json", "good"],
                             mentions: ["/nonexistent/model", "does not exist"])
        let broken = try temporaryFolder()
        defer { cleanUp(broken) }
        try Data("{\"architecture\": \"bag-of-embeddings\",\n \"embed_dim\": }\n".utf8)
            .write(to: broken.appendingPathComponent("config.json"))
        try Data(contentsOf: URL(fileURLWithPath: bag).appendingPathComponent("model.safetensors"))
            .write(to: broken.appendingPathComponent("model.safetensors"))
        try expectUsageError(["explain", "--model", broken.path, "--png", "{OUT}/x.png", "good"],
                             mentions: ["config.json:2", "invalid JSON"])
        // Truncated weights.
        let truncated = try temporaryFolder()
        defer { cleanUp(truncated) }
        for name in ["config.json", "vocab.txt"] {
            try FileManager.default.copyItem(at: URL(fileURLWithPath: bag).appendingPathComponent(name),
                                             to: truncated.appendingPathComponent(name))
        }
        let weights = try Data(contentsOf: URL(fileURLWithPath: bag).appendingPathComponent("model.safetensors"))
        try weights.prefix(weights.count / 2).write(to: truncated.appendingPathComponent("model.safetensors"))
        try expectUsageError(["explain", "--model", truncated.path, "good"], mentions: ["model.safetensors"])
        // A VAE is not a classifier.
        try expectUsageError(["explain", "--model", CLI.fixture("text-vae"), "good"], mentions: ["not a text classifier"])
    }

    @Test func unknownMethodOrLabel() throws {
        try expectUsageError(["explain", "--model", bag, "--methods", "ig,magic", "--json", "{OUT}/x.json", "good"],
                             mentions: ["magic", "integrated-gradients"])
        try expectUsageError(["explain", "--model", bag, "--target", "neutral", "--json", "{OUT}/x.json", "good"],
                             mentions: ["neutral", "negative, positive"])
        try expectUsageError(["explain", "--model", bag, "--target", "7", "good"], mentions: ["7"])
        try expectUsageError(["explain", "--model", bag, "--methods", "attention-rollout", "good"], mentions: ["transformer"])
        try expectUsageError(["explain", "--model", bag, "--rule", "simpson", "good"], mentions: ["simpson"])
    }

    @Test(arguments: ["0", "-3"]) func nonPositiveSteps(_ steps: String) throws {
        try expectUsageError(["explain", "--model", bag, "--steps", steps, "--json", "{OUT}/x.json", "good"],
                             mentions: ["--steps", steps])
        try expectUsageError(["kl", "--model", CLI.fixture("text-vae"), "--steps", steps, "good"], mentions: ["--steps"])
    }

    @Test func unwritableOrDirectoryOutputPath() throws {
        try expectUsageError(["explain", "--model", bag, "--json", "/nonexistent-folder/x.json", "good"],
                             mentions: ["--json", "/nonexistent-folder"])
        try expectUsageError(["explain", "--model", bag, "--png", "/proc/loupe.png", "good"], mentions: ["--png", "/proc"])
        try expectUsageError(["explain", "--model", bag, "--json", "{OUT}/x.json", "--png", "{OUT}", "good"],
                             mentions: ["is a folder"])
        try expectUsageError(["explain", "--model", bag, "--html", "{OUT}/", "good"], mentions: ["is a folder"])
        try expectUsageError(["traverse", "--model", CLI.fixture("image-vae"), "--png", "{OUT}", "--json", "{OUT}/t.json"],
                             mentions: ["is a folder"])
    }


    @Test func badOptionsOfOtherCommands() throws {
        try expectUsageError(["frobnicate"], mentions: ["frobnicate"])
        try expectUsageError(["traverse", "--model", CLI.fixture("image-vae"), "--values", "3,1", "--png", "{OUT}/t.png"],
                             mentions: ["--values"])
        try expectUsageError(["traverse", "--model", CLI.fixture("image-vae"), "--dims", "9", "--png", "{OUT}/t.png"],
                             mentions: ["dimension 9"])
        try expectUsageError(["traverse", "--model", CLI.fixture("image-vae"), "--example", "hi", "--png", "{OUT}/t.png"],
                             mentions: ["text VAE"])
        try expectUsageError(["kl", "--model", bag, "good"], mentions: ["not a VAE"])
        try expectUsageError(["train", "--arch", "lstm", "--data", "x.tsv", "--out", "{OUT}/run"], mentions: ["lstm"])
        try expectUsageError(["train", "--arch", "bag", "--data", "{OUT}/missing.tsv", "--out", "{OUT}/run"],
                             mentions: ["missing.tsv", "no such file"])
        try expectUsageError(["evaluate", "--model", bag, "--data", "/nonexistent.csv"], mentions: ["/nonexistent.csv"])
        try expectUsageError(["evaluate", "--data", "default-corpus:dev"], mentions: ["default-corpus:dev", "held-out"])
        try expectUsageError(["inspect", "--model", "/nonexistent"], mentions: ["/nonexistent"])
    }

    @Test func malformedDataNamesTheLine() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let data = folder.appendingPathComponent("train.tsv")
        try Data("sentence\tlabel\ngood film\t1\nbad film\n".utf8).write(to: data)
        let result = try CLI.run(["train", "--arch", "bag", "--data", data.path, "--out", folder.appendingPathComponent("run").path])
        #expect(result.status == 2, "\(result.transcript)")
        #expect(result.stderr.hasPrefix("loupe: error: train.tsv:3"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
    }
}
