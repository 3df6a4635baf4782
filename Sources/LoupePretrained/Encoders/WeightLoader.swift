import LoupeNN
import LoupeTensor

/// Builds LoupeNN layers from checkpoint tensors, checking each shape, and keeps track of which
/// stored tensors were used.
final class WeightLoader {
    let store: WeightStore
    private(set) var used: Set<String> = []

    init(store: WeightStore) { self.store = store }

    private var fileName: String { store.source.lastPathComponent }

    /// The stored name of `name`: itself, or the TensorFlow-era LayerNorm names `gamma`/`beta`
    /// that transformers also accepts for `weight`/`bias`.
    func storedName(_ name: String) -> String? {
        if store.contains(name) { return name }
        for (modern, legacy) in [(".weight", ".gamma"), (".bias", ".beta")] where name.hasSuffix(modern) {
            let alternative = String(name.dropLast(modern.count)) + legacy
            if store.contains(alternative) { return alternative }
        }
        return nil
    }

    /// True when the store has `name` (or its legacy LayerNorm name).
    func has(_ name: String) -> Bool { storedName(name) != nil }

    /// The stored tensor `name` (or its legacy LayerNorm name), checked against `shape`.
    /// - Throws: ``PretrainedError/missingTensor(file:name:)`` or ``PretrainedError/shapeMismatch(file:name:expected:found:)``.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        guard let stored = storedName(name) else { throw PretrainedError.missingTensor(file: fileName, name: name) }
        let weight = try store.weight(named: stored)
        guard weight.shape == shape else {
            throw PretrainedError.shapeMismatch(file: fileName, name: stored, expected: shape, found: weight.shape)
        }
        used.insert(stored)
        switch weight {
        case .dense(let t): return t
        case .quantized(let q): return q.dequantized()
        }
    }

    /// A `Linear(input → output)` at `path` with the stored weight and bias.
    func linear(_ input: Int, _ output: Int, path: String) throws -> Linear {
        Linear(weight: try tensor(joinPath(path, "weight"), shape: [output, input]),
               bias: try tensor(joinPath(path, "bias"), shape: [output]), path: path)
    }

    /// A `LayerNorm(dimension)` at `path` with the stored weight and bias.
    func layerNorm(_ dimension: Int, epsilon: Double, path: String) throws -> LayerNorm {
        let layer = LayerNorm(dimension, epsilon: Float(epsilon), path: path)
        layer.weight.value = try tensor(layer.weight.name, shape: [dimension])
        layer.bias.value = try tensor(layer.bias.name, shape: [dimension])
        return layer
    }

    /// An `Embedding(rows × dimension)` at `path` with the stored table.
    func embedding(_ rows: Int, _ dimension: Int, paddingIndex: Int? = nil, path: String) throws -> Embedding {
        Embedding(weight: try tensor(joinPath(path, "weight"), shape: [rows, dimension]), paddingIndex: paddingIndex, path: path)
    }
}
