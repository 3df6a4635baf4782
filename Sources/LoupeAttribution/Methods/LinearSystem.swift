/// Small dense linear systems in Double, for KernelSHAP's weighted least squares.
enum LinearSystem {
    /// Solves `A x = b` for a symmetric positive (semi)definite `n × n` matrix `A` (row-major)
    /// after adding `ridge` to the diagonal: Cholesky factorisation `A = L Lᵀ` and two triangular
    /// solves. Falls back to Gaussian elimination with partial pivoting if the factorisation meets
    /// a non-positive pivot (an indefinite matrix from rounding). Returns nil for a singular system.
    static func solveSymmetric(_ a: [Double], _ b: [Double], n: Int, ridge: Double) -> [Double]? {
        precondition(a.count == n * n && b.count == n, "system of size \(n) with \(a.count) matrix entries and \(b.count) right-hand sides")
        var m = a
        for i in 0..<n { m[i * n + i] += ridge }
        if let x = cholesky(m, b, n: n) { return x }
        return gaussian(m, b, n: n)
    }

    static func cholesky(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > 0, d.isFinite else { return nil }
            let ljj = d.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<Swift.max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / ljj
            }
        }
        // L y = b, then Lᵀ x = y.
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        var x = y
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<Swift.max(i + 1, n) { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }

    static func gaussian(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var m = a, r = b
        for col in 0..<n {
            var pivot = col
            for row in (col + 1)..<Swift.max(col + 1, n) where Swift.abs(m[row * n + col]) > Swift.abs(m[pivot * n + col]) {
                pivot = row
            }
            guard Swift.abs(m[pivot * n + col]) > 1e-300 else { return nil }
            if pivot != col {
                for k in 0..<n { m.swapAt(col * n + k, pivot * n + k) }
                r.swapAt(col, pivot)
            }
            for row in (col + 1)..<Swift.max(col + 1, n) {
                let f = m[row * n + col] / m[col * n + col]
                guard f != 0 else { continue }
                for k in col..<n { m[row * n + k] -= f * m[col * n + k] }
                r[row] -= f * r[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = r[i]
            for k in (i + 1)..<Swift.max(i + 1, n) { s -= m[i * n + k] * x[k] }
            x[i] = s / m[i * n + i]
        }
        return x
    }
}
