import Foundation

/// One message of a conversation: `{"role": ..., "content": ...}` plus any other fields a
/// template reads (`tool_calls`, `name`, …).
public struct ChatMessage: Sendable, Equatable {
    /// `system`, `user`, `assistant`, `tool`, …
    public var role: String
    /// The message text.
    public var content: String
    /// Further fields of the message dict, after `role` and `content`; a field named `role` or
    /// `content` replaces that value (so `content` can be a list of parts or `None`).
    public var fields: TemplateDictionary

    public init(role: String, content: String, fields: TemplateDictionary = [:]) {
        self.role = role
        self.content = content
        self.fields = fields
    }

    /// The names a message's reasoning may come under; transformers copies the first one set to
    /// `thinking` (first) and `reasoning_content` (last).
    static let reasoningFields = ["reasoning_content", "thinking", "reasoning"]

    /// The message dict as `apply_chat_template` gives it to the template: `role`, `content`, the
    /// fields, less those whose value is `None` (`_normalize_chat_messages`), with reasoning aliased
    /// as `{"thinking": r, **message, "reasoning_content": r}` (`_alias_reasoning_fields`).
    public var templateValue: TemplateValue {
        var d: TemplateDictionary = ["role": .string(role), "content": .string(content)]
        for (key, value) in fields { d[key] = value }
        for key in d.keys where d[key] == TemplateValue.none { d[key] = nil }
        guard let reasoning = ChatMessage.reasoningFields.lazy.compactMap({ d[$0] }).first else { return .dict(d) }
        var aliased: TemplateDictionary = ["thinking": reasoning]
        for (key, value) in d where key != "thinking" { aliased[key] = value }
        aliased["reasoning_content"] = reasoning
        return .dict(aliased)
    }
}

/// A Hugging Face chat template (`tokenizer.chat_template` in GGUF metadata, `chat_template` in
/// `tokenizer_config.json`): a Jinja2 template rendered as transformers'
/// `tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=...)` renders it.
///
/// transformers (src/transformers/utils/chat_template_utils.py) compiles the template in Jinja2's
/// `ImmutableSandboxedEnvironment` with `trim_blocks=True`, `lstrip_blocks=True` and the
/// loopcontrols extension, and gives it the globals `raise_exception`, `strftime_now`,
/// `namespace` and `dict`, and its own `tojson` filter (`json.dumps(..., ensure_ascii=False)`).
/// This type is our own interpreter of that Jinja2 subset
/// (<https://jinja.palletsprojects.com/en/3.1.x/templates/>).
public struct ChatTemplate: Sendable {
    /// The template text.
    public let source: String
    private let nodes: Box
    /// The clock `strftime_now` reads (the current time unless replaced).
    public var now: @Sendable () -> Date = { Date() }

    private final class Box: @unchecked Sendable {
        let nodes: [TemplateNode]
        init(_ nodes: [TemplateNode]) { self.nodes = nodes }
    }

    /// Parses `source`.
    ///
    /// - Throws: ``ChatTemplateError`` (``ChatTemplateError/Kind/syntax``,
    ///   ``ChatTemplateError/Kind/unknownFilter``, ``ChatTemplateError/Kind/unknownTest``,
    ///   ``ChatTemplateError/Kind/unsupported``) naming the line and column.
    public init(_ source: String) throws {
        self.source = source
        nodes = Box(try TemplateParser.parse(source))
    }

    /// Renders a conversation as `apply_chat_template(messages, tokenize=False,
    /// add_generation_prompt=addGenerationPrompt)`: the template sees `messages`,
    /// `add_generation_prompt`, `bos_token` and `eos_token` (left undefined when `nil`), `tools`
    /// and `documents` as `None`, and the entries of `extra` (which win over all of these).
    ///
    /// Messages are given as ``ChatMessage/templateValue`` shapes them (keys valued `None` dropped,
    /// reasoning aliased), as transformers does. transformers also passes every special token of the
    /// tokenizer (`unk_token`, `pad_token`, …); give those a template reads in `extra`.
    ///
    /// - Throws: ``ChatTemplateError``; `raise_exception(message)` gives kind
    ///   ``ChatTemplateError/Kind/raised`` with that message; an empty conversation is refused
    ///   (kind ``ChatTemplateError/Kind/type``, line 0) as transformers refuses it.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool, bosToken: String?, eosToken: String?,
                       extra: [String: TemplateValue] = [:]) throws -> String {
        if messages.isEmpty {
            throw ChatTemplateError(kind: .type, message: "Cannot apply chat template to an empty conversation.",
                                    line: 0, column: 0)
        }
        var context: [String: TemplateValue] = [
            "messages": .list(messages.map(\.templateValue)),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "tools": .none,
            "documents": .none,
        ]
        if let bosToken { context["bos_token"] = .string(bosToken) }
        if let eosToken { context["eos_token"] = .string(eosToken) }
        for (key, value) in extra { context[key] = value }
        return try render(context: context)
    }

    /// Renders the template with exactly these variables (plus the globals).
    public func render(context: [String: TemplateValue]) throws -> String {
        var globals = TemplateGlobals.make(now: now)
        for (key, value) in context { globals[key] = value }
        return try TemplateInterpreter(globals: globals).render(nodes.nodes)
    }
}
