import LoupeNN
import LoupeTensor

/// A ``TextVAE`` as a ``LatentModel``: an example is a sentence's token ids (without [BOS]/[EOS]),
/// a cell is the sentence decoded greedily (or by beam search, see ``LatentDecoding``).
extension TextVAE: LatentModel {
    public typealias Example = [Int]

    public var architectureName: String { TextVAEConfig.architecture }

    public func posterior(of examples: [[Int]]) -> (mu: Tensor, logVariance: Tensor) {
        encode(tokenIDs: examples)
    }

    public func decodedCells(for latents: Tensor, decoding: LatentDecoding) -> [DecodedCell] {
        let sequences = decoding.beamWidth == 1
            ? greedyDecode(z: latents, maxLength: decoding.maximumLength, excluding: decoding.excludedTokenIDs)
            : beamSearchDecode(z: latents, beamWidth: decoding.beamWidth, maxLength: decoding.maximumLength,
                               excluding: decoding.excludedTokenIDs)
        return sequences.map { .text(DecodedText(tokenIDs: $0, vocabulary: decoding.vocabulary)) }
    }
}
