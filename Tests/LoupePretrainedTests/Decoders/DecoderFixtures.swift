import Foundation
import LoupeNN
import LoupeTensor
@testable import LoupePretrained

/// The committed tiny decoders (made by `benchmarks/fixtures/make_decoder_fixtures.py`) and what
/// transformers computed for them.
enum DecoderFixtures {
    struct GreedyStep: Decodable {
        let id: Int
        let logit: Float
        let probability: Float
        let top5: [Int]
    }

    struct Expected: Decodable {
        let batch: [[Int]]
        /// Per sequence, per real position, the `V` logits.
        let logits: [[[Float]]]
        let prompt: [Int]
        let greedy: [GreedyStep]
    }

    struct RopeCase: Decodable {
        let config: JSONValue
        let inverse_frequencies: [Float]
        let attention_scaling: Float
    }

    static let huggingFaceModels = ["gpt2", "llama_gqa", "llama_tied_llama3", "qwen2"]

    static func url(_ name: String) throws -> URL {
        guard let base = Bundle.module.url(forResource: "decoders", withExtension: nil, subdirectory: "Fixtures") else {
            throw PretrainedError.malformed(file: "Fixtures/decoders", detail: "fixture folder missing from the bundle")
        }
        return base.appendingPathComponent(name)
    }

    static func expected() throws -> [String: Expected] {
        try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: url("expected.json")))
    }

    static func ropeCases() throws -> [RopeCase] {
        try JSONDecoder().decode([RopeCase].self, from: Data(contentsOf: url("rope.json")))
    }

    static func configuration(_ name: String) throws -> DecoderConfiguration {
        try DecoderConfiguration(contentsOf: url(name).appendingPathComponent("config.json"))
    }

    static func store(_ name: String) throws -> InMemoryWeightStore {
        try InMemoryWeightStore(safetensors: url(name).appendingPathComponent("model.safetensors"))
    }

    static func model(_ name: String) throws -> DecoderLanguageModel {
        try DecoderLanguageModel(configuration: configuration(name), weights: store(name))
    }
}
