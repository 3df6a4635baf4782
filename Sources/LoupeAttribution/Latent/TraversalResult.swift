/// The decoded cells of a ``LatentTraversal``: one row per traversed dimension, one cell per value.
public struct TraversalResult: Equatable, Sendable {
    /// One traversed dimension.
    public struct Row: Equatable, Sendable {
        /// The latent dimension set in this row.
        public var dimension: Int
        /// Its mean KL over the data, when codes were given.
        public var kl: Double?
        /// Whether it is active (``LatentCodes``), when codes were given.
        public var isActive: Bool?
        /// The latent value of each cell (equal to the columns except for data quantiles).
        public var values: [Double]
        /// The decoded cells, one per value.
        public var cells: [DecodedCell]

        public init(dimension: Int, kl: Double?, isActive: Bool?, values: [Double], cells: [DecodedCell]) {
            self.dimension = dimension
            self.kl = kl
            self.isActive = isActive
            self.values = values
            self.cells = cells
        }
    }

    public var model: LatentModelInfo
    /// `zero`, `vector` or `posterior-mean`.
    public var baseKind: String
    /// The code every cell starts from.
    public var baseZ: [Float]
    /// The column coordinates (prior standard deviations, quantile levels or latent values).
    public var values: [Double]
    /// `prior-sd`, `data-quantile` or `latent`.
    public var valueUnit: String
    public var rows: [Row]
    /// The decoding settings, for text cells.
    public var decoding: LatentDecoding?
    /// The base code's own decoding (for a posterior-mean base: the model's reconstruction of the
    /// example), which every row departs from.
    public var reconstruction: DecodedCell?

    public init(model: LatentModelInfo, baseKind: String, baseZ: [Float], values: [Double], valueUnit: String,
                rows: [Row], decoding: LatentDecoding?, reconstruction: DecodedCell? = nil) {
        self.model = model
        self.baseKind = baseKind
        self.baseZ = baseZ
        self.values = values
        self.valueUnit = valueUnit
        self.rows = rows
        self.decoding = decoding
        self.reconstruction = reconstruction
    }
}
