import LoupeDefaults
import Testing

/// Variants of sentences for a teacher to label: new, deterministic, made of the corpus' words.
@Suite struct SentenceAugmentationTests {
    static let sentences = ["the film is a quiet and moving portrait of grief", "a dull , lifeless and overlong mess",
                            "too short", "funny , warm and wise from start to finish"]

    @Test func variantsAreNewDeterministicAndMadeOfCorpusWords() {
        let augmentation = SentenceAugmentation(variantsPerSentence: 3)
        let variants = augmentation.variants(of: Self.sentences)
        #expect(variants == augmentation.variants(of: Self.sentences))
        #expect(variants.count >= 6 && variants.count <= 9, "three per sentence of ≥ 4 words, repeats dropped")
        #expect(Set(variants).count == variants.count)
        let words = Set(Self.sentences.flatMap { $0.split(separator: " ").map(String.init) })
        for variant in variants {
            #expect(!Self.sentences.contains(variant))
            #expect(variant.split(separator: " ").allSatisfy { words.contains(String($0)) })
        }
    }

    @Test func shortSentencesGiveNoVariant() {
        #expect(SentenceAugmentation().variants(of: ["too short"]).isEmpty)
    }
}
