import Foundation
import Loupe

extension GenerateCommand {
    /// One request of the stdin batch mode: `{"prompt": …, "target": …, "contrast": …}`.
    struct BatchRequest {
        var prompt: String
        var target: String?
        var contrast: String?
    }

    /// Reads JSON Lines from standard input and writes one compact `loupe.generation.v1`
    /// document per line (explained with `--explain`), or `{"line": N, "error": …}` for a line
    /// that failed; exits with status 1 at the end when any line failed.
    /// With `--jobs N` the first job uses `loaded` and each other loads its own copy of the model.
    func runBatch(_ loaded: PretrainedModel) throws {
        var jobs = 0
        try JSONLinesBatch.run(console: global.console, options: stream) {
            jobs += 1
            let model = jobs == 1 ? loaded : try ModelLoader.pretrained(self.model)
            return { _, line in
                try batchDocument(model, try Self.request(line, explaining: explanation.explain)).compactJSON()
            }
        }
    }

    func batchDocument(_ loaded: PretrainedModel, _ request: BatchRequest) throws -> GenerationDocument {
        guard !request.prompt.isEmpty else { throw CLIError.usage("\"prompt\" is empty") }
        if explanation.explain {
            var layout: PromptLayout
            do { layout = try PromptLayout(loaded, text: request.prompt, chat: chat, system: system) } catch let e as AttributionError {
                throw CLIError.usage("\(e)")
            }
            layout.wordBreaker = explanation.wordBreaker(console: nil)
            let explainer = GenerationExplainer(methods: try explanation.makeMethods(length: layout.ids.count), output: explanation.output,
                                                maxNewTokens: maxNewTokens, attributesEverything: explanation.attributeTemplate)
            do {
                let explained = try explainer.explain(loaded, prompt: layout, targetText: request.target ?? explanation.targetText,
                                                      contrastText: request.contrast ?? explanation.contrast)
                return GenerationDocument(loaded, explanation: explained, contrastText: request.contrast ?? explanation.contrast)
            } catch let e as AttributionError {
                throw CLIError.usage("\(e)")
            }
        }
        guard let lm = loaded.languageModel else { throw CLIError.usage("not a causal language model") }
        let layout = try PromptLayout(loaded, text: request.prompt, chat: chat, system: system)
        if let limit = lm.maximumSequenceLength, layout.ids.count + maxNewTokens > limit {
            throw CLIError.usage("the prompt (\(layout.ids.count) tokens) plus --max-new-tokens \(maxNewTokens) exceeds the model's context length \(limit)")
        }
        let generation = try GreedyGenerator(model: lm, endOfSequenceIDs: loaded.endOfSequenceIDs, ignoreEndOfSequence: ignoreEos)
            .generate(prompt: layout.ids, maxNewTokens: maxNewTokens)
        return GenerationDocument(loaded, prompt: request.prompt, chat: chat, renderedPrompt: layout.rendered,
                                  promptIDs: layout.ids, generation: generation)
    }

    /// The request on one line.
    static func request(_ line: JSONLinesBatch.Request, explaining: Bool) throws -> BatchRequest {
        try line.check(known: explaining ? ["contrast", "prompt", "target"] : ["prompt"])
        return BatchRequest(prompt: try line.required("prompt"), target: try line.optional("target"),
                            contrast: try line.optional("contrast"))
    }
}
