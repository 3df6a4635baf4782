import LoupeNN
import LoupeTensor

/// Runs a model with its token-embedding output replaced (through a scoped hook) and takes
/// gradients of chosen class outputs with respect to those embeddings.
///
/// All masks still come from the real ids, as the reference convention requires.
struct EmbeddingProbe {
    let model: AttributableModel
    let output: AttributionOutput

    /// Pads ragged rows with the padding id.
    func padded(_ ids: [[Int]]) -> [[Int]] {
        let width = ids.map(\.count).max() ?? 0
        return ids.map { $0 + Array(repeating: model.paddingID, count: width - $0.count) }
    }

    /// The token embeddings `[B, T, E]` of padded `ids` (constants). They come from the embedding
    /// module's forward pass, so hooks installed by an enclosing scope (e.g. the perturbations of
    /// sensitivity metrics) apply to them.
    func embeddings(_ ids: [[Int]]) -> Tensor {
        let rows = padded(ids)
        let flat = rows.flatMap { $0 }
        return withoutGradients {
            model.tokenEmbedding(flat, shape: [rows.count, rows.first?.count ?? 0]).detached
        }
    }

    /// Logits or probabilities `[B, C]` with the embedding output replaced by `embeddings`.
    func outputs(_ ids: [[Int]], embeddings: Tensor) -> Tensor {
        if !HookRegistry.isActive, let classifier = model as? TextClassifier {
            // No hook can observe the embedding module: feed the embeddings in directly. The same
            // numbers as replacing its output, without the lookup that would be thrown away.
            let logits = classifier.logits(embeddings: embeddings, tokenIDs: ids)
            return output == .probability ? logits.softmax(alongAxis: -1) : logits
        }
        let logits = withHooks([.replace(model.tokenEmbedding) { original in
            precondition(original.shape == embeddings.shape,
                         "replacement embeddings \(embeddings.shape) for embedding output \(original.shape)")
            return embeddings
        }]) {
            model.logits(tokenIDs: ids)
        }
        return output == .probability ? logits.softmax(alongAxis: -1) : logits
    }

    /// Outputs without a graph.
    func evaluate(_ ids: [[Int]], embeddings: Tensor) -> Tensor {
        withoutGradients { outputs(ids, embeddings: embeddings) }
    }

    /// Outputs `[B, C]` and, per target class, ∂output[b, target]/∂embeddings[b] for every row b
    /// (shape `[B, T, E]`). One forward pass serves every target.
    func gradients(_ ids: [[Int]], embeddings: Tensor, targets: [Int]) throws -> (outputs: Tensor, gradients: [Tensor]) {
        let x = embeddings.detached.requiringGradient()
        let y = outputs(ids, embeddings: x)
        let (rows, classes) = (y.shape[0], y.shape[1])
        var grads: [Tensor] = []
        for target in targets {
            var seed = [Float](repeating: 0, count: rows * classes)
            for b in 0..<rows { seed[b * classes + target] = 1 }
            grads.append(try gradient(of: y, withRespectTo: x, seed: Tensor(shape: y.shape, scalars: seed)))
        }
        return (y.detached, grads)
    }

    /// Per-token sums and L2 norms over the last axis of a `[T, E]` slice of row `b`, for the
    /// first `length` positions.
    static func perToken(_ t: Tensor, row b: Int, length: Int) -> (sum: [Double], l2: [Double]) {
        let (tMax, e) = (t.shape[1], t.shape[2])
        var sums = [Double](repeating: 0, count: length), norms = [Double](repeating: 0, count: length)
        t.scalars.withUnsafeBufferPointer { p in
            for i in 0..<length {
                var s = 0.0, q = 0.0
                let base = (b * tMax + i) * e
                for j in 0..<e { let v = Double(p[base + j]); s += v; q += v * v }
                sums[i] = s
                norms[i] = q.squareRoot()
            }
        }
        return (sums, norms)
    }
}

/// What integration and occlusion replace the input with.
public enum Baseline: String, Codable, Sendable, CaseIterable {
    /// The embedding of [PAD] at every position (zeros when the model has a padding row).
    case pad
    /// Zero vectors.
    case zero

    func embeddings(like x: Tensor, probe: EmbeddingProbe) -> Tensor {
        switch self {
        case .zero: return Tensor.zeros(x.shape)
        case .pad:
            let e = x.shape[2]
            let row = probe.model.tokenEmbedding.weight.value.gatherRows([probe.model.paddingID]).scalars
            var out = [Float](repeating: 0, count: x.count)
            for i in stride(from: 0, to: out.count, by: e) { for j in 0..<e { out[i + j] = row[j] } }
            return Tensor(shape: x.shape, scalars: out)
        }
    }
}
