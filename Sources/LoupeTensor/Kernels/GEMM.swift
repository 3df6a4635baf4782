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

    /// Threads the kernel may use for large products.
    public static var threadCount: Int {
        get { Int(loupe_get_num_threads()) }
        set { loupe_set_num_threads(Int32(newValue)) }
    }

    /// The code path chosen for this CPU.
    public static var kernelName: String { String(cString: loupe_sgemm_kernel_name()) }
}
