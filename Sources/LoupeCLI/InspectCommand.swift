import ArgumentParser
import Foundation
import Loupe

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a checkpoint's architecture, size, labels, vocabulary and layer paths.",
        discussion: """
        Layer paths are the dotted module names (as PyTorch's named_modules()) that --layer of \
        'loupe explain' accepts.

        Examples:
          loupe inspect --model runs/bag
          loupe inspect --model /path/to/exported-from-pytorch
        """)

    @Option(name: .long, help: "Checkpoint folder.")
    var model: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
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
