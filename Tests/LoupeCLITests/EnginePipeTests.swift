import Foundation
import Loupe
import Testing

/// `loupe explain -` and `generate --explain -` driven the way an engine's pipe drives them
/// (PySpark's `RDD.pipe`, GNU parallel --pipe): a writer thread feeds lines into a pipe while
/// stdout is read as it comes, under an empty environment (PySpark's default `env={}`) — one
/// record per line in input order, no terminal bytes, `--allow-bad-lines`, an empty partition,
/// one model load per process, and `LOUPE_THREADS`.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct EnginePipeTests {
    let bag = CLI.fixture("bag-of-embeddings")
    let transformer = CLI.fixture("transformer-classifier")

    /// What a piped run produced.
    struct PipedRun {
        var status: Int32
        var stdout: Data
        var stderr: String
        var lines: [String] { String(decoding: stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init) }
        var transcript: String { "exit \(status)\n--- stdout\n\(String(decoding: stdout, as: UTF8.self))\n--- stderr\n\(stderr)" }
    }

    /// Starts `loupe arguments` with pipes on all three streams and exactly `environment`; one
    /// thread writes `input` chunk by chunk and closes stdin (as the engine's writer does), another
    /// drains stderr, and stdout is read here while both run.
    static func pipe(_ arguments: [String], input: [Data], environment: [String: String] = [:]) throws -> PipedRun {
        signal(SIGPIPE, SIG_IGN)   // a child that exits early must not take the test runner with it
        let process = Process()
        process.executableURL = try #require(CLI.loupe)
        process.arguments = arguments
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let group = DispatchGroup()
        let writer = stdin.fileHandleForWriting
        DispatchQueue.global().async(group: group) {
            for chunk in input { if (try? writer.write(contentsOf: chunk)) == nil { break } }
            try? writer.close()
        }
        let errors = ErrorBox()
        let errorReader = stderr.fileHandleForReading
        DispatchQueue.global().async(group: group) { errors.data = errorReader.readDataToEndOfFile() }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        return PipedRun(status: process.terminationStatus, stdout: out, stderr: String(decoding: errors.data, as: UTF8.self))
    }

    final class ErrorBox: @unchecked Sendable { var data = Data() }

    /// `count` distinct sentences of the fixture's vocabulary.
    static func sentences(_ count: Int) -> [String] {
        let openings = ["the", "a", "this", "that", "an"], nouns = ["movie", "film", "story", "plot", "acting", "music", "director", "scene"]
        let verdicts = ["good", "great", "bad", "terrible", "boring", "moving", "funny", "dull", "brilliant", "awful"]
        return (0..<count).map { i in
            let o = openings[i % openings.count], n = nouns[(i / openings.count) % nouns.count]
            let v = verdicts[(i / (openings.count * nouns.count)) % verdicts.count]
            return "\(o) \(n) was \(v)"
        }
    }

    /// The document's numbers, `seconds` (a timing) left out.
    static func numbers(_ line: String) throws -> [Double] {
        let document = try AttributionDocument.decode(Data(line.utf8))
        var numbers: [Double] = document.prediction.logits + document.prediction.probabilities
        for entry in document.attributions {
            numbers += entry.scores ?? []
            numbers += entry.scoresL2 ?? []
            numbers += entry.wordScores ?? []
            let scalars: [Double?] = [entry.outputOfInput, entry.outputOfBaseline, entry.convergenceDelta]
            numbers += scalars.map { $0 ?? 0 }
        }
        return numbers
    }

    @Test func linesThroughAPipeComeOutOneRecordEachInInputOrder() throws {
        let texts = Self.sentences(400)
        #expect(Set(texts).count == texts.count)
        // Chunks that cut lines apart, as a writer thread's buffered writes do.
        let bytes = Data(texts.map { $0 + "\n" }.joined().utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 1000).map { bytes[$0..<min($0 + 1000, bytes.count)] }
        let run = try Self.pipe(["explain", "-", "--model", bag, "--methods", "gradient"], input: chunks.map { Data($0) })
        #expect(run.status == 0, "\(run.transcript)")
        #expect(!run.stdout.contains(0x1B), "no terminal escapes on stdout without a terminal")
        #expect(!run.stderr.contains("error"), "\(run.stderr)")
        let lines = run.lines
        try #require(lines.count == texts.count, "one record per line")
        #expect(try lines.map { try AttributionDocument.decode(Data($0.utf8)).input.text } == texts)
        // '-' is the same stream as no TEXT at all, record for record.
        let plain = try CLI.run(["explain", "--model", bag, "--methods", "gradient"], input: bytes)
        #expect(plain.status == 0, "\(plain.transcript)")
        let plainLines = plain.stdout.split(separator: "\n").map(String.init)
        try #require(plainLines.count == lines.count)
        for (a, b) in zip(lines, plainLines) { #expect(try Self.numbers(a) == Self.numbers(b)) }
    }

    @Test func allowBadLinesKeepsTheRecordsAndExitsZero() throws {
        var input = Data("good film\n".utf8)
        input.append(contentsOf: [0x62, 0xFF, 0x0A])
        input.append(Data("\nbad film\n".utf8))
        let run = try Self.pipe(["explain", "-", "--model", bag, "--methods", "gradient", "--allow-bad-lines"], input: [input])
        #expect(run.status == 0, "\(run.transcript)")
        let lines = run.lines
        try #require(lines.count == 4, "\(run.transcript)")
        let records = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(records.map { $0["line"] as? Int } == [nil, 2, 3, nil])
        #expect((records[1]["error"] as? String)?.contains("not valid UTF-8") == true)
        #expect(records[2]["error"] as? String == "empty line")
        #expect(run.stderr.contains("loupe: warning: 2 of 4 stdin lines failed (first: line 2); exit status 0 (--allow-bad-lines)"),
                "\(run.stderr)")
        #expect(!run.stderr.contains("loupe: error"), "\(run.stderr)")
        // Without the flag the same input exits 1.
        let strict = try Self.pipe(["explain", "-", "--model", bag, "--methods", "gradient"], input: [input])
        #expect(strict.status == 1 && strict.lines.count == 4, "\(strict.transcript)")
    }

    @Test func anEmptyPartitionIsZeroRecordsWithAllowBadLines() throws {
        let empty = try Self.pipe(["explain", "-", "--model", bag, "--allow-bad-lines"], input: [])
        #expect(empty.status == 0 && empty.stdout.isEmpty, "\(empty.transcript)")
        let strict = try Self.pipe(["explain", "-", "--model", bag], input: [])
        #expect(strict.status == 2 && strict.stderr.contains("stdin holds no text"), "\(strict.transcript)")
        // A model that cannot load still fails the task, before any line is read.
        let missing = try Self.pipe(["explain", "-", "--model", "/nonexistent/model", "--allow-bad-lines"], input: [Data("good\n".utf8)])
        #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("/nonexistent/model"), "\(missing.transcript)")
        let both = try CLI.run(["explain", "-", "--model", bag, "--fail-fast", "--allow-bad-lines"], input: Data("good\n".utf8))
        #expect(both.status == 2 && both.stderr.contains("--fail-fast and --allow-bad-lines cannot be used together"), "\(both.transcript)")
    }

    @Test(arguments: [1, 2])
    func theModelIsLoadedOncePerJobNotPerLine(_ jobs: Int) throws {
        let texts = Self.sentences(30)
        let run = try Self.pipe(["explain", "-", "--model", bag, "--methods", "gradient", "--verbose", "--jobs", String(jobs)],
                                input: [Data(texts.map { $0 + "\n" }.joined().utf8)])
        #expect(run.status == 0, "\(run.transcript)")
        #expect(run.lines.count == texts.count)
        #expect(run.stderr.components(separatedBy: "model loaded in ").count - 1 == jobs, "\(run.stderr)")
    }

    @Test func threadCountFromTheEnvironmentKeepsTheScores() throws {
        let input = Data(Self.sentences(12).map { $0 + "\n" }.joined().utf8)
        let arguments = ["explain", "-", "--model", transformer, "--methods", "integrated-gradients"]
        let one = try Self.pipe(arguments, input: [input], environment: ["LOUPE_THREADS": "1"])
        let two = try Self.pipe(arguments, input: [input], environment: ["LOUPE_THREADS": "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.transcript)\n\(two.transcript)")
        try #require(one.lines.count == 12 && two.lines.count == 12)
        for (a, b) in zip(one.lines, two.lines) {
            let x = try Self.numbers(a), y = try Self.numbers(b)
            try #require(x.count == y.count)
            for (u, v) in zip(x, y) { #expect(abs(u - v) <= 1e-6, "\(u) vs \(v)") }
        }
        for bad in ["0", "many", "65"] {
            let refused = try Self.pipe(arguments, input: [input], environment: ["LOUPE_THREADS": bad])
            #expect(refused.status == 2 && refused.stdout.isEmpty, "\(refused.transcript)")
            #expect(refused.stderr.contains("LOUPE_THREADS must be a whole number of threads from 1 to 64, got '\(bad)'"), "\(refused.stderr)")
        }
    }

    @Test func generateExplainReadsRequestsThroughAPipe() throws {
        let prompts = ["我今天过得很好。", "Is it good?", "hello there"]
        let requests = prompts.map { prompt in
            String(decoding: try! JSONSerialization.data(withJSONObject: ["prompt": prompt]), as: UTF8.self) + "\n"
        }
        let input = Data((requests + ["not json\n"]).joined().utf8)
        let run = try Self.pipe(["generate", "--model", GenerateExplainTests.gguf, "--chat", "--explain", "--methods", "gradient",
                                 "--max-new-tokens", "2", "--allow-bad-lines", "-"], input: [input])
        #expect(run.status == 0, "\(run.transcript)")
        let lines = run.lines
        try #require(lines.count == 4, "\(run.transcript)")
        #expect(try lines.prefix(3).map { try GenerationDocument.decode(Data($0.utf8)).prompt.text } == prompts)
        #expect(try lines.prefix(3).allSatisfy { try GenerationDocument.decode(Data($0.utf8)).explanation != nil })
        #expect(lines[3].contains("\"line\":4") && lines[3].contains("not a JSON object"), "\(lines[3])")
        #expect(!run.stdout.contains(0x1B))
    }
}
