import LoupeNN
import LoupeTensor

/// One patched run: the corrupted input of noise sample `sample` with `patches` restored.
struct PatchRow {
    var sample: Int
    var patches: [ActivationPatch]
}

extension ActivationPatching {
    /// The metric of each row, evaluated in batches of ``maximumBatchRows`` sequences: one
    /// KV-free forward pass per batch, in which a replace hook on each patched site copies the
    /// clean values into the rows (and only the rows, positions and columns) that restore it.
    func evaluate(_ rows: [PatchRow]) throws -> [Double] {
        var metrics: [Double] = []
        metrics.reserveCapacity(rows.count)
        var start = 0
        while start < rows.count {
            let end = Swift.min(rows.count, start + maximumBatchRows)
            metrics += evaluateBatch(rows[start..<end])
            start = end
        }
        return metrics
    }

    private func evaluateBatch(_ rows: ArraySlice<PatchRow>) -> [Double] {
        let b = rows.count, t = length
        let embeddings = Tensor.concatenate(rows.map { corruptedEmbeddings[$0.sample] }, alongAxis: 0)
        // Site → [(row in the batch, patch)].
        var bySite: [ActivationSiteName: [(Int, ActivationPatch)]] = [:]
        for (row, spec) in rows.enumerated() {
            for patch in spec.patches { bySite[patch.site, default: []].append((row, patch)) }
        }
        var hooks: [Hook] = bySite.map { site, patches in
            let clean = cleanActivations[site]!
            return .replace(modules[site]!) { x in Self.restore(x, from: clean, patches: patches, length: t) }
        }
        // Only the last position's logits are read: narrow the final normalisation's output to it
        // (when the model names that site) so the unembedding runs once per row, not T times.
        if let head = modules[ActivationSiteName(rawValue: "ln_final.hook_normalized")] {
            hooks.append(.replace(head) { x in x.sliced(alongAxis: 1, (x.shape[1] - 1)..<x.shape[1]) })
        }
        let ids = Array(repeating: corruptedIDs, count: b)
        let logits = withHooks(hooks) { withoutGradients { model.logits(embeddings: embeddings, tokenIDs: ids) } }
        return (0..<b).map { Self.lastPositionMetric(metric, logits: logits, row: $0) }
    }

    /// `x` `[B, T, W]` with row `r`'s patched positions and columns copied from `clean` `[1, T, W]`.
    static func restore(_ x: Tensor, from clean: Tensor, patches: [(Int, ActivationPatch)], length t: Int) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == t && x.shape[2] == clean.shape[2],
                     "patched site \(x.shape) vs clean \(clean.shape)")
        let w = x.shape[2]
        var scalars = x.scalars
        clean.scalars.withUnsafeBufferPointer { c in
            for (row, patch) in patches {
                let columns = patch.columns ?? 0..<w
                for p in patch.positions ?? Array(0..<t) {
                    let source = p * w, target = (row * t + p) * w
                    for j in columns { scalars[target + j] = c[source + j] }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: scalars)
    }

    /// The metric of row `row`'s last position of `logits` `[B, T, V]`.
    static func lastPositionMetric(_ metric: PatchingMetric, logits: Tensor, row: Int) -> Double {
        let (t, v) = (logits.shape[1], logits.shape[2])
        return logits.scalars.withUnsafeBufferPointer { all in
            metric.evaluate(UnsafeBufferPointer(rebasing: all[((row * t + t - 1) * v)..<((row * t + t) * v)]))
        }
    }
}
