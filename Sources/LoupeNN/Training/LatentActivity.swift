import LoupeTensor

/// Active units of a VAE (Burda et al., 2016): latent dimension `d` is active when the variance
/// over the data of its posterior mean, `Var_x(μ_d(x))`, exceeds a threshold (0.01). A
/// collapsed dimension has `μ_d(x) ≈ 0` for every input and carries no information.
public enum LatentActivity {
    /// The per-dimension variance over the rows of `means` `[N, Z]` (population variance, in
    /// double precision).
    public static func variances(of means: Tensor) -> [Double] {
        precondition(means.rank == 2, "means must be [N, Z], got \(means.shape)")
        let (n, z) = (means.shape[0], means.shape[1])
        guard n > 0 else { return [Double](repeating: 0, count: z) }
        var sum = [Double](repeating: 0, count: z)
        var squares = [Double](repeating: 0, count: z)
        let s = means.scalars
        for i in 0..<n {
            for d in 0..<z {
                let v = Double(s[i * z + d])
                sum[d] += v
                squares[d] += v * v
            }
        }
        return (0..<z).map { d in
            let mean = sum[d] / Double(n)
            return Swift.max(0, squares[d] / Double(n) - mean * mean)
        }
    }

    /// The number of dimensions whose variance exceeds `threshold`.
    public static func activeUnits(of means: Tensor, threshold: Double = 0.01) -> Int {
        variances(of: means).filter { $0 > threshold }.count
    }
}
