import ArgumentParser
import Foundation
import Loupe

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Decode sentences drawn from a text VAE's prior N(0, I).",
        discussion: """
        Draws -n codes z ~ N(0, I) (seeded; --temperature scales them) and prints what the decoder \
        makes of each, one sentence a line — greedy, or beam search with --beam. Without --model, the \
        bundled English + Chinese text VAE is used. --json prints one loupe.samples.v1 document \
        (docs/latent.md) instead.

        Examples:
          loupe sample -n 10
          loupe sample --model runs/text-vae -n 5 --seed 3 --json
        """)

    @Option(name: .long, help: "Text VAE checkpoint folder (default: the bundled text VAE).")
    var model: String?

    @Option(name: .short, help: "How many samples.")
    var n = 10

    @Option(name: .long, help: "Seed of the drawn codes.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Scale of the drawn codes (1: the prior itself; smaller stays nearer its mean).")
    var temperature = 1.0

    @Option(name: .long, help: "Beam width for decoding (1 = greedy).")
    var beam = 1

    @Flag(name: .long, help: "Print a loupe.samples.v1 JSON document instead of lines.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if n < 1 || n > 10_000 { throw ValidationError("-n must be between 1 and 10000, got \(n)") }
        if beam < 1 { throw ValidationError("--beam must be at least 1, got \(beam)") }
        if !(temperature.isFinite && temperature > 0) {
            throw ValidationError("--temperature must be a positive number, got \(temperature)")
        }
    }

    func run() throws {
        let console = global.console
        let (vae, checkpoint) = try ModelLoader.textVAE(model, command: "sample", console: console)
        let decoding = LatentDecoding(beamWidth: beam, vocabulary: checkpoint.vocabulary)
        let samples = try LatentSamples(model: vae, count: n, seed: seed, temperature: temperature, decoding: decoding)
        if json {
            let document = SamplesDocument(samples, model: LatentModelInfo(vae, path: checkpoint.directory.path), seed: seed,
                                           temperature: temperature, decoding: decoding)
            console.result(String(decoding: try document.prettyJSON(), as: UTF8.self))
            return
        }
        for cell in samples.cells {
            guard let text = cell.text else { continue }
            console.result(text.text ?? text.tokenIDs.map(String.init).joined(separator: " "))
        }
    }
}
