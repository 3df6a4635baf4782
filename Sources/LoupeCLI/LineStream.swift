import ArgumentParser
import Foundation
import Loupe

/// The options of every command that reads one input per line of standard input.
struct StreamOptions: ParsableArguments {
    @Flag(name: .long, help: "Reading stdin: stop at the first line that fails (its error record is still written).")
    var failFast = false

    @Flag(name: .long, help: ArgumentHelp(
        "Reading stdin: exit with status 0 when lines failed (their error records are in the output; stderr says how many) or when there are none.",
        discussion: "For engines that fail a whole task on a non-zero status and may hand a task no lines, such as Spark's RDD.pipe (see docs/scale-out.md)."))
    var allowBadLines = false

    @Option(name: .long, help: "Reading stdin: lines processed in parallel, each job with its own copy of the model (output keeps input order).")
    var jobs = 1

    @Option(name: .long, help: "Reading stdin: longest line in bytes; a longer line gets an error record.")
    var maxLineBytes = LineReader.defaultMaximumLineBytes

    func validate() throws {
        if failFast && allowBadLines { throw ValidationError("--fail-fast and --allow-bad-lines cannot be used together") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be at least 1, got \(maxLineBytes)") }
    }
}

/// Where the records of a stream go: standard output (each line flushed as it is written), or a
/// file that appears complete under its name when the stream ends (``AtomicFile/Stream``).
final class LineSink {
    private let console: Console?
    private let file: AtomicFile.Stream?
    /// Records written.
    private(set) var count = 0

    /// Records to `file`, else to standard output; with neither (`console` nil, no file) they
    /// are counted and dropped (`evaluate` without `--predictions`: warnings say what failed).
    init(console: Console?, file url: URL?) throws {
        self.console = console
        self.file = try url.map { try AtomicFile.Stream(to: $0) }
    }

    /// The file's destination, when writing one.
    var url: URL? { file?.url }

    func write(_ record: String) throws {
        count += 1
        if let file { try file.write(record + "\n") } else { console?.result(record) }
    }

    /// Removes the file being written (nothing to keep).
    func discard() { file?.discard() }

    /// Renames the file into place (complete records only).
    func finish() throws {
        fflush(stdout)
        try file?.commit()
    }
}

/// The line loop of `explain`, `tokenize`, `generate -`, `lens -`, `patch --clean -` and
/// `evaluate --data -` (one implementation of their semantics): read a line of standard
/// input, process it, write its one record, then the next — so memory does not grow with the
/// input and every finished line's result is already out when a later one fails.
///
/// - A bad line (not UTF-8, longer than `--max-line-bytes`, blank where the command needs text,
///   or rejected by the command: no tokens, too long for the model, only unknown tokens, bad
///   JSON) yields `{"error": "…", "line": N}` in its place and a warning on standard error; the
///   run goes on (`--fail-fast`: it stops there).
/// - Output records keep input order, also with `--jobs N` (N workers, each with its own model).
/// - At the end the exit status is 1 when any line failed (`loupe: error: 2 of 40 stdin lines
///   failed (first: line 7)`); 0 with `--allow-bad-lines` (the same count as a warning), which
///   also takes an empty input (an empty partition of an engine's job) as zero records.
/// - SIGINT / SIGTERM: the line being processed is finished, the records are flushed (a `--json`
///   file is renamed into place holding the lines done), and the process exits with 130 / 143.
struct LineStream {
    let options: StreamOptions
    let console: Console
    /// Whether a blank (whitespace-only) line is an error (texts to explain) or an input like any other.
    var rejectsBlankLines = true
    /// How the input is named in messages.
    var source = "stdin"
    /// What a line holds, for the message when there are no lines ("stdin holds no text").
    var inputName = "text"
    /// Lines read at most (`evaluate --limit`); nil: to the end of the input.
    var maximumLines: Int?

    /// Processes one line (its number and text) into its output record (one line of JSON).
    typealias Worker = (_ number: Int, _ text: String) throws -> String

    /// What a stream did.
    struct Summary {
        var lines = 0
        var failed = 0
        var firstFailure: Int?
        var interrupted = false
    }

    /// Runs the loop over `reader` into `sink`; `makeWorker` is called once per job (before any
    /// line is read), so each job has its own model.
    /// - Throws: `ExitCode(128 + signal)` after an interrupt; a runtime error when a line failed.
    @discardableResult
    func run(reader: inout LineReader, sink: LineSink, makeWorker: () throws -> Worker) throws -> Summary {
        let summary = try stream(reader: &reader, sink: sink, makeWorker: makeWorker) { _, record in try sink.write(record) }
        try conclude(summary)
        return summary
    }

