import LoupeTensor
import Testing

/// Expects two number lists to agree within `absolute + relative·|expected|` element by element,
/// reporting the first and the largest disagreement.
public func expectClose(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-5, relative: Float = 0,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "count \(actual.count) vs \(expected.count) \(comment.map { "\($0)" } ?? "")",
            sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    var worst = -1
    var worstExcess: Float = 0
    for i in actual.indices {
        let tol = absolute + relative * Swift.abs(expected[i])
        let diff = Swift.abs(actual[i] - expected[i])
        if !(diff <= tol) {
            let excess = diff.isNaN ? .infinity : diff - tol
            if worst < 0 || excess > worstExcess { worst = i; worstExcess = excess }
        }
    }
    #expect(worst < 0, """
        element \(worst) differs: \(worst >= 0 ? actual[worst] : 0) vs expected \(worst >= 0 ? expected[worst] : 0) \
        (tolerance abs \(absolute), rel \(relative)) \(comment.map { "\($0)" } ?? "")
        """, sourceLocation: sourceLocation)
}

/// Tensor overload: shapes must match too.
public func expectClose(_ actual: Tensor, _ expected: Tensor, absolute: Float = 1e-5, relative: Float = 0,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "shape \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    expectClose(actual.scalars, expected.scalars, absolute: absolute, relative: relative, comment,
                sourceLocation: sourceLocation)
}

/// Scalar overload.
public func expectClose(_ actual: Float, _ expected: Float, absolute: Float = 1e-5, relative: Float = 0,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose([actual], [expected], absolute: absolute, relative: relative, comment, sourceLocation: sourceLocation)
}
