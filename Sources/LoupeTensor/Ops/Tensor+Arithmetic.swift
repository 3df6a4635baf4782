import Foundation

/// Elementwise arithmetic with NumPy broadcasting. Each op's derivative sits beside it: the
/// incoming gradient is mapped through the local partial derivative and summed back down to each
/// operand's shape (the adjoint of broadcasting).
extension Tensor {
    @inline(__always)
    static func binary(_ op: String, _ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float,
                       backward: @escaping (_ g: Tensor, _ needs: [Bool]) -> [Tensor?]) -> Tensor {
        let result: (shape: [Int], scalars: [Float])
        do { result = try Broadcast.apply(a, b, f) } catch { preconditionFailure("\(op): \(error)") }
        return record(op, shape: result.shape, scalars: result.scalars, inputs: [a, b], backward: backward)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let sa = a.shape, sb = b.shape
        return binary("add", a, b, +) { g, needs in
            [needs[0] ? g.summed(toShape: sa) : nil, needs[1] ? g.summed(toShape: sb) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let sa = a.shape, sb = b.shape
        return binary("sub", a, b, -) { g, needs in
            [needs[0] ? g.summed(toShape: sa) : nil, needs[1] ? (-g).summed(toShape: sb) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let ca = a.detached, cb = b.detached
        return binary("mul", a, b, *) { g, needs in
            [needs[0] ? (g * cb).summed(toShape: ca.shape) : nil,
             needs[1] ? (g * ca).summed(toShape: cb.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let ca = a.detached, cb = b.detached
        return binary("div", a, b, /) { g, needs in
            [needs[0] ? (g / cb).summed(toShape: ca.shape) : nil,
             needs[1] ? (-(g * ca) / (cb * cb)).summed(toShape: cb.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        a.unary("neg", { -$0 }) { g, _, _ in -g }
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a + Tensor(s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a - Tensor(s) }
    public static func * (a: Tensor, s: Float) -> Tensor {
        a.unary("scale", { $0 * s }) { g, _, _ in g * s }
    }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func + (s: Float, a: Tensor) -> Tensor { Tensor(s) + a }
    public static func - (s: Float, a: Tensor) -> Tensor { Tensor(s) - a }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(s) / a }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }

    /// Elementwise maximum; the gradient goes to `a` where `a >= b`, else to `b`.
    public func maximum(_ other: Tensor) -> Tensor {
        let ca = detached, cb = other.detached
        return Tensor.binary("maximum", self, other, { Swift.max($0, $1) }) { g, needs in
            let pickA = (try! Broadcast.apply(ca, cb) { $0 >= $1 ? 1 : 0 })
            let maskA = Tensor(shape: pickA.shape, scalars: pickA.scalars)
            return [needs[0] ? (g * maskA).summed(toShape: ca.shape) : nil,
                    needs[1] ? (g * (1 - maskA)).summed(toShape: cb.shape) : nil]
        }
    }

    /// Elementwise minimum; the gradient goes to `a` where `a <= b`, else to `b`.
    public func minimum(_ other: Tensor) -> Tensor { -((-self).maximum(-other)) }

    /// `self` raised to a constant power.
    public func pow(_ exponent: Float) -> Tensor {
        unary("pow", { Foundation.pow($0, exponent) }) { g, x, _ in
            g * x.map { exponent * Foundation.pow($0, exponent - 1) }
        }
    }
}

extension Tensor {
    /// Applies a differentiable elementwise function.
    /// - Parameter derivative: `(outputGradient, input, output) -> inputGradient`.
    @inline(__always)
    func unary(_ op: String, _ f: (Float) -> Float,
               _ derivative: @escaping (_ g: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor) -> Tensor {
        let out = Broadcast.map(scalars, f)
        let x = detached
        let shape = self.shape
        return Tensor.record(op, shape: shape, scalars: out, inputs: [self]) { g, _ in
            [derivative(g, x, Tensor(shape: shape, scalars: out))]
        }
    }

    /// Non-differentiable elementwise map (for masks, statistics and kernels' own use).
    public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, scalars: Broadcast.map(scalars, f))
    }
}
