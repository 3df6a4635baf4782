import LoupeNN
import LoupeTensor

/// Occlusion over tokens (Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks",
/// 2014); with a window of one token this is leave-one-out (Li, Monroe & Jurafsky, "Understanding
/// Neural Networks through Representation Erasure", 2016):
/// `score_i` = mean, over the windows that cover token i, of `F(x) − F(x with the window replaced)`
/// (Captum's convention).
/// The default replacement is [PAD], i.e. the token is masked out of pooling and attention.
public struct Occlusion: AttributionMethod {
    /// Token id put in place of occluded tokens; nil means the model's padding id.
    public var replacementID: Int?
    /// Tokens occluded together.
    public var window: Int

    public init(replacementID: Int? = nil, window: Int = 1) {
        self.replacementID = replacementID
        self.window = window
    }

    public var name: String { window == 1 ? "leave-one-out" : "occlusion" }
    public var parameters: [String: ParameterValue] {
        ["window": .int(window), "replacement": replacementID.map { .int($0) } ?? .string("pad")]
    }

    public func attribute(_ inputs: [[Int]], targets: [Int], model: AttributableModel,
                          output: AttributionOutput) throws -> [[Attribution]] {
        guard !inputs.isEmpty, inputs.allSatisfy({ !$0.isEmpty }) else { throw AttributionError.emptyInput }
        guard window >= 1 else { throw AttributionError.invalidParameter("occlusion window must be ≥ 1 (got \(window))") }
        let replacement = replacementID ?? model.paddingID
        return inputs.map { ids in
            let (result, seconds) = timed { () -> [Attribution] in
                let starts = Array(0...Swift.max(0, ids.count - window))
                var batch = [ids]
                for s in starts {
                    var occluded = ids
                    for i in s..<Swift.min(ids.count, s + window) { occluded[i] = replacement }
                    batch.append(occluded)
                }
                let y = withoutGradients { () -> Tensor in
                    let logits = model.logits(tokenIDs: batch)
                    return output == .probability ? logits.softmax(alongAxis: -1) : logits
                }
                let c = y.shape[1]
                return targets.map { target in
                    var scores = [Double](repeating: 0, count: ids.count)
                    var counts = [Double](repeating: 0, count: ids.count)
                    for (r, s) in starts.enumerated() {
                        let drop = Double(y.scalars[target]) - Double(y.scalars[(r + 1) * c + target])
                        for i in s..<Swift.min(ids.count, s + window) {
                            scores[i] += drop
                            counts[i] += 1
                        }
                    }
                    for i in scores.indices where counts[i] > 0 { scores[i] /= counts[i] }
                    return Attribution(method: name, target: AttributionTarget(index: target, label: model.labels[safe: target]),
                                       output: output, layer: "input", parameters: parameters, scores: scores)
                }
            }
            return result.map { var a = $0; a.seconds = seconds / Double(targets.count); return a }
        }
    }
}
