import Foundation
import LoupeTestSupport
import Testing
@testable import LoupeTokenizers
import LoupePretrained

/// Parity on the real models' tokenizers (skipped when the models are absent): MiniLM's
/// tokenizer.json and SmolLM2's tokenizer as transformers builds it from the GGUF metadata.
@Suite(.enabled(if: RealModels.directory != nil))
struct RealModelTokenizerTests {
    @Test(.enabled(if: RealModels.miniLMTokenizer != nil))
    func miniLMMatchesTokenizers() throws {
        let folder = try #require(RealModels.miniLMTokenizer).deletingLastPathComponent()
        let tokenizer = try TokenizerLoader.load(folder: folder)
        #expect(tokenizer.kind == "WordPiece")
        #expect(try ParityFixtures.check(tokenizer, against: "minilm") >= 2000)
    }

    @Test(.enabled(if: RealModels.miniLMTokenizer != nil))
    func miniLMVocabTxtFallbackMatchesTokenizerJSON() throws {
        let folder = try #require(RealModels.miniLMTokenizer).deletingLastPathComponent()
        let fromVocab = try PretrainedTokenizer(bertVocabulary: folder.appendingPathComponent("vocab.txt"))
        #expect(try ParityFixtures.check(fromVocab, against: "minilm") >= 2000)
    }

    @Test(.enabled(if: RealModels.smolLM2 != nil))
    func smolLM2MatchesTransformersGGUFConversion() throws {
        // The spec as the product reads it from the GGUF metadata (LoupePretrained's GGUFFile).
        let spec = try GGUFTokenizerSpec(try GGUFFile.open(try #require(RealModels.smolLM2)))
        #expect(spec.model == "gpt2")
        let tokenizer = try PretrainedTokenizer(gguf: spec)
        #expect(tokenizer.kind == "BPE (byte-level)")
        #expect(try ParityFixtures.check(tokenizer, against: "smollm2") >= 2000)
    }
}
