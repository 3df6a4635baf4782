/// Shape arithmetic shared by the ops: element counts, strides and NumPy-style broadcasting.
public enum Shape {
    /// Row-major strides of a contiguous tensor of `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The broadcast shape of two shapes (dimensions aligned from the right; 1 stretches).
    public static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { result[i] = da }
            else if da == 1 { result[i] = db }
            else { throw TensorError.shapeMismatch("cannot broadcast \(a) with \(b)") }
        }
        return result
    }

    /// Normalises a possibly negative axis for a tensor of the given rank.
    public static func axis(_ axis: Int, rank: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < Swift.max(rank, 1), "axis \(axis) out of range for rank \(rank)")
        return a
    }

    /// Strides of `shape` viewed inside a broadcast `target` shape (0 on stretched axes).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = target.count - shape.count
        var result = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[i + offset] == 1 {
            result[i + offset] = shape[i] == 1 ? 0 : own[i]
        }
        return result
    }
}

/// Errors raised by tensor operations and differentiation.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(String)
    case nonScalarOutput([Int])
    case notOnTape(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .nonScalarOutput(let shape):
            return "gradient of a non-scalar output of shape \(shape) needs a seed gradient of the same shape"
        case .notOnTape(let s): return "not on the gradient tape: \(s)"
        case .invalidArgument(let s): return "invalid argument: \(s)"
        }
    }
}
