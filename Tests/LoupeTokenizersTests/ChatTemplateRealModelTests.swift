import Foundation
import LoupeTestSupport
import Testing
@testable import LoupeTokenizers
import LoupePretrained

/// SmolLM2-135M-Instruct's own template, read from the GGUF, renders every conversation as
/// transformers did (expected strings committed in Fixtures/chat/smollm2.json).
@Suite(.enabled(if: RealModels.smolLM2 != nil))
struct ChatTemplateRealModelTests {
    static let cases = ChatFixtures.cases(from: "smollm2")

    /// `tokenizer.chat_template`, read by the product's GGUF reader.
    static let source: String? = RealModels.smolLM2.flatMap {
        try? GGUFFile.open($0).stringIfPresent("tokenizer.chat_template")
    }

    @Test func smolLM2CasesAreLoaded() {
        #expect(ChatTemplateRealModelTests.cases.count >= 16)
        #expect(ChatTemplateRealModelTests.source?.contains("<|im_start|>") == true)
    }

    @Test(arguments: ChatTemplateRealModelTests.cases)
    func smolLM2TemplateRendersLikeTransformers(_ fixture: ChatFixtures.Case) throws {
        let template = try ChatTemplate(try #require(ChatTemplateRealModelTests.source))
        let expected = try #require(fixture.expected)
        let rendered = try fixture.render(template)
        #expect(Array(rendered.utf8) == Array(expected.utf8), "\(fixture.testDescription):\n\(rendered)")
    }
}