    /// The loop without its conclusion, for commands that report something of their own once the
    /// lines are done (`evaluate` prints its figures) before ``conclude(_:)`` sets the exit status.
    ///
    /// Each job's worker turns a line into an `Output`; `emit` receives the outputs on this thread
    /// in input order (error records of failed lines go to `sink` in their place). The sink is
    /// finished (a file renamed into place) before this returns, also after an interrupt.
    func stream<Output>(reader: inout LineReader, sink: LineSink,
                        makeWorker: () throws -> (_ number: Int, _ text: String) throws -> Output,
                        emit: (_ number: Int, _ output: Output) throws -> Void) throws -> Summary {
        ProcessSignals.install()
        let workers = try (0..<options.jobs).map { _ in try makeWorker() }
        var summary = Summary()
        try ProcessSignals.cooperating {
            let batchSize = options.jobs == 1 ? 1 : options.jobs * 4
            reading: while !ProcessSignals.stopRequested {
                if let maximumLines, summary.lines >= maximumLines { break }
                var batch: [RawLine] = []
                let room = maximumLines.map { $0 - summary.lines } ?? batchSize
                while batch.count < Swift.min(batchSize, room), let line = try reader.next() { batch.append(line) }
                if batch.isEmpty { break }
                let outcomes = process(batch, workers: workers)
                for (line, outcome) in zip(batch, outcomes) {
                    summary.lines += 1
                    switch outcome {
                    case .success(let output):
                        try emit(line.number, output)
                    case .failure(let error):
                        summary.failed += 1
                        if summary.firstFailure == nil { summary.firstFailure = line.number }
                        console.warning("\(source) line \(line.number): \(error.message)")
                        try sink.write(Self.errorRecord(line: line.number, message: error.message))
                        if options.failFast { break reading }
                    }
                }
            }
            summary.interrupted = ProcessSignals.stopRequested
            if summary.lines == 0 { sink.discard() } else { try sink.finish() }
        }
        if let written = sink.url, summary.lines > 0 {
            console.note("wrote \(written.path) (\(sink.count) record\(sink.count == 1 ? "" : "s"))")
        }
        return summary
    }

    /// The exit of a finished stream: after an interrupt, a note and `ExitCode(128 + signal)`;
    /// for no lines at all, a usage error; when lines failed, a runtime error (exit status 1)
    /// saying how many and which first.
    func conclude(_ summary: Summary) throws {
        if summary.interrupted, let signal = ProcessSignals.receivedSignal {
            Console.writeError("loupe: interrupted (\(ProcessSignals.name(of: signal))) after \(source) line \(summary.lines); "
                               + "the records of lines 1–\(summary.lines) are complete")
            throw ExitCode(128 + signal)
        }
        if summary.lines == 0 && options.allowBadLines {
            console.note("\(source) holds no lines: nothing to do (--allow-bad-lines)")
            return
        }
        if summary.lines == 0 { throw CLIError.usage("\(source) holds no \(inputName) (no lines)") }
        if summary.failed > 0 && options.allowBadLines {
            console.warning("\(summary.failed) of \(summary.lines) \(source) line\(summary.lines == 1 ? "" : "s") failed "
                            + "(first: line \(summary.firstFailure ?? 0)); exit status 0 (--allow-bad-lines)")
        } else if summary.failed > 0 {
            let stopped = options.failFast ? "; stopped there (--fail-fast)" : ""
            throw CLIError.runtime("\(summary.failed) of \(summary.lines) \(source) line\(summary.lines == 1 ? "" : "s") failed "
                                   + "(first: line \(summary.firstFailure ?? 0))\(stopped)")
        }
    }

    /// Runs the workers over a batch: worker `w` takes lines `w`, `w + jobs`, …
    private func process<Output>(_ batch: [RawLine],
                                 workers: [(Int, String) throws -> Output]) -> [Result<Output, CLIError>] {
        if workers.count == 1 || batch.count == 1 { return batch.map { outcome(of: $0, worker: workers[0]) } }
        let results = ResultSlots<Output>(count: batch.count)
        DispatchQueue.concurrentPerform(iterations: workers.count) { w in
            for i in stride(from: w, to: batch.count, by: workers.count) {
                results.set(i, outcome(of: batch[i], worker: workers[w]))
            }
        }
        return results.values
    }

    private func outcome<Output>(of line: RawLine, worker: (Int, String) throws -> Output) -> Result<Output, CLIError> {
        switch line.text(limit: options.maxLineBytes) {
        case .failure(let error): return .failure(error)
        case .success(let text):
            if rejectsBlankLines && text.allSatisfy(\.isWhitespace) { return .failure(.usage("empty line")) }
            do {
                return .success(try worker(line.number, text))
            } catch {
                let classified = CLIError.classify(error)
                return .failure(CLIError(kind: classified.kind, message: oneLine(classified.message)))
            }
        }
    }

    /// `{"error": "…", "line": N}`.
    static func errorRecord(line: Int, message: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(ErrorRecord(line: line, error: message))) ?? Data("{\"line\": \(line)}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    struct ErrorRecord: Codable {
        var line: Int
        var error: String
    }
}

/// Results written by parallel workers, one slot each.
private final class ResultSlots<Output>: @unchecked Sendable {
    private var slots: [Result<Output, CLIError>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Output, CLIError>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Result<Output, CLIError>] { slots.map { $0 ?? .failure(.runtime("not processed")) } }
}
