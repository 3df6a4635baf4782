import Foundation
import LoupeNN
import LoupeTensor
import Testing

/// Temperatures by script: which tokens count, the factor of a text, the layer in a classifier,
/// and its round trip through a checkpoint.
@Suite struct ScriptTemperatureTests {
    static let tokens = Vocabulary.specials + ["[MASK]", "good", "##ing", "bad", "好", "差", "，", "!", "42", "é"]
    static let temperatures: [TokenScript: Double] = [.neutral: 1.5, .alphabetic: 2, .cjk: 0.8]

    @Test(arguments: [("good", TokenScript.alphabetic), ("##ing", .alphabetic), ("é", .alphabetic), ("好", .cjk),
                      ("##好", .cjk), ("の", .cjk), ("，", .neutral), ("!", .neutral), ("42", .neutral),
                      ("[PAD]", .neutral), ("[UNK]", .neutral), ("[", .neutral)])
    func tokensGetTheirScript(token: String, script: TokenScript) {
        #expect(TokenScript(token: token) == script)
    }

    @Test func aTextIsScaledByTheMeanInverseTemperatureOfItsScriptTokens() {
        let layer = ScriptTemperature(tokens: Self.tokens, temperatures: Self.temperatures)
        #expect(layer.factor(for: [5, 7, 11]) == Float(1 / 2.0))               // English + "!"
        #expect(abs(layer.factor(for: [8, 9, 10]) - Float(1 / 0.8)) < 1e-6)     // Chinese + "，"
        #expect(abs(layer.factor(for: [5, 8]) - Float((0.5 + 1.25) / 2)) < 1e-6) // mixed: a blend
        #expect(abs(layer.factor(for: [11, 12]) - Float(1 / 1.5)) < 1e-6)       // neither script
        #expect(abs(layer.factor(for: []) - Float(1 / 1.5)) < 1e-6)
        #expect(layer.factor(for: [5, 99, -1]) == Float(1 / 2.0))               // ids outside: neutral
        for (script, t) in Self.temperatures { #expect(abs(layer.temperatures[script]! - t) < 1e-6) }
        #expect(layer.parameters.allSatisfy { !$0.requiresGradient })
    }

    static func model(scriptTemperature: Bool = false) -> TransformerClassifier {
        TransformerClassifier(config: TransformerClassifierConfig(
            vocabularySize: tokens.count, embedDimension: 8, heads: 2, layerCount: 1, feedForwardDimension: 16,
            maxLength: 8, labels: ["negative", "positive"], scriptTemperature: scriptTemperature), seed: 3)
    }

    @Test func theLayerDividesEachRowsLogitsByItsTemperatureAndScalesGradientsAlike() throws {
        let plain = Self.model(), scaled = Self.model()
        scaled.setScriptTemperature(ScriptTemperature(tokens: Self.tokens, temperatures: Self.temperatures))
        #expect(scaled.config.scriptTemperature)
        let ids = [[5, 6, 7], [8, 9], [5, 8, 10, 11], [12]]
        let before = plain.logits(tokenIDs: ids).scalars, after = scaled.logits(tokenIDs: ids).scalars
        let factors: [Float] = [0.5, 1.25, (0.5 + 1.25) / 2, Float(1 / 1.5)]
        for (i, value) in after.enumerated() { #expect(abs(value - before[i] * factors[i / 2]) < 1e-5) }

        // d(logit)/d(embeddings) of the scaled model = factor × that of the plain one.
        func gradient(_ model: TransformerClassifier, _ row: [Int]) -> [Float] {
            let values = withoutGradients { model.embeddings(tokenIDs: [row]) }
            let embeddings = Tensor(shape: values.shape, scalars: values.scalars).requiringGradient()
            let logit = model.logits(embeddings: embeddings, tokenIDs: [row]).sum()
            return (try? gradients(of: logit, withRespectTo: [embeddings]))?.first?.scalars ?? []
        }
        let g0 = gradient(plain, ids[1]), g1 = gradient(scaled, ids[1])
        #expect(!g0.isEmpty && g0.count == g1.count && g0.contains { $0 != 0 })
        for (a, b) in zip(g0, g1) { #expect(abs(b - 1.25 * a) < 1e-5) }
    }

    @Test func aCheckpointKeepsTheLayerAndOldCheckpointsLoadWithout() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("script-temperature-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let model = Self.model()
        model.setScriptTemperature(ScriptTemperature(tokens: Self.tokens, temperatures: Self.temperatures))
        try Checkpoint.save(model, config: try model.config.checkpointConfig(), vocabulary: Self.tokens,
                            to: scratch.appendingPathComponent("calibrated"))
        let loaded = try ModelFactory.load(from: scratch.appendingPathComponent("calibrated"))
        let classifier = try #require(loaded.model.classifier as? TransformerClassifier)
        #expect(classifier.config.scriptTemperature && classifier.calibration != nil)
        let ids = [[5, 8, 10], [9]]
        #expect(classifier.logits(tokenIDs: ids).scalars == model.logits(tokenIDs: ids).scalars)

        let plain = Self.model()
        try Checkpoint.save(plain, config: try plain.config.checkpointConfig(), vocabulary: Self.tokens,
                            to: scratch.appendingPathComponent("plain"))
        let text = try String(contentsOf: scratch.appendingPathComponent("plain/config.json"), encoding: .utf8)
        #expect(!text.contains("script_temperature"))
        let reloaded = try #require(try ModelFactory.load(from: scratch.appendingPathComponent("plain")).model.classifier
                                    as? TransformerClassifier)
        #expect(reloaded.calibration == nil)
        #expect(reloaded.logits(tokenIDs: ids).scalars == plain.logits(tokenIDs: ids).scalars)
    }

    @Test func bagOfEmbeddingsTakesTheLayerToo() throws {
        let config = BagOfEmbeddingsConfig(vocabularySize: Self.tokens.count, embedDimension: 4, hiddenDimension: 4,
                                           labels: ["negative", "positive"])
        let plain = BagOfEmbeddingsClassifier(config: config, seed: 1), scaled = BagOfEmbeddingsClassifier(config: config, seed: 1)
        scaled.setScriptTemperature(ScriptTemperature(tokens: Self.tokens, temperatures: Self.temperatures))
        let a = plain.logits(tokenIDs: [[8, 9]]).scalars, b = scaled.logits(tokenIDs: [[8, 9]]).scalars
        for (x, y) in zip(a, b) { #expect(abs(y - 1.25 * x) < 1e-5) }
        #expect(try scaled.config.checkpointConfig() != (try plain.config.checkpointConfig()))
    }
}
