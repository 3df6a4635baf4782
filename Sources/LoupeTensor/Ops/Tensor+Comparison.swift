/// Comparisons produce masks (constant tensors of 0 and 1); `where` selects between two tensors.
extension Tensor {
    static func compare(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Bool) -> Tensor {
        do {
            let r = try Broadcast.apply(a, b) { f($0, $1) ? 1 : 0 }
            return Tensor(shape: r.shape, scalars: r.scalars)
        } catch { preconditionFailure("comparison: \(error)") }
    }

    public func isGreater(than other: Tensor) -> Tensor { Tensor.compare(self, other, >) }
    public func isLess(than other: Tensor) -> Tensor { Tensor.compare(self, other, <) }
    public func isEqual(to other: Tensor) -> Tensor { Tensor.compare(self, other, ==) }
    public func isGreater(than s: Float) -> Tensor { isGreater(than: Tensor(s)) }
    public func isLess(than s: Float) -> Tensor { isLess(than: Tensor(s)) }
    public func isEqual(to s: Float) -> Tensor { isEqual(to: Tensor(s)) }

    /// Elementwise `condition ? a : b` (condition non-zero means true), broadcasting all three.
    /// The gradient reaches `a` where the condition holds and `b` elsewhere.
    public static func selecting(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let mask = condition.map { $0 != 0 ? 1 : 0 }
        let shape: [Int]
        do { shape = try Shape.broadcast(Shape.broadcast(mask.shape, a.shape), b.shape) } catch {
            preconditionFailure("selecting: \(error)")
        }
        let m = mask.expanded(to: shape), ea = a.detached.expanded(to: shape), eb = b.detached.expanded(to: shape)
        var out = eb.scalars
        for i in 0..<out.count where m.scalars[i] != 0 { out[i] = ea.scalars[i] }
        let (sa, sb) = (a.shape, b.shape)
        return record("where", shape: shape, scalars: out, inputs: [a, b]) { g, needs in
            [needs[0] ? (g * m).summed(toShape: sa) : nil,
             needs[1] ? (g * (1 - m)).summed(toShape: sb) : nil]
        }
    }

    /// `self` with positions where `mask` is non-zero replaced by `value` (e.g. −∞ in attention).
    public func filling(where mask: Tensor, with value: Float) -> Tensor {
        let m = mask.map { $0 != 0 ? 1 : 0 }
        let shape: [Int]
        let values: [Float]
        do {
            let r = try Broadcast.apply(self, m) { $1 != 0 ? value : $0 }
            (shape, values) = (r.shape, r.scalars)
        } catch { preconditionFailure("filling: \(error)") }
        let inShape = self.shape
        return Tensor.record("masked-fill", shape: shape, scalars: values, inputs: [self]) { g, _ in
            [(g * (1 - m)).summed(toShape: inShape)]
        }
    }

    /// True when every element is finite.
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}
