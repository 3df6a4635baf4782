import Foundation
import Loupe

extension LensCommand {
    /// One request of the stdin batch mode.
    struct BatchRequest: Decodable {
        var prompt: String
        var target: String?
        var foil: String?
    }

    /// Reads JSON Lines from standard input, writes one compact `loupe.lens.v1` document (or one
    /// `{"line": N, "error": …}`) per line, streamed by ``JSONLinesBatch`` (``LineStream``);
    /// `--jobs N` runs N lines at a time, each job with its own copy of the model (output in input
    /// order); `--fail-fast` stops at the first bad line; the exit status is 1 when any line failed.
    func runBatch(_ runner: LensRunner, loadSeconds: Double) throws {
        var jobs = 0
        try JSONLinesBatch.run(console: global.console, options: stream) {
            jobs += 1
            var worker = runner
            if jobs > 1 {
                worker.loaded = try ModelLoader.pretrained(model)
                worker.model = try LensRunner(loaded: worker.loaded, model: model, chat: chat, system: system, topK: topK,
                                              layers: runner.layers).model
            }
            return { [worker] number, line in
                let request = try Self.request(line)
                return try worker.run(prompt: request.prompt, targetText: request.target, foilText: request.foil,
                                      loadSeconds: number == 1 ? loadSeconds : nil).compactJSON()
            }
        }
    }

    /// The request on one line.
    static func request(_ line: JSONLinesBatch.Request) throws -> BatchRequest {
        try line.check(known: ["prompt", "target", "foil"])
        return BatchRequest(prompt: try line.required("prompt"), target: try line.optional("target"),
                            foil: try line.optional("foil"))
    }
}
