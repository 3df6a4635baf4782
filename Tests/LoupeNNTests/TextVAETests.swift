import Foundation
@testable import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("Text VAE: bidirectional encoder")
struct TextVAETests {
    static func model(bidirectional: Bool, seed: UInt64 = 4) -> TextVAE {
        TextVAE(config: TextVAEConfig(vocabularySize: 12, embedDimension: 5, hiddenDimension: 6, latentDimension: 3,
                                      maxLength: 8, bidirectionalEncoder: bidirectional), seed: seed)
    }

    /// Each row's real steps are reversed, its padding stays where it was, and the derivative
    /// carries each incoming gradient back to the step it came from.
    @Test func reversedRowsReverseOnlyTheRealSteps() throws {
        let x = Tensor(shape: [2, 4, 1], scalars: [1, 2, 3, 4, 5, 6, 0, 0]).requiringGradient()
        let reversed = TextVAE.reversedRows(x, lengths: [4, 2])
        #expect(reversed.scalars == [4, 3, 2, 1, 6, 5, 0, 0])
        let weights = Tensor(shape: [2, 4, 1], scalars: [10, 20, 30, 40, 50, 60, 70, 80])
        let g = try gradient(of: (reversed * weights).sum(), withRespectTo: x)
        #expect(g.scalars == [40, 30, 20, 10, 60, 50, 70, 80])
    }

    /// The backward GRU reads the sentence from its last token, and the posterior reads both states:
    /// the encoding equals the two GRUs run by hand, and a row's encoding does not depend on the
    /// other (longer) rows of its batch.
    @Test func posteriorReadsBothDirections() throws {
        let model = Self.model(bidirectional: true)
        let reverse = try #require(model.reverseEncoder)
        #expect(model.toMu.weight.value.shape == [3, 12])
        let sentence = [5, 7, 9]
        let (mu, logVariance) = withoutGradients { model.encode(tokenIDs: [sentence]) }
        let forward = model.encoder(model.embedding(sentence, shape: [1, 3])).last
        let backward = reverse(model.embedding(Array(sentence.reversed()), shape: [1, 3])).last
        let both = Tensor.concatenate([forward, backward], alongAxis: 1)
        expectClose(mu, model.toMu(both))
        expectClose(logVariance, model.toLogVariance(both))
        let batched = withoutGradients { model.encode(tokenIDs: [[4, 6, 8, 10, 11], sentence]) }
        expectClose(Array(batched.mu.scalars[3..<6]), mu.scalars)
        // Order matters to the backward encoder too: the reversed sentence is encoded differently.
        let flipped = withoutGradients { model.encode(tokenIDs: [Array(sentence.reversed())]) }.mu
        #expect(flipped.scalars != mu.scalars)
    }

    /// `bidirectional_encoder` is written only when set, read as `false` when absent, and a saved
    /// bidirectional model loads with the same posterior.
    @Test func bidirectionalConfigRoundTrips() throws {
        let plain = try Self.model(bidirectional: false).config.checkpointConfig()
        #expect(plain.values["bidirectional_encoder"] == nil)
        #expect(try TextVAEConfig(plain).bidirectionalEncoder == false)
        let model = Self.model(bidirectional: true)
        let config = try model.config.checkpointConfig()
        #expect(config.values["bidirectional_encoder"] == .bool(true))
        let folder = temporaryFolder("bidirectional-text-vae")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(model, config: config, vocabulary: nil, to: folder)
        let loaded = try ModelFactory.load(from: folder)
        guard case .textVAE(let reloaded) = loaded.model else { Issue.record("not a text VAE"); return }
        #expect(reloaded.config == model.config && reloaded.reverseEncoder != nil)
        let rows = [[5, 7, 9], [4, 6]]
        #expect(withoutGradients { reloaded.encode(tokenIDs: rows).mu.scalars } ==
                withoutGradients { model.encode(tokenIDs: rows).mu.scalars })
    }

    /// The option adds exactly the backward GRU's four tensors; the weights drawn before the
    /// posterior layers (embedding, forward encoder) are the same with and without it.
    @Test func unidirectionalModelHasNoBackwardWeights() {
        let plain = Self.model(bidirectional: false), both = Self.model(bidirectional: true)
        let plainNames = Set(plain.parameters.map(\.name))
        #expect(!plainNames.contains { $0.hasPrefix("encoder_reverse.") })
        #expect(Set(both.parameters.map(\.name)).subtracting(plainNames)
                == ["encoder_reverse.weight_ih_l0", "encoder_reverse.weight_hh_l0",
                    "encoder_reverse.bias_ih_l0", "encoder_reverse.bias_hh_l0"])
        #expect(plain.embedding.weight.value.scalars == both.embedding.weight.value.scalars)
        #expect(plain.encoder.weightHH.value.scalars == both.encoder.weightHH.value.scalars)
        #expect(plain.toMu.weight.value.shape == [3, 6] && both.toMu.weight.value.shape == [3, 12])
    }
}
