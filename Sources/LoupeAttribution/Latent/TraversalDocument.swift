import Foundation

/// A cell of the latent JSON formats: an image (`width`, `height`, `pixels`) or a sentence
/// (`text`, `token_ids`), told apart by which keys are present.
public struct CellRecord: Codable, Equatable, Sendable {
    public var width: Int?
    public var height: Int?
    /// Row-major pixel probabilities.
    public var pixels: [Float]?
    public var text: String?
    public var tokenIDs: [Int]?

    enum CodingKeys: String, CodingKey { case width, height, pixels, text, tokenIDs = "token_ids" }

    public init(_ cell: DecodedCell) {
        switch cell {
        case .image(let i): width = i.width; height = i.height; pixels = i.pixels
        case .text(let t): text = t.text; tokenIDs = t.tokenIDs
        }
    }

    /// The cell again (`nil` for a record that is neither an image nor a sentence).
    public var cell: DecodedCell? {
        if let width, let height, let pixels, pixels.count == width * height {
            return .image(DecodedImage(width: width, height: height, pixels: pixels))
        }
        if let tokenIDs { return .text(DecodedText(tokenIDs: tokenIDs, text: text)) }
        return nil
    }
}

/// How sentences were decoded, as written in JSON.
public struct DecodingRecord: Codable, Equatable, Sendable {
    /// `greedy` or `beam-search`.
    public var strategy: String
    public var beamWidth: Int
    public var maxLength: Int?

    enum CodingKeys: String, CodingKey { case strategy, beamWidth = "beam_width", maxLength = "max_length" }

    public init(_ d: LatentDecoding) {
        strategy = d.strategy
        beamWidth = d.beamWidth
        maxLength = d.maximumLength
    }
}

/// A latent traversal in the `loupe.traversal.v1` JSON format (docs/latent.md).
public struct TraversalDocument: LatentJSONDocument, Equatable, Sendable {
    public static let schemaName = "loupe.traversal.v1"

    /// One traversed dimension.
    public struct Dimension: Codable, Equatable, Sendable {
        public var index: Int
        public var kl: Double?
        public var active: Bool?
        /// The latent value of each cell of the row.
        public var values: [Double]
    }

    public var schema: String = TraversalDocument.schemaName
    public var model: LatentModelInfo
    /// `zero`, `vector` or `posterior-mean`.
    public var base: String
    public var baseZ: [Float]
    /// Column coordinates.
    public var values: [Double]
    /// `prior-sd`, `data-quantile` or `latent`.
    public var valueUnit: String
    /// Rows, top to bottom.
    public var dimensions: [Dimension]
    /// `cells[row][column]`.
    public var cells: [[CellRecord]]
    public var decoding: DecodingRecord?
    /// The decoding of `base_z` itself (for a `posterior-mean` base, the example's reconstruction).
    public var reconstruction: CellRecord?

    enum CodingKeys: String, CodingKey {
        case schema, model, base, baseZ = "base_z", values, valueUnit = "value_unit", dimensions, cells, decoding,
             reconstruction
    }

    public init(_ r: TraversalResult) {
        model = r.model
        base = r.baseKind
        baseZ = r.baseZ
        values = r.values
        valueUnit = r.valueUnit
        dimensions = r.rows.map { Dimension(index: $0.dimension, kl: $0.kl, active: $0.isActive, values: $0.values) }
        cells = r.rows.map { $0.cells.map(CellRecord.init) }
        decoding = r.decoding.map(DecodingRecord.init)
        reconstruction = r.reconstruction.map(CellRecord.init)
    }
}
