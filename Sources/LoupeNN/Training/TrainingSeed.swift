import LoupeTensor

/// Seeds derived from a run's seed, so that every random choice of an epoch (shuffling, dropout
/// masks, latent noise, word dropout) depends only on `(seed, purpose, epoch)`. A run resumed at
/// epoch `e` therefore draws exactly what the uninterrupted run would have drawn.
enum TrainingSeed {
    enum Purpose: UInt64 {
        case shuffle = 1, dropout = 2, latentNoise = 3, wordDropout = 4, batchOrder = 5
    }

    /// A 64-bit seed mixed from the run seed, the purpose and the epoch (SplitMix64 finaliser).
    static func derive(_ seed: UInt64, _ purpose: Purpose, epoch: Int, index: Int = 0) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (purpose.rawValue &+ 1)
        z ^= UInt64(truncatingIfNeeded: epoch) &* 0xBF58_476D_1CE4_E5B9
        z ^= UInt64(truncatingIfNeeded: index) &* 0x94D0_49BB_1331_11EB
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Puts every ``Dropout`` below `module` in training or evaluation mode; when training, reseeds
    /// each one from `(seed, epoch, its position)` so masks are reproducible per epoch.
    static func prepareDropout(in module: Module, training: Bool, seed: UInt64, epoch: Int) {
        var index = 0
        for case let dropout as Dropout in module.allModules {
            dropout.isTraining = training
            if training { dropout.generator = RandomGenerator(seed: derive(seed, .dropout, epoch: epoch, index: index)) }
            index += 1
        }
    }
}
