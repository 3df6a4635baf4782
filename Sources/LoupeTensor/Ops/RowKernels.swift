/// Small vectorised loops over contiguous rows, shared by the fused ops (layer norm, attention).
/// They use `SIMD8<Float>` partial sums, so reductions vectorise (a scalar `+=` loop would not,
/// since floating-point addition is not reassociated by the compiler).
enum RowKernels {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// `Σ x[i]`.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n { acc += load(x, i); i += 8 }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// `Σ x[i]·y[i]`.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n { acc += load(x, i) * load(y, i); i += 8 }
        var s = acc.sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// `Σ (x[i] − c)²`.
    @inline(__always)
    static func centeredSquares(_ x: UnsafePointer<Float>, _ c: Float, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        let cv = SIMD8<Float>(repeating: c)
        var i = 0
        while i + 8 <= n { let d = load(x, i) - cv; acc += d * d; i += 8 }
        var s = acc.sum()
        while i < n { let d = x[i] - c; s += d * d; i += 1 }
        return s
    }

    /// `y[i] += a·x[i]`.
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let av = SIMD8<Float>(repeating: a)
        var i = 0
        while i + 8 <= n { store(load(y, i) + av * load(x, i), y, i); i += 8 }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    /// `out[i] = x[i] + y[i]` (`out` may be `x` or `y`).
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n { store(load(x, i) + load(y, i), out, i); i += 8 }
        while i < n { out[i] = x[i] + y[i]; i += 1 }
    }

    /// `y[i] += x[i]`.
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n { store(load(y, i) + load(x, i), y, i); i += 8 }
        while i < n { y[i] += x[i]; i += 1 }
    }
}
