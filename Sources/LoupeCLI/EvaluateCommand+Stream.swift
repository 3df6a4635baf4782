import Foundation
import Loupe

extension EvaluateCommand {
    /// One evaluated line: its example and the model's logits.
    struct LineOutcome {
        var example: TextExample
        var logits: [Float]
    }

    /// One line of `--predictions`.
    struct PredictionRecord: Encodable {
        var line: Int
        var label: String
        var predicted: String
        var probability: Double
        var correct: Bool
    }

    /// `--data -`: labelled lines from standard input, streamed by ``LineStream`` (one line read,
    /// evaluated and counted before the next is read; `--jobs N` evaluates N at a time, counted in
    /// input order). A bad line is warned about, left out of the figures and counted; the
    /// figures are printed for the lines read (also after Ctrl-C), then the exit status says
    /// whether any line failed.
    func runStream(console: Console, jsonURL: URL?) throws {
        let predictionsURL = try OutputPlan.check(predictions, option: "--predictions")
        let explainer = try ModelLoader.explainer(model, console: console)
        let labels = explainer.model.labels
        var parser = try LabelledLineParser(labelNames: labels, textColumn: textColumn, labelColumn: labelColumn)
        var reader = LineReader(maximumLineBytes: stream.maxLineBytes)
        // A header row (sentence<TAB>label) may come first: it names the columns and is no example.
        if let first = try reader.next() {
            if case .success(let text) = first.text(limit: stream.maxLineBytes), parser.readHeader(text) {
                console.detail("stdin line 1: header \(parser.header ?? [])")
            } else {
                reader.unread(first)
            }
        }
        let header = parser
        var lineStream = LineStream(options: stream, console: console)
        lineStream.inputName = "labelled lines"
        lineStream.maximumLines = limit
        let sink = try LineSink(console: nil, file: predictionsURL)
        var figures = try ClassifierEvaluation.Accumulator(labels: labels)
        var kept: [TextExample] = []
        let faithfulnessCount = faithfulness ? (limit ?? 50) : 0
        var jobs = 0
        let summary = try lineStream.stream(reader: &reader, sink: sink, makeWorker: {
            jobs += 1
            let model = jobs == 1 ? explainer : try ModelLoader.explainer(self.model, console: console)
            return { number, text in try Self.evaluate(text, number: number, parser: header, explainer: model) }
        }, emit: { number, outcome in
            let predicted = try figures.add(logits: outcome.logits, label: outcome.example.label)
            if kept.count < faithfulnessCount { kept.append(outcome.example) }
            if predictionsURL != nil {
                let record = PredictionRecord(line: number, label: labels[outcome.example.label], predicted: labels[predicted],
                                              probability: Self.probability(of: predicted, logits: outcome.logits),
                                              correct: predicted == outcome.example.label)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                try sink.write(String(decoding: try encoder.encode(record), as: UTF8.self))
            }
        })
        if figures.count > 0 {
            let skipped = summary.failed == 0 ? "" : ", \(summary.failed) of \(summary.lines) stdin lines skipped"
            let limited = limit.map { summary.lines >= $0 ? ", first \($0) lines (--limit)" : "" } ?? ""
            try report(figures.evaluation, explainer: explainer, dataName: "-", countNote: limited + skipped,
                       faithfulnessData: faithfulness ? TextDataSet(examples: kept, labelNames: labels) : nil,
                       extra: ["lines": .number(Double(summary.lines)), "lines_skipped": .number(Double(summary.failed))],
                       jsonURL: jsonURL, console: console)
        }
        try lineStream.conclude(summary)
    }

    /// Parses and classifies one line (a text without tokens is read as one [UNK], as for files).
    static func evaluate(_ text: String, number: Int, parser: LabelledLineParser, explainer: TextExplainer) throws -> LineOutcome {
        let example: TextExample
        do { example = try parser.example(text, number: number) } catch let error as DataSetError {
            throw CLIError.usage(error.message)
        }
        let encoded = explainer.encode(example.text).encoded.ids
        let ids = encoded.isEmpty ? [Vocabulary.unknownID] : encoded
        let logits = withoutGradients { explainer.model.logits(tokenIDs: [ids]).scalars }
        return LineOutcome(example: example, logits: logits)
    }

    /// The softmax probability of class `index`.
    static func probability(of index: Int, logits: [Float]) -> Double {
        let largest = Double(logits.max() ?? 0)
        let total = logits.reduce(0.0) { $0 + exp(Double($1) - largest) }
        return exp(Double(logits[index]) - largest) / total
    }
}
