import Foundation
import Loupe
import Testing

/// `loupe lens` on the tiny LLaMA chat fixture (Hugging Face folder and GGUF): the table, the
/// `loupe.lens.v1` document (read back, the schema's required keys present, the last layer equal
/// to transformers' next-token top 5), the pictures, bad input, and the stdin JSONL batch mode.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct LensCommandTests {
    static let llama = PretrainedCLITests.llama
    static let gguf = PretrainedCLITests.gguf
    static let schemaURL = CLI.packageRoot.appendingPathComponent("docs/schemas/loupe.lens.v1.json")

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-lens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The paths of required keys the schema asks for that `value` lacks (following `$ref`s, arrays and objects).
    static func missingRequiredKeys(_ value: Any, schema: [String: Any], root: [String: Any], path: String = "$") -> [String] {
        var schema = schema
        if let ref = schema["$ref"] as? String, ref.hasPrefix("#/$defs/"),
           let defs = root["$defs"] as? [String: Any], let target = defs[String(ref.dropFirst(8))] as? [String: Any] {
            schema = target
        }
        var missing: [String] = []
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { missing.append("\(path).\(key)") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, child) in object {
                if let sub = properties[key] as? [String: Any] {
                    missing += missingRequiredKeys(child, schema: sub, root: root, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    missing.append("\(path).\(key) (not in the schema)")
                }
            }
        } else if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, element) in array.enumerated() {
                missing += missingRequiredKeys(element, schema: items, root: root, path: "\(path)[\(i)]")
            }
        }
        return missing
    }

    static func checkSchema(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        let value = try JSONSerialization.jsonObject(with: data)
        let missing = missingRequiredKeys(value, schema: root, root: root)
        #expect(missing.isEmpty, "\(missing.prefix(10))", sourceLocation: sourceLocation)
    }

    @Test func tablePrintsEveryLayer() throws {
        let result = try CLI.run(["lens", "--model", Self.llama, "--no-color", "--chat", "--target-text", "positive",
                                  "it 's a charming Answer positive or negative."])
        #expect(result.status == 0, "\(result.transcript)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("layer") == true)
        #expect(lines.contains { $0.hasPrefix("emb") })
        #expect(lines.contains { $0.hasPrefix("2 ") }, "the last block of the 2-block model")
        #expect(result.stdout.contains("direct logit attribution"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour with --no-color")
        for piece in ["Ġ", "Ċ", "▁"] { #expect(!result.stdout.contains(piece), "\(piece) in \(result.stdout)") }
    }

    /// The last lens layer at the last position is the model's next-token distribution: its top 5
    /// are transformers' top 5 of the first generated token (tiny-llama-chat.expected.json).
    @Test(arguments: [0, 1, 2]) func jsonRoundTripsAndMatchesTransformers(_ index: Int) throws {
        let expected = try PretrainedCLITests.llamaCase(index)
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (model, run) in [(Self.llama, expected.hf.chat), (Self.gguf, expected.gguf.chat)] {
            let json = folder.appendingPathComponent("lens.json")
            let result = try CLI.run(["lens", "--model", model, "--chat", "--top-k", "5", "--target-text", "positive",
                                      "--foil-text", "negative", "--attention", "1", "--json", json.path, expected.prompt])
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stdout.isEmpty, "no table when a file is written")
            let data = try Data(contentsOf: json)
            try Self.checkSchema(data)
            let document = try JSONDecoder().decode(LensDocument.self, from: data)
            #expect(document.schema == "loupe.lens.v1")
            #expect(document.prompt.tokens.map(\.id) == expected.chat_ids)
            #expect(document.layers.map(\.layer) == Array(0...document.blockCount))
            let last = try #require(document.cell(layer: document.blockCount, position: expected.chat_ids.count - 1))
            #expect(last.top.map(\.id) == run.steps[0].top5_ids, "\(model)")
            for (a, b) in zip(last.top, run.steps[0].top5_logits) { #expect(abs(a.logit - b) < 2e-3 * max(1, abs(b))) }
            let dla = try #require(document.directLogitAttribution)
            let sum = dla.components.reduce(0) { $0 + $1.contribution }
            #expect(abs(sum + dla.remainder - dla.logit) < 1e-9)
            #expect(abs(dla.remainder) < 1e-3, "RMSNorm leaves nothing out")
            let target = try #require(last.target), foil = try #require(last.foil)
            #expect(abs((target.logit - foil.logit) - dla.logit) < 1e-4)
            #expect(document.attention?.first?.heads.count == 4)
            // Written and read back: the same document.
            let again = try JSONDecoder().decode(LensDocument.self, from: try document.prettyJSON())
            #expect(again == document)
        }
    }

    @Test func picturesAndReport() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("lens.png"), heads = folder.appendingPathComponent("heads.png")
        let html = folder.appendingPathComponent("lens.html")
        let result = try CLI.run(["lens", "--model", Self.gguf, "--target-text", "positive", "--png", png.path,
                                  "--attention", "0", "--attention-png", heads.path, "--html", html.path,
                                  "this film was good"])
        #expect(result.status == 0, "\(result.transcript)")
        for url in [png, heads] {
            let decoded = try PNGDecoder.decode([UInt8](try Data(contentsOf: url)))
            #expect(decoded.canvas.width > 200 && decoded.canvas.width < 4000 && decoded.canvas.height > 100)
        }
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("data:image/png;base64,"))
        #expect(page.contains("Direct logit attribution"))
    }

    @Test(arguments: [
        (["lens", "--model", "/nonexistent/model", "hi"], ["/nonexistent/model"]),
        (["lens", "--model", PretrainedCLITests.llama, "--top-k", "0", "hi"], ["--top-k"]),
        (["lens", "--model", PretrainedCLITests.llama, "--layers", "9", "hi"], ["--layers", "9"]),
        (["lens", "--model", PretrainedCLITests.llama, "--layers", "3-1", "hi"], ["--layers"]),
        (["lens", "--model", PretrainedCLITests.llama, "--foil-text", "no", "hi"], ["--foil-text"]),
        (["lens", "--model", PretrainedCLITests.llama, "--attention", "7", "hi"], ["--attention", "7"]),
        (["lens", "--model", PretrainedCLITests.llama, "--attention-png", "/tmp/x.png", "hi"], ["--attention-png"]),
        (["lens", "--model", PretrainedCLITests.llama, "--json", "/nonexistent-folder/x.json", "hi"], ["--json"]),
        (["lens", "--model", PretrainedCLITests.llama, "--target-text", "", "hi"], ["--target-text"]),
        (["lens", "--model", PretrainedCLITests.llama], ["empty prompt"]),
        (["lens", "--model", PretrainedCLITests.bert, "hi"], ["not a causal language model"]),
    ])
    func badInputIsOneLineAndStatus2(_ arguments: [String], _ mentions: [String]) throws {
        PretrainedCLITests.expectUsageError(try CLI.run(arguments), mentions: mentions)
    }

    @Test func stdinBatchKeepsGoingPastABadLine() throws {
        let input = """
        {"prompt": "this film was good", "target": "positive"}
        not json
        {"prompt": "a dull film", "target": "negative", "foil": "positive"}
        {"prompt": 3}
        {"prompt": "fine", "extra": 1}

        """
        let result = try CLI.run(["lens", "--model", Self.llama, "-"], input: Data(input.utf8))
        #expect(result.status == 1, "\(result.transcript)")
        let lines = result.stdout.split(separator: "\n").map { Data($0.utf8) }
        #expect(lines.count == 5)
        let good = try [0, 2].map { try JSONDecoder().decode(LensDocument.self, from: lines[$0]) }
        #expect(good[0].prompt.text == "this film was good" && good[0].target?.source == "positive")
        #expect(good[1].foil?.source == "positive" && good[1].directLogitAttribution != nil)
        for i in [0, 2] { try Self.checkSchema(lines[i]) }
        for (i, mention) in [(1, "not a JSON object"), (3, "prompt"), (4, "extra")] {
            let object = try #require(try JSONSerialization.jsonObject(with: lines[i]) as? [String: Any])
            #expect(object["line"] as? Int == i + 1)
            #expect((object["error"] as? String)?.contains(mention) == true, "\(object)")
        }
        #expect(result.stderr.contains("3 of 5"), "\(result.stderr)")
    }
}
