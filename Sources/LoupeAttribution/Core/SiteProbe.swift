import LoupeNN
import LoupeTensor

/// Runs a model with one activation site's value replaced (by a scoped hook), and reads the
/// targets' values and their gradients with respect to that value: the engine of every gradient
/// method, at the token embeddings or at any named site.
///
/// Masks always come from the real ids (the reference convention), so replacing the token
/// embeddings by a baseline changes only what flows through them.
struct SiteProbe {
    let model: TokenModel
    let readout: TargetReadout
    /// The site's module (the token embedding for embedding methods).
    let module: Module
    /// The name the caller used.
    let layer: AttributionLayer

    var isTokenEmbedding: Bool { module === model.tokenEmbedding }

    /// The token embeddings `[B, T, E]` of `ids` padded with [PAD] (constants). They come from the
    /// embedding module's forward pass, so hooks of an enclosing scope (the noise of SmoothGrad,
    /// the perturbations of sensitivity metrics) apply to them.
    func embeddings(_ ids: [[Int]]) -> Tensor {
        withoutGradients { model.embeddings(tokenIDs: ids).detached }
    }

    /// The site's value (a constant) for `ids`, with the token embeddings replaced by `embeddings`
    /// when given. Layer methods need a site that runs once per forward pass and outputs
    /// `[batch, tokens, features]`.
    func activation(_ ids: [[Int]], embeddings: Tensor? = nil) throws -> Tensor {
        if isTokenEmbedding { return embeddings ?? self.embeddings(ids) }
        let capture = ActivationCapture()
        var hooks: [Hook] = []
        if let embeddings { hooks.append(.replace(model.tokenEmbedding) { _ in embeddings }) }
        hooks.append(.capture(module, into: capture))
        _ = withoutGradients { withHooks(hooks) { model.outputs(tokenIDs: ids) } }
        guard capture.activations.count == 1, let a = capture.last else {
            throw AttributionError.notSupported("layer '\(layer)' ran \(capture.activations.count) times in one forward pass; layer attribution needs exactly one")
        }
        try checkShape(a, rows: ids.count, width: ids.map(\.count).max() ?? 0)
        return a.detached
    }

    func checkShape(_ a: Tensor, rows: Int, width: Int) throws {
        guard a.rank == 3, a.shape[0] == rows, a.shape[1] == width else {
            throw AttributionError.notSupported("layer '\(layer)' outputs \(a.shape); layer attribution needs [batch, tokens, features] = [\(rows), \(width), F]")
        }
    }

    /// The forward pass over `ids` with the site's value replaced by `value`.
    func run(_ ids: [[Int]], replacing value: Tensor) throws -> ModelOutput {
        // Logits only where the targets read them — unless the site is the final norm's output,
        // which then covers those positions only.
        let positions = module.path == ActivationSiteName.finalNormalized.rawValue ? nil : readout.logitPositions(tokenIDs: ids)
        func forward(_ embeddings: Tensor) -> ModelOutput {
            positions.map { model.outputs(embeddings: embeddings, tokenIDs: ids, logitPositions: $0) }
                ?? model.outputs(embeddings: embeddings, tokenIDs: ids)
        }
        if isTokenEmbedding && !HookRegistry.isHooked(model.tokenEmbedding) {
            // Nothing observes the embedding module: feed the embeddings in directly (the same
            // numbers as replacing its output, without a lookup that would be thrown away).
            return forward(value)
        }
        let seen = ShapeMismatch()
        let result = withHooks([.replace(module) { original in
            guard original.shape == value.shape else { seen.shape = original.shape; return original }
            return value
        }]) { forward(model.embeddings(tokenIDs: ids)) }
        if let shape = seen.shape {
            throw AttributionError.notSupported("layer '\(layer)' output \(shape) cannot be replaced by \(value.shape)")
        }
        return result
    }

    /// Target values `[target][row]` with the site replaced by `value`, without a graph.
    func values(_ ids: [[Int]], replacing value: Tensor) throws -> [[Double]] {
        try withoutGradients { try readout.values(try run(ids, replacing: value), tokenIDs: ids) }
    }

