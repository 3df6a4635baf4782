import Foundation
import Loupe
import Testing

/// `loupe tokenize`, `explain`, `generate` and `inspect` on tiny pretrained checkpoints (a BERT
/// sentiment classifier, a LLaMA chat model as a Hugging Face folder and as GGUF) give what
/// transformers and Captum give, and bad checkpoints are usage errors naming the file.
///
/// The fixtures and the expected numbers are made by `benchmarks/fixtures/make_cli_fixtures.py`.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct PretrainedCLITests {
    static let folder = CLI.packageRoot.appendingPathComponent("Tests/LoupeCLITests/Fixtures/pretrained")
    static let bert = folder.appendingPathComponent("tiny-bert-sentiment").path
    static let llama = folder.appendingPathComponent("tiny-llama-chat").path
    static let gguf = folder.appendingPathComponent("tiny-llama-chat.gguf").path

    // MARK: expected values

    struct BertExpected: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [Int]
            var tokens: [String]
            var offsets: [[Int]]
            var logits: [Double]
            var predicted: Int
            var label: String
            var integrated_gradients: [Double]
        }
        var labels: [String]
        var cases: [Case]
    }

    struct LlamaExpected: Decodable {
        struct Step: Decodable {
            var id: Int
            var top5_ids: [Int]
            var top5_logits: [Double]
        }
        struct Run: Decodable {
            var ids: [Int]
            var steps: [Step]
        }
        struct Runs: Decodable {
            var raw: Run
            var chat: Run
            var system_chat: Run?
        }
        struct Case: Decodable {
            var prompt: String
            var raw_ids: [Int]
            var chat_ids: [Int]
            var system: String?
            var system_chat_ids: [Int]?
            var hf: Runs
            var gguf: Runs
        }
        var eos_token_id: Int
        var cases: [Case]
    }

    static let bertExpected: BertExpected? = load("tiny-bert-sentiment.expected.json")
    static let llamaExpected: LlamaExpected? = load("tiny-llama-chat.expected.json")

    static func load<T: Decodable>(_ name: String) -> T? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }

    static func bertCase(_ index: Int) throws -> BertExpected.Case {
        let expected = try #require(bertExpected, "tiny-bert-sentiment.expected.json is missing or unreadable")
        return try #require(expected.cases.indices.contains(index) ? expected.cases[index] : nil)
    }

    static func llamaCase(_ index: Int) throws -> LlamaExpected.Case {
        let expected = try #require(llamaExpected, "tiny-llama-chat.expected.json is missing or unreadable")
        return try #require(expected.cases.indices.contains(index) ? expected.cases[index] : nil)
    }

    /// A JSON file written by the CLI, as a dictionary.
    static func readJSON(_ url: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url))
        return try #require(object as? [String: Any], "\(url.path) is not a JSON object")
    }

    /// Status 2 and exactly one `loupe: error:` line on standard error that contains every one of `mentions`.
    static func expectUsageError(_ result: CLIResult, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "\(result.transcript)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("loupe: error: ") == true, "\(result.stderr)",
                sourceLocation: sourceLocation)
        for needle in mentions {
            #expect(result.stderr.contains(needle), "'\(needle)' not in \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    // MARK: tokenize

    /// The ids column of `loupe tokenize`'s table.
    static func tableIDs(_ stdout: String) -> [Int] {
        stdout.split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).first.flatMap { Int($0) }
        }
    }

    @Test("tokenize prints the ids transformers gives", arguments: 0..<5)
    func tokenizeBert(_ index: Int) throws {
        let expected = try Self.bertCase(index)
        let result = try CLI.run(["tokenize", "--model", Self.bert, expected.text])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(Self.tableIDs(result.stdout) == expected.ids, "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").filter { $0.hasSuffix("special") }.count == 2, "\(result.stdout)")
    }

    @Test(arguments: 0..<3) func tokenizeLlamaFolderAndGGUF(_ index: Int) throws {
        let expected = try Self.llamaCase(index)
        for model in [Self.llama, Self.gguf] {
            let result = try CLI.run(["tokenize", "--model", model, expected.prompt])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(Self.tableIDs(result.stdout) == expected.raw_ids, "\(model): \(result.stdout)")
        }
    }

    struct TokenLine: Decodable {
        var line: Int
        var ids: [Int]
        var tokens: [String]
        var offsets: [[Int]?]
        var special: [Bool]
    }

    @Test("tokenize reads lines from stdin; a line that is not UTF-8 gets an error record, status 1")
    func tokenizeStdin() throws {
        let cases = try (0..<5).map { try Self.bertCase($0) }
        var input = Data()
        // Lines 1-2, a bad line 3, then lines 4-6 (the last with a CRLF ending).
        for (i, c) in cases.enumerated() {
            if i == 2 { input.append(contentsOf: [0x62, 0xFF, 0xFE, 0x61, 0x0A]) }
            input.append(Data(c.text.utf8))
            input.append(contentsOf: i == 4 ? [0x0D, 0x0A] : [0x0A])
        }
        let result = try CLI.run(["tokenize", "--model", Self.bert], input: input)
        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.stderr.contains("loupe: warning: stdin line 3: not valid UTF-8"), "\(result.stderr)")
        #expect(result.stderr.contains("loupe: error: 1 of 6 stdin lines failed (first: line 3)"), "\(result.stderr)")
        var lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 6, "\(result.stdout)")
        #expect(lines.remove(at: 2) == #"{"error":"not valid UTF-8 text (first bad byte at offset 1)","line":3}"#)
        for (line, (number, c)) in zip(lines, zip([1, 2, 4, 5, 6], cases)) {
            let record = try JSONDecoder().decode(TokenLine.self, from: Data(line.utf8))
            #expect(record.line == number)
            #expect(record.ids == c.ids, "line \(number)")
            #expect(record.tokens == c.tokens, "line \(number)")
            #expect(record.special == c.ids.indices.map { $0 == 0 || $0 == c.ids.count - 1 })
            // transformers gives special tokens the offsets (0, 0); Loupe gives them none.
            let offsets = c.offsets.enumerated().map { i, o in i == 0 || i == c.offsets.count - 1 ? nil : o }
            #expect(record.offsets == offsets, "line \(number)")
        }
    }

    @Test func tokenizeWithoutSpecialTokens() throws {
        let expected = try Self.bertCase(1)
        let result = try CLI.run(["tokenize", "--model", Self.bert, "--no-special-tokens", expected.text])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(Self.tableIDs(result.stdout) == Array(expected.ids.dropFirst().dropLast()), "\(result.stdout)")
    }

    // MARK: explain

    @Test("explain --model <BERT folder> gives Captum's layer integrated gradients and transformers' logits",
          arguments: 0..<5)
    func explainBert(_ index: Int) throws {
        let expected = try Self.bertCase(index)
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("out.json"), png = folder.appendingPathComponent("out.png")
        var arguments = ["explain", "--model", Self.bert, "--methods", "integrated-gradients", "--steps", "50",
                         "--rule", "gauss-legendre", "--baseline", "pad", "--json", json.path]
        if index == 0 { arguments += ["--png", png.path] }
        let result = try CLI.run(arguments + [expected.text])
        try #require(result.status == 0, "\(result.transcript)")
        let document = try Self.readJSON(json)
        #expect(document["schema"] as? String == "loupe.attribution.v1")

        // Every model token, specials marked and without a span.
        let input = try #require(document["input"] as? [String: Any])
        let tokens = try #require(input["tokens"] as? [[String: Any]])
        #expect(tokens.compactMap { $0["id"] as? Int } == expected.ids)
        for (i, token) in tokens.enumerated() {
            let special = i == 0 || i == tokens.count - 1
            #expect((token["special"] as? Bool ?? false) == special, "token \(i): \(token)")
            if special {
                #expect(token["start"] == nil && token["end"] == nil, "token \(i): \(token)")
            } else {
                #expect([token["start"] as? Int, token["end"] as? Int] == expected.offsets[i].map { $0 }, "token \(i)")
            }
        }
        let words = try #require(input["words"] as? [[String: Any]])
        #expect(!words.isEmpty)
        let sentence = Array(expected.text.unicodeScalars)
        for word in words {
            let start = try #require(word["start"] as? Int), end = try #require(word["end"] as? Int)
            let text = String(String.UnicodeScalarView(sentence[start..<end]))
            #expect(word["text"] as? String == text)
        }

        // The prediction is transformers'.
        let prediction = try #require(document["prediction"] as? [String: Any])
        let logits = try #require(prediction["logits"] as? [Double])
        #expect(logits.count == expected.logits.count)
        for (a, b) in zip(logits, expected.logits) { #expect(abs(a - b) <= 1e-4, "logits \(logits) vs \(expected.logits)") }
        #expect(prediction["index"] as? Int == expected.predicted)
        #expect(prediction["label"] as? String == expected.label)

        // Integrated gradients are Captum's.
        let attributions = try #require(document["attributions"] as? [[String: Any]])
        try #require(attributions.count == 1)
        let ig = attributions[0]
        #expect(ig["method"] as? String == "integrated-gradients")
        #expect((ig["target"] as? [String: Any])?["index"] as? Int == expected.predicted)
        let scores = try #require(ig["scores"] as? [Double])
        try #require(scores.count == expected.integrated_gradients.count)
        for (i, (a, b)) in zip(scores, expected.integrated_gradients).enumerated() {
            #expect(abs(a - b) <= 1e-4, "token \(i) (\(expected.tokens[i])): \(a) vs Captum \(b)")
        }
        let wordScores = try #require(ig["word_scores"] as? [Double])
        #expect(wordScores.count == words.count)
        // A word's score is the sum of its tokens' scores.
        for (word, score) in zip(words, wordScores) {
            let members = try #require(word["tokens"] as? [Int])
            #expect(abs(members.map { scores[$0] }.reduce(0, +) - score) <= 1e-9)
        }

        if index == 0 {
            let data = try Data(contentsOf: png)
            #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            #expect(data.count > 1000)
        }
    }

    @Test func explainCausalLanguageModelIsAUsageError() throws {
        for model in [Self.llama, Self.gguf] {
            let result = try CLI.run(["explain", "--model", model, "good"])
            Self.expectUsageError(result, mentions: ["causal language model"])
        }
    }

    // MARK: generate

    enum Source: String, CaseIterable, CustomTestStringConvertible {
        case folder, gguf
        var path: String { self == .folder ? PretrainedCLITests.llama : PretrainedCLITests.gguf }
        var testDescription: String { rawValue }
    }

    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case raw, chat, systemChat
        var testDescription: String { rawValue }
    }

    @Test("generate gives transformers' greedy tokens and top-5 logits", arguments: Source.allCases, Mode.allCases)
    func generate(_ source: Source, _ mode: Mode) throws {
        for index in 0..<3 {
            let expected = try Self.llamaCase(index)
            let runs = source == .folder ? expected.hf : expected.gguf
            let run: LlamaExpected.Run, promptIDs: [Int]
            var options: [String] = []
            switch mode {
            case .raw:
                run = runs.raw; promptIDs = expected.raw_ids
            case .chat:
                run = runs.chat; promptIDs = expected.chat_ids; options = ["--chat"]
            case .systemChat:
                guard let system = expected.system, let ids = expected.system_chat_ids, let r = runs.system_chat else { continue }
                run = r; promptIDs = ids; options = ["--chat", "--system", system]
            }
            let folder = try temporaryFolder()
            defer { cleanUp(folder) }
            let json = folder.appendingPathComponent("out.json")
            let result = try CLI.run(["generate", "--model", source.path, "--max-new-tokens", "12", "--ignore-eos",
                                      "--json", json.path] + options + [expected.prompt])
            try #require(result.status == 0, "\(result.transcript)")
            let document = try JSONDecoder().decode(GenerationDocument.self, from: try Data(contentsOf: json))
            #expect(document.schema == "loupe.generation.v1")
            #expect(document.model.format == (source == .gguf ? "gguf" : "hugging-face"))
            #expect(document.prompt.text == expected.prompt)
            #expect(document.prompt.chat == (mode != .raw))
            #expect(document.prompt.tokens.map(\.id) == promptIDs, "prompt \(index)")
            #expect(document.generated.map(\.id) == run.ids, "prompt \(index): \(document.generated.map(\.id)) vs \(run.ids)")
            #expect(document.stopReason == "max-new-tokens")
            try #require(document.generated.count == run.steps.count)
            for (step, (token, want)) in zip(document.generated, run.steps).enumerated() {
                #expect(token.top.count == 5)
                #expect(token.top.first?.id == token.id)
                #expect(token.top.map(\.id) == want.top5_ids, "prompt \(index) step \(step)")
                for (got, value) in zip(token.top, want.top5_logits) {
                    #expect(abs(got.logit - value) <= 1e-3, "prompt \(index) step \(step): \(got.logit) vs \(value)")
                }
                let probabilities = token.top.map(\.probability)
                #expect(probabilities == probabilities.sorted(by: >) && probabilities.allSatisfy { $0 > 0 && $0 <= 1 })
            }
            // The text printed is the decoded generation (special tokens left out).
            #expect(result.stdout.hasPrefix(document.text), "\(result.stdout) vs \(document.text)")
        }
    }

    @Test func generateSystemWithoutChatIsAUsageError() throws {
        let result = try CLI.run(["generate", "--model", Self.llama, "--system", "Be brief.", "hello"])
        #expect(result.status == 2, "\(result.transcript)")
        #expect(result.stderr.contains("--system"), "\(result.stderr)")
    }

    @Test func generateWithAClassifierIsAUsageError() throws {
        let result = try CLI.run(["generate", "--model", Self.bert, "hello"])
        Self.expectUsageError(result, mentions: ["not a causal language model"])
    }

    // MARK: inspect

    /// The `key  value` lines of `loupe inspect`.
    static func inspectLines(_ stdout: String) -> [String: String] {
        var lines: [String: String] = [:]
        for line in stdout.split(separator: "\n") where !line.hasPrefix(" ") {
            guard let gap = line.range(of: "  ") else { continue }
            let key = line[..<gap.lowerBound].trimmingCharacters(in: .whitespaces)
            lines[key] = line[gap.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return lines
    }

    @Test func inspectFolderAndGGUF() throws {
        let folder = try CLI.run(["inspect", "--model", Self.llama])
        #expect(folder.status == 0, "\(folder.transcript)")
        let f = Self.inspectLines(folder.stdout)
        #expect(f["format"] == "Hugging Face", "\(folder.stdout)")
        #expect(f["architecture"] == "LlamaForCausalLM", "\(folder.stdout)")
        #expect(f["kind"] == "causal language model", "\(folder.stdout)")
        #expect(f["tokenizer"]?.hasPrefix("BPE") == true, "\(folder.stdout)")
        #expect(f["eos token"] == "<|im_end|>", "\(folder.stdout)")
        #expect(f["chat template"]?.contains("characters") == true, "\(folder.stdout)")

        let gguf = try CLI.run(["inspect", "--model", Self.gguf])
        #expect(gguf.status == 0, "\(gguf.transcript)")
        let g = Self.inspectLines(gguf.stdout)
        #expect(g["format"] == "GGUF", "\(gguf.stdout)")
        #expect(g["architecture"] == "llama", "\(gguf.stdout)")
        #expect(g["kind"] == "causal language model", "\(gguf.stdout)")
        #expect(g["tokenizer"]?.hasPrefix("BPE") == true, "\(gguf.stdout)")
        #expect(g["eos token"] == "<|im_end|>", "\(gguf.stdout)")
        #expect(g["stored as"]?.contains("Q8_0") == true && g["stored as"]?.contains("Q4_1") == true, "\(gguf.stdout)")
        #expect(g["chat template"] == f["chat template"], "\(gguf.stdout)")

        let bert = try CLI.run(["inspect", "--model", Self.bert])
        #expect(bert.status == 0, "\(bert.transcript)")
        let b = Self.inspectLines(bert.stdout)
        #expect(b["format"] == "Hugging Face", "\(bert.stdout)")
        #expect(b["architecture"] == "BertForSequenceClassification", "\(bert.stdout)")
        #expect(b["kind"] == "sequence classifier", "\(bert.stdout)")
        #expect(b["labels"] == "negative, positive", "\(bert.stdout)")
        #expect(b["tokenizer"]?.hasPrefix("WordPiece") == true, "\(bert.stdout)")
    }

    // MARK: bad checkpoints

    @Test("a truncated GGUF file is a usage error naming the file", arguments: [0.02, 0.3, 0.95])
    func truncatedGGUF(_ fraction: Double) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.gguf))
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let truncated = folder.appendingPathComponent("cut.gguf")
        try data.prefix(Int(Double(data.count) * fraction)).write(to: truncated)
        for command in [["generate", "--max-new-tokens", "2"], ["inspect"], ["tokenize"]] {
            var arguments = [command[0], "--model", truncated.path] + command.dropFirst()
            if command[0] != "inspect" { arguments.append("hello") }
            Self.expectUsageError(try CLI.run(arguments), mentions: ["cut.gguf"])
        }
    }

    /// A copy of the LLaMA folder whose config.json is changed by `edit`.
    static func editedLlamaCopy(in folder: URL, _ edit: (inout [String: Any]) -> Void) throws -> URL {
        let copy = folder.appendingPathComponent("model")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: llama), to: copy)
        let configURL = copy.appendingPathComponent("config.json")
        var config = try readJSON(configURL)
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        return copy
    }

    @Test("an unknown architecture in config.json is a usage error naming the folder and config.json",
          arguments: [("mamba", "MambaForCausalLM", "LlamaForCausalLM"), ("fancy-encoder", "FancyModel", "BertModel")])
    func unknownArchitectureNamesConfigJSON(_ modelType: String, _ architecture: String, _ listed: String) throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let copy = try Self.editedLlamaCopy(in: folder) { config in
            config["model_type"] = modelType
            config["architectures"] = [architecture]
        }
        for arguments in [["generate", "--model", copy.path, "hello"], ["inspect", "--model", copy.path],
                          ["explain", "--model", copy.path, "hello"]] {
            Self.expectUsageError(try CLI.run(arguments), mentions: [copy.path, "config.json", architecture, listed])
        }
    }

    @Test func architecturesWithoutModelTypeLoadsTheDecoder() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let copy = try Self.editedLlamaCopy(in: folder) { $0["model_type"] = nil }
        let expected = try Self.llamaCase(1)
        let json = folder.appendingPathComponent("out.json")
        let result = try CLI.run(["generate", "--model", copy.path, "--max-new-tokens", "12", "--ignore-eos",
                                  "--json", json.path, expected.prompt])
        try #require(result.status == 0, "\(result.transcript)")
        let document = try JSONDecoder().decode(GenerationDocument.self, from: try Data(contentsOf: json))
        #expect(document.generated.map(\.id) == expected.hf.raw.ids)
    }

    @Test func missingWeightsOrTokenizerNameTheFile() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let copy = folder.appendingPathComponent("model")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.bert), to: copy)
        let weights = copy.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: weights)
        try data.prefix(data.count / 2).write(to: weights)
        Self.expectUsageError(try CLI.run(["explain", "--model", copy.path, "good"]), mentions: ["model.safetensors"])
        try FileManager.default.removeItem(at: copy.appendingPathComponent("tokenizer.json"))
        Self.expectUsageError(try CLI.run(["tokenize", "--model", copy.path, "good"]), mentions: [copy.path])
    }
}
