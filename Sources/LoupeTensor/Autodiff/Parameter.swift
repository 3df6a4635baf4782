/// A trainable tensor owned by a layer: its value, its accumulated gradient, and its name in a
/// checkpoint (PyTorch `state_dict()` naming, e.g. `encoder.layers.0.linear1.weight`).
public final class Parameter {
    /// Checkpoint key.
    public var name: String
    /// Current value (never on the tape itself).
    public var value: Tensor {
        didSet { precondition(value.shape == oldValue.shape || oldValue.count == 0,
                              "parameter \(name): shape \(value.shape) replaces \(oldValue.shape)") }
    }
    /// Dense gradient accumulated by ``Tensor/backward(seed:)``; `nil` until the first backward.
    public var gradient: Tensor?
    /// Row-sparse gradient accumulated by embedding lookups (rows touched in this step only).
    public var sparseGradient: SparseRowGradient?
    /// When false, the parameter is treated as a constant (no gradient, not updated).
    public var requiresGradient: Bool = true

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value.detached
    }

    /// The value as a tensor on the tape, so that a backward pass accumulates into this parameter.
    public var tensor: Tensor {
        guard requiresGradient, GradientMode.isEnabled else { return value }
        return Tensor(shape: value.shape, scalars: value.scalars,
                      node: TapeNode.leaf(shape: value.shape, parameter: self))
    }

    /// Clears dense and sparse gradients.
    public func zeroGradient() {
        gradient = nil
        sparseGradient = nil
    }

    /// Adds a dense gradient (used by the backward pass).
    func accumulate(_ g: Tensor) {
        if let existing = gradient {
            gradient = Tensor(shape: existing.shape, scalars: zip(existing.scalars, g.scalars).map { $0 + $1 })
        } else {
            gradient = g.detached
        }
    }

    /// The gradient as dense values (sparse rows scattered into zeros), or zeros.
    public var denseGradient: Tensor {
        var dense = gradient?.scalars ?? [Float](repeating: 0, count: value.count)
        if let sparse = sparseGradient {
            let width = sparse.width
            for (r, row) in sparse.rows.enumerated() {
                for j in 0..<width { dense[row * width + j] += sparse.values[r * width + j] }
            }
        }
        return Tensor(shape: value.shape, scalars: dense)
    }
}

/// The gradient of a row-indexed table (an embedding) restricted to the rows that were used.
/// Rows are unique and sorted; `values` holds `rows.count × width` numbers.
public struct SparseRowGradient: Equatable {
    public var rows: [Int]
    public var values: [Float]
    public let width: Int

    public init(rows: [Int], values: [Float], width: Int) {
        self.rows = rows
        self.values = values
        self.width = width
    }

    /// Merges `other` into this gradient (sums rows present in both).
    public mutating func add(_ other: SparseRowGradient) {
        precondition(other.width == width)
        var merged: [Int: Int] = [:]
        for (i, r) in rows.enumerated() { merged[r] = i }
        for (i, r) in other.rows.enumerated() {
            if let at = merged[r] {
                for j in 0..<width { values[at * width + j] += other.values[i * width + j] }
            } else {
                merged[r] = rows.count
                rows.append(r)
                values.append(contentsOf: other.values[(i * width)..<((i + 1) * width)])
            }
        }
        let order = rows.indices.sorted { rows[$0] < rows[$1] }
        var sortedValues = [Float]()
        sortedValues.reserveCapacity(values.count)
        for i in order { sortedValues.append(contentsOf: values[(i * width)..<((i + 1) * width)]) }
        rows = order.map { rows[$0] }
        values = sortedValues
    }
}
