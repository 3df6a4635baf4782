import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Reproduces the PyTorch reference results (Tests/LoupeNNTests/Fixtures/reference/*/expected.json)
/// with the checkpoints beside them, to 1e-5 absolute.
@Suite("Model parity")
struct ModelParityTests {
    static let tolerance: Float = 1e-5

    static func directory(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/reference/\(name)")
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// All numbers of a (nested) JSON array, row-major.
    static func floats(_ value: Any?) -> [Float] {
        switch value {
        case let n as NSNumber: return [n.floatValue]
        case let a as [Any]: return a.flatMap { floats($0) }
        default: return []
        }
    }

    static func ints(_ value: Any?) -> [Int] { (value as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue } }

    /// Tracks the largest absolute error per quantity and checks each against the tolerance.
    final class ErrorLog {
        var worst: [String: Float] = [:]
        func compare(_ quantity: String, _ actual: [Float], _ expected: [Float],
                     sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(actual.count == expected.count, "\(quantity): \(actual.count) values, expected \(expected.count)",
                    sourceLocation: sourceLocation)
            let error = zip(actual, expected).reduce(Float(0)) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
            worst[quantity] = Swift.max(worst[quantity] ?? 0, error.isNaN ? .infinity : error)
            expectClose(actual, expected, absolute: ModelParityTests.tolerance, "\(quantity)",
                        sourceLocation: sourceLocation)
        }
        func report(_ model: String) {
            let lines = worst.keys.sorted().map { "  \($0): max |error| = \(String(format: "%.3g", Double(worst[$0]!)))" }
            print("[parity] \(model)\n" + lines.joined(separator: "\n"))
        }
    }

    @Test(arguments: ["bag-of-embeddings", "transformer-classifier"])
    func classifier(_ name: String) throws {
        let loaded = try ModelFactory.load(from: Self.directory(name))
        #expect(loaded.model.architecture == name)
        let model = try #require(loaded.model.classifier)
        let cases = try #require(try Self.expected(name)["cases"] as? [[String: Any]])
        #expect(cases.count == 12)
        #expect(loaded.vocabulary?.prefix(4) == ["[PAD]", "[UNK]", "[BOS]", "[EOS]"])
        let log = ErrorLog()
        let ids = cases.map { Self.ints($0["token_ids"]) }
        withoutGradients {
            for (example, ids) in zip(cases, ids) {
                log.compare("logits", model.logits(tokenIDs: [ids]).scalars, Self.floats(example["logits"]))
                let target = (example["target"] as? NSNumber)?.intValue ?? -1
                let baseline = model.logits(embeddings: .zeros([1, ids.count, model.tokenEmbedding.dimension]), tokenIDs: [ids])
                log.compare("baseline_logit", [baseline[0, target]], Self.floats(example["baseline_logit"]))
                log.compare("probabilities", model.probabilities(tokenIDs: [ids]).scalars, Self.floats(example["probabilities"]))
            }
            // All twelve as one ragged batch: padding must not change anything.
            log.compare("logits (batched)", model.logits(tokenIDs: ids).scalars, cases.flatMap { Self.floats($0["logits"]) })
        }
        log.report(name)
    }

    @Test func textVAE() throws {
        let loaded = try ModelFactory.load(from: Self.directory("text-vae"))
        guard case .textVAE(let model) = loaded.model else {
            Issue.record("expected a text VAE, got \(loaded.model.architecture)")
            return
        }
        let cases = try #require(try Self.expected("text-vae")["cases"] as? [[String: Any]])
        let log = ErrorLog()
        let ids = cases.map { Self.ints($0["token_ids"]) }
        withoutGradients {
            for (example, ids) in zip(cases, ids) {
                let (mu, logVariance) = model.encode(tokenIDs: [ids])
                log.compare("mu", mu.scalars, Self.floats(example["mu"]))
                log.compare("logvar", logVariance.scalars, Self.floats(example["logvar"]))
                log.compare("kl", model.klDivergence(mu: mu, logVariance: logVariance).scalars, Self.floats(example["kl"]))
                log.compare("kl_per_dimension", model.klDivergencePerDimension(mu: mu, logVariance: logVariance).scalars,
                            Self.floats(example["kl_per_dimension"]))
                let zero = Tensor.zeros([1, ids.count, model.config.embedDimension])
                let (muBase, logVarBase) = model.encode(embeddings: zero, tokenIDs: [ids])
                log.compare("kl_of_baseline", model.klDivergence(mu: muBase, logVariance: logVarBase).scalars,
                            Self.floats(example["kl_of_baseline"]))
                let logits = model.teacherForcedLogits(z: mu, tokenIDs: [ids])
                #expect(logits.shape == [1, ids.count + 1, model.config.vocabularySize])
                log.compare("teacher_forced_logits_at_mu", logits.scalars, Self.floats(example["teacher_forced_logits_at_mu"]))
                let decoded = model.greedyDecode(z: mu, maxLength: model.config.maxLength)
                #expect(decoded == [Self.ints(example["greedy_decode_at_mu"])], "greedy decode of '\(example["sentence"] ?? "")'")
            }
            // Batched: ragged lengths must give each sentence its own posterior and logits.
            let (mu, logVariance) = model.encode(tokenIDs: ids)
            log.compare("mu (batched)", mu.scalars, cases.flatMap { Self.floats($0["mu"]) })
            log.compare("logvar (batched)", logVariance.scalars, cases.flatMap { Self.floats($0["logvar"]) })
            let logits = model.teacherForcedLogits(z: mu, tokenIDs: ids)
            let (t, v) = (logits.shape[1], logits.shape[2])
            for (i, example) in cases.enumerated() {
                let n = (ids[i].count + 1) * v
                log.compare("teacher_forced_logits_at_mu (batched)", Array(logits.scalars[(i * t * v)..<(i * t * v + n)]),
                            Self.floats(example["teacher_forced_logits_at_mu"]))
            }
            #expect(model.greedyDecode(z: mu) == cases.map { Self.ints($0["greedy_decode_at_mu"]) })
            let targets = model.teacherForcingTargets(tokenIDs: ids)
            #expect(targets.shape == [ids.count, t])
            #expect(Array(targets.ids[0..<(ids[0].count + 1)]) == ids[0] + [model.config.eosID])
        }
        log.report("text-vae")
    }

    @Test func imageVAE() throws {
        let loaded = try ModelFactory.load(from: Self.directory("image-vae"))
        guard case .imageVAE(let model) = loaded.model else {
            Issue.record("expected an image VAE, got \(loaded.model.architecture)")
            return
        }
        let expected = try Self.expected("image-vae")
        let images = Self.floats(expected["images"])
        let count = images.count / model.config.pixelCount
        let log = ErrorLog()
        withoutGradients {
            let (mu, logVariance) = model.encode(Tensor(shape: [count, model.config.pixelCount], scalars: images))
            log.compare("mu", mu.scalars, Self.floats(expected["mu"]))
            log.compare("logvar", logVariance.scalars, Self.floats(expected["logvar"]))
            let grid = model.traversal(base: Self.floats(expected["base_z"]), values: Self.floats(expected["values"]))
            #expect(grid.shape == [model.latentDimension, 7, model.config.pixelCount])
            log.compare("traversal", grid.scalars, Self.floats(expected["traversal"]))
        }
        log.report("image-vae")
    }

    @Test func configRoundTripsAndErrorsNameTheKey() throws {
        for name in LoadedModel.architectures {
            let loaded = try ModelFactory.load(from: Self.directory(name))
            let rebuilt = try LoadedModel.make(config: try loaded.model.checkpointConfig(), seed: 1)
            #expect(try rebuilt.checkpointConfig() == loaded.model.checkpointConfig(), "\(name)")
            #expect(Set(rebuilt.module.namedParameters.keys) == Set(loaded.model.module.namedParameters.keys))
            for (key, value) in loaded.config.values where key != "architecture" {
                #expect(try loaded.model.checkpointConfig().values[key] == value, "\(name): config key \(key)")
            }
        }
        let bad = CheckpointConfig(architecture: "transformer-classifier", values: [
            "vocab_size": 10, "embed_dim": 6, "num_heads": 4, "num_layers": 1, "ffn_dim": 8, "max_len": 4,
            "labels": ["a", "b"]])
        let headsError = #expect(throws: CheckpointError.self) { _ = try LoadedModel.make(config: bad) }
        #expect(headsError?.key == "num_heads")
        let architectureError = #expect(throws: CheckpointError.self) {
            _ = try LoadedModel.make(config: CheckpointConfig(architecture: "lstm"))
        }
        #expect(architectureError?.key == "architecture")
    }

    @Test func savedModelLoadsBackIdentically() throws {
        let loaded = try ModelFactory.load(from: Self.directory("transformer-classifier"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-parity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try ModelFactory.save(loaded.model, vocabulary: loaded.vocabulary, to: folder)
        let again = try ModelFactory.load(from: folder)
        let ids = [[5, 9, 12], [7]]
        let a = withoutGradients { loaded.model.classifier!.logits(tokenIDs: ids) }
        let b = withoutGradients { again.model.classifier!.logits(tokenIDs: ids) }
        #expect(a.scalars == b.scalars)
    }
}
