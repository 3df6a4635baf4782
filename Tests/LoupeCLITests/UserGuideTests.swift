import Foundation
import Loupe
import Testing

/// Runs every command of docs/user-guide.md: each line of a ```sh block (backslash continuations
/// joined) starts with `loupe ` and is run by `/bin/sh` from a scratch folder, with the names the
/// guide documents set ($MODEL, $TRANSFORMER, $TEXT_VAE, $IMAGE_VAE, $BERT, $LLM, $LLM_FOLDER; train.tsv, dev.tsv,
/// sentences.txt, reviews.txt, labelled.txt, prompts.jsonl, patches.txt) and a default-model cache seeded with the reference checkpoints. The expected
/// exit status is 0 or the `# exit N` at the end of the line.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct UserGuideTests {
    struct Command: CustomStringConvertible {
        var line: String
        var expectedStatus: Int32
        var description: String { line }
    }

    static let guide = CLI.packageRoot.appendingPathComponent("docs/user-guide.md")
    /// Tiny Hugging Face and GGUF checkpoints (`benchmarks/fixtures/make_cli_fixtures.py`).
    static let pretrained = CLI.packageRoot.appendingPathComponent("Tests/LoupeCLITests/Fixtures/pretrained")

    /// The commands of every ```sh block, in order.
    static func commands(in markdown: String) -> [Command] {
        var commands: [Command] = []
        var inBlock = false
        var pending = ""
        for raw in markdown.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inBlock = line == "```sh"
                continue
            }
            guard inBlock, !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasSuffix("\\") {
                pending += String(line.dropLast()) + " "
                continue
            }
            let full = pending + line
            pending = ""
            var status: Int32 = 0
            var command = full
            if let range = full.range(of: #"#\s*exit\s+(\d+)\s*$"#, options: .regularExpression) {
                status = Int32(full[range].filter(\.isNumber)) ?? 0
                command = String(full[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            commands.append(Command(line: command, expectedStatus: status))
        }
        return commands
    }

    @Test func everyShellBlockLineIsALoupeCommand() throws {
        let commands = Self.commands(in: try String(contentsOf: Self.guide, encoding: .utf8))
        #expect(commands.count >= 30)
        for command in commands { #expect(command.line.hasPrefix("loupe "), "not a loupe command: \(command)") }
        let tour = try String(contentsOf: Self.guide, encoding: .utf8).contains("## A 30-second tour")
        #expect(tour)
    }

    @Test func everyCommandOfTheGuideRuns() throws {
        let binary = try #require(CLI.loupe)
        let work = try temporaryFolder()
        defer { cleanUp(work) }
        let cache = work.appendingPathComponent("cache")
        try Self.seedDefaultModels(in: cache.appendingPathComponent("loupe"))
        let scratch = work.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try Self.writeDataFiles(in: scratch)

        let environment = [
            "PATH": binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "MODEL": CLI.fixture("bag-of-embeddings"), "TRANSFORMER": CLI.fixture("transformer-classifier"),
            "TEXT_VAE": CLI.fixture("text-vae"), "IMAGE_VAE": CLI.fixture("image-vae"),
            "BERT": Self.pretrained.appendingPathComponent("tiny-bert-sentiment").path,
            "LLM": Self.pretrained.appendingPathComponent("tiny-llama-chat.gguf").path,
            "LLM_FOLDER": Self.pretrained.appendingPathComponent("tiny-llama-chat").path,
            "XDG_CACHE_HOME": cache.path,
        ]
        let commands = Self.commands(in: try String(contentsOf: Self.guide, encoding: .utf8))
        let shell = URL(fileURLWithPath: "/bin/sh")
        for command in commands {
            let result = try CLI.run(["-c", command.line], environment: environment, in: scratch, executable: shell)
            #expect(result.status == command.expectedStatus, "\(command.line)\n\(result.transcript)")
            if command.expectedStatus == 2 {
                #expect(result.stderr.hasPrefix("loupe: error: "), "\(command.line)\n\(result.stderr)")
            }
        }
        // The tour's outputs exist.
        for name in ["loupe-demo/report.html", "loupe-demo/explain-zh.png", "why.png", "why.html", "attributions.jsonl",
                     "runs/bag/best/model.safetensors", "traversal.png", "kl.json"] {
            #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent(name).path), "missing \(name)")
        }
    }

    /// Copies the reference checkpoints into `folder` as the cached default models.
    static func seedDefaultModels(in folder: URL) throws {
        let pairs: [(DefaultModels.Kind, String)] = [(.classifier, "bag-of-embeddings"), (.textVAE, "text-vae"),
                                                     (.imageVAE, "image-vae")]
        for (kind, fixture) in pairs {
            let loaded = try ModelFactory.load(from: URL(fileURLWithPath: CLI.fixture(fixture)))
            try Checkpoint.save(loaded.model.module, config: loaded.config, vocabulary: loaded.vocabulary,
                                to: folder.appendingPathComponent(kind.rawValue), metadata: DefaultModels.cacheMetadata(for: kind))
        }
    }

    /// `train.tsv`, `dev.tsv` and `sentences.txt` as the guide describes them.
    static func writeDataFiles(in folder: URL) throws {
        let positive = ["good", "great", "brilliant", "wonderful", "好"], negative = ["bad", "boring", "awful", "terrible", "糟"]
        let openings = ["the film was", "the acting was", "the plot was", "this movie is", "电影"]
        func rows(_ count: Int, offset: Int) -> String {
            "sentence\tlabel\n" + (0..<count).map { i -> String in
                let j = i + offset
                let (cue, label) = j % 2 == 0 ? (positive[(j / 2) % 5], "positive") : (negative[(j / 2) % 5], "negative")
                return "\(openings[j % 5]) \(cue)\t\(label)\n"
            }.joined()
        }
        try Data(rows(60, offset: 0).utf8).write(to: folder.appendingPathComponent("train.tsv"))
        try Data(rows(12, offset: 3).utf8).write(to: folder.appendingPathComponent("dev.tsv"))
        let sentences = ["the film was good", "the acting was brilliant", "the plot was boring", "我 很 喜 欢"]
        try Data((sentences.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("sentences.txt"))
        // The streaming example: a blank line and a line that is not UTF-8 among good ones.
        var reviews = Data("the film was good\n\nthe plot was boring\n".utf8)
        reviews.append(contentsOf: [0x62, 0x61, 0x64, 0xFF, 0x0A])
        reviews.append(Data("我 很 喜 欢\n".utf8))
        try reviews.write(to: folder.appendingPathComponent("reviews.txt"))
        // Labelled lines for `evaluate -`: JSON and TEXT<TAB>LABEL, one without a label, one with an unknown label.
        let labelled = rows(12, offset: 5).split(separator: "\n").dropFirst().map(String.init)
            + [#"{"text": "the acting was great", "label": "positive"}"#, "no label here", "the plot was bad\tneutral"]
        try Data((labelled.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("labelled.txt"))
        // JSON Lines requests for `lens -` and `patch --clean -`, each with one bad line.
        try Data(#"{"prompt": "the film is"}\n{"prompt": ""}\n{"prompt": "this is a", "target": " good"}\n"#.utf8)
            .write(to: folder.appendingPathComponent("prompts.jsonl"))
        try Data(#"{"clean": "this is a good", "corrupt": "this is a film"}\nnot json\n{"clean": "this is a good", "corrupt": "this is a like"}\n"#.utf8)
            .write(to: folder.appendingPathComponent("patches.txt"))
    }
}
