import LoupeNN
import LoupeTensor

/// Occlusion over tokens (Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks",
/// 2014): `score_i` = mean, over the windows of `window` tokens that cover token i, of
/// `F(x) − F(x with the window replaced)` (Captum's convention). The default replacement is
/// [PAD], i.e. the tokens are masked out of pooling and attention. With ``InputFeatures``, windows
/// run over the unfixed tokens or the segments (feature ablation when `window` is 1). Windows
/// start every `stride` tokens; the last window always ends at the last token, so every token is
/// covered.
public struct Occlusion: AttributionMethod {
    /// Token id put in place of occluded tokens; nil means the model's padding id.
    public var replacementID: Int?
    /// Tokens occluded together.
    public var window: Int
    /// Tokens between the starts of consecutive windows.
    public var stride: Int

    public init(replacementID: Int? = nil, window: Int = 1, stride: Int = 1) {
        self.replacementID = replacementID
        self.window = window
        self.stride = stride
    }

    public var id: AttributionMethodID { .occlusion }
    public var layer: AttributionLayer { .input }
    public var parameters: [String: ParameterValue] {
        ["window": .int(window), "stride": .int(stride), "replacement": replacementID.map { .int($0) } ?? .string("pad")]
    }

    public func validateSettings() throws {
        guard window >= 1 else { throw AttributionError.invalidParameter("occlusion window must be ≥ 1 (got \(window))") }
        guard stride >= 1 else { throw AttributionError.invalidParameter("occlusion stride must be ≥ 1 (got \(stride))") }
    }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        if let replacementID, replacementID < 0 || replacementID >= context.model.vocabularySize {
            throw AttributionError.invalidParameter("replacement id \(replacementID) is outside the vocabulary (0..<\(context.model.vocabularySize))")
        }
        let replacement = replacementID ?? context.model.paddingID
        let evaluator = context.evaluator(batchSize: .max)
        return try context.eachInput(inputs) { ids, layout in
            // Windows run over the features (tokens, or the segments; fixed positions never move).
            let features = layout.features(length: ids.count)
            let last = Swift.max(0, features.count - window)
            var starts = Array(Swift.stride(from: 0, through: last, by: stride))
            if starts.last != last { starts.append(last) }
            var batch = [ids]
            for s in starts {
                var occluded = ids
                for f in s..<Swift.min(features.count, s + window) {
                    for i in features[f] { occluded[i] = replacement }
                }
                batch.append(occluded)
            }
            let y = try evaluator.values(batch)          // [sequence][target]
            return context.targets.indices.map { k in
                var scores = [Double](repeating: 0, count: features.count)
                var counts = [Double](repeating: 0, count: features.count)
                for (r, s) in starts.enumerated() {
                    let drop = y[0][k] - y[r + 1][k]
                    for f in s..<Swift.min(features.count, s + window) {
                        scores[f] += drop
                        counts[f] += 1
                    }
                }
                for f in scores.indices where counts[f] > 0 { scores[f] /= counts[f] }
                return TargetScores(scores: InputFeatures.spread(scores, over: features, length: ids.count))
            }
        }
    }
}

/// Leave-one-out (Li, Monroe & Jurafsky, "Understanding Neural Networks through Representation
/// Erasure", 2016): `score_i = F(x) − F(x with token i replaced)`, occlusion with a one-token
/// window.
public struct LeaveOneOut: AttributionMethod {
    /// Token id put in place of the removed token; nil means the model's padding id.
    public var replacementID: Int?

    public init(replacementID: Int? = nil) { self.replacementID = replacementID }

    public var id: AttributionMethodID { .leaveOneOut }
    public var layer: AttributionLayer { .input }
    public var parameters: [String: ParameterValue] { occlusion.parameters }

    var occlusion: Occlusion { Occlusion(replacementID: replacementID, window: 1) }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        try occlusion.scores(for: inputs, in: context)
    }
}
