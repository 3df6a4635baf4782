import Foundation
import Loupe

/// Mean faithfulness metrics of each attribution method over a set of examples (`evaluate --faithfulness`).
struct FaithfulnessSummary {
    struct Row {
        var method: String
        var values: [String: [Double]] = [:]
        var hits: [Bool] = []
        var errors = 0

        mutating func add(_ key: String, _ value: Double?) {
            if let value, value.isFinite { values[key, default: []].append(value) }
        }

        func mean(_ key: String) -> Double? {
            guard let list = values[key], !list.isEmpty else { return nil }
            return list.reduce(0, +) / Double(list.count)
        }
    }

    static let metrics = [("comprehensiveness_aopc", "compr. AOPC ↑"), ("sufficiency_aopc", "suff. AOPC ↓"),
                          ("deletion_auc", "deletion AUC ↓"), ("insertion_auc", "insertion AUC ↑"),
                          ("infidelity", "infidelity ↓")]

    var rows: [Row]
    var examples: Int

    /// Explains every example (target: the predicted class) and evaluates the attributions.
    static func compute(_ data: TextDataSet, explainer: TextExplainer, methods: [any AttributionMethod],
                        output: AttributionOutput = .logit, console: Console) throws -> FaithfulnessSummary {
        var rows: [String: Row] = [:]
        var order: [String] = []
        let evaluator = FaithfulnessEvaluator()
        for (i, example) in data.examples.enumerated() {
            let explanation = try explainer.explain(example.text, methods: methods, output: output)
            guard let target = explanation.attributions.first?.target.index else { continue }
            let rationale = example.rationaleTokenIndices.map(Set.init)
            let block = evaluator.evaluate(explanation.encoded.ids, target: target, attributions: explanation.attributions,
                                           model: explainer.model, methods: methods, rationale: rationale)
            for entry in block.methods {
                if rows[entry.method] == nil { order.append(entry.method); rows[entry.method] = Row(method: entry.method) }
                guard entry.error == nil else { rows[entry.method]?.errors += 1; continue }
                rows[entry.method]?.add("comprehensiveness_aopc", entry.comprehensivenessAOPC)
                rows[entry.method]?.add("sufficiency_aopc", entry.sufficiencyAOPC)
                rows[entry.method]?.add("deletion_auc", entry.deletionAUC)
                rows[entry.method]?.add("insertion_auc", entry.insertionAUC)
                rows[entry.method]?.add("infidelity", entry.infidelity)
                if let hit = entry.rationaleTop1Hit { rows[entry.method]?.hits.append(hit) }
            }
            console.detail("faithfulness: \(i + 1)/\(data.count)")
        }
        return FaithfulnessSummary(rows: order.compactMap { rows[$0] }, examples: data.count)
    }

    /// A text table: one row per method, one column per metric (means over the examples).
    var text: String {
        let hasHits = rows.contains { !$0.hits.isEmpty }
        var header = ["method"] + Self.metrics.map(\.1)
        if hasHits { header.append("rationale top-1") }
        var table = [header]
        for row in rows {
            var cells = [row.method] + Self.metrics.map { row.mean($0.0).map { String(format: "%.4f", $0) } ?? "–" }
            if hasHits {
                cells.append(row.hits.isEmpty ? "–" : String(format: "%.2f", Double(row.hits.filter { $0 }.count) / Double(row.hits.count)))
            }
            table.append(cells)
        }
        let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
        let lines = table.map { cells in
            cells.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return "faithfulness over \(examples) examples (target: predicted class; ERASER and AUCs on the probability, "
            + "infidelity in the attributions' units, normalised)\n" + lines.joined(separator: "\n")
    }

    /// The table as JSON: `{method: {metric: mean, …}, …}`.
    var json: JSONValue {
        var object: [String: JSONValue] = [:]
        for row in rows {
            var metrics: [String: JSONValue] = [:]
            for (key, _) in Self.metrics { if let mean = row.mean(key) { metrics[key] = .number(mean) } }
            if !row.hits.isEmpty {
                metrics["rationale_top1_hit_rate"] = .number(Double(row.hits.filter { $0 }.count) / Double(row.hits.count))
            }
            if row.errors > 0 { metrics["errors"] = .number(Double(row.errors)) }
            object[row.method] = .object(metrics)
        }
        return .object(["examples": .number(Double(examples)), "methods": .object(object)])
    }
}
