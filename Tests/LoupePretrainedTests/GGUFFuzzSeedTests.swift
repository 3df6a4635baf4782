import Foundation
import Testing
import LoupeTensor
@testable import LoupePretrained

/// The committed seed corpus of the GGUF fuzz target (`Fuzz/corpus/gguf`) goes through the reader
/// as the fuzzer's inputs do: a file whose metadata, tokenizer and tensors all read (or fail with a
/// `PretrainedError`), nothing else; the hostile seeds fail with an error naming the file and the
/// key or tensor, before anything is allocated.
@Suite("GGUF: fuzz seeds")
struct GGUFFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/gguf")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasSuffix(".gguf") }.sorted()
    }

    static func url(_ name: String) -> URL { corpus.appendingPathComponent(name) }

    /// What the fuzz target does with a file that opens: every typed metadata read, the decoder
    /// configuration, the tokenizer on a few strings, every tensor through the block decoders, the model.
    static func walk(_ file: GGUFFile) throws {
        for key in file.metadataKeys {
            if case .array(let array) = file.metadata[key]! {
                #expect(array.values().count == array.count, "\(key)")
            }
        }
        _ = try? DecoderConfiguration(gguf: file, tensors: file)
        if let tokenizer = try? PretrainedModel.loadTokenizer(file.source) {
            for text in ["Hello, world!", "naïve café 日本語 🙂", ""] {
                _ = tokenizer.decode(tokenizer.encode(text, addSpecialTokens: true).map(\.id), skipSpecialTokens: false)
            }
        }
        for info in file.tensorInfos {
            switch try file.weight(named: info.name) {
            case .dense(let tensor): #expect(tensor.shape == info.shape, "\(info.name)")
            case .quantized(let matrix): #expect(matrix.dequantized().shape.reduce(1, *) == info.elementCount, "\(info.name)")
            }
        }
        _ = try DecoderLanguageModel(gguf: file)
    }

    @Test func theCorpusIsThere() {
        #expect(Self.seeds.count >= 10, "\(Self.corpus.path)")
    }

    @Test(arguments: seeds)
    func aSeedReadsOrFailsCleanly(_ name: String) throws {
        do {
            try Self.walk(try GGUFFile.open(Self.url(name)))
        } catch let error as PretrainedError {
            #expect(error.description.hasPrefix(name + ":") || error.description.hasPrefix("GGUF metadata:"), "\(error)")
        }
    }

    /// The well-formed seeds reach deep: every value type, every tensor type decoded, a LLaMA
    /// model with its SentencePiece tokenizer, a byte-level BPE tokenizer.
    @Test func theWellFormedSeedsRead() throws {
        let values = try GGUFFile.open(Self.url("every-value-type.gguf"))
        #expect(values.metadataKeys.count == 16)
        #expect(values.alignment == 64)
        let tensors = try GGUFFile.open(Self.url("every-tensor-type.gguf"))
        #expect(Set(tensors.tensorInfos.map(\.type)) == Set(QuantizationType.allCases))
        // Every block decoder runs; the model is refused (architecture "none") with the file named.
        #expect(throws: PretrainedError.unsupported(file: "every-tensor-type.gguf", detail: "GGUF architecture 'none' (supported: llama, qwen2)")) {
            try Self.walk(tensors)
        }
    }

    @Test func theTinyLlamaLoadsAndTokenizes() throws {
        let file = try GGUFFile.open(Self.url("tiny-llama.gguf"))
        let model = try DecoderLanguageModel(gguf: file)
        #expect(model.configuration.layerCount == 1 && model.configuration.hiddenSize == 32)
        let tokenizer = try PretrainedModel.loadTokenizer(file.source)
        #expect(tokenizer.encode("ab", addSpecialTokens: true).map(\.id).first == 1)   // <s>
        let gpt2 = try PretrainedModel.loadTokenizer(Self.url("gpt2-tokenizer.gguf"))
        #expect(gpt2.encode("hello", addSpecialTokens: false).map(\.id) == [8])
    }

    @Test(arguments: [
        ("claims-2-62-tensors.gguf", "claims 4611686018427387904 tensors"),
        ("claims-2-62-metadata.gguf", "claims 4611686018427387904 metadata entries"),
        ("string-of-2-62-bytes.gguf", "has length 4611686018427387904"),
        ("array-of-2-62-strings.gguf", "array 'k' claims 4611686018427387904 string elements"),
        ("array-of-2-62-u64.gguf", "array 'k' claims 4611686018427387904 u64 elements"),
        ("arrays-nested-12-deep.gguf", "nests arrays deeper than 8"),
        ("tensor-of-2-62-elements.gguf", "tensor 'w'"),
        ("tensor-dims-overflow.gguf", "tensor 'w' has an element count that overflows"),
        ("tensor-bytes-overflow.gguf", "tensor 'w'"),
        ("tensor-offset-past-end.gguf", "tensor 'w'"),
        ("tensor-unknown-type.gguf", "tensor 'w' has ggml type id 77"),
        ("truncated-tiny-llama.gguf", "truncated"),
    ])
    func aHostileSeedIsRefusedBeforeAllocating(_ name: String, _ fragment: String) throws {
        do {
            _ = try GGUFFile.open(Self.url(name))
            Issue.record("\(name) opened")
        } catch let error as PretrainedError {
            #expect(error.description.hasPrefix(name + ":"), "\(error)")
            #expect(error.description.contains(fragment), "'\(error)' should mention '\(fragment)'")
        }
    }
}
