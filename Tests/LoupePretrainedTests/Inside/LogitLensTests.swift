import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// The logit lens: transformers' probabilities on the tiny GPT-2 and LLaMA (≤ 1e-4), the last
/// layer equals the model's own prediction on every fixture, and the readings agree with each other.
@Suite struct LogitLensTests {
    @Test(arguments: LensFixtures.models)
    func matchesTransformers(_ name: String) throws {
        let expected = try LensFixtures.expected(name)
        let model = try DecoderFixtures.model(name)
        let v = model.vocabularySize
        let result = try LogitLens(topK: v).run(model, tokenIDs: expected.ids, target: expected.target,
                                                foil: expected.foil)
        #expect(result.layers.count == model.layerCount + 1)
        #expect(result.layers.count == expected.lens.count)
        var worst = 0.0
        for (layer, row) in result.layers.enumerated() {
            #expect(row.layer == layer)
            #expect(row.site == LogitLens.site(ofLensLayer: layer).rawValue)
            for (position, cell) in row.cells.enumerated() {
                let reference = expected.lens[layer][position]
                #expect(cell.top.count == v)
                for reading in cell.top { worst = max(worst, abs(reading.probability - reference[reading.id])) }
                let target = try #require(cell.target)
                worst = max(worst, abs(target.probability - reference[expected.target]))
                let betterThanTarget = reference.filter { $0 > reference[expected.target] + 1e-9 }.count
                #expect(abs(target.rank - (betterThanTarget + 1)) <= 1, "\(name) layer \(layer) position \(position)")
            }
        }
        #expect(worst <= 1e-4, "\(name): largest probability difference \(worst)")
    }

    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func lastLayerIsTheModelsPrediction(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [12, 7, 88, 31, 4]
        let logits = withoutGradients { model.logits(tokenIDs: [ids]) }.scalars
        let v = model.vocabularySize
        let result = try LogitLens(topK: 3).run(model, tokenIDs: ids, target: 9)
        let last = try #require(result.layer(model.layerCount))
        for cell in last.cells {
            let row = Array(logits[(cell.position * v)..<((cell.position + 1) * v)])
            let model = try NextTokenDistribution(logits: row)
            #expect(cell.top.map(\.id) == model.top(3).map(\.id))
            for (a, b) in zip(cell.top, model.top(3)) { #expect(abs(a.probability - b.probability) < 1e-5) }
            let target = try #require(cell.target)
            #expect(abs(target.logit - Double(row[9])) < 1e-4)
            #expect(try target.rank == model.rank(9))
        }
    }

    @Test func readingsAgree() throws {
        let model = try DecoderFixtures.model("qwen2")
        let ids = [3, 50, 6, 77]
        let result = try LogitLens(topK: 4).run(model, tokenIDs: ids, target: 10, foil: 11)
        for row in result.layers {
            for cell in row.cells {
                // Best first, probabilities in (0, 1], the top token ranks 1.
                #expect(zip(cell.top, cell.top.dropFirst()).allSatisfy { $0.probability >= $1.probability })
                #expect(cell.top.first?.rank == 1)
                #expect(cell.top.reduce(0) { $0 + $1.probability } <= 1 + 1e-9)
                #expect(cell.entropy >= 0 && cell.entropy <= log(Double(model.vocabularySize)) + 1e-9)
                let target = try #require(cell.target), foil = try #require(cell.foil)
                #expect(abs(exp(target.logProbability) - target.probability) < 1e-12)
                #expect(abs(try #require(cell.logitDifference) - (target.logit - foil.logit)) < 1e-12)
                #expect(abs(target.logProbability - foil.logProbability - (target.logit - foil.logit)) < 1e-4)
            }
        }
    }

    @Test func chosenLayersAndPositions() throws {
        let model = try DecoderFixtures.model("llama_gqa")
        let ids = [3, 50, 6, 77]
        let full = try LogitLens(topK: 2).run(model, tokenIDs: ids)
        let some = try LogitLens(topK: 2, layers: [2, 0], positions: [3, 1]).run(model, tokenIDs: ids)
        #expect(some.layers.map(\.layer) == [2, 0])
        #expect(some.positions == [3, 1])
        for row in some.layers {
            #expect(row.cells.map(\.position) == [3, 1])
            for cell in row.cells {
                let reference = try #require(full.cell(layer: row.layer, position: cell.position))
                #expect(cell.top.map(\.id) == reference.top.map(\.id))
                #expect(abs(cell.top[0].probability - reference.top[0].probability) < 1e-6)
            }
        }
    }

    @Test func badParametersThrow() throws {
        let model = try DecoderFixtures.model("gpt2")
        let ids = [3, 4]
        let v = model.vocabularySize
        #expect(throws: AttributionError.self) { try LogitLens(topK: 0).run(model, tokenIDs: ids) }
        #expect(throws: AttributionError.self) { try LogitLens(layers: [model.layerCount + 1]).run(model, tokenIDs: ids) }
        #expect(throws: AttributionError.self) { try LogitLens(layers: []).run(model, tokenIDs: ids) }
        #expect(throws: AttributionError.self) { try LogitLens(positions: [2]).run(model, tokenIDs: ids) }
        #expect(throws: AttributionError.self) { try LogitLens().run(model, tokenIDs: ids, target: v) }
        #expect(throws: AttributionError.self) { try LogitLens().run(model, tokenIDs: ids, foil: 1) }
        #expect(throws: ModelInputError.self) { try LogitLens().run(model, tokenIDs: []) }
    }

    @Test func resultRoundTripsThroughJSON() throws {
        let model = try DecoderFixtures.model("gpt2")
        let result = try LogitLens(topK: 2).run(model, tokenIDs: [3, 4, 5], target: 7)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(LogitLensResult.self, from: data) == result)
    }
}
