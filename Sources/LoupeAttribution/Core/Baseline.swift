import LoupeNN
import LoupeTensor

/// What integration and occlusion replace the input with.
public enum Baseline: String, Codable, Sendable, CaseIterable {
    /// The embedding of [PAD] at every position but the model's special tokens ([CLS], [SEP],
    /// `<s>`, …: ``LoupeNN/TokenModel/specialTokenIDs``), which keep their own embedding — the
    /// reference of Captum's BERT tutorial. For models without special tokens, [PAD] everywhere
    /// (zeros when the model's padding row is zero).
    case pad
    /// Zero vectors.
    case zero

    /// Baseline embeddings shaped like `x` `[1, T, E]` (the embeddings of `ids`) for `model`; the
    /// positions `kept` keep their own embedding (``InputFeatures/fixed``).
    func embeddings(like x: Tensor, ids: [Int], model: TokenModel, keeping kept: Set<Int>) -> Tensor {
        let base = embeddings(like: x, ids: ids, model: model)
        guard !kept.isEmpty else { return base }
        let e = x.shape[2]
        var out = base.scalars
        x.scalars.withUnsafeBufferPointer { p in
            for t in kept where t < x.shape[1] {
                for j in 0..<e { out[t * e + j] = p[t * e + j] }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// Baseline embeddings shaped like `x` `[1, T, E]` (the embeddings of `ids`) for `model`.
    func embeddings(like x: Tensor, ids: [Int], model: TokenModel) -> Tensor {
        switch self {
        case .zero: return Tensor.zeros(x.shape)
        case .pad:
            let e = x.shape[2]
            let row = model.tokenEmbedding.weight.value.gatherRows([model.paddingID]).scalars
            let special = model.specialTokenIDs
            var out = [Float](repeating: 0, count: x.count)
            for (t, i) in stride(from: 0, to: out.count, by: e).enumerated() {
                if t < ids.count, special.contains(ids[t]) {
                    for j in 0..<e { out[i + j] = x.scalars[i + j] }
                } else {
                    for j in 0..<e { out[i + j] = row[j] }
                }
            }
            return Tensor(shape: x.shape, scalars: out)
        }
    }
}
