import Foundation
import LoupeTensor

/// Held-out figures of a ``TextVAE``: how well the posterior mean reconstructs a sentence, how
/// much information the latent carries, and how well the model predicts text.
///
/// - ``tokenAccuracy``: greedy decoding of the posterior mean `μ(x)` (free-running, no teacher
///   forcing), compared position by position with `x` followed by [EOS]; the fraction of those
///   positions decoded right. A decoded sentence shorter than `x` counts its missing positions
///   as wrong.
/// - ``teacherForcedAccuracy``: the argmax of the decoder at `z = μ(x)` given the true previous
///   tokens, over the same positions (an easier, upper figure).
/// - ``kl``: mean `KL(q(z|x) ‖ N(0, I))` in nats per sentence.
/// - ``activeUnits``: dimensions with `Cov_x(E_q[z_d]) > threshold` (Burda et al., 2016,
///   "Importance Weighted Autoencoders", ICLR; threshold 0.01).
/// - ``perplexity``: `exp(−ELBO / tokens)` with one sample of `z` per sentence and the tokens
///   counted with [EOS] — an upper bound on the model's true perplexity, since `−ELBO ≥ −log p(x)`
///   (the definition Bowman et al., 2016 report for their sentence VAE).
public struct TextVAEMetrics: Equatable, Sendable, Codable {
    public var sentences: Int
    /// Positions compared: sentence tokens plus one [EOS] each.
    public var positions: Int
    public var tokenAccuracy: Double
    public var teacherForcedAccuracy: Double
    /// Sentences whose greedy decoding equals the original exactly.
    public var exactMatches: Int
    public var kl: Double
    /// Reconstruction cross-entropy with one posterior sample, nats per sentence.
    public var reconstruction: Double
    public var activeUnits: Int
    public var latentDimension: Int
    public var perplexity: Double

    /// `reconstruction + kl`, nats per sentence.
    public var negativeELBO: Double { reconstruction + kl }

    enum CodingKeys: String, CodingKey {
        case sentences, positions, tokenAccuracy = "token_accuracy", teacherForcedAccuracy = "teacher_forced_accuracy"
        case exactMatches = "exact_matches", kl, reconstruction, activeUnits = "active_units"
        case latentDimension = "latent_dim", perplexity
    }

    /// One line: accuracy, KL, active units, perplexity.
    public var summary: String {
        String(format: "token accuracy %.1f %% (teacher-forced %.1f %%, %d/%d exact), KL %.2f nats, "
               + "active units %d/%d, perplexity ≤ %.1f (ELBO) over %d sentences",
               tokenAccuracy * 100, teacherForcedAccuracy * 100, exactMatches, sentences, kl, activeUnits,
               latentDimension, perplexity, sentences)
    }
}

extension TextVAE {
    /// The ``TextVAEMetrics`` of `sentences` (token ids without [BOS]/[EOS], each non-empty).
    /// No gradients are recorded; `seed` draws the one posterior sample of the ELBO.
    public func metrics(of sentences: [[Int]], activeUnitThreshold: Double = 0.01, seed: UInt64 = 0,
                        batchSize: Int = 128) -> TextVAEMetrics {
        var generator = RandomGenerator(seed: seed)
        var positions = 0, correct = 0, forcedCorrect = 0, exact = 0
        var kl = 0.0, reconstruction = 0.0
        var means: [Float] = []
        withoutGradients {
            for start in stride(from: 0, to: sentences.count, by: batchSize) {
                let rows = Array(sentences[start..<Swift.min(start + batchSize, sentences.count)])
                let (mu, logVariance) = encode(tokenIDs: rows)
                means += mu.scalars
                kl += Double(klDivergence(mu: mu, logVariance: logVariance).sum().scalar)
                let targets = teacherForcingTargets(tokenIDs: rows)
                let width = targets.length
                let forced = teacherForcedLogits(z: mu, tokenIDs: rows).argmax()
                let sampled = sampleLatent(mu: mu, logVariance: logVariance, generator: &generator)
                let logits = teacherForcedLogits(z: sampled, tokenIDs: rows)
                let flat = logits.reshaped([targets.ids.count, config.vocabularySize])
                let perToken = crossEntropy(logits: flat, targets: targets.ids, reduction: .none).scalars
                let decoded = greedyDecode(z: mu, maxLength: config.maxLength + 1)
                for (i, row) in rows.enumerated() {
                    let reference = row + [config.eosID]
                    let guess = decoded[i] + [config.eosID]
                    positions += reference.count
                    for t in 0..<reference.count {
                        if t < guess.count && guess[t] == reference[t] { correct += 1 }
                        if forced[i * width + t] == reference[t] { forcedCorrect += 1 }
                        reconstruction += Double(perToken[i * width + t])
                    }
                    if decoded[i] == row { exact += 1 }
                }
            }
        }
        let n = Swift.max(sentences.count, 1)
        let variances = LatentActivity.variances(of: Tensor(shape: [sentences.count, latentDimension], scalars: means))
        return TextVAEMetrics(
            sentences: sentences.count, positions: positions,
            tokenAccuracy: Double(correct) / Double(Swift.max(positions, 1)),
            teacherForcedAccuracy: Double(forcedCorrect) / Double(Swift.max(positions, 1)),
            exactMatches: exact, kl: kl / Double(n), reconstruction: reconstruction / Double(n),
            activeUnits: variances.filter { $0 > activeUnitThreshold }.count, latentDimension: latentDimension,
            perplexity: exp((reconstruction + kl) / Double(Swift.max(positions, 1))))
    }
}
