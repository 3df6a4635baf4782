import Foundation
import Testing
@testable import LoupeNN

/// A config.json that claims sizes its weights file cannot hold is refused before the model is
/// built (nothing of the claimed size is allocated).
@Suite("ModelFactory: sizes the weights cannot hold")
struct CheckpointSizeClaimTests {
    @Test("a huge size claim is one error naming config.json", arguments: [
        ("bag-of-embeddings", "vocab_size"), ("transformer-classifier", "vocab_size"),
        ("transformer-classifier", "num_layers"), ("text-vae", "vocab_size"), ("image-vae", "hidden_dim"),
    ])
    func hugeClaim(reference: String, key: String) throws {
        let scratch = try CheckpointTestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = try CheckpointTestSupport.copyOfReference(reference, in: scratch)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("vocab.txt"))
        let configURL = folder.appendingPathComponent("config.json")
        var config = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        config[key] = 1 << 40
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        #expect {
            _ = try ModelFactory.load(from: folder)
        } throws: { error in
            guard let error = error as? CheckpointError else { return false }
            return error.kind == .shapeMismatch && error.file == "config.json"
                && error.description.contains("\(key) \(1 << 40)") && error.description.contains("model.safetensors holds")
        }
    }

    @Test("the bound never exceeds what a reference checkpoint really has", arguments: SafeTensorsTestData.referenceNames)
    func boundIsALowerBound(_ name: String) throws {
        let loaded = try ModelFactory.load(from: SafeTensorsTestData.referenceURL(name))
        let parameters = loaded.model.module.parameters.reduce(0) { $0 + $1.value.count }
        #expect(try LoadedModel.minimumParameterCount(config: loaded.config) <= Double(parameters))
        #expect(try LoadedModel.minimumParameterCount(config: loaded.config) > 0)
    }
}
