import LoupeNN
import LoupeTensor

/// Forward passes without a graph over many token sequences, in chunks: the evaluation engine of
/// the perturbation methods (KernelSHAP) and the faithfulness metrics.
struct ModelOutputs {
    let model: AttributableModel
    let output: AttributionOutput
    var batchSize: Int = 256

    /// Every class output per sequence (logits or softmax probabilities). An empty sequence (all
    /// tokens deleted) is evaluated as a single [PAD] token, i.e. an input with nothing in it.
    func all(_ sequences: [[Int]]) -> [[Double]] {
        var result: [[Double]] = []
        result.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            let end = Swift.min(sequences.count, start + Swift.max(1, batchSize))
            let chunk = sequences[start..<end].map { $0.isEmpty ? [model.paddingID] : $0 }
            let y = withoutGradients { () -> Tensor in
                let logits = model.logits(tokenIDs: chunk)
                return output == .probability ? logits.softmax(alongAxis: -1) : logits
            }
            let c = y.shape[1]
            for r in 0..<chunk.count { result.append((0..<c).map { Double(y.scalars[r * c + $0]) }) }
            start = end
        }
        return result
    }

    /// The output of class `target` per sequence.
    func target(_ sequences: [[Int]], _ target: Int) -> [Double] {
        all(sequences).map { $0[target] }
    }
}

/// Token positions ordered by decreasing score; ties keep the earlier position first (NaN ranks last).
func rankByScore(_ scores: [Double]) -> [Int] {
    let s = scores.map { $0.isNaN ? -Double.infinity : $0 }
    return s.indices.sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }
}
