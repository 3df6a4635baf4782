/// Kendall's rank correlation τ-b between two score vectors (Kendall, "The treatment of ties in
/// ranking problems", Biometrika 1945):
///
/// `τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂))`,
///
/// over all `n₀ = n(n − 1)/2` pairs, with `n_c`/`n_d` the concordant/discordant pairs and `n₁`, `n₂`
/// the pairs tied in the first/second vector (a pair tied in either is neither concordant nor
/// discordant). 1 = same order, −1 = reversed. O(n²), which is fine for sentence lengths.
public enum KendallTau {
    /// τ-b, or nil when it is undefined (fewer than two items, or a vector that is constant, or
    /// vectors of different lengths). NaN entries are treated as ties with each other below every
    /// number.
    public static func tauB(_ a: [Double], _ b: [Double]) -> Double? {
        guard a.count == b.count, a.count >= 2 else { return nil }
        let x = a.map { $0.isNaN ? -Double.infinity : $0 }, y = b.map { $0.isNaN ? -Double.infinity : $0 }
        var concordant = 0, discordant = 0, tiesX = 0, tiesY = 0
        for i in 0..<x.count {
            for j in (i + 1)..<x.count {
                let dx = x[i] == x[j] ? 0 : (x[i] < x[j] ? -1 : 1)
                let dy = y[i] == y[j] ? 0 : (y[i] < y[j] ? -1 : 1)
                if dx == 0 { tiesX += 1 }
                if dy == 0 { tiesY += 1 }
                if dx != 0 && dy != 0 {
                    if dx == dy { concordant += 1 } else { discordant += 1 }
                }
            }
        }
        let n0 = x.count * (x.count - 1) / 2
        let denominator = (Double(n0 - tiesX) * Double(n0 - tiesY)).squareRoot()
        guard denominator > 0 else { return nil }
        return Double(concordant - discordant) / denominator
    }
}
