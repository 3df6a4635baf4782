import LoupeNN
import LoupeTensor

/// Reads the values of a list of ``OutputTarget``s from a forward pass, and the gradient seeds
/// that differentiate them: every target is a linear form over one output tensor (a class column,
/// a token at a position, a difference of two, a sum of KL terms), so one forward pass serves every
/// target, and each target costs one backward pass seeded with its weights.
struct TargetReadout {
    let targets: [OutputTarget]
    let output: AttributionOutput

    /// One target's output tensor (on the tape when the pass recorded one) and its seed, a tensor
    /// of the same shape holding the target's weights in each row.
    struct Form {
        let tensor: Tensor
        let seed: Tensor

        /// `Σ seed ⊙ tensor` per row, in Double.
        func values() -> [Double] {
            let rows = tensor.shape.first ?? 0
            let size = rows > 0 ? tensor.count / rows : 0
            return tensor.scalars.withUnsafeBufferPointer { y in
                seed.scalars.withUnsafeBufferPointer { w in
                    (0..<rows).map { b in
                        var s = 0.0
                        for j in (b * size)..<((b + 1) * size) where w[j] != 0 {
                            s += w[j] == 1 ? Double(y[j]) : Double(w[j]) * Double(y[j])
                        }
                        return s
                    }
                }
            }
        }
    }

    /// The token ids (sorted, distinct) whose raw next-token logits are all the targets read —
    /// nil when any target reads something else or the scale is a softmax (which needs every
    /// logit).
    func logitTokens() -> [Int]? {
        guard output == .logit else { return nil }
        var all = Set<Int>()
        for target in targets {
            guard let ids = target.nextTokenIDs else { return nil }
            all.formUnion(ids)
        }
        return all.isEmpty ? nil : all.sorted()
    }

    /// The next-token positions every target reads, when all of them read next-token logits and
    /// every row has the same length (a forward pass may then compute logits there only); nil
    /// otherwise.
    func logitPositions(tokenIDs: [[Int]]) -> [Int]? {
        guard let length = tokenIDs.first?.count, tokenIDs.allSatisfy({ $0.count == length }) else { return nil }
        var all = Set<Int>()
        for target in targets {
            guard let p = target.logitPositions(length: length) else { return nil }
            all.formUnion(p)
        }
        guard all.allSatisfy({ $0 >= 0 && $0 < length }) else { return nil }
        return all.sorted()
    }

    /// The forms of every target for a forward pass over `tokenIDs`.
    func forms(_ result: ModelOutput, tokenIDs: [[Int]]) throws -> [Form] {
        var tensors: [OutputTarget.Quantity: Tensor] = [:]
        return try targets.map { target in
            let key = target.quantity
            let tensor: Tensor
            if let cached = tensors[key] {
                tensor = cached
            } else {
                tensor = try quantity(target, of: result, rows: tokenIDs.count)
                tensors[key] = tensor
            }
            return Form(tensor: tensor, seed: seed(target, for: tensor, tokenIDs: tokenIDs,
                                                   logitPositions: target.quantity == .nextTokenScores ? result.logitPositions : nil))
        }
    }

    /// Target values `[target][row]` of a forward pass.
    func values(_ result: ModelOutput, tokenIDs: [[Int]]) throws -> [[Double]] {
        try forms(result, tokenIDs: tokenIDs).map { $0.values() }
    }

    func quantity(_ target: OutputTarget, of result: ModelOutput, rows: Int) throws -> Tensor {
        func logits(rank: Int) throws -> Tensor {
            guard let logits = result.logits, logits.rank == rank, logits.shape[0] == rows else {
                throw AttributionError.notSupported("\(target.kindName) target needs logits of rank \(rank) for \(rows) rows; the model gave \(result.logits?.shape.description ?? "none")")
            }
            return output.applied(to: logits)
        }
        switch target.quantity {
        case .classScores: return try logits(rank: 2)
        case .nextTokenScores: return try logits(rank: 3)
        case .klPerDimension:
            guard let posterior = result.posterior else {
                throw AttributionError.notSupported("a KL target needs a model with a posterior")
            }
            return posterior.klPerDimension
        case .scalar:
            guard case .scalar(let name, let function) = target.base else { preconditionFailure("scalar quantity of a non-scalar target") }
            let value = function(result)
            guard value.count == rows else {
                throw AttributionError.invalidParameter("scalar target '\(name)' gave \(value.shape) for \(rows) rows; expected one value per row")
            }
            return value.reshaped([rows])
        }
    }

    func seed(_ target: OutputTarget, for tensor: Tensor, tokenIDs: [[Int]], logitPositions: [Int]? = nil) -> Tensor {
        let rows = tokenIDs.count
        let size = tensor.count / Swift.max(1, rows)
        let positions = tensor.rank == 3 ? tensor.shape[1] : 1
        var weights = [Float](repeating: 0, count: tensor.count)
        for b in 0..<rows {
            for (j, w) in target.weights(row: tokenIDs[b].count, rowSize: size, positions: positions, logitPositions: logitPositions) {
                weights[b * size + j] += w
            }
        }
        return Tensor(shape: tensor.shape, scalars: weights)
    }
}

extension OutputTarget {
    /// The first target of a contrast (whose kind the contrast shares).
    var base: OutputTarget {
        if case .contrast(let target, _) = self { return target.base }
        if case .sum(let parts, _) = self, let first = parts.first { return first.base }
        return self
    }
}
