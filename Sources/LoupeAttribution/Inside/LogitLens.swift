import LoupeNN
import LoupeTensor

/// The logit lens (nostalgebraist, "interpreting GPT: the logit lens", LessWrong 2020): read
/// the residual stream after every block as if it were the last — through the model's final
/// normalisation and unembedding (``LoupeNN/ResidualStreamModel/unembed(residual:)``) — and see
/// which next token each layer already predicts.
///
/// Lens layers follow the `hidden_states` numbering of transformers: lens layer 0 is the stream
/// entering block 0 (`blocks.0.hook_resid_pre`: the token embeddings, plus the position embeddings
/// of GPT-2), lens layer `i` ≥ 1 is the output of block `i − 1` (`blocks.{i-1}.hook_resid_post`).
/// The last lens layer, `layerCount`, is the model's own prediction: its cells equal the softmax of
/// the model's logits.
public struct LogitLens {
    /// The most probable tokens kept per cell.
    public var topK: Int
    /// The lens layers to read (`0...layerCount`); `nil`: all.
    public var layers: [Int]?
    /// The positions to read; `nil`: all.
    public var positions: [Int]?

    public init(topK: Int = 5, layers: [Int]? = nil, positions: [Int]? = nil) {
        self.topK = topK
        self.layers = layers
        self.positions = positions
    }

    /// The lens of `model` on one sequence.
    ///
    /// - Parameters:
    ///   - tokenIDs: the prompt's ids.
    ///   - target: a token whose probability, log-probability, logit and rank every cell reports.
    ///   - foil: a second token (the contrast, Yin & Neubig 2022); cells then also report
    ///     `logit(target) − logit(foil)`.
    /// - Throws: ``LoupeNN/ModelInputError`` for bad ids, ``AttributionError/invalidParameter(_:)``
    ///   for a top-k below 1, a layer or position out of range, a foil without a target or a
    ///   target or foil outside the vocabulary.
    public func run<M: ResidualStreamModel>(_ model: M, tokenIDs: [Int], target: Int? = nil,
                                            foil: Int? = nil) throws -> LogitLensResult {
        try model.validate(tokenIDs: [tokenIDs])
        let t = tokenIDs.count, depth = model.layerCount, v = model.vocabularySize
        guard topK >= 1 else { throw AttributionError.invalidParameter("top-k must be at least 1, got \(topK)") }
        let lensLayers = layers ?? Array(0...depth)
        guard !lensLayers.isEmpty else { throw AttributionError.invalidParameter("no lens layers chosen") }
        if let bad = lensLayers.first(where: { $0 < 0 || $0 > depth }) {
            throw AttributionError.invalidParameter("lens layer \(bad) is outside 0...\(depth) (0 = embeddings, "
                                                    + "\(depth) = the last block's output)")
        }
        let readPositions = positions ?? Array(0..<t)
        guard !readPositions.isEmpty else { throw AttributionError.invalidParameter("no positions chosen") }
        if let bad = readPositions.first(where: { $0 < 0 || $0 >= t }) {
            throw AttributionError.invalidParameter("position \(bad) is outside the prompt's 0..<\(t)")
        }
        for (name, id) in [("target", target), ("foil", foil)] {
            if let id, id < 0 || id >= v {
                throw AttributionError.invalidParameter("\(name) token id \(id) is outside the vocabulary (0..<\(v))")
            }
        }
        if foil != nil && target == nil { throw AttributionError.invalidParameter("a foil needs a target") }

        let sites = lensLayers.map { Self.site(ofLensLayer: $0) }
        let cache = try model.runWithCache(tokenIDs: tokenIDs, sites: Array(Set(sites)))
        var rows: [LogitLensResult.Layer] = []
        for (layer, site) in zip(lensLayers, sites) {
            let residual = try cache.activation(site)
            // Only the positions read go through the unembedding (V can be large).
            let chosen = Self.rows(residual, readPositions)
            let logits = withoutGradients { model.unembed(residual: chosen) }.scalars
            let cells = try readPositions.indices.map { i -> LogitLensResult.Cell in
                let distribution = try NextTokenDistribution(logits: Array(logits[(i * v)..<((i + 1) * v)]))
                let targetReading = try target.map { try distribution.reading($0) }
                let foilReading = try foil.map { try distribution.reading($0) }
                return LogitLensResult.Cell(position: readPositions[i], top: distribution.top(topK),
                                            entropy: distribution.entropy, target: targetReading, foil: foilReading)
            }
            rows.append(LogitLensResult.Layer(layer: layer, site: site.rawValue, cells: cells))
        }
        return LogitLensResult(tokenIDs: tokenIDs, blockCount: depth, positions: readPositions, layers: rows,
                               target: target, foil: foil)
    }

    /// The site lens layer `layer` reads: `blocks.0.hook_resid_pre` for 0, else
    /// `blocks.{layer-1}.hook_resid_post`.
    public static func site(ofLensLayer layer: Int) -> ActivationSiteName {
        layer == 0 ? .residualPre(0) : .residualPost(layer - 1)
    }

    /// Rows `positions` of a `[1, T, E]` stream, as `[1, n, E]`.
    static func rows(_ residual: Tensor, _ positions: [Int]) -> Tensor {
        let e = residual.shape[2], t = residual.shape[1]
        if positions == Array(0..<t) { return residual }
        var out = [Float]()
        out.reserveCapacity(positions.count * e)
        residual.scalars.withUnsafeBufferPointer { r in
            for p in positions { out.append(contentsOf: r[(p * e)..<((p + 1) * e)]) }
        }
        return Tensor(shape: [1, positions.count, e], scalars: out)
    }
}
