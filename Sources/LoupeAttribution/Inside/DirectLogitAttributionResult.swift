/// The table of a ``DirectLogitAttribution``: one direct contribution per term of the final
/// residual stream (and per head, when asked), and what the terms leave out. Plain data.
public struct DirectLogitAttributionResult: Codable, Equatable, Sendable {
    /// What one component of the residual stream is.
    public enum Kind: String, Codable, Sendable {
        case embedding, positionEmbedding = "position-embedding", attention, mlp
    }

    /// One term of the final residual stream.
    public struct Component: Codable, Equatable, Sendable {
        /// Its site (`hook_embed`, `blocks.3.hook_attn_out`, `blocks.3.hook_mlp_out`, …).
        public var name: String
        public var kind: Kind
        /// The block, for attention and MLP outputs.
        public var layer: Int?
        /// Its direct contribution to the logit (or logit difference).
        public var contribution: Double
    }

    /// One block's attention output split into heads.
    public struct LayerHeads: Codable, Equatable, Sendable {
        public var layer: Int
        /// The direct contribution of each head's output, by head index.
        public var heads: [Double]
        /// The output projection's bias' contribution (0 without one): heads + bias = the block's
        /// attention component.
        public var bias: Double
    }

    public var tokenIDs: [Int]
    /// The position whose next-token logit is explained.
    public var position: Int
    public var target: Int
    public var foil: Int?
    /// The model's logit of `target` at `position` (minus `foil`'s).
    public var logit: Double
    /// Embeddings first, then per block its attention and MLP output.
    public var components: [Component]
    /// Per block, its heads (when asked).
    public var heads: [LayerHeads]?

    /// Σ contributions.
    public var total: Double { components.reduce(0) { $0 + $1.contribution } }

    /// `logit − total`: what the frozen linearisation leaves out (the final LayerNorm's bias
    /// through the unembedding, an unembedding bias; 0 up to rounding for RMSNorm models).
    public var remainder: Double { logit - total }

    /// The component named `name`.
    public func component(_ name: String) -> Component? { components.first { $0.name == name } }
}
