import Foundation

/// What `benchmarks/fixtures/make_lens_fixtures.py` computed with transformers on the tiny GPT-2
/// and LLaMA fixtures (Fixtures/decoders/lens_expected.json).
enum LensFixtures {
    struct Expected: Decodable {
        let ids: [Int]
        /// `[lens layer][position][V]` probabilities.
        let lens: [[[Double]]]
        let target: Int
        let foil: Int
        let logit_difference: Double
        let components: [String: Double]
        /// `[layer][head]`.
        let heads: [[Double]]
        let final_norm_bias: Double
        let logits: [Double]
    }

    static let models = ["gpt2", "llama_gqa"]

    static func expected(_ name: String) throws -> Expected {
        let all = try JSONDecoder().decode([String: Expected].self,
                                           from: Data(contentsOf: DecoderFixtures.url("lens_expected.json")))
        guard let e = all[name] else { throw CocoaError(.fileReadCorruptFile) }
        return e
    }
}
