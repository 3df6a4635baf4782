import Foundation

/// The project's real data folder (`shared/data` beside the checkout, or `LOUPE_DATA`), which
/// unit tests never need: suites that use it are enabled only when ``isPresent``.
public enum SharedData {
    public static var folder: URL {
        if let path = ProcessInfo.processInfo.environment["LOUPE_DATA"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// A file or folder inside ``folder``.
    public static func url(_ relative: String) -> URL { folder.appendingPathComponent(relative) }

    /// True when every one of `relative` exists.
    public static func isPresent(_ relative: String...) -> Bool {
        relative.allSatisfy { FileManager.default.fileExists(atPath: url($0).path) }
    }
}
