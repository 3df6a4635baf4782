import LoupeNN
import LoupeTensor

/// Direct logit attribution (Elhage et al., "A Mathematical Framework for Transformer Circuits",
/// 2021; TransformerLens' `logit_attrs`): the final residual stream at a position is a sum — the
/// embeddings, then every block's attention output and MLP output — so, with the final
/// normalisation's scale frozen at that stream, the target's logit is the sum of each term's
/// direct contribution (``LoupeNN/ResidualStreamModel/directLogits(of:residual:tokens:)``).
/// Per head, the attention output splits further into the heads' outputs (from `hook_z`) plus
/// the output projection's bias.
///
/// The contributions add up to the target's logit (or, with a foil, to `logit(target) −
/// logit(foil)`) less what the frozen linearisation leaves out — the final LayerNorm's bias
/// times the unembedding (GPT-2) and an unembedding bias; nothing for RMSNorm models (LLaMA,
/// Qwen2). That remainder is reported, so the table is complete.
public struct DirectLogitAttribution {
    /// The position whose next-token logit is explained; `nil`: the last.
    public var position: Int?
    /// Also split every attention output into its heads.
    public var perHead: Bool

    public init(position: Int? = nil, perHead: Bool = false) {
        self.position = position
        self.perHead = perHead
    }

    /// The direct logit attribution of `model`'s next-token logit of `target` (minus `foil`'s)
    /// at ``position`` of `tokenIDs`.
    /// - Throws: ``LoupeNN/ModelInputError`` for bad ids, ``AttributionError/invalidParameter(_:)``
    ///   for a position outside the prompt or a token outside the vocabulary.
    public func run<M: ResidualStreamModel>(_ model: M, tokenIDs: [Int], target: Int,
                                            foil: Int? = nil) throws -> DirectLogitAttributionResult {
        try model.validate(tokenIDs: [tokenIDs])
        let t = tokenIDs.count, v = model.vocabularySize, depth = model.layerCount
        let p = position ?? (t - 1)
        guard p >= 0 && p < t else {
            throw AttributionError.invalidParameter("position \(p) is outside the prompt's 0..<\(t)")
        }
        for (name, id) in [("target", Optional(target)), ("foil", foil)] {
            if let id, id < 0 || id >= v {
                throw AttributionError.invalidParameter("\(name) token id \(id) is outside the vocabulary (0..<\(v))")
            }
        }
        var sites: [ActivationSiteName] = [.embed, .residualPost(depth - 1)]
        let hasPositions = model.activationSites.contains { $0.name == .positionEmbed }
        if hasPositions { sites.append(.positionEmbed) }
        for l in 0..<depth {
            sites += [.attentionOutput(l), .mlpOutput(l)]
            if perHead { sites.append(.attentionContext(l)) }
        }
        let cache = try model.runWithCache(tokenIDs: tokenIDs, sites: sites)
        let tokens = foil.map { [target, $0] } ?? [target]
        let residual = Self.position(p, of: try cache.activation(.residualPost(depth - 1)))
        /// The direct contribution of a `[1, T, E]` term at position `p`.
        func direct(_ term: Tensor) -> Double {
            let d = withoutGradients { model.directLogits(of: Self.position(p, of: term), residual: residual, tokens: tokens) }.scalars
            return foil == nil ? Double(d[0]) : Double(d[0]) - Double(d[1])
        }

        var components: [DirectLogitAttributionResult.Component] = []
        components.append(.init(name: ActivationSiteName.embed.rawValue, kind: .embedding, layer: nil,
                                contribution: direct(try cache.activation(.embed))))
        if hasPositions {
            components.append(.init(name: ActivationSiteName.positionEmbed.rawValue, kind: .positionEmbedding,
                                    layer: nil, contribution: direct(try cache.activation(.positionEmbed))))
        }
        var heads: [DirectLogitAttributionResult.LayerHeads] = []
        for l in 0..<depth {
            let attention = try cache.activation(.attentionOutput(l))
            components.append(.init(name: ActivationSiteName.attentionOutput(l).rawValue, kind: .attention, layer: l,
                                    contribution: direct(attention)))
            components.append(.init(name: ActivationSiteName.mlpOutput(l).rawValue, kind: .mlp, layer: l,
                                    contribution: direct(try cache.activation(.mlpOutput(l)))))
            if perHead {
                let context = try cache.activation(.attentionContext(l))
                let outputs = withoutGradients { model.headOutputs(layer: l, context: context) }
                let perHeadScores = outputs.map(direct)
                // What the heads leave of the attention output: the output projection's bias.
                let bias = outputs.reduce(Self.position(p, of: attention)) { $0 - Self.position(p, of: $1) }
                heads.append(.init(layer: l, heads: perHeadScores, bias: direct(bias)))
            }
        }
        let logitRow = Array(cache.logits.scalars[(p * v)..<((p + 1) * v)])
        let logit = foil.map { Double(logitRow[target]) - Double(logitRow[$0]) } ?? Double(logitRow[target])
        return DirectLogitAttributionResult(tokenIDs: tokenIDs, position: p, target: target, foil: foil,
                                            logit: logit, components: components, heads: perHead ? heads : nil)
    }

    /// Position `p` of a `[1, T, E]` (or `[T, E]`) tensor, as `[1, 1, E]`.
    static func position(_ p: Int, of x: Tensor) -> Tensor {
        let e = x.shape[x.rank - 1]
        if x.rank == 3 && x.shape[1] == 1 { return x }
        let start = p * e
        return Tensor(shape: [1, 1, e], scalars: Array(x.scalars[start..<(start + e)]))
    }
}
