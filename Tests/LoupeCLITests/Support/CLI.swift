import Foundation

/// What a run of a built executable produced.
struct CLIResult {
    var status: Int32
    var stdoutData: Data
    var stderr: String
    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    /// Everything, for failure messages.
    var transcript: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Finds and runs the package's built executables (`loupe` and the examples) from the tests.
///
/// Test targets cannot depend on executable targets in every SwiftPM version, so the binaries
/// are looked up in the products folder that holds the test bundle (`.build/<config>/`), where
/// `swift build` / `swift test` put every product. `LOUPE_BINARY_DIR` overrides the folder.
enum CLI {
    /// The package root (the folder above `Tests/`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The reference checkpoints shared with LoupeNNTests.
    static let fixtures = packageRoot.appendingPathComponent("Tests/LoupeNNTests/Fixtures/reference")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// Folders that may hold the products, most likely first.
    static var candidateFolders: [URL] {
        var folders: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["LOUPE_BINARY_DIR"] { folders.append(URL(fileURLWithPath: dir)) }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        for start in [Bundle.main.bundleURL, Bundle.main.executableURL, exe, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap({ $0 }) {
            var url = start.standardizedFileURL
            for _ in 0..<4 {
                folders.append(url)
                url = url.deletingLastPathComponent()
            }
        }
        return folders
    }

    /// The built executable `name`, or nil when it is not next to the tests.
    static func binary(_ name: String) -> URL? {
        for folder in candidateFolders {
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: url.path) {
                return url
            }
        }
        return nil
    }

    /// The `loupe` binary.
    static let loupe: URL? = binary("loupe")
    static var isAvailable: Bool { loupe != nil }
    static let missingMessage = "the 'loupe' binary was not found next to the test bundle (run 'swift build' first, "
        + "or set LOUPE_BINARY_DIR)"

    /// Runs `loupe` with `arguments`; stdin is `input` (or empty), outputs are captured in full.
    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
                    in directory: URL? = nil, executable: URL? = nil) throws -> CLIResult {
        guard let binary = executable ?? loupe else { throw CLIMissing() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-cli-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        let inURL = scratch.appendingPathComponent("stdin")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        FileManager.default.createFile(atPath: inURL.path, contents: input ?? Data())

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let stdin = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        process.waitUntilExit()
        try out.close(); try err.close(); try stdin.close()
        return CLIResult(status: process.terminationStatus, stdoutData: try Data(contentsOf: outURL),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

struct CLIMissing: Error, CustomStringConvertible {
    var description: String { CLI.missingMessage }
}

/// A fresh temporary folder, removed by `cleanUp`.
func temporaryFolder(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-cli-\(safe)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

/// The names in `folder` (hidden temporary files included).
func contents(of folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}
