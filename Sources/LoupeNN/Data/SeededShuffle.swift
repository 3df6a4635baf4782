import LoupeTensor

extension RandomGenerator {
    /// Uniform integer in `0..<bound` by Lemire's multiply-and-reject method, written out so the
    /// sequence depends only on ``RandomGenerator`` and not on the standard library's algorithm.
    public mutating func dataIndex(below bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }
}

/// The indices `0..<count` in a seeded Fisher–Yates order (same seed → same order on every platform).
public func seededPermutation(count: Int, seed: UInt64) -> [Int] {
    var generator = RandomGenerator(seed: seed)
    return seededPermutation(count: count, using: &generator)
}

/// The indices `0..<count` in Fisher–Yates order drawn from `generator`.
public func seededPermutation(count: Int, using generator: inout RandomGenerator) -> [Int] {
    var order = Array(0..<count)
    if count < 2 { return order }
    for i in stride(from: count - 1, to: 0, by: -1) {
        order.swapAt(i, generator.dataIndex(below: i + 1))
    }
    return order
}
