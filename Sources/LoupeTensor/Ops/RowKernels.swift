/// Small vectorised loops over contiguous rows, shared by the fused ops (layer-norm weight
/// gradients, GRU, ReLU), eight lanes at a time through `SIMD8<Float>`. (The hot row kernels —
/// layer norm, attention — are C with an AVX2 path, in CLoupeKernels.)
enum RowKernels {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// `y[i] += x[i]`.
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n { store(load(y, i) + load(x, i), y, i); i += 8 }
        while i < n { y[i] += x[i]; i += 1 }
    }
}
