import Foundation
import Loupe
import Testing

/// `loupe chat` on the tiny chat model, driven through stdin: replies come from the whole
/// dialogue rendered through the chat template (equal to `generate --chat` for the first turn),
/// `/why` explains the last reply, `/lens` prints the lens table, `/save` writes the dialogue,
/// and a bad command costs only its own line.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct ChatCommandTests {
    static let gguf = PretrainedCLITests.gguf

    @Test func dialogueWhyLensAndSave() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-chat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let saved = folder.appendingPathComponent("chat.json")
        let input = ["我今天过得很好。", "/why hello", "/lens", "Is it good?", "/bogus", "/save \(saved.path)", "/quit", "never read"]
            .joined(separator: "\n") + "\n"
        let result = try CLI.run(["chat", "--model", Self.gguf, "--max-new-tokens", "4"], input: Data(input.utf8))
        // The bad command is reported and the run ends with status 1; everything else happened.
        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.stderr.contains("unknown command /bogus"), "\(result.stderr)")
        let single = try CLI.run(["generate", "--model", Self.gguf, "--chat", "--max-new-tokens", "4", "我今天过得很好。"])
        let firstReply = single.stdout.trimmingCharacters(in: .newlines)
        #expect(result.stdout.hasPrefix(firstReply + "\n"), "\(result.stdout)")
        #expect(result.stdout.contains("answer: "), "/why printed its report")
        #expect(result.stdout.contains("layer"), "/lens printed its table")

        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: saved)) as? [String: Any])
        #expect(object["schema"] as? String == "loupe.chat.v1")
        let messages = try #require(object["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] ?? "" } == ["user", "assistant", "user", "assistant"])
        #expect(messages[1]["content"] == firstReply)
        let whys = try #require(object["explanations"] as? [[String: Any]])
        #expect(whys.count == 1 && whys[0]["turn"] as? Int == 1)
        let generation = try JSONSerialization.data(withJSONObject: try #require(whys[0]["generation"]))
        let document = try GenerationDocument.decode(generation)
        #expect(document.stopReason == "forced" && document.prompt.text == "我今天过得很好。")
        #expect(document.explanation?.contrast?.text == "hello")
    }

    @Test func whyBeforeAnyReplyIsAnError() throws {
        let result = try CLI.run(["chat", "--model", Self.gguf], input: Data("/why\n".utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("nothing to explain yet"), "\(result.stderr)")
    }
}
