import LoupeNN
import LoupeTensor

/// A model that can report its self-attention weights, for ``AttentionRollout``.
public protocol AttentionProviding: AttributableModel {
    /// The attention weights of every layer, first layer first: one `[B, heads, T, T]` tensor per
    /// layer (query rows, key columns; each real query row sums to 1 over the keys, padded keys
    /// get zero weight) for the padded batch `tokenIDs`.
    func attentionWeights(tokenIDs: [[Int]]) -> [Tensor]
}
