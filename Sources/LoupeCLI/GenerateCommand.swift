import ArgumentParser
import Foundation
import Loupe

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a causal language model (greedy, KV-cached).",
        discussion: """
        --model is a GGUF file (llama, qwen2) or a Hugging Face folder (GPT2LMHeadModel, \
        LlamaForCausalLM, Qwen2ForCausalLM). With --chat the prompt is the user's message, put \
        through the model's chat template with the generation prompt added, exactly as \
        transformers' apply_chat_template(..., add_generation_prompt=True) does.

        With the prompt '-', each line of stdin is a JSON object {"prompt": …} (with --explain \
        also "target" and "contrast") and each result is one compact loupe.generation.v1 line on \
        stdout, each written as soon as it is done; a bad line gives {"line": N, "error": …} in its \
        place (exit 1 at the end; --fail-fast stops there; --jobs N runs N copies of the model).

        Prints the generated text. --json writes every prompt token and every generated token \
        with its id, text, logit, probability and the top-5 alternatives (the same ids and \
        numbers the text came from).

        --explain attributes every answer token over every earlier token (inseq's attributed \
        generation) with --methods (default integrated-gradients), the chat template's tokens \
        held fixed (only the user's text is attributed unless --attribute-template). \
        --target-text forces the answer instead of generating it. --contrast WORD explains the \
        answer against a foil (target − foil, Yin & Neubig 2022) at the answer step where the \
        foil was most probable (or --contrast-step). The terminal shows the user's text coloured \
        by the headline attribution (the contrast, else the whole answer's log-probability); \
        --png draws it per character and --json writes everything (loupe.generation.v1 with an \
        'explanation' block: step scores, per-step attributions, segment KL divergences).

        Examples:
          loupe generate --model SmolLM2-135M-Instruct.Q4_1.gguf --chat \\
              "我今天过得很好。Is this sentence positive or negative?"
          loupe generate --model path/to/gpt2 --max-new-tokens 20 --json out.json "The capital of France is"
          loupe generate --model SmolLM2-135M-Instruct.Q4_1.gguf --chat --explain --contrast negative \
              "我今天过得很好。Is this sentence positive or negative? Answer with one word."
        """)

    @Option(name: .long, help: "GGUF file or Hugging Face folder of a causal language model.")
    var model: String

    @Flag(name: .long, help: "Treat PROMPT as a user message and apply the model's chat template.")
    var chat = false

    @Option(name: .long, help: "System message for --chat.")
    var system: String?

    @Option(name: .long, help: "Stop after this many new tokens (default 64).")
    var maxNewTokens = 64

    @Flag(name: .long, help: "Do not stop at the end-of-sequence token.")
    var ignoreEos = false

    @Option(name: .long, help: "Write the prompt and generated tokens as JSON (loupe.generation.v1).")
    var json: String?

    @OptionGroup(title: "Explaining the answer") var explanation: GenerationExplainOptions

    @OptionGroup(title: "Reading standard input (the prompt '-')") var stream: StreamOptions

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The prompt (words are joined by spaces).")
    var prompt: [String] = []

    func validate() throws {
        guard maxNewTokens >= 1 else { throw ValidationError("--max-new-tokens must be at least 1, got \(maxNewTokens)") }
        if system != nil && !chat { throw ValidationError("--system needs --chat") }
        try explanation.check()
    }

    func run() throws {
        let console = global.console
        let jsonURL = try OutputPlan.check(json, option: "--json")
        let text = prompt.joined(separator: " ")
        guard !text.isEmpty else { throw CLIError.usage("empty prompt: give the text to continue") }
        let loaded = try ModelLoader.pretrained(model)
        guard let lm = loaded.languageModel else {
            throw CLIError.usage("--model \(model): a '\(loaded.architecture)' model is not a causal language model")
        }
        if text == "-" {
            guard jsonURL == nil, explanation.png == nil, explanation.matrixPng == nil, explanation.html == nil else {
                throw CLIError.usage("with the prompt '-' (JSON Lines on stdin) results go to stdout: drop --json, --png, --matrix-png and --html")
            }
            try runBatch(loaded)
            return
        }
        if explanation.explain {
            try explanation.run(loaded, text: text, chat: chat, system: system, maxNewTokens: maxNewTokens,
                                json: jsonURL, console: console)
            return
        }
        let promptIDs: [Int]
        let promptText: String
        if chat {
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: text))
            promptText = try loaded.renderChat(messages)
            promptIDs = loaded.tokenizer.encode(promptText, addSpecialTokens: false).map(\.id)
        } else {
            promptText = text
            promptIDs = loaded.tokenizer.encode(text, addSpecialTokens: true).map(\.id)
        }
        guard !promptIDs.isEmpty else { throw CLIError.usage("the prompt has no tokens") }
        if let limit = lm.maximumSequenceLength, promptIDs.count + maxNewTokens > limit {
            throw CLIError.usage("the prompt (\(promptIDs.count) tokens) plus --max-new-tokens \(maxNewTokens) "
                                 + "exceeds the model's context length \(limit)")
        }
        let start = Date()
        var streamed: [Int] = []
        var shown = ""
        let generator = GreedyGenerator(model: lm, endOfSequenceIDs: loaded.endOfSequenceIDs, ignoreEndOfSequence: ignoreEos)
        let streams = jsonURL == nil || !global.quiet
        let generation = try generator.generate(prompt: promptIDs, maxNewTokens: maxNewTokens) { token in
            // Stream the text as it grows (decoding the whole suffix keeps multi-byte characters whole).
            streamed.append(token.id)
            let now = loaded.tokenizer.decode(streamed, skipSpecialTokens: true)
            if streams, now.hasPrefix(shown) {
                FileHandle.standardOutput.write(Data(now.dropFirst(shown.count).utf8))
                shown = now
            }
        }
        if streams { FileHandle.standardOutput.write(Data("\n".utf8)) }
        let seconds = Date().timeIntervalSince(start)
        console.note(String(format: "%d prompt + %d generated tokens in %.2f s (%.1f tokens/s)%@", promptIDs.count,
                            generation.tokens.count, seconds, Double(generation.tokens.count) / max(seconds, 1e-9),
                            generation.stop == .endOfSequence ? ", stopped at end of sequence" : ""))
        if let jsonURL {
            let document = GenerationDocument(loaded, prompt: text, chat: chat, renderedPrompt: promptText,
                                              promptIDs: promptIDs, generation: generation)
            var plan = OutputPlan()
            plan.add(try document.prettyJSON().withNewline, to: jsonURL)
            try plan.commit { console.note("wrote \($0)") }
        }
    }
}
