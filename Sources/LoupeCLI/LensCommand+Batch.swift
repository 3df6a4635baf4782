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
    /// `{"line": N, "error": …}`) per line; exits with status 1 at the end when any line failed.
    func runBatch(_ runner: LensRunner, loadSeconds: Double) throws {
        try JSONLinesBatch.run(console: global.console) { number, line in
            let request = try Self.request(line)
            return try runner.run(prompt: request.prompt, targetText: request.target, foilText: request.foil,
                                  loadSeconds: number == 1 ? loadSeconds : nil).compactJSON()
        }
    }

    /// The request on one line.
    static func request(_ line: JSONLinesBatch.Request) throws -> BatchRequest {
        try line.check(known: ["prompt", "target", "foil"])
        return BatchRequest(prompt: try line.required("prompt"), target: try line.optional("target"),
                            foil: try line.optional("foil"))
    }
}
