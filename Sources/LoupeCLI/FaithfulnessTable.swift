import Foundation
import Loupe

extension FaithfulnessBlock {
    /// The block as a terminal table (`explain --faithfulness`): one row per method and the random
    /// ranking, the means the JSON holds, an arrow saying which way is better, then the rank
    /// agreement of each pair.
    var terminalTable: String {
        let columns: [(String, (FaithfulnessEntry) -> Double?)] = [
            ("compr. AOPC ↑", \.comprehensivenessAOPC), ("suff. AOPC ↓", \.sufficiencyAOPC),
            ("deletion AUC ↓", \.deletionAUC), ("insertion AUC ↑", \.insertionAUC), ("infidelity ↓", \.infidelity),
        ]
        var table = [["method"] + columns.map(\.0)]
        for entry in methods {
            if let error = entry.error {
                table.append([entry.method, "failed: \(error)"] + Array(repeating: "", count: columns.count - 1))
                continue
            }
            table.append([entry.method] + columns.map { column in column.1(entry).map { String(format: "%.4f", $0) } ?? "–" })
        }
        let widths = table[0].indices.map { c in table.map { $0[c].count }.max() ?? 0 }
        var lines = ["faithfulness (target: \(target.label ?? "#\(target.index)"); \(output); random = chance level):"]
        lines += table.map { cells in
            cells.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        for pair in rankAgreement ?? [] {
            lines.append(String(format: "rank agreement %@ / %@: Kendall τ-b %.3f", pair.a, pair.b, pair.kendallTauB))
        }
        return lines.joined(separator: "\n")
    }
}
