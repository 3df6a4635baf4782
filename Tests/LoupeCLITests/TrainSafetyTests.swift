import Foundation
import Loupe
import Testing

/// `loupe train` never overwrites a run by mistake, resumes only the run it was given, and
/// survives Ctrl-C: the interrupted run resumes to the weights of an uninterrupted one.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct TrainSafetyTests {
    /// A separable two-label TSV of `count` rows.
    static func writeData(_ url: URL, count: Int, seed: Int = 0) throws {
        let positive = ["good", "great", "fine", "lovely", "brilliant"], negative = ["bad", "awful", "boring", "terrible", "dull"]
        var rows = ["sentence\tlabel"]
        for i in 0..<count {
            let label = i % 2
            let cue = (label == 1 ? positive : negative)[(i * 7 + seed) % 5]
            rows.append("the film was \(cue) and \((positive + negative)[(i * 3 + seed) % 10])\t\(label)")
        }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: url)
    }

    static let small = ["--embed-dim", "8", "--hidden-dim", "8", "--heads", "2", "--layers", "1"]

    @Test func aRunIsNotOverwrittenWithoutForce() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let data = folder.appendingPathComponent("train.tsv")
        try Self.writeData(data, count: 40)
        let run = folder.appendingPathComponent("run").path
        let first = try CLI.run(["train", "--arch", "transformer", "--data", data.path, "--out", run, "--epochs", "1", "--quiet"] + Self.small)
        #expect(first.status == 0, "\(first.transcript)")
        let weights = try Data(contentsOf: URL(fileURLWithPath: run + "/last/model.safetensors"))
        let again = try CLI.run(["train", "--arch", "bag", "--data", data.path, "--out", run, "--epochs", "1"])
        #expect(again.status == 2, "\(again.transcript)")
        #expect(again.stderr.contains("--out \(run) already holds a run (transformer-classifier, 1 epoch done)"), "\(again.stderr)")
        #expect(again.stderr.contains("--force"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/last/model.safetensors")) == weights, "the run is untouched")
        let forced = try CLI.run(["train", "--arch", "bag", "--data", data.path, "--out", run, "--epochs", "1", "--force", "--quiet"])
        #expect(forced.status == 0, "\(forced.transcript)")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))) as? [String: Any]
        #expect((record?["settings"] as? [String: String])?["arch"] == "bag-of-embeddings")
    }

    @Test func resumeContinuesOnlyTheSameRun() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let data = folder.appendingPathComponent("train.tsv"), other = folder.appendingPathComponent("other.tsv")
        try Self.writeData(data, count: 40)
        try Self.writeData(other, count: 40, seed: 1)
        let run = folder.appendingPathComponent("run").path
        let missing = try CLI.run(["train", "--arch", "bag", "--data", data.path, "--out", run, "--resume"])
        #expect(missing.status == 2 && missing.stderr.contains("--resume: \(run) does not exist"), "\(missing.transcript)")
        let first = try CLI.run(["train", "--arch", "transformer", "--data", data.path, "--out", run, "--epochs", "1", "--quiet",
                                 "--learning-rate", "0.01"] + Self.small)
        #expect(first.status == 0, "\(first.transcript)")
        let wrongArch = try CLI.run(["train", "--arch", "bag", "--data", data.path, "--out", run, "--resume"])
        #expect(wrongArch.status == 2 && wrongArch.stderr.contains("--arch transformer-classifier"), "\(wrongArch.transcript)")
        let wrongSize = try CLI.run(["train", "--arch", "transformer", "--data", data.path, "--out", run, "--resume", "--embed-dim", "16"])
        #expect(wrongSize.status == 2 && wrongSize.stderr.contains("--embed-dim 8"), "\(wrongSize.transcript)")
        let wrongData = try CLI.run(["train", "--arch", "transformer", "--data", other.path, "--out", run, "--resume"])
        #expect(wrongData.status == 2 && wrongData.stderr.contains("is not the run's data"), "\(wrongData.transcript)")
        // Settings not given are the run's own (embed-dim 8, learning rate 0.01); the new epoch count is said.
        let resumed = try CLI.run(["train", "--arch", "transformer", "--data", data.path, "--out", run, "--resume", "--epochs", "2"])
        #expect(resumed.status == 0, "\(resumed.transcript)")
        #expect(resumed.stderr.contains("changes epochs 1 → 2"), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("keeps arch transformer-classifier") && resumed.stderr.contains("embed-dim 8")
                && resumed.stderr.contains("learning-rate 0.01"), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("trained 2 epochs"), "\(resumed.stdout)")
    }

    @Test func ctrlCSavesTheEpochInProgressAndResumeReachesTheSameWeights() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let data = folder.appendingPathComponent("train.tsv")
        try Self.writeData(data, count: 1_200)
        let arguments = ["train", "--arch", "transformer", "--data", data.path, "--epochs", "3", "--batch-size", "4"] + Self.small
        let full = folder.appendingPathComponent("full").path, part = folder.appendingPathComponent("part").path
        let uninterrupted = try CLI.run(arguments + ["--out", full, "--quiet"])
        #expect(uninterrupted.status == 0, "\(uninterrupted.transcript)")

        let process = Process()
        process.executableURL = try #require(CLI.loupe)
        process.arguments = arguments + ["--out", part]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Interrupt as soon as epoch 2 has begun.
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while !seen.contains("epoch 2/3 step") && Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        seen += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(seen.hasPrefix("training transformer-classifier"), "progress from the first second: \(seen.prefix(200))")
        #expect(seen.contains("tokenizing 1200 training examples"))
        try #require(process.terminationStatus == 130, "\(seen.suffix(500))")
        #expect(seen.contains("loupe: interrupted (SIGINT): training stopped"), "\(seen.suffix(500))")
        #expect(seen.contains("continue with: loupe train --resume"), "\(seen.suffix(500))")
        let names = contents(of: URL(fileURLWithPath: part))
        #expect(names.allSatisfy { !$0.hasPrefix(".") }, "no temporary folder is left: \(names)")
        #expect(names.contains("last"), "epoch 1's checkpoint stays: \(names)")

        let resumed = try CLI.run(arguments + ["--out", part, "--resume"])
        #expect(resumed.status == 0, "\(resumed.transcript)")
        #expect(resumed.stderr.contains("resuming"), "\(resumed.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: full + "/last/model.safetensors"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: part + "/last/model.safetensors")) == expected)
        #expect(!contents(of: URL(fileURLWithPath: part)).contains("interrupted"))
    }
}
