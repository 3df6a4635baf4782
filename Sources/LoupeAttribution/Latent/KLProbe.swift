import LoupeNN
import LoupeTensor

/// Runs a text VAE's encoder with the token-embedding output replaced (through a scoped hook) and
/// returns the KL term per latent dimension. The GRU's lengths still come from the real ids, so
/// replacing embeddings changes only what flows through them (the reference convention).
struct KLProbe {
    let model: TextVAE

    /// The token embeddings `[1, T, E]` of `ids` (a constant).
    func embeddings(_ ids: [Int]) -> Tensor {
        withoutGradients { model.embedding(ids, shape: [1, ids.count]).detached }
    }

    /// `KL_d` `[B, Z]`, `mu`, `logVariance` with the embedding output replaced by `embeddings`
    /// `[B, T, E]`; every row reads `ids`.
    func klPerDimension(_ ids: [Int], embeddings: Tensor) -> (kl: Tensor, mu: Tensor, logVariance: Tensor) {
        let rows = Array(repeating: ids, count: embeddings.shape[0])
        let (mu, logVariance) = withHooks([.replace(model.embedding) { original in
            precondition(original.shape == embeddings.shape,
                         "replacement embeddings \(embeddings.shape) for embedding output \(original.shape)")
            return embeddings
        }]) {
            model.encode(tokenIDs: rows)
        }
        return (model.klDivergencePerDimension(mu: mu, logVariance: logVariance), mu, logVariance)
    }

    /// `KL_d` `[B, Z]` of a ragged batch of id sequences (no replacement; an empty sequence reads
    /// no token, so its encoder state is the GRU's zero initial state).
    func klPerDimension(of batch: [[Int]]) -> [[Double]] {
        withoutGradients {
            var out = [[Double]](repeating: [], count: batch.count)
            let nonEmpty = batch.indices.filter { !batch[$0].isEmpty }
            if !nonEmpty.isEmpty {
                let (mu, logVariance) = model.encode(tokenIDs: nonEmpty.map { batch[$0] })
                let kl = rows(of: model.klDivergencePerDimension(mu: mu, logVariance: logVariance))
                for (k, i) in nonEmpty.enumerated() { out[i] = kl[k].map(Double.init) }
            }
            if nonEmpty.count < batch.count {
                let state = Tensor.zeros([1, model.config.hiddenDimension])
                let kl = model.klDivergencePerDimension(mu: model.toMu(state), logVariance: model.toLogVariance(state))
                for i in batch.indices where batch[i].isEmpty { out[i] = kl.scalars.map(Double.init) }
            }
            return out
        }
    }
}
