import Foundation

/// Where the real (downloaded, never committed) models live: `LOUPE_MODELS`, else
/// `~/.cache/loupe/models`; `nil` when that folder does not exist.
enum RealModels {
    static var directory: URL? {
        let path = ProcessInfo.processInfo.environment["LOUPE_MODELS"]
            ?? FileManager.default.homeDirectoryForCurrentDirectoryUser.appendingPathComponent(".cache/loupe/models").path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The file at `relative` inside ``directory``, when it exists.
    static func file(_ relative: String) -> URL? {
        guard let url = directory?.appendingPathComponent(relative),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }
}

extension FileManager {
    var homeDirectoryForCurrentDirectoryUser: URL {
        URL(fileURLWithPath: NSHomeDirectory(), isDirectory: true)
    }
}
