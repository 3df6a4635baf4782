import Foundation
import LoupeTokenizers
import Testing

/// The committed chat-template fixtures (benchmarks/fixtures/make_chat_template_fixtures.py):
/// conversations rendered by transformers' `render_jinja_template`, and feature templates
/// rendered by transformers' compiled Jinja2 environment.
enum ChatFixtures {
    struct Case: Sendable, CustomTestStringConvertible {
        var template: String
        var conversation: String
        var source: String
        var messages: [ChatMessage]
        var tools: TemplateValue?
        var addGenerationPrompt: Bool
        var bosToken: String?
        var eosToken: String?
        var expected: String?
        var error: String?

        var testDescription: String { "\(template)/\(conversation)/gen=\(addGenerationPrompt)" }
    }

    struct Feature: Sendable, CustomTestStringConvertible {
        var name: String
        var template: String
        var context: [String: TemplateValue]
        var expected: String?
        var error: String?

        var testDescription: String { name }
    }

    static func load(_ name: String) throws -> TemplateValue {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/chat") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/chat/\(name).json"])
        }
        return try TemplateValue(jsonText: String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    static func dict(_ v: TemplateValue?) -> TemplateDictionary {
        if case let .dict(d)? = v { return d }
        return [:]
    }

    static func string(_ v: TemplateValue?) -> String? {
        if case let .string(s)? = v { return s }
        return nil
    }

    static func list(_ v: TemplateValue?) -> [TemplateValue] {
        if case let .list(items)? = v { return items }
        return []
    }

    /// A JSON message as a ``ChatMessage``: fields beyond role and a string content go in `fields`.
    static func message(_ v: TemplateValue) -> ChatMessage {
        var fields = dict(v)
        let role = string(fields["role"]) ?? ""
        fields["role"] = nil
        var content = ""
        if let text = string(fields["content"]) {
            content = text
            fields["content"] = nil
        }
        return ChatMessage(role: role, content: content, fields: fields)
    }

    static func cases(from file: String) -> [Case] {
        guard let root = try? load(file) else { return [] }
        let templates = dict(dict(root)["templates"])
        return list(dict(root)["cases"]).map { value in
            let c = dict(value)
            let name = string(c["template"]) ?? ""
            return Case(template: name, conversation: string(c["conversation"]) ?? "",
                        source: string(templates[name]) ?? "",
                        messages: list(c["messages"]).map(message), tools: c["tools"],
                        addGenerationPrompt: c["add_generation_prompt"] == .bool(true),
                        bosToken: string(c["bos_token"]), eosToken: string(c["eos_token"]),
                        expected: string(c["expected"]), error: string(c["error"]))
        }
    }

    static let templateCases: [Case] = cases(from: "templates")

    static let features: [Feature] = {
        guard let root = try? load("features") else { return [] }
        return list(dict(root)["features"]).map { value in
            let f = dict(value)
            var context: [String: TemplateValue] = [:]
            for (key, v) in dict(f["context"]) { context[key] = v }
            return Feature(name: string(f["name"]) ?? "", template: string(f["template"]) ?? "", context: context,
                           expected: string(f["expected"]), error: string(f["error"]))
        }
    }()
}

extension ChatFixtures.Case {
    /// Renders the case with our interpreter.
    func render(_ template: ChatTemplate) throws -> String {
        var extra: [String: TemplateValue] = [:]
        if let tools { extra["tools"] = tools }
        return try template.render(messages: messages, addGenerationPrompt: addGenerationPrompt,
                                   bosToken: bosToken, eosToken: eosToken, extra: extra)
    }
}
