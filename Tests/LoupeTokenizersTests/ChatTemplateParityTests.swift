import Foundation
import Testing
@testable import LoupeTokenizers

/// Byte-identical parity with transformers' `apply_chat_template(..., tokenize=False)` on our
/// fixture templates (ChatML, Llama-3, Qwen2 with tools, Mistral, Gemma and Phi-3 styles).
@Suite struct ChatTemplateParityTests {
    @Test func fixturesAreLoaded() {
        #expect(ChatFixtures.templateCases.count >= 100)
        #expect(ChatFixtures.features.count >= 40)
        #expect(ChatFixtures.templateCases.contains { $0.error != nil })
    }

    @Test(arguments: ChatFixtures.templateCases)
    func rendersLikeTransformers(_ fixture: ChatFixtures.Case) throws {
        let template = try ChatTemplate(fixture.source)
        if let expected = fixture.expected {
            let rendered = try fixture.render(template)
            #expect(Array(rendered.utf8) == Array(expected.utf8), "\(fixture.testDescription):\n\(rendered)")
        } else {
            let error = try #require(throws: ChatTemplateError.self) { try fixture.render(template) }
            #expect(error.kind == .raised)
            #expect(error.message == fixture.error)
        }
    }

    /// Python exception names in features.json and the kind we throw for each.
    static let kinds: [String: ChatTemplateError.Kind] = [
        "TemplateError": .raised, "UndefinedError": .undefined, "TypeError": .type, "SecurityError": .security,
        "ZeroDivisionError": .type,
    ]

    @Test(arguments: ChatFixtures.features)
    func featureRendersLikeJinja(_ feature: ChatFixtures.Feature) throws {
        let template = try ChatTemplate(feature.template)
        if let expected = feature.expected {
            let rendered = try template.render(context: feature.context)
            #expect(Array(rendered.utf8) == Array(expected.utf8), "\(feature.name): \(rendered.debugDescription)")
            return
        }
        let expectedError = try #require(feature.error)
        let colon = try #require(expectedError.firstIndex(of: ":"))
        let pythonKind = String(expectedError[..<colon])
        let message = String(expectedError[expectedError.index(colon, offsetBy: 2)...])
        let error = try #require(throws: ChatTemplateError.self) { try template.render(context: feature.context) }
        #expect(error.kind == ChatTemplateParityTests.kinds[pythonKind], "\(feature.name): \(error)")
        if error.kind == .raised || error.kind == .security || pythonKind == "UndefinedError" {
            #expect(error.message == message)
        }
    }
}
