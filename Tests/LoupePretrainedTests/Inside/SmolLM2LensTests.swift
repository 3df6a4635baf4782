import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTokenizers
import Testing
@testable import LoupePretrained

/// The logit lens and direct logit attribution on SmolLM2-135M-Instruct (Q4_1 GGUF), on the
/// flagship chat prompt. Measured (see docs/language-models.md): at the last prompt position the
/// final lens layer's top token is the greedy first answer token ("This"); the rank of
/// "positive" is in the thousands or worse through the first two thirds of the stack and reaches
/// the top 40 only at the last layer. After the greedy answer's first tokens ("This sentence is")
/// the answer " positive" climbs to rank 1 in the last layers. Only what is robust is asserted.
@Suite(.enabled(if: smolLM2URL != nil))
struct SmolLM2LensTests {
    static let prompt = "我今天过得很好。Is this sentence positive or negative? Answer with one word."

    static let loaded: Result<PretrainedModel, Error> = Result {
        guard let url = smolLM2URL else { throw PretrainedError.malformed(file: "SmolLM2", detail: "absent") }
        return try PretrainedModel.load(url)
    }

    static func setUp() throws -> (PretrainedModel, DecoderLanguageModel, [Int]) {
        let loaded = try loaded.get()
        let model = try #require(loaded.module as? DecoderLanguageModel)
        let rendered = try loaded.renderChat([ChatMessage(role: "user", content: prompt)])
        return (loaded, model, loaded.tokenizer.encode(rendered, addSpecialTokens: false).map(\.id))
    }

    @Test func finalLayerIsTheGreedyAnswerAndPositiveRisesLate() throws {
        let (loaded, model, ids) = try Self.setUp()
        let last = ids.count - 1
        let positive = try #require(loaded.tokenizer.encode("positive", addSpecialTokens: false).first?.id)
        let result = try LogitLens(topK: 5, positions: [last]).run(model, tokenIDs: ids, target: positive)
        let generation = try GreedyGenerator(model: model, endOfSequenceIDs: loaded.endOfSequenceIDs)
            .generate(prompt: ids, maxNewTokens: 1)
        let final = try #require(result.cell(layer: model.layerCount, position: last))
        #expect(final.top.first?.id == generation.ids.first)
        let ranks = result.layers.map { $0.cells.first?.target?.rank ?? Int.max }
        let finalRank = try #require(ranks.last)
        // Better at the last layer than at any layer of the first two thirds of the stack.
        let early = ranks[0...(2 * model.layerCount / 3)]
        #expect(finalRank < early.min()!, "ranks by lens layer: \(ranks)")
        #expect(finalRank <= 100, "ranks by lens layer: \(ranks)")
    }

    @Test func answerTokenClimbsToTheTopInTheLastLayers() throws {
        let (loaded, model, ids) = try Self.setUp()
        let generation = try GreedyGenerator(model: model, endOfSequenceIDs: loaded.endOfSequenceIDs)
            .generate(prompt: ids, maxNewTokens: 6)
        let text = loaded.tokenizer.decode(generation.ids, skipSpecialTokens: true)
        // The answer word is the first generated token that decodes to " positive".
        let index = try #require(generation.ids.firstIndex {
            loaded.tokenizer.decode([$0], skipSpecialTokens: true).trimmingCharacters(in: .whitespaces) == "positive"
        }, "reply: \(text)")
        let context = ids + generation.ids[..<index]
        let answer = generation.ids[index]
        let result = try LogitLens(topK: 1, positions: [context.count - 1]).run(model, tokenIDs: context, target: answer)
        let ranks = result.layers.map { $0.cells.first?.target?.rank ?? Int.max }
        #expect(ranks.last == 1, "ranks: \(ranks)")
        let half = model.layerCount / 2
        #expect(ranks[half...].min()! < ranks[...half].min()!, "ranks by lens layer: \(ranks)")

        // Direct logit attribution of " positive" − " negative" there: complete (RMSNorm leaves
        // nothing out) and positive, as the model picks " positive".
        let negative = try #require(loaded.tokenizer.encode(" negative", addSpecialTokens: false).first?.id)
        let dla = try DirectLogitAttribution().run(model, tokenIDs: context, target: answer, foil: negative)
        #expect(dla.logit > 0)
        #expect(abs(dla.remainder) < 1e-3 * max(1, abs(dla.logit)), "remainder \(dla.remainder) of \(dla.logit)")
    }
}
