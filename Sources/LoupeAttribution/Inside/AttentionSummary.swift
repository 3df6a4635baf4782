import Foundation
import LoupeNN
import LoupeTensor

/// Per-head summaries of one layer's attention pattern (`blocks.N.attn.hook_pattern`): the
/// pattern itself, its entropy, and how much it looks at the previous token (previous-token
/// heads, Olsson et al., "In-context Learning and Induction Heads", 2022) and at the first token
/// (attention sinks, Xiao et al., "Efficient Streaming Language Models with Attention Sinks", 2023).
public struct AttentionSummary: Codable, Equatable, Sendable {
    /// One head.
    public struct Head: Codable, Equatable, Sendable {
        public var head: Int
        /// The pattern `[T][T]`: row = query position, column = key position; causal rows sum to 1.
        public var pattern: [[Double]]
        /// Mean over query positions of the row's entropy, nats (0 when every row is one-hot).
        public var entropy: Double
        /// Mean over queries `t ≥ 1` of the weight on key `t − 1`; `nil` for a one-token prompt.
        public var previousTokenScore: Double?
        /// Mean over queries `t ≥ 1` of the weight on key 0 (the first token); `nil` for a
        /// one-token prompt.
        public var firstTokenScore: Double?
    }

    /// The block.
    public var layer: Int
    public var tokenIDs: [Int]
    public var heads: [Head]

    /// The summary of block `layer`'s heads from a cache holding its pattern.
    /// - Throws: ``LoupeNN/ModelInputError/unknownSite(_:available:)`` when the cache has no
    ///   `blocks.{layer}.attn.hook_pattern`.
    public init(layer: Int, cache: ActivationCache) throws {
        let pattern = try cache.activation(.attentionPattern(layer))
        precondition(pattern.rank == 4 && pattern.shape[0] == 1 && pattern.shape[2] == pattern.shape[3],
                     "AttentionSummary: pattern \(pattern.shape)")
        let h = pattern.shape[1], t = pattern.shape[2]
        let values = pattern.scalars
        self.layer = layer
        tokenIDs = cache.tokenIDs
        heads = (0..<h).map { head in
            let base = head * t * t
            let rows = (0..<t).map { q in (0..<t).map { k in Double(values[base + q * t + k]) } }
            var entropy = 0.0
            for row in rows {
                for w in row where w > 0 { entropy -= w * log(w) }
            }
            entropy /= Double(t)
            var previous: Double?, first: Double?
            if t > 1 {
                previous = (1..<t).reduce(0) { $0 + rows[$1][$1 - 1] } / Double(t - 1)
                first = (1..<t).reduce(0) { $0 + rows[$1][0] } / Double(t - 1)
            }
            return Head(head: head, pattern: rows, entropy: entropy, previousTokenScore: previous,
                        firstTokenScore: first)
        }
    }

    /// The summaries of `layers` (default: every block) of `model` on `tokenIDs`, in one forward pass.
    /// - Throws: ``LoupeNN/ModelInputError`` for bad ids, ``AttributionError/invalidParameter(_:)``
    ///   for a layer outside the model.
    public static func run<M: ResidualStreamModel>(_ model: M, tokenIDs: [Int], layers: [Int]? = nil) throws
        -> [AttentionSummary] {
        let chosen = layers ?? Array(0..<model.layerCount)
        if let bad = chosen.first(where: { $0 < 0 || $0 >= model.layerCount }) {
            throw AttributionError.invalidParameter("attention layer \(bad) is outside 0..<\(model.layerCount)")
        }
        let cache = try model.runWithCache(tokenIDs: tokenIDs, sites: chosen.map { .attentionPattern($0) })
        return try chosen.map { try AttentionSummary(layer: $0, cache: cache) }
    }
}
