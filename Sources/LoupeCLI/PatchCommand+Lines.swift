import Foundation
import Loupe

extension PatchCommand {
    /// `--clean -`: one JSON request per line of standard input → one compact `loupe.patching.v1`
    /// document per line (to stdout, or to --json as JSON Lines), streamed by ``JSONLinesBatch``
    /// (``LineStream``: each line read, patched and written before the next; `--jobs N` patches
    /// N lines at a time, each job with its own copy of the model, output in input order). A bad
    /// line yields `{"error": …, "line": N}` and the run goes on (`--fail-fast`: it stops); the
    /// exit status is 1 when any line failed.
    func runLines(_ patcher: Patcher, console: Console, jsonURL: URL?) throws {
        if isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("--clean -: pipe JSON Lines requests on standard input")
        }
        var jobs = 0
        try JSONLinesBatch.run(console: console, options: stream, file: jsonURL,
                               expected: #"{"clean": "...", "corrupt": "...", "target": "...", "foil": "..."}"#) {
            jobs += 1
            let worker = jobs == 1 ? patcher : try copy(of: patcher)
            return { _, line in try worker.patch(try request(line)).0.compactJSON() }
        }
    }

    /// The request on one line; fields it does not give fall back to the options.
    func request(_ line: JSONLinesBatch.Request) throws -> PatchRequest {
        try line.check(known: ["clean", "corrupt", "target", "foil"])
        let clean = try line.required("clean")
        if clean == "-" { throw CLIError.usage("\"clean\" cannot be '-'") }
        return PatchRequest(clean: clean, corrupt: try line.optional("corrupt") ?? corrupt,
                            target: try line.optional("target") ?? target, foil: try line.optional("foil") ?? foil)
    }

    /// A patcher with its own copy of the model (one per `--jobs`).
    func copy(of patcher: Patcher) throws -> Patcher {
        let loaded = try ModelLoader.pretrained(model)
        guard let lm = loaded.languageModel as? any ResidualStreamModel else {
            throw CLIError.usage("--model \(model): a '\(loaded.architecture)' model is not a causal language model")
        }
        return Patcher(loaded: loaded, model: lm, settings: patcher.settings)
    }
}
