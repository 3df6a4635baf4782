import ArgumentParser
import Foundation
import Loupe

/// `loupe chat`: a dialogue with a chat model (greedy, through its chat template, the history
/// kept), where `/why` explains the last reply, `/lens` looks inside it and `/save` keeps it.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk with a chat model; /why explains its last reply.",
        discussion: """
        Each line read is a user message (a terminal, or lines piped on stdin). The reply is \
        generated greedily from the whole dialogue rendered through the model's chat template \
        (the same prompt transformers' apply_chat_template(..., add_generation_prompt=True) \
        builds). Commands:
          /why [WORD]   attribute the last reply to the last user message (the earlier turns and \
        the template held fixed), with --methods; WORD contrasts the reply with a foil
          /lens         the logit lens at the end of the last prompt (layers × last positions)
          /save FILE    write the dialogue and every /why as JSON (loupe.chat.v1)
          /reset        forget the dialogue      /help   this list      /quit   leave
        """)

    @Option(name: .long, help: "GGUF file or Hugging Face folder of a chat model.")
    var model: String

    @Option(name: .long, help: "System message put first in the dialogue.")
    var system: String?

    @Option(name: .long, help: "Longest reply in tokens (default 64).")
    var maxNewTokens = 64

    @Option(name: .long, help: ArgumentHelp("Methods of /why (default: input-x-gradient).", discussion: "Any method 'generate --explain' accepts."),
            transform: parseMethodList)
    var methods: [AttributionMethodID] = [.inputXGradient]

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard maxNewTokens >= 1 else { throw ValidationError("--max-new-tokens must be at least 1, got \(maxNewTokens)") }
    }

    func run() throws {
        let console = global.console
        let loaded = try ModelLoader.pretrained(model)
        guard let lm = loaded.languageModel else {
            throw CLIError.usage("--model \(model): a '\(loaded.architecture)' model is not a causal language model")
        }
        guard loaded.chatTemplate != nil else { throw CLIError.usage("--model \(model): the model has no chat template") }
        if let bad = methods.first(where: { $0.rawValue.hasPrefix("layer-") || $0 == .attentionRollout }) {
            throw CLIError.usage("--methods \(bad) is not available for /why")
        }
        let settings = AttributionMethodSettings(baseline: .zero, window: 1)
        let whyMethods = try methods.map { try AttributionMethodCatalog.make($0, settings: settings) }
        var session = ChatSession(loaded: loaded, model: lm, system: system, maxNewTokens: maxNewTokens, methods: whyMethods)
        let name = loaded.source.lastPathComponent
        console.note("chatting with \(name) — /help for commands")
        var failures = 0
        while let line = readLine(strippingNewline: true) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            do {
                if text.hasPrefix("/") {
                    if try !command(text, session: &session, console: console, name: name) { break }
                } else {
                    let reply = try session.say(text)
                    console.result(reply)
                }
            } catch {
                // One bad turn costs only itself: the error line, and the dialogue goes on.
                failures += 1
                _ = ErrorReporter.report(error)
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Runs one `/command`; false to leave.
    func command(_ text: String, session: inout ChatSession, console: Console, name: String) throws -> Bool {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        switch parts[0] {
        case "/quit", "/exit": return false
        case "/help": console.result(Self.configuration.discussion.components(separatedBy: "Commands:").last ?? "")
        case "/reset":
            session.reset()
            console.result("(dialogue forgotten)")
        case "/why":
            let explained = try session.why(contrast: argument)
            GenerationReport(explanation: explained, model: name, methods: methods).print(to: console)
        case "/lens":
            console.coloured(try session.lens(console: console))
        case "/save":
            guard let argument, !argument.isEmpty else { throw CLIError.usage("/save needs a file name") }
            let url = try OutputPlan.check(argument, option: "/save")
            var plan = OutputPlan()
            plan.add(try session.document().prettyJSON().withNewline, to: url)
            try plan.commit { console.note("wrote \($0)") }
        default:
            throw CLIError.usage("unknown command \(parts[0]) (/why, /lens, /save FILE, /reset, /help, /quit)")
        }
        return true
    }
}

/// The state of a `loupe chat` dialogue.
struct ChatSession {
    let loaded: PretrainedModel
    let model: any CausalLanguageModel
    let system: String?
    let maxNewTokens: Int
    let methods: [any AttributionMethod]
    private(set) var messages: [ChatMessage] = []
    private(set) var explanations: [ChatDocument.Why] = []
    /// The ids of the last reply, as generated (end-of-sequence left out).
    private(set) var lastReplyIDs: [Int] = []

    init(loaded: PretrainedModel, model: any CausalLanguageModel, system: String?, maxNewTokens: Int,
         methods: [any AttributionMethod]) {
        self.loaded = loaded
        self.model = model
        self.system = system
        self.maxNewTokens = maxNewTokens
        self.methods = methods
        reset()
    }

    mutating func reset() {
        messages = system.map { [ChatMessage(role: "system", content: $0)] } ?? []
        explanations = []
        lastReplyIDs = []
    }

    /// The reply to `text`, added to the dialogue with it.
    mutating func say(_ text: String) throws -> String {
        let dialogue = messages + [ChatMessage(role: "user", content: text)]
        let rendered = try loaded.renderChat(dialogue)
        let ids = loaded.tokenizer.encode(rendered, addSpecialTokens: false).map(\.id)
        if let limit = model.maximumSequenceLength, ids.count + maxNewTokens > limit {
            throw CLIError.usage("the dialogue (\(ids.count) tokens) plus \(maxNewTokens) new tokens exceeds the context length \(limit); /reset")
        }
        let generation = try GreedyGenerator(model: model, endOfSequenceIDs: loaded.endOfSequenceIDs)
            .generate(prompt: ids, maxNewTokens: maxNewTokens)
        let reply = loaded.tokenizer.decode(generation.ids, skipSpecialTokens: true)
        messages = dialogue + [ChatMessage(role: "assistant", content: reply)]
        lastReplyIDs = generation.stop == .endOfSequence ? Array(generation.ids.dropLast()) : generation.ids
        return reply
    }

    /// The dialogue up to the last user message, and the last reply.
    func lastTurn() throws -> (prompt: [ChatMessage], reply: String) {
        guard let last = messages.last, last.role == "assistant", messages.count >= 2 else {
            throw CLIError.usage("nothing to explain yet: say something first")
        }
        return (Array(messages.dropLast()), last.content)
    }

    /// The attribution of the last reply (forced) to the last user message.
    mutating func why(contrast: String?) throws -> GenerationExplanation {
        let (prompt, reply) = try lastTurn()
        guard !reply.isEmpty, !lastReplyIDs.isEmpty else { throw CLIError.usage("the last reply is empty") }
        let layout = try PromptLayout(loaded, messages: prompt)
        let explained: GenerationExplanation
        do {
            explained = try GenerationExplainer(methods: methods).explain(loaded, prompt: layout, targetText: reply,
                                                                         answerIDs: lastReplyIDs, contrastText: contrast)
        } catch let error as AttributionError {
            throw CLIError.usage("\(error)")
        }
        let document = GenerationDocument(loaded, explanation: explained, contrastText: contrast)
        explanations.append(ChatDocument.Why(turn: prompt.filter { $0.role == "user" }.count, generation: document))
        return explained
    }

    /// The logit-lens table at the end of the last prompt (the dialogue before the last reply,
    /// or the whole dialogue with a generation prompt when the user spoke last).
    func lens(console: Console) throws -> String {
        guard let residual = model as? any ResidualStreamModel else {
            throw CLIError.usage("/lens needs a GPT-2, LLaMA or Qwen2 model")
        }
        let prompt = (try? lastTurn().prompt) ?? messages
        guard prompt.contains(where: { $0.role == "user" }) else { throw CLIError.usage("nothing to look into yet: say something first") }
        let rendered = try loaded.renderChat(prompt)
        let ids = loaded.tokenizer.encode(rendered, addSpecialTokens: false).map(\.id)
        let shown = 6
        let start = Date()
        let lens = try LogitLens(topK: 3, positions: Array(max(0, ids.count - shown)..<ids.count)).run(residual, tokenIDs: ids)
        let document = LensDocument(loaded, prompt: prompt.last { $0.role == "user" }?.content ?? "", chat: true, system: system,
                                    renderedPrompt: rendered, lens: lens, topK: 3,
                                    timings: .init(lensSeconds: Date().timeIntervalSince(start)))
        return LensTable(document: document, lastPositions: shown).render(mode: console.colorMode)
    }

    func document() -> ChatDocument {
        ChatDocument(model: loaded.source.path, messages: messages.map { ChatDocument.Message(role: $0.role, content: $0.content) },
                     explanations: explanations)
    }
}

/// A saved `loupe chat` dialogue (`loupe.chat.v1`): the messages and each `/why`'s
/// `loupe.generation.v1` document.
struct ChatDocument: SchemaDocument {
    static let schemaName = "loupe.chat.v1"
    struct Message: Codable {
        var role: String
        var content: String
    }
    struct Why: Codable {
        /// The user turn explained (1 = the first user message).
        var turn: Int
        var generation: GenerationDocument
    }
    var schema = ChatDocument.schemaName
    var model: String
    var messages: [Message]
    var explanations: [Why]
}
