import Foundation

/// The name a picture or report gives a model: what its folder says it is, not the folder's
/// name (`best`, `model`, `snapshot-…` say nothing).
public enum ModelName {
    /// The name of the model at `path` (a folder, or a file such as a GGUF): `config.json`'s
    /// `name`, `model_name` or `_name_or_path`, else the first `# ` heading of its `README.md`
    /// (after a leading `folder-name:`), else the folder's name — or, for a training run's
    /// `best`/`last` checkpoint, `run/best`.
    public static func display(path: String) -> String {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
            ? url : url.deletingLastPathComponent()
        if let name = fromConfig(folder) ?? fromReadme(folder) { return name }
        let last = url.lastPathComponent
        if ["best", "last", "final", "model"].contains(last.lowercased()) {
            let parent = url.deletingLastPathComponent().lastPathComponent
            if !parent.isEmpty && parent != "/" { return "\(parent)/\(last)" }
        }
        return last
    }

    static func fromConfig(_ folder: URL) -> String? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("config.json")),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        for key in ["name", "model_name", "_name_or_path"] {
            if let value = object[key] as? String, let clean = cleaned(value), !clean.hasPrefix("/"), !clean.hasPrefix(".") {
                return clean
            }
        }
        return nil
    }

    static func fromReadme(_ folder: URL) -> String? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("README.md")),
              let text = String(data: data.prefix(4096), encoding: .utf8) else { return nil }
        guard let heading = text.split(separator: "\n").first(where: { $0.hasPrefix("# ") }) else { return nil }
        var name = String(heading.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        let prefix = folder.lastPathComponent + ":"
        if name.hasPrefix(prefix) { name = String(name.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
        name = name.replacingOccurrences(of: "`", with: "")
        return cleaned(name)
    }

    /// One line of at most 80 characters, or nil when empty.
    static func cleaned(_ s: String) -> String? {
        let line = s.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !line.isEmpty else { return nil }
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}
