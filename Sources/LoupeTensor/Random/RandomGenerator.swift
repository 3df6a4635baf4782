import Foundation

/// The seeded pseudo-random generator behind every random tensor in Loupe.
///
/// Algorithm (documented so runs are reproducible across platforms and versions):
/// the 64-bit seed is expanded into 256 bits of state with SplitMix64, and numbers are drawn with
/// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021).
/// A uniform `Float` in [0, 1) takes the top 24 bits of one 64-bit draw; a normal variate uses the
/// Box–Muller transform on two uniform doubles (both outputs are used in turn).
public struct RandomGenerator: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    /// A generator whose whole future sequence is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform double in (0, 1].
    mutating func nextOpenDouble() -> Double { (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0) }

    /// Standard normal variate (Box–Muller).
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return Float(spare)
        }
        let u1 = nextOpenDouble(), u2 = nextOpenDouble()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = r * Foundation.sin(2 * .pi * u2)
        return Float(r * Foundation.cos(2 * .pi * u2))
    }

    /// Uniform integer in `0..<bound`.
    public mutating func nextInt(below bound: Int) -> Int { Int.random(in: 0..<bound, using: &self) }

    /// A fresh generator for an independent stream (for per-example noise in batches).
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }
}

extension Tensor {
    /// Normal samples with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in mean + standardDeviation * generator.nextNormal() })
    }

    /// Uniform samples in `[lower, upper)`.
    public static func randomUniform(_ shape: [Int], lower: Float = 0, upper: Float = 1,
                                     using generator: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in lower + (upper - lower) * generator.nextUniform() })
    }

    /// Bernoulli samples: 1 with probability `probability`, else 0.
    public static func randomBernoulli(_ shape: [Int], probability: Float,
                                       using generator: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in generator.nextUniform() < probability ? 1 : 0 })
    }
}

/// The generator's whole state (the four xoshiro256** words and a pending normal variate), so
/// a training run interrupted mid-epoch can continue with exactly the draws it would have made.
extension RandomGenerator: Codable, Equatable {}
