/// What the ``LogitLens`` read: per lens layer and position, the top tokens and what the target
/// (and foil) score. Plain data (token ids; texts are the tokenizer's business).
public struct LogitLensResult: Codable, Equatable, Sendable {
    /// The prompt's ids.
    public var tokenIDs: [Int]
    /// The model's number of blocks (the last lens layer).
    public var blockCount: Int
    /// The positions read, in the order of every layer's ``Layer/cells``.
    public var positions: [Int]
    /// The lens layers read, in the order asked (by default 0 = embeddings … `blockCount`).
    public var layers: [Layer]
    public var target: Int?
    public var foil: Int?

    /// One lens layer.
    public struct Layer: Codable, Equatable, Sendable {
        /// The lens layer: 0 = the embeddings, `i` = the output of block `i − 1`.
        public var layer: Int
        /// The site read (`blocks.0.hook_resid_pre`, `blocks.3.hook_resid_post`, …).
        public var site: String
        /// One cell per position read.
        public var cells: [Cell]
    }

    /// One (layer, position).
    public struct Cell: Codable, Equatable, Sendable {
        public var position: Int
        /// The most probable next tokens, best first.
        public var top: [TokenReading]
        /// Entropy of the lens distribution, nats.
        public var entropy: Double
        public var target: TokenReading?
        public var foil: TokenReading?

        /// `logit(target) − logit(foil)`, when both were given.
        public var logitDifference: Double? {
            guard let target, let foil else { return nil }
            return target.logit - foil.logit
        }
    }

    /// The row of lens layer `layer`, if it was read.
    public func layer(_ layer: Int) -> Layer? { layers.first { $0.layer == layer } }

    /// The cell of `layer` at `position`, if both were read.
    public func cell(layer: Int, position: Int) -> Cell? {
        self.layer(layer)?.cells.first { $0.position == position }
    }
}
