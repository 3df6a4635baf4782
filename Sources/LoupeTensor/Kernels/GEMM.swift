import CLoupeKernels

/// Thin Swift front of the C GEMM kernel (`CLoupeKernels`).
public enum GEMM {
    /// `C[M×N] = alpha·op(A)·op(B) + beta·C` on row-major buffers.
    @inline(__always)
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        loupe_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C[M×N] = alpha·op(A)·op(B) + bias`, `bias` (N values) added to every row of C; C is not
    /// read. The affine map of a fully connected layer in one pass over C.
    @inline(__always)
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        addingRowVector bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        loupe_sgemm_bias(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                         alpha, a, Int32(lda), b, Int32(ldb), bias, c, Int32(ldc))
    }

    /// Threads the kernel may use for large products.
    public static var threadCount: Int {
        get { Int(loupe_get_num_threads()) }
        set { loupe_set_num_threads(Int32(newValue)) }
    }

    /// Threads a product started from the calling thread may use: ``threadCount`` limited by
    /// the cap of an enclosing ``withThreadCap(_:_:)``.
    public static var effectiveThreadCount: Int { Int(loupe_get_effective_threads()) }

    /// Runs `body` with GEMMs (and other threaded kernels) started from this thread limited to
    /// `cap` threads; the previous cap is restored afterwards. Used by code that already runs
    /// one shard of its work per core (see ``Parallel``).
    public static func withThreadCap<R>(_ cap: Int, _ body: () throws -> R) rethrows -> R {
        let previous = loupe_set_thread_cap(Int32(Swift.max(0, cap)))
        defer { loupe_set_thread_cap(previous) }
        return try body()
    }

    /// The code path chosen for this CPU.
    public static var kernelName: String { String(cString: loupe_sgemm_kernel_name()) }
}
