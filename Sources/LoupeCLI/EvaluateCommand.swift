import ArgumentParser
import Foundation
import Loupe

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a classifier's accuracy on labelled data, and optionally how faithful its explanations are.",
        discussion: """
        Prints accuracy, loss, per-class precision and recall and the confusion table. --limit N \
        keeps only the first N examples for every figure (accuracy included; the accuracy line \
        then says so). With --faithfulness, explains each of the first --limit examples (default 50) with --methods and \
        reports the mean ERASER comprehensiveness / sufficiency (AOPC), deletion and insertion AUC \
        and infidelity of each method beside a random ranking (the chance baseline), plus the \
        rationale top-1 hit rate when the data has rationales (.jsonl 'rationale' keys, or the \
        embedded corpus: --data default-corpus, default-corpus:train or default-corpus:held-out).
        Without --model, the bundled default model is evaluated.

        Examples:
          loupe evaluate --model runs/bag --data dev.tsv
          loupe evaluate --data default-corpus:held-out --faithfulness --limit 200
          loupe evaluate --model runs/bag --data dev.jsonl --faithfulness \\
              --limit 100 --methods integrated-gradients,gradient
        """)

    @Option(name: .long, help: "Classifier checkpoint folder (default: the bundled default model).") var model: String?
    @Option(name: .long, help: "Labelled data (.tsv, .csv, .jsonl, or default-corpus[:train|:held-out]).") var data: String
    @Flag(name: .long, help: "Also compute faithfulness metrics of the explanations.") var faithfulness = false
    @Option(name: .long, help: ArgumentHelp("Use only the first N examples, for the accuracy and the faithfulness metrics alike.",
                                             discussion: "Without --limit, accuracy uses every example and --faithfulness the first 50."))
    var limit: Int?
    @Option(name: .long, help: "Text column / key.") var textColumn: String?
    @Option(name: .long, help: "Label column / key.") var labelColumn: String?
    @Option(name: .long, help: "Write the figures as JSON.") var json: String?
    @OptionGroup var attribution: AttributionOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        let console = global.console
        let jsonURL = try OutputPlan.check(json, option: "--json")
        _ = try TrainingData.corpusPart(data, option: "--data")
        let explainer = try ModelLoader.explainer(model, console: console)
        let classifier = explainer.model
        var dataSet = try TrainingData.labelled(data, option: "--data", textColumn: textColumn, labelColumn: labelColumn,
                                                labelNames: classifier.labels)
        if let limit, limit < dataSet.count { dataSet = dataSet.subset(0..<limit) }
        let evaluation = ClassifierEvaluation(classifier: classifier,
                                              encodedTexts: dataSet.examples.map { example in
                                                  let ids = explainer.encode(example.text).encoded.ids
                                                  return ids.isEmpty ? [Vocabulary.unknownID] : ids   // as training does
                                              },
                                              labels: dataSet.labels)
        let limited = limit.map { $0 <= evaluation.count ? ", first \($0) examples (--limit)" : "" } ?? ""
        console.result(String(format: "accuracy %.2f %% (%d / %d%@), loss %.4f", evaluation.accuracy * 100,
                              evaluation.correct, evaluation.count, limited, evaluation.loss))
        for (i, label) in classifier.labels.enumerated() {
            console.result(String(format: "  %@: precision %.3f, recall %.3f", label, evaluation.precision[i], evaluation.recall[i]))
        }
        console.result(evaluation.confusionTable)
        var summary: [String: JSONValue] = [
            "model": .string(explainer.modelPath ?? model ?? "default"), "data": .string(data), "examples": .number(Double(evaluation.count)),
            "accuracy": .number(evaluation.accuracy), "loss": .number(evaluation.loss),
        ]
        if faithfulness {
            let count = min(dataSet.count, limit ?? 50)
            let table = try FaithfulnessSummary.compute(dataSet.subset(0..<count), explainer: explainer,
                                                        methods: try attribution.makeMethods(for: explainer, warn: console.warning),
                                                        output: attribution.output, console: console)
            console.result(table.text)
            summary["faithfulness"] = table.json
        }
        if let jsonURL {
            var plan = OutputPlan()
            plan.add(try JSONValue.object(summary).serialized(pretty: true) + "\n", to: jsonURL)
            try plan.commit { console.note("wrote \($0)") }
        }
    }
}
