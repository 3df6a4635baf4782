import LoupeNN

/// What a decoder made of one latent code: an image or a sentence.
public enum DecodedCell: Equatable, Sendable {
    case image(DecodedImage)
    case text(DecodedText)

    /// The image, when this is an image cell.
    public var image: DecodedImage? {
        if case .image(let i) = self { return i }
        return nil
    }

    /// The sentence, when this is a text cell.
    public var text: DecodedText? {
        if case .text(let t) = self { return t }
        return nil
    }
}

/// A decoded image: pixel probabilities in [0, 1] (the decoder's sigmoid output), row-major.
public struct DecodedImage: Equatable, Codable, Sendable {
    public var width: Int
    public var height: Int
    /// `width × height` values, row by row (row 0 at the top).
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "\(pixels.count) pixels for a \(width)×\(height) image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// A decoded sentence: token ids (without [BOS]/[EOS]) and, when a vocabulary was given, the
/// tokens spelled as text (``LoupeNN/TokenSpelling``: words separated by spaces, Chinese
/// characters and punctuation without).
public struct DecodedText: Equatable, Codable, Sendable {
    public var tokenIDs: [Int]
    public var text: String?

    public init(tokenIDs: [Int], text: String? = nil) {
        self.tokenIDs = tokenIDs
        self.text = text
    }

    /// Spells `tokenIDs` with `vocabulary` (unknown ids as `[UNK]`).
    public init(tokenIDs: [Int], vocabulary: [String]?) {
        self.tokenIDs = tokenIDs
        self.text = vocabulary.map { words in
            TokenSpelling.join(tokenIDs.map { $0 >= 0 && $0 < words.count ? words[$0] : "[UNK]" })
        }
    }

    enum CodingKeys: String, CodingKey { case tokenIDs = "token_ids", text }
}
