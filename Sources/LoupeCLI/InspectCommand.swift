import ArgumentParser
import Foundation
import Loupe

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a checkpoint's architecture, size, storage, tokenizer, labels and layer paths.",
        discussion: """
        Layer paths are the dotted module names (as PyTorch's named_modules()) that --layer of \
        'loupe explain' accepts.

        Examples:
          loupe inspect --model runs/bag
          loupe inspect --model /path/to/exported-from-pytorch
          loupe inspect --model SmolLM2-135M-Instruct.Q4_1.gguf
        """)

    @Option(name: .long, help: "Checkpoint folder, Hugging Face folder or GGUF file.")
    var model: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if PretrainedModel.isPretrained(URL(fileURLWithPath: model)) {
            try inspectPretrained()
            return
        }
        let checkpoint = try ModelLoader.load(model)
        let module = checkpoint.model.module
        var lines: [(String, String)] = []
        lines.append(("model", checkpoint.directory.path))
        lines.append(("architecture", checkpoint.model.architecture))
        lines.append(("parameters", "\(grouped(module.parameterCount)) in \(module.parameters.count) tensors"))
        if let classifier = checkpoint.model.classifier {
            lines.append(("labels", classifier.labels.joined(separator: ", ")))
        }
        if let vocabulary = checkpoint.vocabulary {
            lines.append(("vocabulary", "\(grouped(vocabulary.count)) tokens"))
        }
        let sizes = checkpoint.config.values.keys.sorted()
            .filter { !["architecture", "labels"].contains($0) }
            .map { "\($0)=\(checkpoint.config.values[$0].map(describe) ?? "")" }
        lines.append(("config", sizes.joined(separator: " ")))
        let width = lines.map(\.0.count).max() ?? 0
        for (key, value) in lines { global.console.result(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        global.console.result("layers:")
        for sub in module.allModules where !sub.path.isEmpty {
            let own = sub.ownParameters.map { "\($0.name.split(separator: ".").last ?? "")\($0.value.shape)" }
            let kind = String(describing: type(of: sub))
            global.console.result("  \(sub.path)  (\(kind)\(own.isEmpty ? "" : ": " + own.joined(separator: ", ")))")
        }
    }

    /// A Hugging Face folder or GGUF file: format, architecture, sizes, storage formats, tokenizer,
    /// chat template, activation sites and modules.
    func inspectPretrained() throws {
        let loaded = try ModelLoader.pretrained(model)
        let module = loaded.module
        var lines: [(String, String)] = []
        lines.append(("model", loaded.source.path))
        lines.append(("format", loaded.format == .gguf ? "GGUF" : "Hugging Face"))
        lines.append(("architecture", loaded.architecture))
        let kind = loaded.classifier != nil ? "sequence classifier" : loaded.languageModel != nil ? "causal language model" : "encoder (hidden states)"
        lines.append(("kind", kind))
        let quantized = loaded.storageCensus.keys.contains { QuantizationType(rawValue: $0)?.isQuantized ?? false }
        lines.append(("parameters", "\(grouped(loaded.storedParameterCount)) stored"
                      + (quantized ? "; \(grouped(module.parameterCount)) as dense floats in \(module.parameters.count) tensors, "
                         + "the quantized matrices stay quantized" : " in \(module.parameters.count) parameter tensors")))
        let census = loaded.storageCensus.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            .map { "\($0.key) ×\($0.value)" }
        if !census.isEmpty { lines.append(("stored as", census.joined(separator: ", "))) }
        if let classifier = loaded.classifier { lines.append(("labels", classifier.labels.joined(separator: ", "))) }
        if let token = loaded.tokenModel {
            lines.append(("vocabulary", "\(grouped(token.vocabularySize)) ids"))
            if let limit = token.maximumSequenceLength { lines.append(("max length", "\(grouped(limit)) tokens")) }
        }
        lines.append(("tokenizer", "\(loaded.tokenizer.kind), \(grouped(loaded.tokenizer.vocabularySize)) tokens"
                      + (loaded.tokenizer.addedTokens.isEmpty ? "" : ", \(loaded.tokenizer.addedTokens.filter(\.special).count) special")))
        if let bos = loaded.beginningOfSequenceToken { lines.append(("bos token", bos)) }
        if let eos = loaded.endOfSequenceToken { lines.append(("eos token", eos)) }
        if let template = loaded.chatTemplate {
            let first = template.source.split(separator: "\n").first.map(String.init) ?? ""
            lines.append(("chat template", "\(template.source.count) characters: \(first.prefix(60))\(first.count > 60 ? "…" : "")"))
        } else {
            lines.append(("chat template", "none"))
        }
        lines.append(("loaded in", String(format: "%.2f s", loaded.loadSeconds)))
        let width = lines.map(\.0.count).max() ?? 0
        for (key, value) in lines { global.console.result(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        if let sites = loaded.tokenModel?.activationSites ?? loaded.encoder?.activationSites {
            global.console.result("activation sites (\(sites.count)): " + sites.prefix(8).map(\.name.rawValue).joined(separator: ", ")
                                  + (sites.count > 8 ? ", …" : ""))
        }
        global.console.result("layers:")
        // Modules down to three path components (all of them with --verbose).
        for sub in module.allModules where !sub.path.isEmpty && (global.verbose || sub.path.split(separator: ".").count <= 3) {
            let own = sub.ownParameters.map { "\($0.name.split(separator: ".").last ?? "")\($0.value.shape)" }
            let kind = String(describing: type(of: sub))
            global.console.result("  \(sub.path)  (\(kind)\(own.isEmpty ? "" : ": " + own.joined(separator: ", ")))")
        }
    }

    func describe(_ value: JSONValue) -> String {
        if let n = value.intValue { return String(n) }
        if let d = value.doubleValue { return String(d) }
        if let s = value.stringValue { return s }
        if let b = value.boolValue { return String(b) }
        return value.briefDescription
    }

    func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
