import Foundation
import Loupe
import Testing

/// `loupe explain` (and `tokenize`) over standard input: one record per input line in input
/// order, bad lines as error records, `--fail-fast`, `--jobs`, per-line pictures, and interrupts.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct StreamingStdinTests {
    let bag = CLI.fixture("bag-of-embeddings")
    let transformer = CLI.fixture("transformer-classifier")

    /// The records of stdout, each as a JSON object.
    static func records(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    @Test func badLinesGetErrorRecordsInTheirPlace() throws {
        var input = Data("good film\n\n".utf8)
        input.append(contentsOf: [0x62, 0x61, 0xFF, 0xFE, 0x0A])            // line 3: not UTF-8
        input.append(Data("xylophone zzyzx\n  \t\nbad film\r\nthe acting was great".utf8))   // 4 unknown, 5 blank, 6, 7 (no final newline)
        let result = try CLI.run(["explain", "--model", bag, "--methods", "gradient"], input: input)
        #expect(result.status == 1, "\(result.transcript)")
        let records = try Self.records(result.stdout)
        try #require(records.count == 7, "\(result.stdout)")
        let errors = records.enumerated().compactMap { i, r in (r["error"] as? String).map { (i + 1, $0) } }
        #expect(errors.map(\.0) == [2, 3, 4, 5])
        #expect(errors.map { records[$0.0 - 1]["line"] as? Int } == [2, 3, 4, 5])
        #expect(errors[0].1 == "empty line")
        #expect(errors[1].1.contains("not valid UTF-8") && errors[1].1.contains("offset 2"), "\(errors[1].1)")
        #expect(errors[2].1.contains("every token is unknown") && errors[2].1.contains("'zzyzx'"), "\(errors[2].1)")
        let texts = try result.stdout.split(separator: "\n").enumerated().filter { ![1, 2, 3, 4].contains($0.offset) }
            .map { try AttributionDocument.decode(Data($0.element.utf8)).input.text }
        #expect(texts == ["good film", "bad film", "the acting was great"])
        for line in [2, 3, 4, 5] { #expect(result.stderr.contains("loupe: warning: stdin line \(line): "), "\(result.stderr)") }
        #expect(result.stderr.contains("loupe: error: 4 of 7 stdin lines failed (first: line 2)"), "\(result.stderr)")
    }

    @Test func aLineTooLongForTheModelFailsUnlessTruncated() throws {
        let long = Array(repeating: "good", count: 80).joined(separator: " ")   // the fixture's max_len is 64
        let input = Data("a good film\n\(long)\nbad\n".utf8)
        let result = try CLI.run(["explain", "--model", transformer, "--methods", "gradient"], input: input)
        #expect(result.status == 1, "\(result.transcript)")
        let records = try Self.records(result.stdout)
        try #require(records.count == 3)
        let message = try #require(records[1]["error"] as? String)
        #expect(message.contains("too long for the model: 80 tokens, the model takes 64"), "\(message)")
        #expect(records[0]["error"] == nil && records[2]["error"] == nil)

        let truncated = try CLI.run(["explain", "--model", transformer, "--methods", "gradient", "--truncate"], input: input)
        #expect(truncated.status == 0, "\(truncated.transcript)")
        let documents = try AttributionDocument.decodeLines(truncated.stdout)
        #expect(documents.count == 3 && documents[1].input.tokens.count == 64)
        #expect(truncated.stderr.contains("stdin line 2: text truncated from 80 to 64 tokens"), "\(truncated.stderr)")
    }

    @Test func failFastStopsAtTheFirstBadLine() throws {
        let result = try CLI.run(["explain", "--model", bag, "--methods", "gradient", "--fail-fast"],
                                 input: Data("good\n\nbad\nfine\n".utf8))
        #expect(result.status == 1, "\(result.transcript)")
        let records = try Self.records(result.stdout)
        #expect(records.count == 2)
        #expect(records.last?["error"] as? String == "empty line")
        #expect(result.stderr.contains("1 of 2 stdin lines failed (first: line 2); stopped there (--fail-fast)"), "\(result.stderr)")
    }

    @Test func parallelJobsKeepTheInputOrder() throws {
        let words = ["good", "bad", "great film", "terrible plot", "", "boring", "the acting was brilliant", "awful", "fine",
                     "a wonderful story", "bad music", "good director", "moving"]
        let input = Data(words.joined(separator: "\n").utf8)
        let one = try CLI.run(["explain", "--model", bag, "--methods", "gradient,leave-one-out"], input: input)
        let three = try CLI.run(["explain", "--model", bag, "--methods", "gradient,leave-one-out", "--jobs", "3"], input: input)
        #expect(one.status == 1 && three.status == 1, "\(three.transcript)")
        #expect(try Self.records(one.stdout).count == words.count)
        // Timings differ from run to run; everything else is the same, line for line.
        func withoutTimes(_ text: String) -> String {
            text.replacingOccurrences(of: #""seconds":[0-9.e-]+"#, with: "", options: .regularExpression)
        }
        #expect(withoutTimes(one.stdout) == withoutTimes(three.stdout))
        let invalid = try CLI.run(["explain", "--model", bag, "--jobs", "0"], input: input)
        #expect(invalid.status == 2 && invalid.stderr.contains("--jobs"), "\(invalid.transcript)")
    }

    @Test func picturesGoToOneFilePerLine() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let png = folder.appendingPathComponent("png"), html = folder.appendingPathComponent("html")
        let result = try CLI.run(["explain", "--model", bag, "--methods", "gradient", "--png", png.path, "--html", html.path],
                                 input: Data("good film\n\nbad film\n".utf8))
        #expect(result.status == 1, "\(result.transcript)")
        #expect(contents(of: png) == ["line-000001.png", "line-000003.png"])
        #expect(contents(of: html) == ["line-000001.html", "line-000003.html"])
        let decoded = try PNGDecoder.decode(Array(Data(contentsOf: png.appendingPathComponent("line-000003.png"))))
        #expect(decoded.canvas.width > 100)
        #expect(try String(contentsOf: html.appendingPathComponent("line-000001.html"), encoding: .utf8).contains("good"))
        // A file where the folder should be is refused before anything runs.
        let file = folder.appendingPathComponent("file.png")
        try Data().write(to: file)
        let refused = try CLI.run(["explain", "--model", bag, "--png", file.path], input: Data("good\n".utf8))
        #expect(refused.status == 2 && refused.stderr.contains("one file per line into a folder"), "\(refused.transcript)")
    }

    @Test func overlongLinesAreSkippedToTheirEnd() throws {
        // 300 KB without a newline crosses several read chunks.
        let long = String(repeating: "good ", count: 60_000)
        let input = Data("bad\n\(long)\ngood\n".utf8)
        let result = try CLI.run(["explain", "--model", bag, "--methods", "gradient", "--max-line-bytes", "1000"], input: input)
        #expect(result.status == 1, "\(result.transcript)")
        let records = try Self.records(result.stdout)
        try #require(records.count == 3)
        #expect((records[1]["error"] as? String)?.contains("line too long (300000 bytes; the limit is 1000") == true,
                "\(records[1])")
        #expect(records[2]["line"] == nil && records[2]["input"] != nil)
    }

    @Test func controlCharactersNeverReachTheTerminalRaw() throws {
        let hostile = "good \u{1B}]0;pwned\u{7} film \u{202E}evil\u{200B}"
        let piped = try CLI.run(["explain", "--model", bag, "--methods", "gradient"], input: Data((hostile + "\n").utf8))
        let single = try CLI.run(["explain", "--model", bag, "--methods", "gradient", hostile], environment: ["NO_COLOR": ""])
        for result in [piped, single] {
            #expect(result.status == 0, "\(result.transcript)")
            for output in [result.stdout, result.stderr] {
                #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{202E}" || $0 == "\u{200B}" },
                        "\(output)")
            }
            #expect(result.stderr.contains("'\\u{1B}'") && result.stderr.contains("'\\u{202E}evil\\u{200B}'")
                    || result.stderr.contains("\\u{202E}"), "\(result.stderr)")
        }
        // The JSON keeps the text exactly (as \u escapes).
        #expect(try AttributionDocument.decodeLines(piped.stdout).first?.input.text == hostile)
        #expect(single.stdout.contains("\\u{1B}(") && single.stdout.contains("\\u{7}("), "\(single.stdout)")
    }

    /// Starts `loupe` with a pipe for stdin and stdout; the caller writes, reads and signals.
    struct LiveRun {
        let process = Process()
        let input = Pipe(), output = Pipe(), errors = Pipe()

        init(_ arguments: [String]) throws {
            process.executableURL = try #require(CLI.loupe)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            process.environment = environment
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        func send(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

        /// Reads stdout until it holds `lines` complete lines (or 60 s pass).
        func readLines(_ lines: Int) -> String {
            var data = Data()
            let deadline = Date().addingTimeInterval(60)
            while data.filter({ $0 == 0x0A }).count < lines && Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            return String(decoding: data, as: UTF8.self)
        }

        func finish() -> (status: Int32, stdout: String, stderr: String) {
            process.waitUntilExit()
            let rest = output.fileHandleForReading.readDataToEndOfFile()
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            return (process.terminationStatus, String(decoding: rest, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSignalFlushesTheLinesDoneAndExits(_ signal: Int32, _ status: Int32) throws {
        let run = try LiveRun(["explain", "--model", bag, "--methods", "gradient"])
        run.send("good film\n")
        let first = run.readLines(1)
        #expect(try AttributionDocument.decodeLines(first).map(\.input.text) == ["good film"], "each line is flushed as it is done")
        kill(run.process.processIdentifier, signal)   // stdin stays open: the reader is waiting for more
        let end = run.finish()
        #expect(end.status == status, "\(end.stderr)")
        #expect(end.stdout.isEmpty)
        #expect(end.stderr.contains("interrupted (\(signal == SIGINT ? "SIGINT" : "SIGTERM")) after stdin line 1"), "\(end.stderr)")
    }

    @Test func anInterruptedJSONLinesFileHoldsTheLinesDoneAndNoTemporaryFile() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let out = folder.appendingPathComponent("all.jsonl")
        let run = try LiveRun(["explain", "--model", bag, "--methods", "gradient", "--json", out.path, "--verbose"])
        run.send("good film\nbad film\n")
        // Wait until both lines are explained (the verbose timing lines name them).
        let deadline = Date().addingTimeInterval(60)
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("stdin line 2: gradient") && Date() < deadline {
            let chunk = run.errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "the file appears only when complete")
        kill(run.process.processIdentifier, SIGINT)
        let end = run.finish()
        #expect(end.status == 130, "\(end.stderr)")
        #expect(contents(of: folder) == ["all.jsonl"], "no temporary file is left")
        let documents = try AttributionDocument.decodeLines(String(contentsOf: out, encoding: .utf8))
        #expect(documents.map(\.input.text) == ["good film", "bad film"])
    }
}
