/// Reverse-mode differentiation over the recorded tape.
///
/// Semantics (documented contract):
/// - A graph may be differentiated any number of times: nodes keep what their derivatives need
///   (like PyTorch's `retain_graph=True`), so a second ``gradients(of:withRespectTo:seed:)`` or
///   ``Tensor/backward(seed:)`` over the same graph gives the same numbers again.
/// - ``Tensor/backward(seed:)`` *accumulates* into ``Parameter/gradient`` (and
///   ``Parameter/sparseGradient``): call ``Parameter/zeroGradient()`` (or the optimizer's
///   `zeroGradients`) between steps, exactly as in PyTorch.
/// - ``gradients(of:withRespectTo:seed:)`` is pure: it returns gradients and touches no parameter.
/// - A non-scalar output needs a seed of the same shape; without one the call throws
///   ``TensorError/nonScalarOutput(_:)``.
enum TapeEngine {
    /// Nodes reachable from `root`, inputs before outputs.
    static func topologicalOrder(from root: TapeNode) -> [TapeNode] {
        var order: [TapeNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(TapeNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, startAt) = stack.popLast() {
            var next = startAt
            var pushed = false
            while next < node.inputs.count {
                let input = node.inputs[next]
                next += 1
                if let input, visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((node, next))
                    stack.append((input, 0))
                    pushed = true
                    break
                }
            }
            if !pushed { order.append(node) }
        }
        return order
    }

    /// Propagates `seed` from `root` back through every node for which `isWanted` holds or from
    /// which a wanted node is reachable. Returns the gradient of each wanted node reached; every
    /// other node's gradient is dropped as soon as its derivative has used it, so the pass holds
    /// the gradients of the frontier only, not of the whole graph.
    static func propagate(root: TapeNode, seed: Tensor,
                          isWanted: (TapeNode) -> Bool) -> [ObjectIdentifier: Tensor] {
        let order = topologicalOrder(from: root)
        // A node is relevant when a wanted node lies at or below it.
        var relevant = Set<ObjectIdentifier>()
        for node in order {
            if isWanted(node) || node.inputs.contains(where: { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false }) {
                relevant.insert(ObjectIdentifier(node))
            }
        }
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard relevant.contains(id), let g = grads[id] else { continue }
            if !isWanted(node) { grads[id] = nil }   // all its consumers have added to it: used once, below
            guard let backward = node.backward else { continue }
            let needs = node.inputs.map { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false }
            guard needs.contains(true) else { continue }
            let inputGrads = withoutGradients { backward(g, needs) }
            for (input, ig) in zip(node.inputs, inputGrads) {
                guard let input, let ig, relevant.contains(ObjectIdentifier(input)) else { continue }
                let key = ObjectIdentifier(input)
                if let existing = grads[key] {
                    grads[key] = existing.adding(ig)
                } else {
                    grads[key] = ig
                }
            }
        }
        return grads
    }

    static func checkedSeed(for output: Tensor, seed: Tensor?) throws -> Tensor {
        if let seed {
            guard seed.shape == output.shape else {
                throw TensorError.shapeMismatch("seed gradient \(seed.shape) for output \(output.shape)")
            }
            return seed.detached
        }
        guard output.count == 1 else { throw TensorError.nonScalarOutput(output.shape) }
        return Tensor(repeating: 1, shape: output.shape)
    }
}

/// The gradient of `output` with respect to each of `inputs` (pure: parameters are not touched).
///
/// Inputs must be on the tape (made with ``Tensor/requiringGradient()``, a parameter's
/// ``Parameter/tensor``, or any intermediate result of recorded ops). An input that `output` does
/// not depend on gets a zero gradient.
/// - Parameter seed: the gradient flowing into `output`; required when `output` is not a scalar.
public func gradients(of output: Tensor, withRespectTo inputs: [Tensor], seed: Tensor? = nil) throws -> [Tensor] {
    let seedValue = try TapeEngine.checkedSeed(for: output, seed: seed)
    var wanted = Set<ObjectIdentifier>()
    for (i, input) in inputs.enumerated() {
        guard let node = input.node else {
            throw TensorError.notOnTape("input \(i) of shape \(input.shape) is a constant; use requiringGradient()")
        }
        wanted.insert(ObjectIdentifier(node))
    }
    guard let root = output.node else {
        return inputs.map { Tensor.zeros($0.shape) }
    }
    let grads = TapeEngine.propagate(root: root, seed: seedValue) { wanted.contains(ObjectIdentifier($0)) }
    return inputs.map { grads[ObjectIdentifier($0.node!)]?.detached ?? Tensor.zeros($0.shape) }
}

/// The gradient of `output` with respect to a single input.
public func gradient(of output: Tensor, withRespectTo input: Tensor, seed: Tensor? = nil) throws -> Tensor {
    try gradients(of: output, withRespectTo: [input], seed: seed)[0]
}

extension Tensor {
    /// Back-propagates from this tensor and accumulates into every parameter it depends on.
    /// - Parameter seed: required when this tensor is not a scalar.
    public func backward(seed: Tensor? = nil) throws {
        let seedValue = try TapeEngine.checkedSeed(for: self, seed: seed)
        guard let root = node else { return }
        let grads = TapeEngine.propagate(root: root, seed: seedValue) {
            $0.parameter != nil || $0.accumulate != nil
        }
        for node in TapeEngine.topologicalOrder(from: root) {
            guard let g = grads[ObjectIdentifier(node)] else { continue }
            if let p = node.parameter { p.accumulate(g) }
            if let sink = node.accumulate { sink(g) }
        }
    }
}
