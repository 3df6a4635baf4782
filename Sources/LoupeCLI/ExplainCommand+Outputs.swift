import Foundation
import Loupe

extension ExplainCommand {
    /// Adds the `--png` picture (the heatmap of one method, or the method comparison of several)
    /// and the `--html` report of `document` to `plan`.
    func addPictures(of document: AttributionDocument, png: URL?, html: URL?, to plan: inout OutputPlan) throws {
        let style = pictures.style()
        if let png {
            if document.scoredEntries.count == 1 {
                let heatmap = pictures.apply(to: try document.sentenceHeatmap())
                plan.add(try heatmap.render(style: style).pngData(colorType: .rgb, text: heatmap.pngText), to: png)
            } else {
                let comparison = pictures.apply(to: try document.methodComparison())
                plan.add(try comparison.render(style: style).pngData(colorType: .rgb, text: comparison.pngText), to: png)
            }
        }
        if let html { plan.add(try document.htmlReport(style: style, sharedScale: pictures.colorScale == .shared).html(), to: html) }
    }
}

extension OutputPlan {
    /// Checks a folder given with `option` for one file per input line (created when missing,
    /// with its parent existing); returns its URL.
    /// - Throws: a usage error naming the option and path (a file in the way, no parent, not writable).
    static func checkFolder(_ path: String, option: String) throws -> URL {
        guard !path.isEmpty else { throw CLIError.usage("\(option): empty folder path") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CLIError.usage("\(option) \(path): is a file; reading stdin writes one file per line into a folder")
            }
        } else {
            let parent = url.deletingLastPathComponent()
            guard manager.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError.usage("\(option) \(path): folder \(parent.path) does not exist")
            }
            do { try manager.createDirectory(at: url, withIntermediateDirectories: false) } catch {
                throw CLIError.usage("\(option) \(path): cannot create the folder (\(error.localizedDescription))")
            }
        }
        if let problem = probeWritable(url) {
            throw CLIError.usage("\(option) \(path): cannot write into folder \(url.path) (\(problem))")
        }
        return url
    }

    /// The file of input line `number` in a per-line folder: `line-000042.png`.
    static func lineFile(_ folder: URL, line number: Int, extension ext: String) -> URL {
        let digits = String(number)
        return folder.appendingPathComponent("line-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "." + ext)
    }
}
