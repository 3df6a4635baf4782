import LoupeNN
import LoupeTensor

/// What integration and occlusion replace the input with.
public enum Baseline: String, Codable, Sendable, CaseIterable {
    /// The embedding of [PAD] at every position (zeros when the model has a padding row).
    case pad
    /// Zero vectors.
    case zero
    /// The embedding of [PAD] at every position except those holding one of the model's
    /// ``LoupeNN/TokenModel/specialTokenIDs`` (`[CLS]`, `[SEP]`, …), which keep their own
    /// embedding: the reference `[CLS] [PAD] … [PAD] [SEP]` of Captum's BERT tutorial. The same as
    /// ``pad`` for a model without special tokens.
    case padKeepingSpecialTokens = "pad-special"

    /// Baseline embeddings shaped like `x` `[B, T, E]` for `model`; `tokenIDs` are the ids `x`
    /// embeds (row `b`, position `t`), which ``padKeepingSpecialTokens`` reads.
    func embeddings(like x: Tensor, tokenIDs: [[Int]], model: TokenModel) -> Tensor {
        switch self {
        case .zero: return Tensor.zeros(x.shape)
        case .pad, .padKeepingSpecialTokens:
            let (t, e) = (x.shape[1], x.shape[2])
            let row = model.tokenEmbedding.weight.value.gatherRows([model.paddingID]).scalars
            let special = self == .padKeepingSpecialTokens ? model.specialTokenIDs : []
            var out = [Float](repeating: 0, count: x.count)
            for i in stride(from: 0, to: out.count, by: e) {
                let (b, position) = ((i / e) / t, (i / e) % t)
                if !special.isEmpty, b < tokenIDs.count, position < tokenIDs[b].count, special.contains(tokenIDs[b][position]) {
                    for j in 0..<e { out[i + j] = x.scalars[i + j] }
                } else {
                    for j in 0..<e { out[i + j] = row[j] }
                }
            }
            return Tensor(shape: x.shape, scalars: out)
        }
    }
}
