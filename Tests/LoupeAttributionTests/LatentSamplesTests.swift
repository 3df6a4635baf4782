import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Latent samples and readable decoding")
struct LatentSamplesTests {
    static let vocabulary = Vocabulary.specials + ["the", "film", "was", "good", "bad", "very", ".", "很"]

    @Test func samplesAreSeededDrawsFromThePriorDecodedInOrder() throws {
        let model = tinyTextVAE()
        let decoding = LatentDecoding(vocabulary: Self.vocabulary)
        let a = try LatentSamples(model: model, count: 5, seed: 7, decoding: decoding)
        let b = try LatentSamples(model: model, count: 5, seed: 7, decoding: decoding)
        let hot = try LatentSamples(model: model, count: 5, seed: 7, temperature: 2, decoding: decoding)
        #expect(a.codes == b.codes && a.cells == b.cells && a.codes.count == 5)
        #expect(zip(a.codes.joined(), hot.codes.joined()).allSatisfy { abs($1 - 2 * $0) < 1e-6 })
        #expect(try a.cells == model.decodedCells(for: a.codes, decoding: decoding))
        #expect(try LatentSamples(model: model, count: 5, seed: 8, decoding: decoding).codes != a.codes)
        #expect(throws: AttributionError.self) { try LatentSamples(model: model, count: 0, seed: 1) }
        #expect(throws: AttributionError.self) { try LatentSamples(model: model, count: 2, seed: 1, temperature: 0) }
    }

    /// A decoder that prefers [UNK] above all: a sentence for a person never shows it (the next
    /// best word instead), the held-out metrics' plain decoding does.
    @Test func unknownIsSuppressedForReaders() throws {
        let model = tinyTextVAE()
        let bias = try #require(model.output.bias)
        var values = bias.value.scalars
        values[Vocabulary.unknownID] = 50
        bias.value = Tensor(shape: bias.value.shape, scalars: values)
        let codes: [[Float]] = [[0, 0, 0], [1, -1, 0.5]]
        let shown = try model.decodedCells(for: codes, decoding: LatentDecoding(vocabulary: Self.vocabulary))
        let plain = try model.decodedCells(for: codes, decoding: LatentDecoding(vocabulary: Self.vocabulary, suppressesUnknown: false))
        let beam = try model.decodedCells(for: codes, decoding: LatentDecoding(beamWidth: 3, vocabulary: Self.vocabulary))
        for cell in shown + beam {
            let text = try #require(cell.text)
            #expect(!text.tokenIDs.contains(Vocabulary.unknownID) && !(text.text ?? "").contains("[UNK]"))
        }
        #expect(plain.allSatisfy { $0.text?.tokenIDs.first == Vocabulary.unknownID })
        #expect(LatentDecoding(vocabulary: Self.vocabulary).excludedTokenIDs == [Vocabulary.unknownID])
        #expect(LatentDecoding().excludedTokenIDs.isEmpty, "no vocabulary: the id of [UNK] is unknown")
    }
}
