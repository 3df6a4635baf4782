import LoupeTensor

// The forward passes take ids as they are, fast, and trap on ids a model cannot take (an index
// outside the embedding table, more positions than it has). These are the same passes for ids
// that come from a caller: checked first (``TokenModel/validate(tokenIDs:)``), so bad input is a
// thrown ``ModelInputError`` naming the sequence, the position and the bound.

extension TokenModel {
    /// ``outputs(tokenIDs:)`` after ``validate(tokenIDs:)``.
    /// - Throws: ``ModelInputError`` for an empty batch or sequence, an id outside the vocabulary
    ///   or a sequence longer than ``maximumSequenceLength``.
    public func checkedOutputs(tokenIDs: [[Int]]) throws -> ModelOutput {
        try validate(tokenIDs: tokenIDs)
        return outputs(tokenIDs: tokenIDs)
    }
}

extension TextClassifier {
    /// ``logits(tokenIDs:)`` after ``TokenModel/validate(tokenIDs:)``.
    /// - Throws: ``ModelInputError`` as ``TokenModel/checkedOutputs(tokenIDs:)``.
    public func checkedLogits(tokenIDs: [[Int]]) throws -> Tensor {
        try validate(tokenIDs: tokenIDs)
        return logits(tokenIDs: tokenIDs)
    }

    /// ``probabilities(tokenIDs:)`` after ``TokenModel/validate(tokenIDs:)``.
    /// - Throws: ``ModelInputError`` as ``TokenModel/checkedOutputs(tokenIDs:)``.
    public func checkedProbabilities(tokenIDs: [[Int]]) throws -> Tensor {
        try validate(tokenIDs: tokenIDs)
        return probabilities(tokenIDs: tokenIDs)
    }

    /// ``logitRows(tokenIDs:batchSize:progress:)`` after checking every sequence and the batch size.
    /// - Throws: ``ModelInputError`` for a bad sequence (``TokenModel/validate(tokenIDs:)``) or a
    ///   batch size below 1.
    public func checkedLogitRows(tokenIDs: [[Int]], batchSize: Int = 128,
                                 progress: (Int) -> Void = { _ in }) throws -> [[Float]] {
        guard batchSize > 0 else { throw ModelInputError.invalidArgument("batchSize", "must be at least 1, got \(batchSize)") }
        if !tokenIDs.isEmpty { try validate(tokenIDs: tokenIDs) }
        return logitRows(tokenIDs: tokenIDs, batchSize: batchSize, progress: progress)
    }
}
