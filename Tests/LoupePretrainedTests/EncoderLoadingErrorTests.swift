import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// A view of another store with names renamed, hidden or reshaped, to make broken checkpoints.
final class EditedStore: WeightStore {
    let base: WeightStore
    let rename: (String) -> String
    let hidden: Set<String>
    let reshape: [String: [Int]]

    init(_ base: WeightStore, rename: @escaping (String) -> String = { $0 }, hiding hidden: Set<String> = [],
         reshaping reshape: [String: [Int]] = [:]) {
        self.base = base
        self.rename = rename
        self.hidden = hidden
        self.reshape = reshape
    }

    var source: URL { base.source }
    var names: [String] { base.names.filter { !hidden.contains($0) }.map(rename).sorted() }

    func weight(named name: String) throws -> StoredWeight {
        guard let original = base.names.first(where: { rename($0) == name }), !hidden.contains(original) else {
            throw PretrainedError.missingTensor(file: source.lastPathComponent, name: name)
        }
        let t = try base.tensor(named: original)
        if let shape = reshape[original] {
            return .dense(Tensor(shape: shape, scalars: Array(repeating: 0, count: shape.reduce(1, *))))
        }
        return .dense(t)
    }
}

@Suite struct EncoderLoadingErrorTests {
    static func parts() throws -> (EncoderConfig, SafeTensorsStore) {
        let folder = try EncoderFixtures.folder("bert_cls")
        return (try EncoderConfig.read(from: folder), try SafeTensorsStore(folder: folder))
    }

    @Test func legacyLayerNormNamesLoad() throws {
        let (config, store) = try Self.parts()
        let legacy = EditedStore(store, rename: {
            $0.replacingOccurrences(of: "LayerNorm.weight", with: "LayerNorm.gamma")
                .replacingOccurrences(of: "LayerNorm.bias", with: "LayerNorm.beta")
        })
        #expect(legacy.names.contains("bert.embeddings.LayerNorm.gamma"))
        let a = try HFEncoder(config: config, store: legacy)
        let b = try HFEncoder(config: config, store: store)
        let ids = [[2, 5, 6, 3]]
        expectClose(try withoutGradients { try a.hiddenStates(tokenIDs: ids) },
                    try withoutGradients { try b.hiddenStates(tokenIDs: ids) }, absolute: 0)
    }

    @Test func missingTensorIsNamed() throws {
        let (config, store) = try Self.parts()
        let name = "bert.encoder.layer.1.attention.self.value.bias"
        #expect(throws: PretrainedError.missingTensor(file: "model.safetensors", name: name)) {
            try HFEncoder(config: config, store: EditedStore(store, hiding: [name]))
        }
        #expect(throws: PretrainedError.missingTensor(file: "model.safetensors", name: "bert.embeddings.word_embeddings.weight")) {
            try HFEncoder(config: config, store: EditedStore(store, hiding: ["bert.embeddings.word_embeddings.weight"]))
        }
    }

    @Test func wrongShapeIsNamed() throws {
        let (config, store) = try Self.parts()
        let name = "bert.encoder.layer.0.intermediate.dense.weight"
        #expect(throws: PretrainedError.shapeMismatch(file: "model.safetensors", name: name, expected: [37, 32], found: [38, 32])) {
            try HFEncoder(config: config, store: EditedStore(store, reshaping: [name: [38, 32]]))
        }
        var wider = config
        wider.vocabularySize = 101
        #expect(throws: PretrainedError.shapeMismatch(file: "model.safetensors", name: "bert.embeddings.word_embeddings.weight",
                                                      expected: [101, 32], found: [100, 32])) {
            try HFEncoder(config: wider, store: store)
        }
    }

    @Test func classifierRowsMustMatchTheLabels() throws {
        let folder = try EncoderFixtures.folder("bert_cls")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-enc-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: folder, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        var text = try String(contentsOf: copy.appendingPathComponent("config.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"2\": \"positive\"", with: "\"2\": \"positive\", \"3\": \"other\"")
            .replacingOccurrences(of: "\"positive\": 2", with: "\"positive\": 2, \"other\": 3")
        try text.write(to: copy.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        #expect(throws: PretrainedError.shapeMismatch(file: "model.safetensors", name: "classifier.weight",
                                                      expected: [4, 32], found: [3, 32])) {
            try HFEncoderClassifier.load(folder: copy)
        }
        try FileManager.default.removeItem(at: copy.appendingPathComponent("config.json"))
        #expect(throws: PretrainedError.self) { try HFEncoderClassifier.load(folder: copy) }
    }
}
