import LoupeNN
import LoupeTensor

/// Interpolation between two examples along the straight line between their posterior means,
/// `z(α) = (1 − α) μ(a) + α μ(b)` for `α` evenly spaced in [0, 1], each point decoded (the
/// sentence interpolations of Bowman et al., "Generating Sentences from a Continuous Space",
/// CoNLL 2016, use the same line).
public struct LatentInterpolation: Sendable {
    /// Number of points, both ends included (at least 2).
    public var steps: Int
    public var decoding: LatentDecoding

    public init(steps: Int = 9, decoding: LatentDecoding = LatentDecoding()) {
        self.steps = steps
        self.decoding = decoding
    }

    /// Interpolates from `start` to `end`.
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for fewer than 2 steps.
    public func run<M: LatentModel>(on model: M, from start: M.Example, to end: M.Example) throws -> InterpolationResult {
        let means = try model.posteriorRows(of: [start, end]).mu
        return try run(on: model, fromCode: means[0], toCode: means[1])
    }

    /// Interpolates between two latent codes.
    public func run<M: LatentModel>(on model: M, fromCode a: [Float], toCode b: [Float]) throws -> InterpolationResult {
        guard steps >= 2 else { throw AttributionError.invalidParameter("interpolation needs at least 2 steps, got \(steps)") }
        let z = model.latentDimension
        guard a.count == z, b.count == z else {
            throw AttributionError.invalidParameter("codes of \(a.count) and \(b.count) values for \(z) dimensions")
        }
        let alphas = (0..<steps).map { Double($0) / Double(steps - 1) }
        let latents = alphas.map { alpha in
            (0..<z).map { Float((1 - alpha) * Double(a[$0]) + alpha * Double(b[$0])) }
        }
        let cells = try model.decodedCells(for: latents, decoding: decoding)
        return InterpolationResult(model: LatentModelInfo(model), start: a, end: b, alphas: alphas, latents: latents,
                                   cells: cells, decoding: cells.first?.text != nil ? DecodingRecord(decoding) : nil)
    }
}

/// The decoded points of a ``LatentInterpolation``; it is also its own JSON document,
/// `loupe.interpolation.v1` (docs/latent.md).
public struct InterpolationResult: LatentJSONDocument, Equatable, Sendable {
    public static let schemaName = "loupe.interpolation.v1"

    public var schema: String = InterpolationResult.schemaName
    public var model: LatentModelInfo
    /// The first code (α = 0).
    public var start: [Float]
    /// The last code (α = 1).
    public var end: [Float]
    /// The interpolation coefficients.
    public var alphas: [Double]
    /// The code at each α.
    public var latents: [[Float]]
    /// The decoded cell at each α.
    public var cells: [DecodedCell]
    public var decoding: DecodingRecord?

    enum CodingKeys: String, CodingKey { case schema, model, start, end, alphas, latents, cells, decoding }

    public init(model: LatentModelInfo, start: [Float], end: [Float], alphas: [Double], latents: [[Float]],
                cells: [DecodedCell], decoding: DecodingRecord?) {
        self.model = model
        self.start = start
        self.end = end
        self.alphas = alphas
        self.latents = latents
        self.cells = cells
        self.decoding = decoding
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        model = try c.decode(LatentModelInfo.self, forKey: .model)
        start = try c.decode([Float].self, forKey: .start)
        end = try c.decode([Float].self, forKey: .end)
        alphas = try c.decode([Double].self, forKey: .alphas)
        latents = try c.decode([[Float]].self, forKey: .latents)
        let records = try c.decode([CellRecord].self, forKey: .cells)
        cells = try records.map { record in
            guard let cell = record.cell else {
                throw DecodingError.dataCorruptedError(forKey: .cells, in: c, debugDescription: "a cell is neither an image nor a sentence")
            }
            return cell
        }
        decoding = try c.decodeIfPresent(DecodingRecord.self, forKey: .decoding)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(model, forKey: .model)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(alphas, forKey: .alphas)
        try c.encode(latents, forKey: .latents)
        try c.encode(cells.map(CellRecord.init), forKey: .cells)
        try c.encodeIfPresent(decoding, forKey: .decoding)
    }
}
