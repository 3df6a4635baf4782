import Foundation
@testable import LoupeNN
import LoupeTensor
import Testing

/// A two-parameter module: `layer.weight` [2, 3] and `layer.bias` [2].
final class TinyCheckpointModule: Module {
    let path = ""
    let weight: Parameter
    let bias: Parameter
    var ownParameters: [Parameter] { [weight, bias] }

    init(seed: UInt64 = 1) {
        var rng = RandomGenerator(seed: seed)
        weight = Parameter(name: "layer.weight", value: .randomNormal([2, 3], using: &rng))
        bias = Parameter(name: "layer.bias", value: .randomNormal([2], using: &rng))
    }
}

/// A module holding arbitrary named tensors (stands in for the model classes in these tests).
final class TensorBagModule: Module {
    let path = ""
    let ownParameters: [Parameter]
    init(_ tensors: [String: Tensor]) {
        ownParameters = tensors.keys.sorted().map { Parameter(name: $0, value: tensors[$0]!) }
    }
}

/// Scratch folders and helpers for checkpoint tests.
enum CheckpointTestSupport {
    static let specials = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"]

    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of a reference checkpoint in a scratch folder, optionally with a replaced file.
    static func copyOfReference(_ name: String, in scratch: URL, replacing file: String? = nil,
                                with contents: String? = nil, removing removed: String? = nil) throws -> URL {
        let copy = scratch.appendingPathComponent(name)
        try FileManager.default.copyItem(at: SafeTensorsTestData.referenceURL(name), to: copy)
        if let file, let contents {
            let url = copy.appendingPathComponent(file)
            try? FileManager.default.removeItem(at: url)
            try Data(contents.utf8).write(to: url)
        }
        if let removed { try FileManager.default.removeItem(at: copy.appendingPathComponent(removed)) }
        return copy
    }

    static func tinyCheckpoint(_ tensors: [String: Tensor]) -> Checkpoint {
        Checkpoint(directory: URL(fileURLWithPath: "/unused"), config: CheckpointConfig(architecture: "tiny"),
                   tensors: tensors)
    }

    /// Hidden temporary siblings (`.<name>.tmp-…` / `.<name>.old-…`) left in `folder`.
    static func leftovers(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(".") }
    }
}

@Suite("Checkpoint")
struct CheckpointTests {
    typealias S = CheckpointTestSupport

    // MARK: Loading

    @Test("reference checkpoints load with config and vocabulary", arguments: SafeTensorsTestData.referenceNames)
    func loadsReference(_ name: String) throws {
        let checkpoint = try Checkpoint.load(from: SafeTensorsTestData.referenceURL(name))
        #expect(checkpoint.config.architecture == name)
        #expect(checkpoint.warnings.isEmpty)
        if name == "image-vae" {
            #expect(checkpoint.vocabulary == nil)
            #expect(try checkpoint.config.int("latent_dim") == 6)
        } else {
            let vocabulary = try #require(checkpoint.vocabulary)
            #expect(vocabulary.count == 137)
            #expect(Array(vocabulary.prefix(4)) == S.specials)
            #expect(try checkpoint.config.int("vocab_size") == 137)
            #expect(checkpoint.tensors["embedding.weight"]?.shape[0] == 137)
        }
    }

    @Test("config accessors return typed values and name the key on failure")
    func configAccessors() throws {
        let config = try Checkpoint.load(from: SafeTensorsTestData.referenceURL("transformer-classifier")).config
        #expect(try config.int("num_heads") == 4)
        #expect(try config.double("layer_norm_eps") == 1e-5)
        #expect(try config.double("embed_dim") == 32)
        #expect(try config.string("norm") == "post")
        #expect(try config.strings("labels") == ["negative", "positive"])
        #expect(config.optionalInt("missing") == nil && config.optionalInt("max_len") == 64)
        #expect(config.optionalString("activation") == "relu" && config.optionalDouble("pad_id") == 0)

        let missing = #expect(throws: CheckpointError.self) { try config.int("num_experts") }
        #expect(missing?.kind == .missingKey)
        #expect(missing?.description == "config.json: key 'num_experts': missing")
        let wrongType = #expect(throws: CheckpointError.self) { try config.int("activation") }
        #expect(wrongType?.kind == .invalidEntry)
        #expect(wrongType?.description.hasPrefix("config.json: key 'activation': expected an integer") == true)
        #expect(throws: CheckpointError.self) { try config.int("layer_norm_eps") }
        #expect(throws: CheckpointError.self) { try config.strings("num_layers") }
        #expect(throws: CheckpointError.self) { try config.string("labels") }
    }

