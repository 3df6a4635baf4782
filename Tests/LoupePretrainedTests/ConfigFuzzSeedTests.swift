import Foundation
import Testing
import LoupeNN
@testable import LoupePretrained

/// The committed seed corpus of the config fuzz target (`Fuzz/corpus/config`) goes through the
/// `config.json` readers as the fuzzer's inputs do: Hugging Face encoders and decoders, and Loupe's
/// checkpoint config with its four architectures, each a config (which writes and reads back to an
/// equal value) or the reader's own error, nothing else.
@Suite("config.json: fuzz seeds")
struct ConfigFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/config")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: corpus.appendingPathComponent(name)) }

    /// Which readers accepted the bytes.
    struct Outcome { var encoder = false, decoder = false, checkpoint: String? = nil }

    static func roundTrip<T: ArchitectureConfig>(_: T.Type, _ config: CheckpointConfig) throws -> Bool {
        guard config.architecture == T.architecture else { return false }
        let value = try T(config)
        #expect(try T(try CheckpointConfig.parse(try value.checkpointConfig().serialized())) == value)
        return true
    }

    static func readAll(_ bytes: Data, _ name: String) -> Outcome {
        var outcome = Outcome()
        do { _ = try EncoderConfig.parse(bytes, fileName: name); outcome.encoder = true } catch is PretrainedError {} catch {
            Issue.record("\(name): EncoderConfig.parse threw \(type(of: error)): \(error)")
        }
        do { _ = try DecoderConfiguration(huggingFaceConfig: bytes, file: name); outcome.decoder = true } catch is PretrainedError {} catch {
            Issue.record("\(name): DecoderConfiguration threw \(type(of: error)): \(error)")
        }
        do {
            let config = try CheckpointConfig.parse(bytes, fileName: name)
            #expect(try CheckpointConfig.parse(try config.serialized()) == config)
            if try roundTrip(BagOfEmbeddingsConfig.self, config) || roundTrip(TransformerClassifierConfig.self, config)
                || roundTrip(TextVAEConfig.self, config) || roundTrip(ImageVAEConfig.self, config) {
                outcome.checkpoint = config.architecture
            }
        } catch is CheckpointError {} catch {
            Issue.record("\(name): CheckpointConfig threw \(type(of: error)): \(error)")
        }
        return outcome
    }

    @Test func theCorpusIsThere() {
        #expect(Self.seeds.count >= 10, "\(Self.corpus.path)")
    }

    @Test(arguments: seeds)
    func aSeedReadsOrFailsCleanly(_ name: String) throws {
        _ = Self.readAll(try Self.data(name), name)
    }

    @Test(arguments: ["hf-gpt2.json", "hf-llama-gqa.json", "hf-llama3-rope.json", "hf-qwen2.json"])
    func theDecoderSeedsRead(_ name: String) throws {
        #expect(Self.readAll(try Self.data(name), name).decoder)
    }

    @Test(arguments: ["hf-bert.json", "hf-distilbert.json", "hf-roberta.json", "hf-xlmr.json"])
    func theEncoderSeedsRead(_ name: String) throws {
        #expect(Self.readAll(try Self.data(name), name).encoder)
    }

    @Test(arguments: ["loupe-bag-of-embeddings.json", "loupe-transformer-classifier.json", "loupe-text-vae.json", "loupe-image-vae.json"])
    func theCheckpointSeedsRead(_ name: String) throws {
        #expect(Self.readAll(try Self.data(name), name).checkpoint != nil)
    }

    /// Sizes no machine could hold, products that overflow, non-integral or negative counts:
    /// each refused by every reader, naming the file.
    @Test(arguments: ["llama-2-62-everything.json", "gpt2-heads-overflow.json", "bert-1e300.json", "bert-negative.json",
                      "loupe-transformer-2-62.json", "loupe-bag-1e400.json", "duplicate-keys.json", "nested-3000-deep.json",
                      "llama-heads-times-head-dim-overflows.json", "llama-partial-rotary-1e300.json"])
    func aHostileSeedIsRefused(_ name: String) throws {
        let outcome = Self.readAll(try Self.data(name), name)
        #expect(!outcome.encoder && !outcome.decoder && outcome.checkpoint == nil, "\(name): \(outcome)")
    }

    /// Two traps of the decoder reader, found after the first fuzz run: 2³² heads of 2³² (their
    /// product overflowed in the size check) and `partial_rotary_factor` 1e300 (the rotary
    /// dimension did not fit an `Int`). Both are one error naming the file and the key now.
    @Test(arguments: [("llama-heads-times-head-dim-overflows.json", "hidden_size", "implausibly large"),
                      ("llama-partial-rotary-1e300.json", "partial_rotary_factor", "must be in (0, 1]")])
    func aDecoderSizeThatTrappedIsAnError(_ name: String, _ key: String, _ fragment: String) throws {
        do {
            _ = try DecoderConfiguration(huggingFaceConfig: try Self.data(name), file: name)
            Issue.record("\(name) read")
        } catch let error as PretrainedError {
            #expect(error.description.hasPrefix("\(name): key '\(key)'"), "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
        }
    }
}
