import LoupeNN
import LoupeTensor

/// Decoded samples from a VAE's prior `N(0, I)`: what the generative model makes of latent codes
/// nobody encoded (Bowman et al., 2016, show such samples to judge a sentence VAE).
public struct LatentSamples: Sendable {
    /// The drawn codes, one row of `Z` values each.
    public var codes: [[Float]]
    /// What the decoder made of each code.
    public var cells: [DecodedCell]

    /// Draws `count` codes from `N(0, I)` with `seed` and decodes them with `decoding`.
    /// - Parameter temperature: scales the codes (1 draws from the prior itself; below 1 stays
    ///   nearer its mean).
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for a count below 1 or a temperature
    ///   that is not positive and finite.
    public init<M: LatentModel>(model: M, count: Int, seed: UInt64, temperature: Double = 1,
                                decoding: LatentDecoding = LatentDecoding()) throws {
        guard count >= 1 else { throw AttributionError.invalidParameter("sample count must be at least 1, got \(count)") }
        guard temperature.isFinite && temperature > 0 else {
            throw AttributionError.invalidParameter("temperature must be positive, got \(temperature)")
        }
        var generator = RandomGenerator(seed: seed)
        let z = model.latentDimension
        let drawn = Tensor.randomNormal([count, z], using: &generator).scalars.map { $0 * Float(temperature) }
        codes = (0..<count).map { Array(drawn[($0 * z)..<(($0 + 1) * z)]) }
        cells = try model.decodedCells(for: codes, decoding: decoding)
    }
}

/// Prior samples in the `loupe.samples.v1` JSON format (docs/latent.md): the model, the seed and
/// temperature, how sentences were decoded, and one `{z, cell}` per sample.
public struct SamplesDocument: LatentJSONDocument, Equatable, Sendable {
    public static let schemaName = "loupe.samples.v1"

    /// One sample: its code and what it decoded to (a sentence `{text?, token_ids}` or an image).
    public struct Sample: Codable, Equatable, Sendable {
        public var z: [Float]
        public var cell: CellRecord
    }

    public var schema: String = SamplesDocument.schemaName
    public var model: LatentModelInfo
    public var seed: UInt64
    public var temperature: Double
    public var decoding: DecodingRecord?
    public var samples: [Sample]

    public init(_ samples: LatentSamples, model: LatentModelInfo, seed: UInt64, temperature: Double,
                decoding: LatentDecoding?) {
        self.model = model
        self.seed = seed
        self.temperature = temperature
        self.decoding = decoding.map(DecodingRecord.init)
        self.samples = zip(samples.codes, samples.cells).map { Sample(z: $0, cell: CellRecord($1)) }
    }
}
