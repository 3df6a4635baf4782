import Foundation
import Testing
@testable import LoupeTokenizers

/// Behaviour the parity fixtures do not pin down: the message API, the clock, JSON round trips,
/// Python number formatting.
@Suite struct ChatTemplateBehaviourTests {
    @Test func chatMLRendersWithGenerationPrompt() throws {
        let template = try ChatTemplate(
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
        let messages = [ChatMessage(role: "user", content: "Hi 👋")]
        #expect(try template.render(messages: messages, addGenerationPrompt: true, bosToken: nil, eosToken: nil)
            == "<|im_start|>user\nHi 👋<|im_end|>\n<|im_start|>assistant\n")
        #expect(try template.render(messages: messages, addGenerationPrompt: false, bosToken: nil, eosToken: nil)
            == "<|im_start|>user\nHi 👋<|im_end|>\n")
    }

    @Test func messageFieldsAndTokensReachTheTemplate() throws {
        let template = try ChatTemplate("{{ bos_token }}|{{ eos_token is defined }}|{{ tools is none }}|"
            + "{% for m in messages %}{{ m | tojson }}{% endfor %}|{{ extra_flag }}")
        let message = ChatMessage(role: "assistant", content: "x",
                                  fields: ["name": "bot", "content": .none, "tool_calls": .list([])])
        let rendered = try template.render(messages: [message], addGenerationPrompt: false, bosToken: "<s>",
                                           eosToken: nil, extra: ["extra_flag": .bool(true)])
        #expect(rendered == "<s>|False|True|{\"role\": \"assistant\", \"name\": \"bot\", \"tool_calls\": []}|True")
        let error = try #require(throws: ChatTemplateError.self) {
            try template.render(messages: [], addGenerationPrompt: false, bosToken: nil, eosToken: nil)
        }
        #expect(error.kind == .type)
    }

    @Test func strftimeNowReadsTheClock() throws {
        var template = try ChatTemplate("{{ strftime_now('%Y-%m') }}")
        template.now = { Date(timeIntervalSince1970: 1_718_452_800) }  // 2024-06-15 12:00 UTC
        #expect(try template.render(context: [:]) == "2024-06")
    }

    @Test(arguments: [
        (1.0, "1.0"), (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-5, "1e-05"),
        (0.0001, "0.0001"), (-2.5e-7, "-2.5e-07"), (123456.789, "123456.789"), (1.5e300, "1.5e+300"),
        (-0.0, "-0.0"), (Double.infinity, "inf"), (2.0 / 3.0, "0.6666666666666666"),
    ])
    func floatsPrintAsPython(_ value: Double, _ text: String) {
        #expect(TemplateValue.double(value).renderedString == text)
    }

    @Test func jsonRoundTripKeepsOrder() throws {
        let text = "{\"z\": [1, 2.5, null, true, \"é\\n\"], \"a\": {}}"
        let value = try TemplateValue(jsonText: text)
        #expect(try value.jsonDumps(indent: nil) == text)
        guard case let .dict(d) = value else { Issue.record("not a dict"); return }
        #expect(d.keys == ["z", "a"])
    }

    @Test func loopScopeAndNamespaceFollowJinja() throws {
        let template = try ChatTemplate("{% set ns = namespace(total=0) %}{% set local = 0 %}"
            + "{% for x in [1, 2, 3] %}{% set local = local + x %}{% set ns.total = ns.total + x %}{% endfor %}"
            + "{{ local }} {{ ns.total }}")
        #expect(try template.render(context: [:]) == "0 6")
    }
}
