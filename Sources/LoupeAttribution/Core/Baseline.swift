import LoupeNN
import LoupeTensor

/// What integration and occlusion replace the input with.
public enum Baseline: String, Codable, Sendable, CaseIterable {
    /// The embedding of [PAD] at every position (zeros when the model has a padding row).
    case pad
    /// Zero vectors.
    case zero

    /// Baseline embeddings shaped like `x` `[B, T, E]` for `model`.
    func embeddings(like x: Tensor, model: TokenModel) -> Tensor {
        switch self {
        case .zero: return Tensor.zeros(x.shape)
        case .pad:
            let e = x.shape[2]
            let row = model.tokenEmbedding.weight.value.gatherRows([model.paddingID]).scalars
            var out = [Float](repeating: 0, count: x.count)
            for i in stride(from: 0, to: out.count, by: e) { for j in 0..<e { out[i + j] = row[j] } }
            return Tensor(shape: x.shape, scalars: out)
        }
    }
}
