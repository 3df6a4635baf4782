import Foundation
import Loupe
import Testing

/// `loupe patch` on the tiny LLaMA chat fixture: the JSON it writes reads back and carries every
/// key its schema requires, the picture decodes, the terminal table shows readable tokens, JSON
/// Lines mode answers every line (errors included), and bad input is one line with exit status 2.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct PatchCommandTests {
    static let llama = CLI.packageRoot.appendingPathComponent("Tests/LoupeCLITests/Fixtures/pretrained/tiny-llama-chat").path
    static let schemaURL = CLI.packageRoot.appendingPathComponent("docs/schemas/loupe.patching.v1.json")
    static let pair = ["--clean", "this is a good", "--corrupt", "this is a film", "--target", " movie", "--foil", " story"]

    /// The `required` keys of the schema's top level and of the named `properties` / `$defs`.
    static func requiredKeys(_ path: [String]) throws -> [String] {
        var node = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        for key in path { node = try #require(node[key] as? [String: Any], "schema has no \(path)") }
        return node["required"] as? [String] ?? []
    }

    static func expectRequiredKeys(_ object: [String: Any], _ path: [String]) throws {
        for key in try requiredKeys(path) { #expect(object[key] != nil, "missing required key '\(key)' at \(path)") }
    }

    @Test func jsonReadsBackAndHasTheSchemasKeys() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("patch.json")
        let result = try CLI.run(["patch", "--model", Self.llama] + Self.pair
                                 + ["--sites", "resid,attn,mlp,heads", "--window", "3", "--json", json.path])
        #expect(result.status == 0, "\(result.transcript)")
        let data = try Data(contentsOf: json)
        let document = try PatchingDocument.decode(data)
        #expect(document.schema == "loupe.patching.v1")
        #expect(document.clean.tokens.count == 5 && document.corrupt?.tokens.count == 5 && document.noise == nil)
        #expect(document.target.text == " movie" && document.foil?.text == " story" && document.metric == "logit-difference")
        #expect(document.grids.map(\.site) == ["resid", "attn", "mlp"])
        #expect(document.grids.map(\.window) == [1, 3, 3])
        for grid in document.grids {
            #expect(grid.layers == 2 && grid.positions == 5 && grid.recoveries.count == 2 && grid.recoveries[0].count == 5)
            for (m, r) in zip(grid.metrics.flatMap { $0 }, grid.recoveries.flatMap { $0 }) {
                let expected = (m - document.corruptMetric) / (document.cleanMetric - document.corruptMetric)
                #expect(r.isFinite && Swift.abs(r - expected) < 1e-9)
            }
        }
        // resid at layer 0 of the positions the prompts share recovers nothing; of the changed one, everything.
        let resid = try #require(document.grid("resid"))
        #expect(Swift.abs(resid.recoveries[0][4] - 1) < 1e-4)
        for p in [0, 1, 2, 3] { #expect(Swift.abs(resid.recoveries[0][p]) < 1e-4) }
        let heads = try #require(document.heads)
        #expect(heads.mode == "all-positions" && heads.heads == 4 && heads.metrics[0].count == 4)
        #expect(Set(document.timings.keys) == ["clean_and_corrupt", "resid", "attn", "mlp", "heads"])
        // A round trip is lossless, and the schema's required keys are present at every level.
        #expect(try PatchingDocument.decode(try document.prettyJSON()) == document)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        try Self.expectRequiredKeys(object, [])
        try Self.expectRequiredKeys(try #require(object["model"] as? [String: Any]), ["properties", "model"])
        try Self.expectRequiredKeys(try #require(object["clean"] as? [String: Any]), ["$defs", "prompt"])
        try Self.expectRequiredKeys(try #require(object["heads"] as? [String: Any]), ["properties", "heads"])
        for grid in try #require(object["grids"] as? [[String: Any]]) {
            try Self.expectRequiredKeys(grid, ["properties", "grids", "items"])
        }
    }

    @Test func noiseTextCorruptsTheTokensOfThatText() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("noise.json")
        let result = try CLI.run(["patch", "--model", Self.llama, "--chat", "--clean", "this is a good",
                                  "--noise-text", "a good", "--noise-samples", "3", "--target", " movie",
                                  "--sites", "resid", "--json", json.path])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try PatchingDocument.decode(try Data(contentsOf: json))
        let noise = try #require(document.noise)
        #expect(document.corrupt == nil && document.chat && document.metric == "logit" && document.foil == nil)
        #expect(noise.samples == 3 && noise.seed == 0 && noise.standardDeviation > 0)
        let texts = noise.positions.map { document.clean.tokens[$0].text }
        #expect(texts.joined().contains("a") && texts.joined().contains("good"), "\(texts)")
        #expect(document.clean.tokens.first?.text == "<|im_start|>")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        try Self.expectRequiredKeys(try #require(object["noise"] as? [String: Any]), ["properties", "noise"])
    }

    @Test func pictureAndPageAreWritten() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let png = folder.appendingPathComponent("patch.png"), html = folder.appendingPathComponent("patch.html")
        let result = try CLI.run(["patch", "--model", Self.llama, "--chat"] + Self.pair.dropFirst(0).map { $0 }
                                 + ["--png", png.path, "--html", html.path])
        #expect(result.status == 0, "\(result.transcript)")
        let decoded = try Canvas.readPNG(from: png)
        #expect(decoded.canvas.width > 300 && decoded.canvas.height > 200)
        #expect(decoded.textValue(forKey: "Title")?.contains("tiny-llama-chat") == true)
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("data:image/png;base64,") && page.contains("hook_resid_pre") && page.contains("logit-difference"))
        #expect(result.stdout.isEmpty, "with outputs, no table: \(result.stdout)")
    }

    @Test func withoutOutputsATableOfReadableTokensIsPrinted() throws {
        let result = try CLI.run(["patch", "--model", Self.llama] + Self.pair)
        #expect(result.status == 0, "\(result.transcript)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 + 5, "\(result.stdout)")
        #expect(lines[0].contains("logit-difference") && lines[0].contains("\" movie\""))
        #expect(lines[2].contains("L0") && lines[2].contains("L1"))
        #expect(lines[7].contains("good") && lines[7].contains("1.00"))
        #expect(!result.stdout.contains("Ġ") && !result.stdout.contains("\u{1B}["), "plain, readable: \(result.stdout)")
    }

    @Test func chineseByteTokensAreLabelledByTheirCharacter() throws {
        let result = try CLI.run(["patch", "--model", Self.llama, "--clean", "好的 movie", "--noise-positions", "0",
                                  "--noise-samples", "2", "--target", " movie", "--sites", "resid"])
        #expect(result.status == 0, "\(result.transcript)")
        let rows = result.stdout.split(separator: "\n").dropFirst(3).map(String.init)
        #expect(rows.count == 7, "\(result.stdout)")
        #expect(rows[0].contains("好…") && rows[2].contains("好") && rows[5].contains("的") && rows[6].contains("movie"))
        #expect(!result.stdout.contains("\u{FFFD}") && !result.stdout.contains("Ġ"))
    }

    @Test func jsonLinesAnswerEveryLine() throws {
        let input = """
        {"clean": "this is a good", "corrupt": "this is a film"}
        {"clean": "this is a good", "corrupt": "a film"}
        not json
        {"clean": "this is a good", "corrupt": "this is a like", "target": " with", "foil": " that"}

        """
        let result = try CLI.run(["patch", "--model", Self.llama, "--clean", "-", "--target", " movie", "--foil", " story",
                                  "--sites", "resid"], input: Data(input.utf8))
        #expect(result.status == 1, "\(result.transcript)")
        let lines = result.stdout.split(separator: "\n").map { Data($0.utf8) }
        try #require(lines.count == 4, "\(result.transcript)")
        let first = try PatchingDocument.decode(lines[0])
        #expect(first.target.text == " movie" && first.grids.count == 1)
        #expect(!String(decoding: lines[0], as: UTF8.self).contains("\n  "), "compact")
        for (index, number) in [(1, 2), (2, 3)] {
            let record = try #require(try JSONSerialization.jsonObject(with: lines[index]) as? [String: Any])
            #expect(record["line"] as? Int == number)
            #expect((record["error"] as? String)?.isEmpty == false)
        }
        let error = try #require(try JSONSerialization.jsonObject(with: lines[1]) as? [String: Any])
        #expect((error["error"] as? String)?.contains("equal lengths") == true)
        let last = try PatchingDocument.decode(lines[3])
        #expect(last.target.text == " with" && last.foil?.text == " that")
    }

    @Test("bad input is one line and exit status 2", arguments: [
        (["--clean", "this is a good", "--corrupt", "a film", "--target", " movie"], "5 tokens"),
        (["--clean", "this is a good", "--corrupt", "this is a good", "--target", " movie"], "identical"),
        (["--clean", "this is a good", "--target", " movie"], "--corrupt"),
        (["--clean", "this is a good", "--corrupt", "this is a film"], "--target"),
        (["--clean", "this is a good", "--corrupt", "this is a film", "--target", " movie", "--metric", "logit-difference"], "foil"),
        (["--clean", "this is a good", "--corrupt", "this is a film", "--target", " movie", "--sites", "resid,ffn"], "ffn"),
        (["--clean", "this is a good", "--noise-text", "bad", "--target", " movie"], "does not occur"),
        (["--clean", "this is a good", "--noise-positions", "9", "--target", " movie"], "position 9"),
        (["--clean", "this is a good", "--corrupt", "this is a film", "--target", " movie", "--window", "0"], "--window"),
    ])
    func badInput(_ arguments: [String], _ fragment: String) throws {
        let result = try CLI.run(["patch", "--model", Self.llama] + arguments)
        #expect(result.status == 2, "\(result.transcript)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && result.stderr.contains(fragment), "\(result.transcript)")
    }
}
