import Foundation
import LoupeIO
import Testing

/// Files written piece by piece and folders replaced whole: either complete or not there.
@Suite("Atomic streams and folders")
struct AtomicStreamAndFolderTests {
    func scratch(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("loupe-io-\(name.filter(\.isLetter))-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func names(_ folder: URL) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() }

    @Test func aStreamAppearsOnlyWhenCommitted() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("all.jsonl")
        try AtomicFile.write("old\n", to: url)
        let stream = try AtomicFile.Stream(to: url)
        for i in 0..<1_000 { try stream.write("{\"line\": \(i)}\n") }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old\n", "the destination is untouched while writing")
        #expect(names(folder).count == 2 && names(folder).contains { AtomicFile.isTemporaryName($0, for: "all.jsonl") })
        try stream.commit()
        #expect(names(folder) == ["all.jsonl"])
        #expect(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count == 1_000)
        #expect(throws: AtomicFileError.self) { try stream.write("late") }
    }

    @Test func aDiscardedStreamLeavesNothing() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let stream = try AtomicFile.Stream(to: folder.appendingPathComponent("x.jsonl"))
            try stream.write("partial")
        }   // dropped without commit
        #expect(names(folder).isEmpty)
        #expect(throws: AtomicFileError.self) { try AtomicFile.Stream(to: folder) }
    }

    @Test func aFolderIsReplacedWhole() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("model")
        try AtomicFile.replaceFolder(at: target) { try AtomicFile.write("1", to: $0.appendingPathComponent("a.txt")) }
        #expect(names(target) == ["a.txt"])
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try AtomicFile.replaceFolder(at: target) { tmp in
                try AtomicFile.write("2", to: tmp.appendingPathComponent("b.txt"))
                throw Failure()
            }
        }
        #expect(names(target) == ["a.txt"] && names(folder) == ["model"], "a failed build leaves the old folder and no temporary one")
        try AtomicFile.replaceFolder(at: target) { try AtomicFile.write("3", to: $0.appendingPathComponent("c.txt")) }
        #expect(names(target) == ["c.txt"] && names(folder) == ["model"])
    }

    @Test func aCooperativeLoopSeesTheSignalAndDeferredSectionsFinish() throws {
        ProcessSignals.reset()
        defer { ProcessSignals.reset() }
        // In cooperative mode a signal is only recorded (here simulated; a real one would arrive on a dispatch queue).
        let seen = ProcessSignals.cooperating { () -> Bool in
            #expect(!ProcessSignals.stopRequested)
            ProcessSignals.deferringExit { ProcessSignals.simulate(SIGTERM) }
            return ProcessSignals.stopRequested
        }
        #expect(seen)
        #expect(ProcessSignals.exitStatus == 143 && ProcessSignals.name(of: SIGTERM) == "SIGTERM")
    }
}
