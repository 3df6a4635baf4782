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

        With --data - (or no --data while standard input is a pipe), reads labelled lines from \
        standard input, one example at a time (memory does not grow with the input): a JSON object \
        per line ({"text": …, "label": …}, as in .jsonl) or tab-separated TEXT<TAB>LABEL, or TSV \
        columns under a header row given first (sentence<TAB>label, as in SST-2's .tsv). A line \
        that cannot be read (not UTF-8, blank, too long, the wrong fields, a label the model lacks) \
        gets a warning and is left out of the figures, which say how many lines were skipped; the \
        exit status is then 1 (--fail-fast: stop at the first). --limit N reads the first N lines; \
        --predictions FILE writes one JSON record per line (prediction, or the error). CSV is read \
        from files only (quoted fields may span lines).

        Examples:
          loupe evaluate --model runs/bag --data dev.tsv
          loupe evaluate --data default-corpus:held-out --faithfulness --limit 200
          loupe evaluate --model runs/bag --data dev.jsonl --faithfulness \\
              --limit 100 --methods integrated-gradients,gradient
          cat dev.tsv | loupe evaluate --model runs/bag --jobs 2 --predictions predictions.jsonl
        """)

    @Option(name: .long, help: "Classifier checkpoint folder (default: the bundled default model).") var model: String?
    @Option(name: .long, help: "Labelled data (.tsv, .csv, .jsonl, default-corpus[:train|:held-out], or - for standard input).")
    var data: String?
    @Flag(name: .long, help: "Also compute faithfulness metrics of the explanations.") var faithfulness = false
    @Option(name: .long, help: ArgumentHelp("Use only the first N examples, for the accuracy and the faithfulness metrics alike.",
                                             discussion: "Without --limit, accuracy uses every example and --faithfulness the first 50."))
    var limit: Int?
    @Option(name: .long, help: "Text column / key.") var textColumn: String?
    @Option(name: .long, help: "Label column / key.") var labelColumn: String?
    @Option(name: .long, help: "Write the figures as JSON.") var json: String?
    @Option(name: .long, help: "Reading stdin: write one JSON record per line (label, prediction, probability; or the line's error).")
    var predictions: String?
    @OptionGroup(title: "Reading standard input") var stream: StreamOptions
    @OptionGroup var attribution: AttributionOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if predictions != nil && data != nil && data != "-" {
            throw ValidationError("--predictions is written when reading standard input (--data -)")
        }
    }

    func run() throws {
        let console = global.console
        let jsonURL = try OutputPlan.check(json, option: "--json")
        guard let data, data != "-" else {
            if isatty(STDIN_FILENO) == 1 {
                throw CLIError.usage("no --data given; pass --data FILE, or pipe labelled lines on standard input (--data -)")
            }
            try runStream(console: console, jsonURL: jsonURL)
            return
        }
        _ = try TrainingData.corpusPart(data, option: "--data")
        let explainer = try ModelLoader.explainer(model, console: console)
        let classifier = explainer.model
        var dataSet = try TrainingData.labelled(data, option: "--data", textColumn: textColumn, labelColumn: labelColumn,
                                                labelNames: classifier.labels)
        if let limit, limit < dataSet.count { dataSet = dataSet.subset(0..<limit) }
        let evaluation = try ClassifierEvaluation(classifier: classifier,
                                              encodedTexts: dataSet.examples.map { example in
                                                  let ids = explainer.encode(example.text).encoded.ids
                                                  return ids.isEmpty ? [Vocabulary.unknownID] : ids   // as training does
                                              },
                                              labels: dataSet.labels)
        let limited = limit.map { $0 <= evaluation.count ? ", first \($0) examples (--limit)" : "" } ?? ""
        let faithfulnessData = faithfulness ? dataSet.subset(0..<min(dataSet.count, limit ?? 50)) : nil
        try report(evaluation, explainer: explainer, dataName: data, countNote: limited, faithfulnessData: faithfulnessData,
                   extra: [:], jsonURL: jsonURL, console: console)
    }

    /// Prints the figures (and the faithfulness table of `faithfulnessData`), and writes them to `jsonURL`.
    func report(_ evaluation: ClassifierEvaluation, explainer: TextExplainer, dataName: String, countNote: String,
                faithfulnessData: TextDataSet?, extra: [String: JSONValue], jsonURL: URL?, console: Console) throws {
        let classifier = explainer.model
        console.result(String(format: "accuracy %.2f %% (%d / %d%@), loss %.4f", evaluation.accuracy * 100,
                              evaluation.correct, evaluation.count, countNote, evaluation.loss))
        for (i, label) in classifier.labels.enumerated() {
            console.result(String(format: "  %@: precision %.3f, recall %.3f", label, evaluation.precision[i], evaluation.recall[i]))
        }
        console.result(evaluation.confusionTable)
        var summary: [String: JSONValue] = [
            "model": .string(explainer.modelPath ?? model ?? "default"), "data": .string(dataName),
            "examples": .number(Double(evaluation.count)), "accuracy": .number(evaluation.accuracy), "loss": .number(evaluation.loss),
        ]
        summary.merge(extra) { _, new in new }
        if let faithfulnessData, !faithfulnessData.isEmpty {
            let table = try FaithfulnessSummary.compute(faithfulnessData, explainer: explainer,
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