    /// ``gradients(_:at:)`` when the first `heldPrefix` positions of every row are the same
    /// (ids and embeddings) and their gradient is not wanted — the fixed template of a path
    /// integral, whose points differ only after it: the prefix is read once, the rows run their
    /// own suffixes, and the gradient is 0 on the prefix. Falls back to the full pass when the
    /// model cannot share a prefix, hooks observe the embeddings, or a target reads the prefix.
    func gradients(_ ids: [[Int]], at value: Tensor, heldPrefix: Int) throws -> [Tensor] {
        let t = value.shape[1]
        guard heldPrefix > 0, heldPrefix < t, isTokenEmbedding, !HookRegistry.isHooked(model.tokenEmbedding),
              let lm = model as? any PrefixSharingLanguageModel,
              let positions = readout.logitPositions(tokenIDs: ids), positions.allSatisfy({ $0 >= heldPrefix }),
              ids.allSatisfy({ $0.count == t && $0.prefix(heldPrefix) == ids[0].prefix(heldPrefix) }) else {
            return try gradients(ids, at: value)
        }
        let row = value.sliced(alongAxis: 0, 0..<1).sliced(alongAxis: 1, 0..<heldPrefix).detached
        let prefix = lm.prefixCache(embeddings: row, tokenIDs: Array(ids[0].prefix(heldPrefix)))
        let leaf = value.detached.requiringGradient()
        let suffix = leaf.sliced(alongAxis: 1, heldPrefix..<t)
        // Raw logits of a few tokens: only those columns of the head (the others are never read).
        let logits = readout.logitTokens().map { lm.logits(suffix: suffix, after: prefix, positions: positions, tokens: $0) }
            ?? lm.logits(suffix: suffix, after: prefix, positions: positions)
        let forms = try readout.forms(ModelOutput(logits: logits, logitPositions: positions), tokenIDs: ids)
        return try forms.map { try gradient(of: $0.tensor, withRespectTo: leaf, seed: $0.seed) }
    }

    /// Per target, the gradient of its value in each row `b` with respect to the site's value
    /// in that row (shape of `value`). One forward pass serves every target.
    func gradients(_ ids: [[Int]], at value: Tensor) throws -> [Tensor] {
        let leaf = value.detached.requiringGradient()
        let forms = try readout.forms(try run(ids, replacing: leaf), tokenIDs: ids)
        return try forms.map { try gradient(of: $0.tensor, withRespectTo: leaf, seed: $0.seed) }
    }

    /// Per-token sums and L2 norms over the last axis of row `b` of a `[B, T, F]` tensor, for the
    /// first `length` positions.
    static func perToken(_ t: Tensor, row b: Int, length: Int) -> (sum: [Double], l2: [Double]) {
        let (tMax, e) = (t.shape[1], t.shape[2])
        var sums = [Double](repeating: 0, count: length), norms = [Double](repeating: 0, count: length)
        t.scalars.withUnsafeBufferPointer { p in
            for i in 0..<length {
                var s = 0.0, q = 0.0
                let base = (b * tMax + i) * e
                for j in 0..<e { let v = Double(p[base + j]); s += v; q += v * v }
                sums[i] = s
                norms[i] = q.squareRoot()
            }
        }
        return (sums, norms)
    }
}

/// Forward passes without a graph over many token sequences, in chunks: the evaluation engine of
/// the perturbation methods and the faithfulness metrics.
struct OutputEvaluator {
    let model: TokenModel
    let readout: TargetReadout
    var batchSize: Int = 256

    /// Target values `[sequence][target]`. An empty sequence (all tokens deleted) is evaluated as
    /// a single [PAD] token, i.e. an input with nothing in it.
    func values(_ sequences: [[Int]]) throws -> [[Double]] {
        var result: [[Double]] = []
        result.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            let end = Swift.min(sequences.count, start + Swift.max(1, batchSize))
            let chunk = sequences[start..<end].map { $0.isEmpty ? [model.paddingID] : $0 }
            let positions = readout.logitPositions(tokenIDs: chunk)
            let perTarget = try withoutGradients {
                try readout.values(positions.map { model.outputs(tokenIDs: chunk, logitPositions: $0) } ?? model.outputs(tokenIDs: chunk),
                                   tokenIDs: chunk)
            }
            for r in 0..<chunk.count { result.append(perTarget.map { $0[r] }) }
            start = end
        }
        return result
    }
}

/// Records a shape a hook could not handle (hooks cannot throw).
final class ShapeMismatch {
    var shape: [Int]?
    init() {}
}

extension OutputEvaluator {
    /// An evaluator of class `target` of a classifier, on the scale of `output`.
    init(model: TokenModel, classIndex target: Int, output: AttributionOutput, batchSize: Int) {
        self.init(model: model, readout: TargetReadout(targets: [.classIndex(target)], output: output), batchSize: batchSize)
    }

    /// The single target's value per sequence.
    func target(_ sequences: [[Int]]) throws -> [Double] {
        try values(sequences).map { $0[0] }
    }
}

/// Token positions ordered by decreasing score; ties keep the earlier position first (NaN ranks last).
func rankByScore(_ scores: [Double]) -> [Int] {
    let s = scores.map { $0.isNaN ? -Double.infinity : $0 }
    return s.indices.sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }
}
