import Foundation
import Loupe
import Testing

/// Stories 2 and 3: a latent traversal of an image VAE, and the per-token KL of a text VAE,
/// both from PyTorch-exported checkpoints; plus `inspect`.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct LatentStoryTests {
    @Test func traverseAnImageVAE() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let png = folder.appendingPathComponent("traversal.png"), json = folder.appendingPathComponent("traversal.json")
        let result = try CLI.run(["traverse", "--model", CLI.fixture("image-vae"), "--dims", "0,2,4", "--values", "-3,3,7",
                                  "--png", png.path, "--json", json.path])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try TraversalDocument.decode(Data(contentsOf: json))
        #expect(document.dimensions.map(\.index) == [0, 2, 4])
        #expect(document.values == [-3, -2, -1, 0, 1, 2, 3])
        #expect(document.cells.count == 3 && document.cells.allSatisfy { $0.count == 7 })
        #expect(document.cells[0][0].width == 8 && document.cells[0][0].pixels?.count == 64)
        #expect(try PNGDecoder.decode(Array(Data(contentsOf: png))).canvas.width > 200)
    }

    /// The CLI's traversal cells equal the PyTorch decoder's images (reference base_z and values).
    @Test func traversalMatchesTheReference() throws {
        let data = try Data(contentsOf: CLI.fixtures.appendingPathComponent("image-vae/expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let baseZ = try #require(expected["base_z"] as? [Double])
        let cells = try #require(expected["traversal"] as? [[[Double]]])
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("t.json")
        let result = try CLI.run(["traverse", "--model", CLI.fixture("image-vae"), "--z", baseZ.map { String($0) }.joined(separator: ","),
                                  "--values", "-3,3,7", "--json", json.path])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try TraversalDocument.decode(Data(contentsOf: json))
        for (d, row) in cells.enumerated() {
            for (v, pixels) in row.enumerated() {
                let ours = try #require(document.cells[d][v].pixels)
                let worst = zip(ours, pixels).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst < 1e-4, "cell [\(d)][\(v)] differs by \(worst)")
            }
        }
    }

    @Test func traverseATextVAEFromAnExample() throws {
        let result = try CLI.run(["traverse", "--model", CLI.fixture("text-vae"), "--example", "the film was good",
                                  "--dims", "top:2", "--values", "-1,1,3"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("z0: ") && result.stdout.contains("z1: "))
    }

    @Test func klOfATextVAE() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let png = folder.appendingPathComponent("kl.png"), json = folder.appendingPathComponent("kl.json")
        let result = try CLI.run(["kl", "--model", CLI.fixture("text-vae"), "--png", png.path, "--json", json.path,
                                  "the film was not good"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("KL = "))
        let document = try KLDocument.decode(Data(contentsOf: json))
        #expect(document.input.tokens.map(\.text) == ["the", "film", "was", "not", "good"])
        #expect(document.perToken.count == 5)
        let gap = document.perToken.reduce(0, +) - (document.kl - (document.klOfBaseline ?? 0))
        #expect(abs(gap) < 1e-3, "completeness: Σ scores = KL − KL(baseline)")
        #expect(try PNGDecoder.decode(Array(Data(contentsOf: png))).canvas.width > 100)

        let loo = try CLI.run(["kl", "--model", CLI.fixture("text-vae"), "--method", "leave-one-out", "good film"])
        #expect(loo.status == 0, "\(loo.transcript)")
    }

    /// The CLI's per-token KL contributions equal PyTorch's (integrated gradients, 50 Gauss–Legendre steps).
    @Test func klMatchesTheReference() throws {
        let data = try Data(contentsOf: CLI.fixtures.appendingPathComponent("text-vae/expected.json"))
        let cases = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [[String: Any]])
        let first = try #require(cases.first)
        let sentence = try #require(first["sentence"] as? String)
        let perToken = try #require((first["kl_per_token_integrated_gradients_gausslegendre_50"] as? [String: Any])?["per_token"]
            as? [Double])
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("kl.json")
        let result = try CLI.run(["kl", "--model", CLI.fixture("text-vae"), "--json", json.path, sentence])
        #expect(result.status == 0, "\(result.transcript)")
        let ours = try KLDocument.decode(Data(contentsOf: json)).perToken
        #expect(ours.count == perToken.count)
        for (a, b) in zip(ours, perToken) { #expect(abs(a - b) < 1e-4, "\(ours) vs \(perToken)") }
    }

    @Test func inspectListsLayers() throws {
        let result = try CLI.run(["inspect", "--model", CLI.fixture("transformer-classifier")])
        #expect(result.status == 0, "\(result.transcript)")
        for needle in ["transformer-classifier", "negative, positive", "137 tokens", "encoder.layers.0.self_attn", "parameters"] {
            #expect(result.stdout.contains(needle), "missing '\(needle)' in \(result.stdout)")
        }
        let vae = try CLI.run(["inspect", "--model", CLI.fixture("image-vae")])
        #expect(vae.status == 0 && vae.stdout.contains("latent_dim=6"), "\(vae.transcript)")
    }

    @Test func demoWithGivenModelsWritesEveryFile() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let out = folder.appendingPathComponent("demo")
        let result = try CLI.run(["demo", "--out", out.path, "--model", CLI.fixture("transformer-classifier"),
                                  "--text-vae", CLI.fixture("text-vae"), "--image-vae", CLI.fixture("image-vae")])
        #expect(result.status == 0, "\(result.transcript)")
        let explained = ["en", "en-hard", "zh", "zh-hard"].flatMap { ["compare-\($0).png", "explain-\($0).json", "explain-\($0).png"] }
        let expected = (explained + ["kl.json", "kl.png", "report.html", "traversal-image.json", "traversal-image.png",
                                     "traversal-text.json", "traversal-text.png"]).sorted()
        #expect(contents(of: out) == expected)
        for name in expected { #expect(result.stdout.contains("wrote \(out.appendingPathComponent(name).path)")) }
        let zh = try AttributionDocument.decode(Data(contentsOf: out.appendingPathComponent("explain-zh.json")))
        #expect(zh.input.text == "我今天过得很好。")
        #expect(zh.attributions.map(\.method).contains("attention-rollout"))
        let hard = try AttributionDocument.decode(Data(contentsOf: out.appendingPathComponent("explain-zh-hard.json")))
        #expect(hard.input.text == "等了一个小时才送到，饭都凉了。")
    }
}
