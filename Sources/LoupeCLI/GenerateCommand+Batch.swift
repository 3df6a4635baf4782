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
    func runBatch(_ loaded: PretrainedModel) throws {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        let console = global.console
        var failed = 0
        for (index, var slice) in lines.enumerated() {
            if slice.last == 0x0D { slice = slice.dropLast() }
            do {
                let request = try Self.request(Data(slice), explaining: explanation.explain)
                let document = try batchDocument(loaded, request)
                console.result(String(decoding: try encoder.encode(document), as: UTF8.self))
            } catch {
                failed += 1
                let failure = ["line": "\(index + 1)", "error": oneLine(CLIError.classify(error).message)]
                let json = "{\"error\":\(String(decoding: try encoder.encode(failure["error"]!), as: UTF8.self)),\"line\":\(index + 1)}"
                console.result(json)
            }
        }
        if failed > 0 {
            throw CLIError.runtime("\(failed) of \(lines.count) stdin line\(lines.count == 1 ? "" : "s") failed")
        }
    }

    func batchDocument(_ loaded: PretrainedModel, _ request: BatchRequest) throws -> GenerationDocument {
        guard !request.prompt.isEmpty else { throw CLIError.usage("\"prompt\" is empty") }
        if explanation.explain {
            let layout: PromptLayout
            do { layout = try PromptLayout(loaded, text: request.prompt, chat: chat, system: system) } catch let e as AttributionError {
                throw CLIError.usage("\(e)")
            }
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
    static func request(_ line: Data, explaining: Bool) throws -> BatchRequest {
        guard String(data: line, encoding: .utf8) != nil else { throw CLIError.usage("not valid UTF-8 text") }
        guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { throw CLIError.usage("empty line") }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw CLIError.usage("not a JSON object (expected {\"prompt\": \"...\"})")
        }
        let known: Set<String> = explaining ? ["prompt", "target", "contrast"] : ["prompt"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw CLIError.usage("unknown key '\(unknown)' (expected \(known.sorted().joined(separator: ", ")))")
        }
        guard let prompt = object["prompt"] as? String else { throw CLIError.usage("\"prompt\" is missing or not a string") }
        for key in ["target", "contrast"] where object[key] != nil && !(object[key] is String) && !(object[key] is NSNull) {
            throw CLIError.usage("\"\(key)\" is not a string")
        }
        return BatchRequest(prompt: prompt, target: object["target"] as? String, contrast: object["contrast"] as? String)
    }
}
