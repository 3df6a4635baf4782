import LoupeNN
import LoupeTensor

extension ActivationPatching {
    /// The standard deviation of the token-embedding matrix's entries (ROME's noise unit).
    public static func embeddingStandardDeviation(of model: any ResidualStreamModel) -> Float {
        let entries = model.tokenEmbedding.weight.value.scalars
        var sum = 0.0, square = 0.0
        for x in entries { let d = Double(x); sum += d; square += d * d }
        let n = Double(Swift.max(1, entries.count))
        let mean = sum / n
        return Float(Swift.max(0, square / n - mean * mean).squareRoot())
    }

    /// `samples` copies of `embeddings` `[1, T, E]`, each with independent `N(0, σ²)` noise added
    /// at `positions`. Sample `s` draws from the `s`-th split of one generator seeded with `seed`,
    /// position by position in the order given, so a seed fixes every sample.
    static func noised(_ embeddings: Tensor, positions: [Int], sigma: Float, samples: Int, seed: UInt64) -> [Tensor] {
        var generator = RandomGenerator(seed: seed)
        let e = embeddings.shape[2]
        return (0..<samples).map { _ in
            var stream = generator.split()
            var scalars = embeddings.scalars
            for p in positions {
                for j in 0..<e { scalars[p * e + j] += sigma * stream.nextNormal() }
            }
            return Tensor(shape: embeddings.shape, scalars: scalars)
        }
    }
}
