import LoupeNN
import LoupeTensor

/// One patched run: the corrupted input of noise sample `sample` with `patches` restored.
struct PatchRow {
    var sample: Int
    var patches: [ActivationPatch]
}

extension ActivationPatching {
    /// The metric of each row, evaluated in batches of at most ``maximumBatchRows`` sequences of
    /// one noise sample: one KV-free forward pass per batch, in which a replace hook on each
    /// patched site copies the clean values into the rows (and only the rows, positions and
    /// columns) that restore it.
    ///
    /// The rows of a batch share their corrupted input, so every block before the batch's first
    /// restored block computes the same thing for all of them: that prefix runs once, as one
    /// sequence, and a replace hook on the first restored block's `hook_resid_pre` widens the
    /// stream to the batch's rows (rows are ordered by that block so batches share long prefixes).
    func evaluate(_ rows: [PatchRow]) throws -> [Double] {
        func firstLayer(_ row: PatchRow) -> Int { row.patches.compactMap { siteLayers[$0.site] }.min() ?? 0 }
        let order = rows.indices.sorted { a, b in
            (rows[a].sample, firstLayer(rows[a]), a) < (rows[b].sample, firstLayer(rows[b]), b)
        }
        var metrics = [Double](repeating: .nan, count: rows.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && end - start < maximumBatchRows && rows[order[end]].sample == rows[order[start]].sample {
                end += 1
            }
            let batch = order[start..<end].map { rows[$0] }
            for (index, value) in zip(order[start..<end], evaluateBatch(batch, from: firstLayer(batch[0]))) {
                metrics[index] = value
            }
            start = end
        }
        return metrics
    }

    /// One batch of rows of one noise sample, none restoring a block before `firstLayer`.
    private func evaluateBatch(_ rows: [PatchRow], from firstLayer: Int) -> [Double] {
        let b = rows.count, t = length
        // Site → [(row in the batch, patch)].
        var bySite: [ActivationSiteName: [(Int, ActivationPatch)]] = [:]
        for (row, spec) in rows.enumerated() {
            for patch in spec.patches { bySite[patch.site, default: []].append((row, patch)) }
        }
        var hooks: [Hook] = []
        if b > 1 {
            // First on its module: the restorations of that site see the widened stream.
            hooks.append(.replace(modules[.residualPre(firstLayer)]!) { x in
                precondition(x.shape[0] == 1, "the shared prefix runs as one sequence, got \(x.shape)")
                return Tensor.concatenate(Array(repeating: x, count: b), alongAxis: 0)
            })
        }
        hooks += bySite.map { site, patches in
            let clean = cleanActivations[site]!
            return .replace(modules[site]!) { x in Self.restore(x, from: clean, patches: patches, length: t) }
        }
        // Only the last position's logits are read: narrow the final normalisation's output to it
        // (when the model names that site) so the unembedding runs once per row, not T times.
        if let head = modules[ActivationSiteName(rawValue: "ln_final.hook_normalized")] {
            hooks.append(.replace(head) { x in x.sliced(alongAxis: 1, (x.shape[1] - 1)..<x.shape[1]) })
        }
        let embeddings = corruptedEmbeddings[rows[0].sample]
        let logits = withHooks(hooks) { withoutGradients { model.logits(embeddings: embeddings, tokenIDs: [corruptedIDs]) } }
        precondition(logits.shape[0] == b, "patched logits \(logits.shape) for \(b) rows")
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