    @Test("config.json is written pretty with sorted keys and reads back equal")
    func configSerialisation() throws {
        let config = CheckpointConfig(architecture: "tiny", values: [
            "zeta": 1, "alpha": "a\"b", "eps": 1e-5, "labels": ["x", "y"], "flag": true, "none": .null, "empty": [],
        ])
        let text = String(decoding: try config.serialized(), as: UTF8.self)
        // Foundation's pretty printer: `key : value`, an empty array opened and closed on two lines.
        #expect(text == """
            {
              "alpha" : "a\\"b",
              "architecture" : "tiny",
              "empty" : [

              ],
              "eps" : 1e-05,
              "flag" : true,
              "labels" : [
                "x",
                "y"
              ],
              "none" : null,
              "zeta" : 1
            }

            """)
        #expect(try CheckpointConfig.parse(Data(text.utf8)) == config)
        // JSONValue is also Codable through Foundation's coders.
        let value = JSONValue.object(config.values)
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) == value)
    }

    /// A broken checkpoint folder and what its error must say.
    struct BrokenFolder: Sendable, CustomTestStringConvertible {
        let name: String
        let file: String?
        let contents: String?
        let removed: String?
        let kind: CheckpointError.Kind
        let fragments: [String]
        var testDescription: String { name }

        static let all: [BrokenFolder] = [
            BrokenFolder(name: "config JSON error has a line", file: "config.json",
                         contents: "{\n  \"architecture\": \"bag-of-embeddings\",\n  \"embed_dim\" 32\n}", removed: nil,
                         kind: .invalidJSON, fragments: ["config.json:3:", "expected ':'"]),
            BrokenFolder(name: "config not an object", file: "config.json", contents: "[1]", removed: nil,
                         kind: .invalidEntry, fragments: ["config.json", "JSON object"]),
            BrokenFolder(name: "config without architecture", file: "config.json", contents: "{\"embed_dim\": 32}",
                         removed: nil, kind: .missingKey, fragments: ["config.json: key 'architecture': missing"]),
            BrokenFolder(name: "missing config", file: nil, contents: nil, removed: "config.json",
                         kind: .io, fragments: ["config.json: missing"]),
            BrokenFolder(name: "missing weights", file: nil, contents: nil, removed: "model.safetensors",
                         kind: .io, fragments: ["model.safetensors: missing"]),
            BrokenFolder(name: "duplicate token", file: "vocab.txt",
                         contents: (S.specials + ["the", "a", "film", "a"]).joined(separator: "\n"), removed: nil,
                         kind: .invalidVocabulary, fragments: ["vocab.txt:8:", "duplicate token 'a'", "line 6"]),
            BrokenFolder(name: "wrong special token", file: "vocab.txt",
                         contents: ["[PAD]", "[UNK]", "[EOS]", "[BOS]"].joined(separator: "\n"), removed: nil,
                         kind: .invalidVocabulary, fragments: ["vocab.txt:3:", "id 2 must be '[BOS]'"]),
            BrokenFolder(name: "too few tokens", file: "vocab.txt", contents: "[PAD]\n[UNK]\n", removed: nil,
                         kind: .invalidVocabulary, fragments: ["vocab.txt:3:", "missing '[BOS]'"]),
            BrokenFolder(name: "empty token", file: "vocab.txt", contents: (S.specials + ["x", "", "y"]).joined(separator: "\n"),
                         removed: nil, kind: .invalidVocabulary, fragments: ["vocab.txt:6:", "empty token"]),
            BrokenFolder(name: "vocabulary size disagrees with config", file: "vocab.txt",
                         contents: (S.specials + ["x"]).joined(separator: "\n") + "\n", removed: nil,
                         kind: .invalidVocabulary, fragments: ["vocab.txt: 5 tokens", "vocab_size 137"]),
        ]
    }

    @Test("broken checkpoint folders are rejected with the file and line", arguments: BrokenFolder.all)
    func rejectsBrokenFolder(_ broken: BrokenFolder) throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = try S.copyOfReference("bag-of-embeddings", in: scratch, replacing: broken.file,
                                           with: broken.contents, removing: broken.removed)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(from: folder) }
        #expect(error?.kind == broken.kind, "\(String(describing: error))")
        for fragment in broken.fragments {
            #expect(error?.description.contains(fragment) == true, "expected '\(fragment)' in \(String(describing: error))")
        }
    }

    @Test("vocabulary with CRLF line ends loads")
    func crlfVocabulary() throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let tokens = try #require(try Checkpoint.load(from: SafeTensorsTestData.referenceURL("text-vae")).vocabulary)
        let folder = try S.copyOfReference("text-vae", in: scratch, replacing: "vocab.txt",
                                           with: tokens.joined(separator: "\r\n"))
        #expect(try Checkpoint.load(from: folder).vocabulary == tokens)
    }

    @Test("a missing folder is an error naming it")
    func missingFolder() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(from: url) }
        #expect(error?.description == "\(url.path): checkpoint folder does not exist")
    }

    // MARK: Assigning

    @Test("assign copies matching tensors into the parameters")
    func assignCopies() throws {
        let source = TinyCheckpointModule(seed: 5)
        let target = TinyCheckpointModule(seed: 6)
        try S.tinyCheckpoint(["layer.weight": source.weight.value, "layer.bias": source.bias.value]).assign(to: target)
        #expect(target.weight.value.scalars == source.weight.value.scalars)
        #expect(target.bias.value.scalars == source.bias.value.scalars)
    }

    @Test("assign errors name the missing, extra or misshapen key and change nothing")
    func assignErrors() {
        let module = TinyCheckpointModule(seed: 5)
        let before = module.weight.value.scalars
        let weight = Tensor.zeros([2, 3]), bias = Tensor.zeros([2])

        let missing = #expect(throws: CheckpointError.self) {
            try S.tinyCheckpoint(["layer.weight": weight]).assign(to: module)
        }
        #expect(missing?.kind == .missingTensors)
        #expect(missing?.description == "model.safetensors: missing tensors for parameters 'layer.bias'")

        let extra = #expect(throws: CheckpointError.self) {
            try S.tinyCheckpoint(["layer.weight": weight, "layer.bias": bias, "extra.weight": bias]).assign(to: module)
        }
        #expect(extra?.kind == .unexpectedTensors)
        #expect(extra?.description.contains("unexpected tensors 'extra.weight'") == true)

        let both = #expect(throws: CheckpointError.self) {
            try S.tinyCheckpoint(["layer.weight": weight, "other": bias]).assign(to: module)
        }
        #expect(both?.description.contains("'layer.bias'") == true && both?.description.contains("'other'") == true)

        let shape = #expect(throws: CheckpointError.self) {
            try S.tinyCheckpoint(["layer.weight": .zeros([3, 2]), "layer.bias": bias]).assign(to: module)
        }
        #expect(shape?.kind == .shapeMismatch && shape?.key == "layer.weight")
        #expect(shape?.description
                == "model.safetensors: tensor 'layer.weight': shape [3, 2] does not match the parameter's shape [2, 3]")
        #expect(module.weight.value.scalars == before)
    }

    // MARK: Saving

    @Test("save then load round-trips module, config, vocabulary and metadata")
    func saveRoundTrip() throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let module = TinyCheckpointModule(seed: 9)
        let config = CheckpointConfig(architecture: "tiny", values: ["vocab_size": 6, "hidden": 3])
        let vocabulary = S.specials + ["hello", "世界"]
        let folder = scratch.appendingPathComponent("nested/run-1")
        try Checkpoint.save(module, config: config, vocabulary: vocabulary, to: folder, metadata: ["step": "10"])

        let loaded = try Checkpoint.load(from: folder)
        #expect(loaded.config == config)
        #expect(loaded.vocabulary == vocabulary)
        #expect(loaded.metadata == ["step": "10"])
        let copy = TinyCheckpointModule(seed: 10)
        try loaded.assign(to: copy)
        #expect(copy.weight.value.scalars == module.weight.value.scalars)
        #expect(try String(contentsOf: folder.appendingPathComponent("vocab.txt"), encoding: .utf8)
                == vocabulary.joined(separator: "\n") + "\n")
        #expect(S.leftovers(in: folder.deletingLastPathComponent()).isEmpty)
    }

    @Test("reference checkpoints survive load → save → load", arguments: SafeTensorsTestData.referenceNames)
    func referenceResave(_ name: String) throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let original = try Checkpoint.load(from: SafeTensorsTestData.referenceURL(name))
        let folder = scratch.appendingPathComponent(name)
        try Checkpoint.save(TensorBagModule(original.tensors), config: original.config, vocabulary: original.vocabulary,
                            to: folder)
        let again = try Checkpoint.load(from: folder)
        #expect(again.config == original.config)
        #expect(again.vocabulary == original.vocabulary)
        #expect(Set(again.tensors.keys) == Set(original.tensors.keys))
        for (key, tensor) in original.tensors {
            #expect(again.tensors[key]?.shape == tensor.shape)
            #expect(again.tensors[key]?.scalars == tensor.scalars, "\(key)")
        }
    }

    @Test("saving into an existing checkpoint replaces it fully")
    func saveReplaces() throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = try S.copyOfReference("bag-of-embeddings", in: scratch)
        try Data("stale".utf8).write(to: folder.appendingPathComponent("stale.bin"))
        try Checkpoint.save(TinyCheckpointModule(), config: CheckpointConfig(architecture: "tiny"), vocabulary: nil,
                            to: folder)
        let contents = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(contents == ["config.json", "model.safetensors"])
        #expect(try Checkpoint.load(from: folder).config.architecture == "tiny")
        #expect(S.leftovers(in: scratch).isEmpty)
    }

    @Test("saving to an unwritable location throws and leaves no temporary files")
    func saveUnwritable() throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let blocker = scratch.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.save(TinyCheckpointModule(), config: CheckpointConfig(architecture: "tiny"), vocabulary: nil,
                                to: blocker.appendingPathComponent("ckpt"))
        }
        #expect(error?.kind == .io)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["a-file"])

        // A folder that is not a checkpoint is never replaced.
        let precious = scratch.appendingPathComponent("precious")
        try FileManager.default.createDirectory(at: precious, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: precious.appendingPathComponent("notes.txt"))
        let refused = #expect(throws: CheckpointError.self) {
            try Checkpoint.save(TinyCheckpointModule(), config: CheckpointConfig(architecture: "tiny"), vocabulary: nil,
                                to: precious)
        }
        #expect(refused?.kind == .invalidArgument)
        #expect(try FileManager.default.contentsOfDirectory(atPath: precious.path) == ["notes.txt"])
        #expect(S.leftovers(in: scratch).isEmpty)
    }

    @Test("a failure before the commit leaves the old checkpoint intact and removes the temporary folder")
    func saveFailureIsClean() throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = try S.copyOfReference("text-vae", in: scratch)
        let before = try Data(contentsOf: folder.appendingPathComponent("model.safetensors"))
        struct Interrupted: Error {}
        var seenTemporary: String?
        #expect(throws: Interrupted.self) {
            try Checkpoint.save(TinyCheckpointModule(), config: CheckpointConfig(architecture: "tiny"), vocabulary: nil,
                                to: folder, metadata: [:]) { temporary in
                seenTemporary = temporary.lastPathComponent
                #expect(FileManager.default.fileExists(atPath: temporary.appendingPathComponent("model.safetensors").path))
                throw Interrupted()
            }
        }
        let name = try #require(seenTemporary)
        #expect(name.hasPrefix(".text-vae.tmp-") && name.count == ".text-vae.tmp-".count + 16)
        #expect(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")) == before)
        #expect(S.leftovers(in: scratch).isEmpty)
    }

    @Test("save refuses non-finite weights and bad vocabularies before writing anything")
    func saveValidates() throws {
        let scratch = try S.scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let module = TinyCheckpointModule()
        module.bias.value = Tensor(shape: [2], scalars: [0, .infinity])
        let folder = scratch.appendingPathComponent("ckpt")
        let nonFinite = #expect(throws: CheckpointError.self) {
            try Checkpoint.save(module, config: CheckpointConfig(architecture: "tiny"), vocabulary: nil, to: folder)
        }
        #expect(nonFinite?.kind == .nonFinite && nonFinite?.key == "layer.bias")
        let duplicate = #expect(throws: CheckpointError.self) {
            try Checkpoint.save(TinyCheckpointModule(), config: CheckpointConfig(architecture: "tiny"),
                                vocabulary: S.specials + ["a", "a"], to: folder)
        }
        #expect(duplicate?.kind == .invalidVocabulary)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }
}
