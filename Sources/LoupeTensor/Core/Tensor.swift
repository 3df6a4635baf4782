/// A dense, row-major tensor of `Float` values with an optional place on the autodiff tape.
///
/// `Tensor` is a value type: copies share storage until one of them is mutated (copy-on-write,
/// inherited from `Array`). A tensor that takes part in differentiation carries a ``TapeNode``;
/// every op whose inputs carry nodes records a new node whose derivative is defined beside the op.
/// Shapes may have any rank; rank 0 is a scalar.
public struct Tensor {
    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float]
    /// The tape node recording how this tensor was computed, or `nil` for a constant.
    public internal(set) var node: TapeNode?

    /// Creates a tensor from a shape and row-major elements.
    /// - Precondition: the element count matches the shape.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        self.node = nil
    }

    init(shape: [Int], scalars: [Float], node: TapeNode?) {
        self.shape = shape
        self.scalars = scalars
        self.node = node
    }

    /// A rank-0 tensor holding `value`.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// A rank-1 tensor holding `values`.
    public init(_ values: [Float]) { self.init(shape: [values.count], scalars: values) }

    /// A tensor of the given shape with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Total number of elements.
    public var count: Int { scalars.count }
    /// True when this tensor is recorded on the tape (gradients can flow to it).
    public var requiresGradient: Bool { node != nil }

    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(scalars.count == 1, "scalar of a tensor of shape \(shape)")
        return scalars[0]
    }

    /// The same values, detached from the tape (a constant).
    public var detached: Tensor { Tensor(shape: shape, scalars: scalars) }

    /// The element at a multi-index (for inspection and tests; not differentiable).
    public subscript(indices: Int...) -> Float {
        precondition(indices.count == shape.count, "index rank \(indices.count) for shape \(shape)")
        var offset = 0
        for (i, (index, dim)) in zip(indices, shape).enumerated() {
            precondition(index >= 0 && index < dim, "index \(index) out of range for dimension \(i) of \(shape)")
            offset = offset * dim + index
        }
        return scalars[offset]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(scalars.count > 8 ? ", …" : "")])"
    }
}

import Foundation
