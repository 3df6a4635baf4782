import LoupeNN
import LoupeTensor

/// Copies checkpoint tensors into freshly built LoupeNN layers, checking each shape, and keeps
/// track of which stored tensors were used.
final class WeightLoader {
    let store: WeightStore
    private(set) var used: Set<String> = []
    /// Builds layers before their weights are copied in (the initial values are overwritten).
    var generator = RandomGenerator(seed: 0)

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

    /// Copies the stored tensor `name` (default: the parameter's own name) into `parameter`.
    /// - Throws: ``PretrainedError/missingTensor(file:name:)`` or ``PretrainedError/shapeMismatch(file:name:expected:found:)``.
    func fill(_ parameter: Parameter, from name: String? = nil) throws {
        let key = name ?? parameter.name
        guard let stored = storedName(key) else { throw PretrainedError.missingTensor(file: fileName, name: key) }
        let expected = parameter.value.shape
        let weight = try store.weight(named: stored)
        guard weight.shape == expected else {
            throw PretrainedError.shapeMismatch(file: fileName, name: stored, expected: expected, found: weight.shape)
        }
        switch weight {
        case .dense(let t): parameter.value = t
        case .quantized(let q): parameter.value = q.dequantized()
        }
        used.insert(stored)
    }

    /// A `Linear(input → output)` at `path` with the stored weight and bias.
    func linear(_ input: Int, _ output: Int, path: String) throws -> Linear {
        let layer = Linear(input, output, path: path, generator: &generator)
        try fill(layer.weight)
        if let bias = layer.bias { try fill(bias) }
        return layer
    }

    /// A `LayerNorm(dimension)` at `path` with the stored weight and bias.
    func layerNorm(_ dimension: Int, epsilon: Double, path: String) throws -> LayerNorm {
        let layer = LayerNorm(dimension, epsilon: Float(epsilon), path: path)
        try fill(layer.weight)
        try fill(layer.bias)
        return layer
    }

    /// An `Embedding(rows × dimension)` at `path` with the stored table.
    func embedding(_ rows: Int, _ dimension: Int, paddingIndex: Int? = nil, path: String) throws -> Embedding {
        let layer = Embedding(vocabularySize: rows, dimension: dimension, paddingIndex: paddingIndex, path: path,
                              generator: &generator)
        try fill(layer.weight)
        return layer
    }
}
