import LoupeNN
import LoupeTensor

/// Errors of layer attribution that carry more than a message.
public enum LayerAttributionError: Error, CustomStringConvertible, Equatable {
    /// No module has this path; `available` lists every path `module(named:)` knows.
    case unknownLayer(name: String, available: [String])

    public var description: String {
        switch self {
        case .unknownLayer(let name, let available):
            let list = available.isEmpty ? "(the model lists none)" : available.map { "'\($0)'" }.joined(separator: ", ")
            return "unknown layer '\(name)'; available layers: \(list)"
        }
    }
}

/// Runs a model with a named module's output captured or replaced, and takes gradients with respect
/// to that output: the engine of ``LayerIntegratedGradients`` and ``LayerGradientXActivation``.
/// Layer outputs must be `[batch, tokens, features]`.
struct LayerProbe {
    let model: AttributableModel
    let output: AttributionOutput
    let name: String
    let module: Module

    /// Resolves `layer` with `model.module(named:)` (`embedding` also names the token embedding).
    init(model: AttributableModel, output: AttributionOutput, layer: String) throws {
        self.model = model
        self.output = output
        self.name = layer
        if let m = model.module(named: layer) {
            module = m
        } else if layer == "embedding" || layer == model.tokenEmbedding.path {
            module = model.tokenEmbedding
        } else {
            let paths = (model as? Module)?.modulePaths.filter { !$0.isEmpty } ?? [model.tokenEmbedding.path]
            throw LayerAttributionError.unknownLayer(name: layer, available: paths)
        }
    }

    func scaled(_ logits: Tensor) -> Tensor { output == .probability ? logits.softmax(alongAxis: -1) : logits }

    /// The layer's output (a constant) for `ids`, with the embedding output replaced by
    /// `embeddings` when given (e.g. by baseline embeddings).
    func activation(_ ids: [[Int]], embeddings: Tensor? = nil) throws -> Tensor {
        let capture = ActivationCapture()
        var hooks: [Hook] = []
        if let embeddings { hooks.append(.replace(model.tokenEmbedding) { _ in embeddings }) }
        hooks.append(.capture(module, into: capture))
        _ = withoutGradients { withHooks(hooks) { model.logits(tokenIDs: ids) } }
        guard capture.activations.count == 1, let a = capture.last else {
            throw AttributionError.notSupported("layer '\(name)' ran \(capture.activations.count) times in one forward pass; layer attribution needs exactly one")
        }
        try checkShape(a, rows: ids.count, width: ids.map(\.count).max() ?? 0)
        return a.detached
    }

    func checkShape(_ a: Tensor, rows: Int, width: Int) throws {
        guard a.rank == 3, a.shape[0] == rows, a.shape[1] == width else {
            throw AttributionError.notSupported("layer '\(name)' outputs \(a.shape); layer attribution needs [batch, tokens, features] = [\(rows), \(width), F]")
        }
    }

    /// Runs `ids` with the layer's output replaced by `value`; returns the outputs `[B, C]`.
    func outputs(_ ids: [[Int]], layerValue value: Tensor) throws -> Tensor {
        let seen = ShapeMismatch()
        let y = withHooks([.replace(module) { original in
            guard original.shape == value.shape else { seen.shape = original.shape; return original }
            return value
        }]) { model.logits(tokenIDs: ids) }
        if let shape = seen.shape {
            throw AttributionError.notSupported("layer '\(name)' output \(shape) cannot be replaced by \(value.shape)")
        }
        return scaled(y)
    }

    /// Outputs (constant) and, per target, ∂output[b, target]/∂layer[b] for every row b.
    func gradients(_ ids: [[Int]], layerValue: Tensor, targets: [Int]) throws -> (outputs: Tensor, gradients: [Tensor]) {
        let leaf = layerValue.detached.requiringGradient()
        let y = try outputs(ids, layerValue: leaf)
        return (y.detached, try Self.seededGradients(y, leaf, targets: targets))
    }

    /// One gradient per target of `y[b, target]` (summed over rows b) with respect to `x`.
    static func seededGradients(_ y: Tensor, _ x: Tensor, targets: [Int]) throws -> [Tensor] {
        let (rows, classes) = (y.shape[0], y.shape[1])
        return try targets.map { target in
            var seed = [Float](repeating: 0, count: rows * classes)
            for b in 0..<rows { seed[b * classes + target] = 1 }
            return try gradient(of: y, withRespectTo: x, seed: Tensor(shape: y.shape, scalars: seed))
        }
    }
}
