import LoupeNN
import LoupeTensor

extension TextVAE {
    /// Beam-search decoding from latents `z` `[B, Z]`: for each row, keeps the `beamWidth`
    /// partial sentences with the highest total log-probability `Σ_t log p(w_t | w_<t, z)`,
    /// extending each by its `beamWidth` most likely next tokens per step (the decoder reads
    /// `[embedding(previous token); z]` from [BOS] on, as in ``TextVAE/greedyDecode(z:maxLength:)``).
    ///
    /// A hypothesis ends when [EOS] is chosen ([EOS] is not included) or after `maxLength` tokens
    /// (default `max_len`). Search stops once the best finished hypothesis scores at least as
    /// high as every open one (log-probabilities only fall, so it cannot be overtaken). The
    /// result is the finished hypothesis with the highest total log-probability, without length
    /// normalisation. [PAD], [BOS] and `excluding` are never proposed. Ties go to the earlier beam, then the smaller token id, so a beam width of
    /// 1 gives exactly the greedy decoding. No gradients are recorded.
    public func beamSearchDecode(z: Tensor, beamWidth: Int, maxLength: Int? = nil, excluding: Set<Int> = []) -> [[Int]] {
        precondition(beamWidth >= 1, "beam width must be at least 1, got \(beamWidth)")
        precondition(z.rank == 2 && z.shape[1] == latentDimension, "latents \(z.shape), expected [B, \(latentDimension)]")
        let steps = maxLength ?? config.maxLength
        return withoutGradients {
            (0..<z.shape[0]).map { b in
                beamSearchOne(z: z.sliced(alongAxis: 0, b..<(b + 1)), width: beamWidth, steps: steps, excluding: excluding)
            }
        }
    }

    private struct Hypothesis {
        var tokens: [Int]
        var score: Double
        var stateRow: Int
    }

    private func beamSearchOne(z: Tensor, width: Int, steps: Int, excluding: Set<Int>) -> [Int] {
        let (e, zDim, h) = (config.embedDimension, latentDimension, config.hiddenDimension)
        var open = [Hypothesis(tokens: [], score: 0, stateRow: 0)]
        var states = initialDecoderState(z)            // [open.count, H]
        var finished: [(tokens: [Int], score: Double)] = []
        for _ in 0..<steps {
            let k = open.count
            let previous = open.map { $0.tokens.last ?? config.bosID }
            let embedded = embedding(previous, shape: [k, 1])
            let repeated = z.reshaped([1, 1, zDim]).expanded(to: [k, 1, zDim])
            let input = Tensor.concatenate([embedded, repeated], alongAxis: 2)
            precondition(input.shape == [k, 1, e + zDim])
            let (_, last) = decoder(input, initialState: states)
            let logProbabilities = output(last).logSoftmax(alongAxis: -1)
            let v = logProbabilities.shape[1]
            // Each open hypothesis proposes its `width` best continuations.
            var candidates: [(beam: Int, token: Int, score: Double)] = []
            logProbabilities.scalars.withUnsafeBufferPointer { p in
                for (i, hyp) in open.enumerated() {
                    let row = Array(p[(i * v)..<((i + 1) * v)])
                    let best = row.indices.filter { $0 != config.padID && $0 != config.bosID && !excluding.contains($0) }.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(width)
                    for token in best { candidates.append((i, token, hyp.score + Double(row[token]))) }
                }
            }
            candidates.sort { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.beam != b.beam { return a.beam < b.beam }
                return a.token < b.token
            }
            var next: [Hypothesis] = []
            for c in candidates.prefix(width) {
                if c.token == config.eosID {
                    finished.append((open[c.beam].tokens, c.score))
                } else {
                    next.append(Hypothesis(tokens: open[c.beam].tokens + [c.token], score: c.score, stateRow: c.beam))
                }
            }
            let bestFinished = finished.map(\.score).max() ?? -.infinity
            open = next.filter { $0.score > bestFinished }
            if open.isEmpty { break }
            states = last.gatherRows(open.map(\.stateRow))
            precondition(states.shape == [open.count, h])
            for i in open.indices { open[i].stateRow = i }
        }
        // Hypotheses still open after `steps` tokens end there.
        finished.append(contentsOf: open.map { ($0.tokens, $0.score) })
        var best = finished[0]
        for f in finished.dropFirst() where f.score > best.score { best = f }
        return best.tokens
    }
}
