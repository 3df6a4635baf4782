import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

/// A small image VAE with fixed random weights.
func tinyImageVAE(seed: UInt64 = 3) -> ImageVAE {
    ImageVAE(config: ImageVAEConfig(height: 3, width: 4, hiddenDimension: 10, latentDimension: 5), seed: seed)
}

/// `count` images of `model`'s size with intensities in [0, 1].
func randomImages(_ count: Int, pixels: Int, seed: UInt64 = 9) -> [[Float]] {
    var rng = RandomGenerator(seed: seed)
    return (0..<count).map { _ in (0..<pixels).map { _ in rng.nextUniform() } }
}

@Suite("Latent codes")
struct LatentCodesTests {
    @Test("per-dimension KL is the mean over examples; activity is Var(μ_d); ranking by KL")
    func statistics() throws {
        let mu: [[Float]] = [[1, 0, 0.5], [-1, 0, 0.5], [3, 0.1, 0.5]]
        let logVariance: [[Float]] = [[0, 0, -1], [0, 0, -1], [0, 0, -1]]
        let codes = try LatentCodes(mu: mu, logVariance: logVariance, latentDimension: 3)
        func kl(_ m: Double, _ lv: Double) -> Double { 0.5 * (m * m + exp(lv) - 1 - lv) }
        #expect(Swift.abs(codes.klPerDimension[0] - (kl(1, 0) + kl(-1, 0) + kl(3, 0)) / 3) < 1e-12)
        #expect(Swift.abs(codes.klPerDimension[2] - kl(0.5, -1)) < 1e-7)
        // Var of (1, −1, 3) = 8/3; of (0, 0, 0.1) = 0.00222…; of a constant = 0.
        #expect(Swift.abs(codes.activity[0] - 8.0 / 3) < 1e-6)
        #expect(Swift.abs(codes.activity[1] - 0.02 / 9) < 1e-8)
        #expect(codes.activity[2] == 0)
        #expect(codes.isActive == [true, false, false])
        #expect(codes.activeCount == 1)
        #expect(codes.ranking == [0, 2, 1])
        #expect(Swift.abs(codes.totalKL - codes.klPerDimension.reduce(0, +)) < 1e-12)
    }

    @Test("quantiles interpolate between order statistics (NumPy's default)")
    func quantiles() throws {
        let codes = try LatentCodes(mu: [[4], [1], [3], [2]], logVariance: [[0], [0], [0], [0]], latentDimension: 1)
        #expect(try codes.quantile(0, ofDimension: 0) == 1)
        #expect(try codes.quantile(1, ofDimension: 0) == 4)
        #expect(try Swift.abs(codes.quantile(0.5, ofDimension: 0) - 2.5) < 1e-12)
        #expect(try Swift.abs(codes.quantile(0.25, ofDimension: 0) - 1.75) < 1e-12)
    }

    @Test("encoding a data set in batches gives each example its own posterior")
    func encodingInBatches() throws {
        let model = tinyImageVAE()
        let images = randomImages(11, pixels: model.pixelCount)
        let small = try LatentCodes(encoding: images, with: model, batchSize: 3)
        let whole = try LatentCodes(encoding: images, with: model, batchSize: 100)
        let (mu, logVariance) = withoutGradients {
            model.encode(Tensor(shape: [11, model.pixelCount], scalars: images.flatMap { $0 }))
        }
        #expect(small.count == 11 && small.latentDimension == 5)
        for i in 0..<11 {
            for d in 0..<5 {
                #expect(Swift.abs(small.mu[i][d] - mu[i, d]) < 1e-6)
                #expect(Swift.abs(whole.logVariance[i][d] - logVariance[i, d]) < 1e-6)
            }
        }
    }

    @Test("text VAE codes come from the token ids")
    func textCodes() throws {
        let model = tinyTextVAE()
        let sentences = [[4, 5, 6], [7], [8, 9, 4, 5]]
        let codes = try LatentCodes(encoding: sentences, with: model)
        let (mu, _) = withoutGradients { model.encode(tokenIDs: sentences) }
        #expect(codes.mu.flatMap { $0 } == mu.scalars)
    }

    @Test("loupe.latent.v1 round trip, schema check")
    func document() throws {
        let model = tinyImageVAE()
        let codes = try LatentCodes(encoding: randomImages(6, pixels: model.pixelCount), with: model)
        let doc = try LatentDocument(codes, model: LatentModelInfo(model), exampleLabels: (0..<6).map { "image \($0)" })
        let data = try doc.prettyJSON()
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"schema\" : \"loupe.latent.v1\"", "\"kl_per_dimension\"", "\"active\"", "\"ranking\"", "\"logvar\"",
                    "\"latent_dim\" : 5", "\"architecture\" : \"image-vae\""] {
            #expect(text.contains(key), "missing \(key)")
        }
        let back = try LatentDocument.decode(data)
        #expect(back == doc)
        #expect(try back.codes == codes)
        var wrong = doc
        wrong.schema = "loupe.latent.v0"
        #expect(throws: AttributionError.self) { try LatentDocument.decode(try wrong.prettyJSON()) }
    }
}
