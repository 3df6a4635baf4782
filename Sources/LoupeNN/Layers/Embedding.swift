import LoupeTensor

/// A lookup table of token vectors, `weight` `[vocabularySize, dimension]`.
///
/// The row at `paddingIndex` (if any) is zero and never receives a gradient, as with PyTorch's
/// `padding_idx`. During training the weight gradient is row-sparse: a backward pass accumulates
/// only the rows that were looked up into ``Parameter/sparseGradient``, so an optimizer step costs
/// O(rows used), not O(vocabulary).
public final class Embedding: Module {
    public let path: String
    public let weight: Parameter
    public let paddingIndex: Int?

    public init(vocabularySize: Int, dimension: Int, paddingIndex: Int? = nil, path: String,
                generator: inout RandomGenerator) {
        self.path = path
        self.paddingIndex = paddingIndex
        var w = Tensor.randomNormal([vocabularySize, dimension], using: &generator)
        if let p = paddingIndex {
            var s = w.scalars
            for j in 0..<dimension { s[p * dimension + j] = 0 }
            w = Tensor(shape: w.shape, scalars: s)
        }
        weight = Parameter(name: joinPath(path, "weight"), value: w)
    }

    /// A table with given values (a pretrained checkpoint's), `weight` `[vocabularySize, dimension]`;
    /// the row at `paddingIndex` is kept as given.
    public init(weight: Tensor, paddingIndex: Int? = nil, path: String) {
        precondition(weight.rank == 2, "\(path): embedding weight must be [vocabulary, dimension], got \(weight.shape)")
        self.path = path
        self.paddingIndex = paddingIndex
        self.weight = Parameter(name: joinPath(path, "weight"), value: weight)
    }

    public var ownParameters: [Parameter] { [weight] }
    public var vocabularySize: Int { weight.value.shape[0] }
    public var dimension: Int { weight.value.shape[1] }

    /// Looks up `ids` (any shape given by `shape`, e.g. `[batch, length]`) → `shape + [dimension]`.
    public func callAsFunction(_ ids: [Int], shape: [Int]) -> Tensor {
        let table = weight.value
        let looked = withoutGradients { table.gatherRows(ids, indexShape: shape) }
        guard weight.requiresGradient, GradientMode.isEnabled else { return hooked(looked) }
        let width = dimension
        let padding = paddingIndex
        let param = weight
        let out = Tensor.sparseLeaf(looked) { g in
            // Sum gradient rows per distinct id (skipping padding) into a sparse row gradient.
            var rowsIndex: [Int: Int] = [:]
            var rows: [Int] = []
            var values: [Float] = []
            for (i, id) in ids.enumerated() where id != padding {
                let at: Int
                if let existing = rowsIndex[id] { at = existing } else {
                    at = rows.count
                    rowsIndex[id] = at
                    rows.append(id)
                    values.append(contentsOf: repeatElement(0, count: width))
                }
                for j in 0..<width { values[at * width + j] += g.scalars[i * width + j] }
            }
            let order = rows.indices.sorted { rows[$0] < rows[$1] }
            var sortedValues = [Float]()
            sortedValues.reserveCapacity(values.count)
            for i in order { sortedValues.append(contentsOf: values[(i * width)..<((i + 1) * width)]) }
            let grad = SparseRowGradient(rows: order.map { rows[$0] }, values: sortedValues, width: width)
            if param.sparseGradient == nil { param.sparseGradient = grad } else { param.sparseGradient!.add(grad) }
        }
        return hooked(out)
    }

    /// Looks up a single sequence → `[length, dimension]`.
    public func callAsFunction(_ ids: [Int]) -> Tensor { self(ids, shape: [ids.count]) }
}
