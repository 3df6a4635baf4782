/// Top-1 rationale hit rate: the share of examples whose highest-scored token lies inside the known
/// rationale (the human- or construction-annotated evidence tokens) — the "pointing game" of
/// Zhang, Bargal, Lin, Brandt, Shen & Sclaroff ("Top-down Neural Attention by Excitation Backprop",
/// IJCV 2018) applied to tokens. Ties for the top score go to the earliest position.
public enum RationaleHitRate {
    /// Whether the top-scored token of one example is in `rationale` (token positions); nil when
    /// there are no scores.
    public static func isHit(scores: [Double], rationale: Set<Int>) -> Bool? {
        guard let top = rankByScore(scores).first else { return nil }
        return rationale.contains(top)
    }

    /// The hit rate over examples that have scores; nil when there are none.
    public static func rate(_ examples: [(scores: [Double], rationale: Set<Int>)]) -> Double? {
        let hits = examples.compactMap { isHit(scores: $0.scores, rationale: $0.rationale) }
        guard !hits.isEmpty else { return nil }
        return Double(hits.filter { $0 }.count) / Double(hits.count)
    }
}
