import Foundation
import Testing
@testable import LoupeTokenizers

/// Parity with Hugging Face `tokenizers` on the committed trained tokenizers: ids, token strings,
/// offsets (Unicode scalars of the original text) and decoded text, for every fixture string.
@Suite struct TokenizerParityTests {
    static let names = ["wordpiece", "bytelevel_bpe", "unigram", "sentencepiece_bpe", "wordpiece_variant", "bytelevel_variant",
                        "loupe_wordpiece"]

    @Test(arguments: names)
    func matchesTokenizers(_ name: String) throws {
        let tokenizer = try PretrainedTokenizer(tokenizerJSON: try ParityFixtures.url("\(name).tokenizer.json"))
        let count = try ParityFixtures.check(tokenizer, against: name)
        #expect(count >= (name.contains("variant") ? 700 : 2000))
    }

    @Test func ggufLlamaMatchesTransformers() throws {
        let data = try Data(contentsOf: try ParityFixtures.url("gguf_llama.spec.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let spec = GGUFTokenizerSpec(
            model: try #require(object["model"] as? String), pre: object["pre"] as? String,
            tokens: try #require(object["tokens"] as? [String]), tokenTypes: object["token_type"] as? [Int],
            merges: object["merges"] as? [String], scores: (object["scores"] as? [Double])?.map(Float.init),
            bosTokenID: object["bos_token_id"] as? Int, eosTokenID: object["eos_token_id"] as? Int,
            unknownTokenID: object["unknown_token_id"] as? Int, paddingTokenID: object["padding_token_id"] as? Int,
            addBOSToken: object["add_bos_token"] as? Bool, addEOSToken: object["add_eos_token"] as? Bool)
        let tokenizer = try PretrainedTokenizer(gguf: spec)
        #expect(try ParityFixtures.check(tokenizer, against: "gguf_llama") >= 700)
    }
}
