import LoupeNN
import LoupeTensor

/// Attention weights as attribution: how much the position that predicts the target attends to
/// each earlier token — in one layer and head, averaged over a layer's heads, or over every layer
/// and head (the raw-attention baseline of Jain & Wallace, "Attention is not Explanation", NAACL
/// 2019, and of inseq's attention method). Not a measure of influence on the output: compare
/// with the gradient and perturbation methods before trusting it.
///
/// Reads the model's `….attn.hook_pattern` sites (`[B, heads, T, T]`, or `[B, T, T]` for one head). The target's position is
/// a next-token target's position (its sequence's last by default); class targets use the last.
public struct AttentionWeights: AttributionMethod {
    /// The layer (index among the pattern sites) or nil for the mean over layers.
    public var layerIndex: Int?
    /// The head, or nil for the mean over heads.
    public var headIndex: Int?

    public init(layer: Int? = nil, head: Int? = nil) {
        layerIndex = layer
        headIndex = head
    }

    public var id: AttributionMethodID { .attention }
    public var layer: AttributionLayer { .attention }
    public var parameters: [String: ParameterValue] {
        let (layer, head) = (layerIndex, headIndex)
        return ["layer": layer.map { .int($0) } ?? .string("mean"), "head": head.map { .int($0) } ?? .string("mean")]
    }

    public func validateSettings() throws {
        let (layer, head) = (layerIndex, headIndex)
        if let layer, layer < 0 { throw AttributionError.invalidParameter("attention layer \(layer) (must be ≥ 0)") }
        if let head, head < 0 { throw AttributionError.invalidParameter("attention head \(head) (must be ≥ 0)") }
        if head != nil && layer == nil { throw AttributionError.invalidParameter("an attention head needs its layer") }
    }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        let (layer, head) = (layerIndex, headIndex)
        let sites = context.model.activationSites.filter { $0.name.isAttentionPattern }
        guard !sites.isEmpty else { throw AttributionError.notSupported("the model has no attention-pattern sites") }
        if let layer, layer >= sites.count {
            throw AttributionError.invalidParameter("attention layer \(layer) (the model has \(sites.count))")
        }
        let chosen = layer.map { [sites[$0]] } ?? sites
        return try context.eachInput(inputs) { ids in
            let captures = chosen.map { _ in ActivationCapture() }
            _ = withoutGradients {
                withHooks(zip(chosen, captures).map { .capture($0.module, into: $1) }) { context.model.outputs(tokenIDs: [ids]) }
            }
            let patterns = try captures.map { c -> Tensor in
                // `[1, heads, T, T]`, or `[1, T, T]` for a single head.
                guard var p = c.last, p.shape[0] == 1, p.shape.suffix(2) == [ids.count, ids.count], p.rank == 3 || p.rank == 4 else {
                    throw AttributionError.notSupported("attention pattern \(c.last?.shape.description ?? "missing"); expected [1, heads, \(ids.count), \(ids.count)]")
                }
                if p.rank == 3 { p = p.reshaped([1, 1, ids.count, ids.count]) }
                return p
            }
            let heads = patterns[0].shape[1]
            if let head, head >= heads { throw AttributionError.invalidParameter("attention head \(head) (the layer has \(heads))") }
            return context.targets.map { target in
                let row = Self.position(of: target, length: ids.count)
                var scores = [Double](repeating: 0, count: ids.count)
                var count = 0.0
                for p in patterns {
                    let t = ids.count
                    p.scalars.withUnsafeBufferPointer { w in
                        for h in (head.map { [$0] } ?? Array(0..<heads)) {
                            let base = (h * t + row) * t
                            for j in 0..<t { scores[j] += Double(w[base + j]) }
                            count += 1
                        }
                    }
                }
                return TargetScores(scores: scores.map { $0 / count })
            }
        }
    }

    static func position(of target: OutputTarget, length: Int) -> Int {
        switch target {
        case .nextToken(_, let position): return position ?? (length - 1)
        case .contrast(let t, _): return position(of: t, length: length)
        case .sum(let parts, _): return parts.last.map { position(of: $0, length: length) } ?? (length - 1)
        default: return length - 1
        }
    }
}
