import Foundation
import LoupeRender

extension PatchingDocument {
    /// The model's file name (what pictures name the model by).
    var modelName: String { URL(fileURLWithPath: model.path).lastPathComponent }

    /// "logit-difference of " Paris" vs " Rome"" — the metric, target and foil in words.
    public var metricDescription: String {
        let foilText = foil.map { " vs \"\($0.text)\"" } ?? ""
        return "\(metric) of \"\(target.text)\"\(foilText) at the last position"
    }

    /// How the corrupted run was made, in words.
    public var corruptionDescription: String {
        if let corrupt { return "corrupted prompt \"\(corrupt.text)\"" }
        if let noise {
            return String(format: "noise σ = %.3g on positions %@ (%d samples, seed %llu)", noise.standardDeviation,
                          noise.positions.map(String.init).joined(separator: ","), noise.samples, noise.seed)
        }
        return "corrupted run"
    }

    /// ROME's figure of this run: one panel per grid (and the per-head grid is not drawn here),
    /// rows labelled by `labels` (the clean prompt's readable tokens).
    public func heatmap(labels: [String]) throws -> PatchingHeatmap {
        let panels = grids.map { grid in
            PatchingHeatmap.Panel(title: grid.window > 1 ? "\(grid.site) (\(grid.hook), window \(grid.window))" : "\(grid.site) (\(grid.hook))",
                                  values: grid.recoveries)
        }
        let headline = "Activation patching · \(modelName)"
        let detail = "\(metricDescription); \(corruptionDescription); "
            + String(format: "M_clean = %.4g, M_corrupt = %.4g", cleanMetric, corruptMetric)
        return try PatchingHeatmap(tokens: labels, panels: panels, title: headline, detail: detail)
    }

    /// A self-contained HTML page: the heatmap, the settings, and each grid's recoveries as a table.
    public func htmlReport(labels: [String], heatmap: PatchingHeatmap) throws -> String {
        var report = HTMLReport(title: "Activation patching · \(modelName)")
        report.addParagraph("Model: \(model.path) (\(model.architecture), \(model.layers) layers, \(model.heads) heads)\n"
                            + "Clean prompt: \"\(clean.text)\"\n" + corruptionDescription.prefix(1).uppercased()
                            + corruptionDescription.dropFirst() + "\nMetric: \(metricDescription)\n"
                            + String(format: "M_clean = %.6g, M_corrupt = %.6g", cleanMetric, corruptMetric))
        try report.addImage(try heatmap.render(style: RenderStyle(scale: 2)), alt: "activation patching heatmap", scale: 2)
        for grid in grids {
            report.addHeading("\(grid.site) (\(grid.hook)) recovery", level: 3)
            let rows = (0..<grid.positions).map { p in
                [p < labels.count ? labels[p] : "\(p)"] + (0..<grid.layers).map { String(format: "%.3f", grid.recoveries[$0][p]) }
            }
            report.addTable(header: ["token"] + (0..<grid.layers).map { "L\($0)" }, rows: rows)
        }
        return report.html()
    }
}
