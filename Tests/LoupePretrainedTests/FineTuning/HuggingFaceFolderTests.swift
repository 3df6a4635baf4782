import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// A fine-tuned model saved in the Hugging Face layout loads back with identical logits.
@Suite struct HuggingFaceFolderTests {
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-hf-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a bare BertModel with a fresh head, fine-tuned a few steps, saves as BertForSequenceClassification and reloads exactly")
    func roundTripAfterFineTuning() throws {
        let source = try EncoderFixtures.folder("bert_model_sharded")
        let encoder = try HFEncoder.load(folder: source)
        #expect(encoder.path == "" && encoder.pooler != nil)
        let model = try HFEncoderClassifier.withFreshHead(on: encoder, labels: ["negative", "positive"], seed: 9)
        #expect(model.head.pooler === encoder.pooler, "the checkpoint's pooler is used")
        let (ids, labels) = EncoderFineTunerTests.task(count: 32, seed: 1)
        var options = EncoderFineTuningOptions(epochs: 1, batchSize: 8, learningRate: 1e-3, seed: 0)
        options.warmupSteps = 1
        _ = try EncoderFineTuner(model: model, options: options).train(ids: ids, labels: labels)

        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try model.saveHuggingFace(to: folder, baseConfig: source.appendingPathComponent("config.json"), tokenizerFolder: nil)
        let names = try SafeTensorsFile.read(from: folder.appendingPathComponent("model.safetensors")).tensors.keys
        #expect(names.contains("bert.embeddings.word_embeddings.weight") && names.contains("bert.pooler.dense.weight"))
        #expect(names.contains("bert.encoder.layer.1.output.LayerNorm.bias") && names.contains("classifier.weight"))
        #expect(names.allSatisfy { $0.hasPrefix("bert.") || $0.hasPrefix("classifier.") }, "\(names.sorted())")
        #expect(names.count == model.parameters.count)

        let config = try EncoderFixtures.json(folder.appendingPathComponent("config.json"))
        #expect(config["architectures"] as? [String] == ["BertForSequenceClassification"])
        #expect(config["id2label"] as? [String: String] == ["0": "negative", "1": "positive"])
        #expect(config["label2id"] as? [String: Int] == ["negative": 0, "positive": 1])
        #expect(config["num_labels"] as? Int == 2 && config["hidden_size"] as? Int == 32)

        let reloaded = try HFEncoderClassifier.load(folder: folder)
        #expect(reloaded.labels == ["negative", "positive"] && reloaded.encoder.path == "bert")
        let test = [[2, 7, 14, 3], [2, 50, 51, 52, 53, 3], [2, 3]]
        let before = withoutGradients { model.logits(tokenIDs: test) }
        let after = withoutGradients { reloaded.logits(tokenIDs: test) }
        #expect(before.scalars == after.scalars)
        // The fine-tuned weights are what was saved (not the pretrained ones).
        let pretrained = try HFEncoder.load(folder: source)
        #expect(reloaded.encoder.layers[0].intermediate.weight.value.scalars
                != pretrained.layers[0].intermediate.weight.value.scalars)
    }

    @Test("a bare encoder reads [CLS]/[SEP] from tokenizer.json, so a fresh head's pad baseline keeps them")
    func freshHeadKeepsTheTokenizersSpecialTokens() throws {
        let source = try EncoderFixtures.folder("bert_model_sharded")
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        #expect(try HFEncoder.load(folder: folder).config.specialTokenIDs.isEmpty, "config.json alone names none")
        let tokenizer = #"{"version": "1.0", "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]}}"#
        try Data(tokenizer.utf8).write(to: folder.appendingPathComponent("tokenizer.json"))
        let encoder = try HFEncoder.load(folder: folder)
        #expect(encoder.config.specialTokenIDs == [2, 3])
        let model = try HFEncoderClassifier.withFreshHead(on: encoder, labels: ["negative", "positive"], seed: 9)
        #expect(model.specialTokenIDs == [2, 3])
        let scores = try IntegratedGradients(stepCount: 8).attribute([[2, 17, 45, 9, 3]], targets: [1], model: model)[0][0].scores
        #expect(scores.first == 0 && scores.last == 0, "[CLS] and [SEP] are their own baseline: \(scores)")
        #expect(scores[1..<4].contains { $0 != 0 })
    }

    @Test("an encoder without a pooler gets a fresh one, saved under the family prefix")
    func freshPoolerWhenTheCheckpointHasNone() throws {
        let source = try EncoderFixtures.folder("bert_model_sharded")
        let store = try SafeTensorsStore(folder: source)
        let config = try EncoderConfig.read(from: source.appendingPathComponent("config.json"))
        let withoutPooler = try HFEncoder(config: config, store: PoolerlessStore(store))
        #expect(withoutPooler.pooler == nil)
        let model = try HFEncoderClassifier.withFreshHead(on: withoutPooler, labels: ["a", "b", "c"], seed: 1)
        let pooler = try #require(model.head.pooler)
        #expect(pooler.bias?.value.scalars.allSatisfy { $0 == 0 } == true)
        let weights = pooler.weight.value.scalars
        let std = (weights.map { Double($0 * $0) }.reduce(0, +) / Double(weights.count)).squareRoot()
        #expect(abs(std - 0.02) < 0.004, "initializer range 0.02, measured \(std)")
        #expect(model.head.classifier.outputSize == 3)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try model.saveHuggingFace(to: folder, baseConfig: source.appendingPathComponent("config.json"), tokenizerFolder: nil)
        let reloaded = try HFEncoderClassifier.load(folder: folder)
        let ids = [[2, 9, 3]]
        #expect(withoutGradients { model.logits(tokenIDs: ids) }.scalars == withoutGradients { reloaded.logits(tokenIDs: ids) }.scalars)
    }
}

/// A store that hides the pooler tensors of another.
private final class PoolerlessStore: WeightStore {
    let base: WeightStore
    init(_ base: WeightStore) { self.base = base }
    var source: URL { base.source }
    var names: [String] { base.names.filter { !$0.contains("pooler") } }
    func weight(named name: String) throws -> StoredWeight {
        guard !name.contains("pooler") else { throw PretrainedError.missingTensor(file: "test", name: name) }
        return try base.weight(named: name)
    }
}
