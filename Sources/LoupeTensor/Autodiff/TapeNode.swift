/// One recorded operation on the gradient tape.
///
/// A node knows the nodes of its inputs and a derivative closure: given the gradient flowing into
/// the node's output, it returns the gradient for each input (the vector–Jacobian product).
/// Leaves are either parameters (gradients accumulate into ``Parameter/gradient``) or tensors made
/// differentiable with ``Tensor/requiringGradient()``.
public final class TapeNode {
    /// Derivative closure: `(outputGradient, inputNeedsGradient) -> inputGradients`.
    /// `needs[i]` is false when no requested gradient depends on input `i`; the closure may return
    /// `nil` there and skip the work (e.g. the weight gradient of a matmul during attribution).
    public typealias Backward = (_ gradient: Tensor, _ needs: [Bool]) -> [Tensor?]

    /// Name of the op that produced this node (for diagnostics).
    public let op: String
    /// Shape of the tensor this node produced.
    public let shape: [Int]
    let inputs: [TapeNode?]
    let backward: Backward?
    /// The parameter this leaf belongs to, if any.
    let parameter: Parameter?
    /// A side effect run only by ``Tensor/backward(seed:)`` (parameter accumulation), used by
    /// sparse embedding updates; it receives this node's output gradient.
    let accumulate: ((Tensor) -> Void)?

    init(op: String, shape: [Int], inputs: [TapeNode?], backward: Backward?,
         parameter: Parameter? = nil, accumulate: ((Tensor) -> Void)? = nil) {
        self.op = op
        self.shape = shape
        self.inputs = inputs
        self.backward = backward
        self.parameter = parameter
        self.accumulate = accumulate
    }

    /// A fresh leaf: gradients stop here and are reported for it.
    static func leaf(shape: [Int], parameter: Parameter? = nil) -> TapeNode {
        TapeNode(op: parameter == nil ? "leaf" : "parameter", shape: shape, inputs: [], backward: nil,
                 parameter: parameter)
    }
}

/// Whether ops record onto the tape. Recording is on by default; inference code turns it off with
/// ``withoutGradients(_:)`` so no graph is built.
public enum GradientMode {
    @TaskLocal static var disabled = false

    /// True while operations are being recorded.
    public static var isEnabled: Bool { !disabled }
}

/// Runs `body` without recording operations on the tape (like `torch.no_grad()`).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$disabled.withValue(true) { try body() }
}

extension Tensor {
    /// A copy of this tensor that is a leaf of the tape, so gradients can be taken with respect to it.
    public func requiringGradient() -> Tensor {
        Tensor(shape: shape, scalars: scalars, node: TapeNode.leaf(shape: shape))
    }

    /// Builds the result of an op: records a node when gradients are enabled and an input is on
    /// the tape, otherwise returns a constant.
    @inline(__always)
    static func record(_ op: String, shape: [Int], scalars: [Float], inputs: [Tensor],
                       backward: @escaping TapeNode.Backward) -> Tensor {
        guard GradientMode.isEnabled, inputs.contains(where: { $0.node != nil }) else {
            return Tensor(shape: shape, scalars: scalars)
        }
        let node = TapeNode(op: op, shape: shape, inputs: inputs.map(\.node), backward: backward)
        return Tensor(shape: shape, scalars: scalars, node: node)
    }
}

extension Tensor {
    /// This tensor as its own tape node: an identity op when it is already on the tape (so
    /// gradients keep flowing to what produced it), or a fresh leaf when it is a constant.
    /// Used to expose an intermediate activation for ∂output/∂activation.
    public func markedForGradient() -> Tensor {
        guard GradientMode.isEnabled else { return self }
        guard node != nil else { return requiringGradient() }
        return Tensor.record("identity", shape: shape, scalars: scalars, inputs: [self]) { g, _ in [g] }
    }
}

extension Tensor {
    /// A tape leaf whose gradient is handed to `accumulate` by ``Tensor/backward(seed:)``
    /// (used for sparse parameter updates such as embedding rows). `gradients(of:withRespectTo:)`
    /// can also take gradients with respect to it, as for any leaf.
    public static func sparseLeaf(_ value: Tensor, accumulate: @escaping (Tensor) -> Void) -> Tensor {
        let node = TapeNode(op: "sparse-leaf", shape: value.shape, inputs: [], backward: nil,
                            parameter: nil, accumulate: accumulate)
        return Tensor(shape: value.shape, scalars: value.scalars, node: node)
    }
}
