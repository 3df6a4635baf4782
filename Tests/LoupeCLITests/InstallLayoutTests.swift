import Foundation
import Loupe
import Testing

/// A `loupe` binary copied out of the build tree, as a user installs it, finds its resources in
/// PREFIX/share/loupe or beside itself (README, "Install"); without them it still runs with
/// --model, and the default model's absence is one plain error line.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct InstallLayoutTests {
    static let bundles = ["Loupe_LoupeRender.resources", "Loupe_LoupeDefaults.resources"]

    /// Copies the built binary to `folder/bin/loupe` and the resource folders into `resources` (relative to `folder`).
    static func install(into folder: URL, resources: String?) throws -> URL {
        let binary = try #require(CLI.loupe)
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let installed = bin.appendingPathComponent("loupe")
        try FileManager.default.copyItem(at: binary, to: installed)
        if let resources {
            let target = folder.appendingPathComponent(resources)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for name in bundles {
                try FileManager.default.copyItem(at: binary.deletingLastPathComponent().appendingPathComponent(name),
                                                 to: target.appendingPathComponent(name))
            }
        }
        return installed
    }

    @Test(arguments: ["share/loupe", "bin"])
    func anInstalledBinaryFindsItsResources(_ layout: String) throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let loupe = try Self.install(into: folder, resources: layout)
        let png = folder.appendingPathComponent("why.png")
        // Run from elsewhere, through a symbolic link on PATH as package managers do.
        let link = folder.appendingPathComponent("elsewhere/loupe")
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: loupe)
        for executable in [loupe, link] {
            let result = try CLI.run(["explain", "--png", png.path, "我今天过得很好。"], in: folder, executable: executable)
            #expect(result.status == 0, "\(layout), \(executable.path): \(result.transcript)")
            #expect(result.stderr.contains(folder.appendingPathComponent(layout).standardizedFileURL.path), "\(result.stderr)")
            #expect(result.stdout.contains("predicted: positive"), "\(result.stdout)")
            #expect(try PNGDecoder.decode(Array(Data(contentsOf: png))).canvas.width > 100)
        }
    }

    @Test func aBinaryWithoutResourcesRunsWithAModelAndSaysWhatIsMissing() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let loupe = try Self.install(into: folder, resources: nil)
        let png = folder.appendingPathComponent("bag.png")
        let withModel = try CLI.run(["explain", "--model", CLI.fixture("bag-of-embeddings"), "--png", png.path, "good film"],
                                    in: folder, executable: loupe)
        #expect(withModel.status == 0, "\(withModel.transcript)")
        #expect(FileManager.default.fileExists(atPath: png.path))
        let without = try CLI.run(["explain", "good film"], in: folder, executable: loupe)
        #expect(without.status == 1, "\(without.transcript)")
        let lines = without.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("loupe: error: "), "\(without.stderr)")
        #expect(without.stderr.contains("bundled default classifier was not found") && without.stderr.contains("share/loupe")
                && without.stderr.contains("--model"), "\(without.stderr)")
        #expect(!without.stderr.contains("Fatal error"))
        // LOUPE_RESOURCES points at a folder holding the resources.
        let elsewhere = folder.appendingPathComponent("res")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let binary = try #require(CLI.loupe)
        for name in Self.bundles {
            try FileManager.default.createSymbolicLink(at: elsewhere.appendingPathComponent(name),
                                                       withDestinationURL: binary.deletingLastPathComponent().appendingPathComponent(name))
        }
        let pointed = try CLI.run(["explain", "good film"], environment: ["LOUPE_RESOURCES": elsewhere.path], in: folder,
                                  executable: loupe)
        #expect(pointed.status == 0, "\(pointed.transcript)")
    }
}
