import Foundation
import Loupe
import Testing

/// `evaluate`, `patch --clean -` and `lens -` over standard input share explain's stream
/// (``LineStream``): bad lines are reported in their place and the run goes on, `--fail-fast`
/// stops, `--jobs N` keeps input order, and the exit status says whether a line failed.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct StreamCommandsTests {
    let bag = CLI.fixture("bag-of-embeddings")
    static let llama = CLI.packageRoot.appendingPathComponent("Tests/LoupeCLITests/Fixtures/pretrained/tiny-llama-chat").path

    static func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    /// Labelled lines of every form, two of them good per form.
    static let goodLines = [
        "sentence\tlabel",
        "a good film\t1", "a bad film\tnegative",
        #"{"text": "the acting was great", "label": "positive"}"#, #"{"text": "boring plot", "label": 0}"#,
    ]

    @Test func evaluateStreamsLabelledLinesAndCountsTheSkippedOnes() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        // The same examples as a file: the figures must agree.
        let file = folder.appendingPathComponent("dev.tsv")
        try "sentence\tlabel\na good film\t1\na bad film\t0\nthe acting was great\t1\nboring plot\t0\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try CLI.run(["evaluate", "--model", bag, "--data", file.path])
        #expect(fromFile.status == 0, "\(fromFile.transcript)")

        var input = Data((Self.goodLines[0...2].joined(separator: "\n") + "\nno label here\n").utf8)
        input.append(contentsOf: [0x66, 0xFF, 0x09, 0x31, 0x0A])                              // line 5: not UTF-8
        input.append(Data((Self.goodLines[3...4].joined(separator: "\n") + "\nfine\tneutral\n\n").utf8))  // 6, 7, 8 bad label, 9 blank
        let predictions = folder.appendingPathComponent("predictions.jsonl")
        let streamed = try CLI.run(["evaluate", "--model", bag, "--data", "-", "--predictions", predictions.path,
                                    "--json", folder.appendingPathComponent("figures.json").path], input: input)
        #expect(streamed.status == 1, "\(streamed.transcript)")
        let accuracy = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("accuracy") }.map(String.init) ?? "" }
        #expect(accuracy(streamed.stdout)
                == accuracy(fromFile.stdout).replacingOccurrences(of: " / 4)", with: " / 4, 4 of 8 stdin lines skipped)"),
                "\(streamed.stdout)\n\(fromFile.stdout)")
        #expect(streamed.stdout.split(separator: "\n").dropFirst() == fromFile.stdout.split(separator: "\n").dropFirst(),
                "the same precision, recall and confusion table")
        for (line, mention) in [(4, "expected 2 tab-separated fields (sentence, label)"), (5, "not valid UTF-8"), (8, "label 'neutral'"), (9, "empty line")] {
            #expect(streamed.stderr.contains("loupe: warning: stdin line \(line): \(mention)"), "\(streamed.stderr)")
        }
        #expect(streamed.stderr.contains("loupe: error: 4 of 8 stdin lines failed (first: line 4)"), "\(streamed.stderr)")

        let records = try Self.records(String(contentsOf: predictions, encoding: .utf8))
        #expect(records.map { $0["line"] as? Int } == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(records.map { $0["error"] != nil } == [false, false, true, true, false, false, true, true])
        #expect(records[0]["label"] as? String == "positive" && records[1]["label"] as? String == "negative")
        #expect(records.compactMap { $0["predicted"] as? String }.count == 4)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("figures.json")))
            as? [String: Any])
        #expect(figures["examples"] as? Int == 4 && figures["lines"] as? Int == 8 && figures["lines_skipped"] as? Int == 4)
    }

    @Test func evaluateFailFastJobsAndLimit() throws {
        let lines = (0..<30).map { i in i % 7 == 3 ? "broken line \(i)" : "\(i % 2 == 0 ? "a good film" : "a bad story") \(i)\t\(i % 2)" }
        let input = Data(lines.joined(separator: "\n").utf8)
        let one = try CLI.run(["evaluate", "--model", bag], input: input)   // no --data: stdin is a pipe
        let three = try CLI.run(["evaluate", "--model", bag, "--jobs", "3"], input: input)
        #expect(one.status == 1 && three.status == 1, "\(three.transcript)")
        #expect(one.stdout == three.stdout && one.stdout.contains(" / 26, 4 of 30 stdin lines skipped)"), "\(one.stdout)")

        let fast = try CLI.run(["evaluate", "--model", bag, "--fail-fast"], input: input)
        #expect(fast.status == 1 && fast.stdout.contains(" / 3, 1 of 4 stdin lines skipped)"), "\(fast.transcript)")
        #expect(fast.stderr.contains("1 of 4 stdin lines failed (first: line 4); stopped there (--fail-fast)"), "\(fast.stderr)")

        let limited = try CLI.run(["evaluate", "--model", bag, "--limit", "3"], input: input)
        #expect(limited.status == 0 && limited.stdout.contains(" / 3, first 3 lines (--limit))"), "\(limited.transcript)")

        let nothing = try CLI.run(["evaluate", "--model", bag, "--data", "-"], input: Data())
        #expect(nothing.status == 2 && nothing.stderr.contains("stdin holds no labelled lines"), "\(nothing.transcript)")
        let misplaced = try CLI.run(["evaluate", "--model", bag, "--data", "x.tsv", "--predictions", "p.jsonl"])
        #expect(misplaced.status == 2 && misplaced.stderr.contains("--predictions"), "\(misplaced.transcript)")
    }

    @Test func anInterruptedEvaluationPrintsTheFiguresOfTheLinesDone() throws {
        let run = try StreamingStdinTests.LiveRun(["evaluate", "--model", bag])
        run.send("a good film\t1\nno label\n")
        // The warning about line 2 says both lines are done (lines are taken in order).
        let deadline = Date().addingTimeInterval(60)
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("stdin line 2:") && Date() < deadline {
            let chunk = run.errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(run.process.processIdentifier, SIGINT)   // stdin stays open: the reader is waiting for more
        let end = run.finish()
        #expect(end.status == 130, "\(end.stderr)")
        #expect(end.stdout.contains(" / 1, 1 of 2 stdin lines skipped)"), "\(end.stdout)")
        #expect(end.stderr.contains("interrupted (SIGINT) after stdin line 2"), "\(end.stderr)")
    }

    @Test func evaluateFaithfulnessOnAStream() throws {
        let input = Data("a good film\t1\nbad\nboring plot\t0\nthe acting was great\t1\n".utf8)
        let result = try CLI.run(["evaluate", "--model", bag, "--faithfulness", "--methods", "gradient"], input: input)
        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.stdout.contains("gradient") && result.stdout.contains("random"), "\(result.stdout)")
    }

    @Test func patchStreamsWithJobsAndFailFast() throws {
        let requests = [
            #"{"clean": "this is a good", "corrupt": "this is a film"}"#,
            #"{"clean": "this is a good", "corrupt": "a film"}"#,
            "not json",
            #"{"clean": "this is a good", "corrupt": "this is a like", "target": " with", "foil": " that"}"#,
            #"{"clean": "this is a good", "corrupt": "this is a film", "colour": "red"}"#,
            #"{"clean": "a good", "corrupt": "a film"}"#,
        ]
        let input = Data(requests.joined(separator: "\n").utf8)
        let base = ["patch", "--model", Self.llama, "--clean", "-", "--target", " movie", "--foil", " story", "--sites", "resid"]
        let one = try CLI.run(base, input: input)
        let two = try CLI.run(base + ["--jobs", "2"], input: input)
        #expect(one.status == 1 && two.status == 1, "\(two.transcript)")
        func withoutTimes(_ text: String) -> String {
            text.replacingOccurrences(of: #""[a-z_]*seconds":[0-9.e-]+"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #""timings":\{[^}]*\}"#, with: "", options: .regularExpression)
        }
        #expect(withoutTimes(one.stdout) == withoutTimes(two.stdout))
        let records = try Self.records(one.stdout)
        try #require(records.count == 6)
        #expect(records.map { $0["line"] as? Int } == [nil, 2, 3, nil, 5, nil])
        #expect((records[2]["error"] as? String)?.contains(#"expected {"clean""#) == true, "\(records[2])")
        #expect((records[4]["error"] as? String)?.contains("unknown key 'colour'") == true, "\(records[4])")
        #expect(one.stderr.contains("loupe: error: 3 of 6 stdin lines failed (first: line 2)"), "\(one.stderr)")

        let fast = try CLI.run(base + ["--fail-fast"], input: input)
        let fastRecords = try Self.records(fast.stdout)
        #expect(fast.status == 1 && fastRecords.count == 2, "\(fast.transcript)")

        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let out = folder.appendingPathComponent("all.jsonl")
        let toFile = try CLI.run(base + ["--json", out.path], input: input)
        #expect(toFile.status == 1 && toFile.stdout.isEmpty, "\(toFile.transcript)")
        #expect(withoutTimes(try String(contentsOf: out, encoding: .utf8)) == withoutTimes(one.stdout))
        #expect(contents(of: folder) == ["all.jsonl"])
    }

    @Test func lensStreamsWithJobsAndFailFast() throws {
        let requests = [#"{"prompt": "this is a good"}"#, "", #"{"prompt": "a film", "target": " movie"}"#,
                        #"{"prompt": 3}"#, #"{"prompt": "this is"}"#]
        let input = Data(requests.joined(separator: "\n").utf8)
        let base = ["lens", "--model", Self.llama, "-"]
        let one = try CLI.run(base, input: input)
        let two = try CLI.run(base + ["--jobs", "2"], input: input)
        #expect(one.status == 1 && two.status == 1, "\(two.transcript)")
        func withoutTimes(_ text: String) -> String {
            text.replacingOccurrences(of: #""timings":\{[^}]*\}"#, with: "", options: .regularExpression)
        }
        #expect(withoutTimes(one.stdout) == withoutTimes(two.stdout), "\(one.stdout)\n---\n\(two.stdout)")
        let records = try Self.records(one.stdout)
        #expect(records.map { $0["error"] != nil } == [false, true, false, true, false])
        let fast = try CLI.run(base + ["--fail-fast"], input: input)
        let fastRecords = try Self.records(fast.stdout)
        #expect(fast.status == 1 && fastRecords.count == 2, "\(fast.transcript)")
        #expect(fast.stderr.contains("stopped there (--fail-fast)"), "\(fast.stderr)")
    }
}
