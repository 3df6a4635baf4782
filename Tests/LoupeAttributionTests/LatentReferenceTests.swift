import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

/// The reference checkpoints and PyTorch results, read in place from the LoupeNN test fixtures
/// (Tests/LoupeNNTests/Fixtures/reference) through this file's path, so nothing is duplicated.
enum LatentReference {
    static func directory(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LoupeNNTests/Fixtures/reference/\(name)")
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func floats(_ value: Any?) -> [Float] {
        switch value {
        case let n as NSNumber: return [n.floatValue]
        case let a as [Any]: return a.flatMap { floats($0) }
        default: return []
        }
    }

    static func doubles(_ value: Any?) -> [Double] {
        switch value {
        case let n as NSNumber: return [n.doubleValue]
        case let a as [Any]: return a.flatMap { doubles($0) }
        default: return []
        }
    }

    static func ints(_ value: Any?) -> [Int] { (value as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue } }

    static func textVAE() throws -> (model: TextVAE, vocabulary: [String]) {
        let loaded = try ModelFactory.load(from: directory("text-vae"))
        guard case .textVAE(let model) = loaded.model else { throw AttributionError.notSupported("not a text VAE") }
        return (model, loaded.vocabulary ?? [])
    }

    static func imageVAE() throws -> ImageVAE {
        let loaded = try ModelFactory.load(from: directory("image-vae"))
        guard case .imageVAE(let model) = loaded.model else { throw AttributionError.notSupported("not an image VAE") }
        return model
    }
}

/// Largest absolute difference.
func largestError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}

@Suite("Latent reference parity")
struct LatentReferenceTests {
    @Test("image-vae traversal from base_z over values matches PyTorch within 1e-5")
    func imageTraversal() throws {
        let model = try LatentReference.imageVAE()
        let expected = try LatentReference.expected("image-vae")
        let values = LatentReference.doubles(expected["values"])
        let traversal = LatentTraversal(dimensions: .indices(Array(0..<model.latentDimension)), values: .explicit(values))
        let result = try traversal.run(on: model, from: .vector(LatentReference.floats(expected["base_z"])))
        #expect(result.rows.count == 6 && result.rows.allSatisfy { $0.cells.count == 7 })
        let pixels = result.rows.flatMap { $0.cells.flatMap { $0.image?.pixels ?? [] } }
        let reference = LatentReference.floats(expected["traversal"])
        #expect(pixels.count == reference.count)
        let error = zip(pixels, reference).reduce(Float(0)) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
        print("[parity] image-vae traversal: max |error| = \(error)")
        #expect(error <= 1e-5)
        #expect(result.rows.allSatisfy { $0.cells.allSatisfy { $0.image?.width == 8 && $0.image?.height == 8 } })
    }

    @Test("text-vae per-token KL (integrated gradients, 50 Gauss–Legendre) matches Captum within 1e-4 for all 12 cases")
    func perTokenKL() throws {
        let (model, vocabulary) = try LatentReference.textVAE()
        let cases = try #require(try LatentReference.expected("text-vae")["cases"] as? [[String: Any]])
        #expect(cases.count == 12)
        var worst: [String: Double] = [:]
        func check(_ name: String, _ actual: [Double], _ expected: [Double]) {
            let e = largestError(actual, expected)
            worst[name] = Swift.max(worst[name] ?? 0, e)
            #expect(e <= 1e-4, "\(name): max |error| \(e)")
        }
        let method = KLContribution()
        for example in cases {
            let ids = LatentReference.ints(example["token_ids"])
            let a = try method.attribute(ids, model: model)
            let ig = try #require(example["kl_per_token_integrated_gradients_gausslegendre_50"] as? [String: Any])
            check("kl", [a.kl], LatentReference.doubles(example["kl"]))
            check("kl_per_dimension", a.klPerDimension, LatentReference.doubles(example["kl_per_dimension"]))
            check("kl_of_baseline", [a.klOfBaseline ?? .nan], LatentReference.doubles(example["kl_of_baseline"]))
            check("per_token", a.perToken, LatentReference.doubles(ig["per_token"]))
            check("convergence_delta", [a.convergenceDelta ?? .nan], LatentReference.doubles(ig["convergence_delta"]))
            check("mu", a.mu, LatentReference.doubles(example["mu"]))
            check("logvar", a.logVariance, LatentReference.doubles(example["logvar"]))
            // The token × dimension matrix adds up to the per-token scores, and each dimension is complete.
            let matrix = try #require(a.perTokenPerDimension)
            #expect(largestError(matrix.map { $0.reduce(0, +) }, a.perToken) < 1e-9)
            #expect((a.convergenceDeltaPerDimension ?? [1]).allSatisfy { Swift.abs($0) < 1e-4 })
            // The sentence spelled with the vocabulary is the reference sentence.
            #expect(a.tokenStrings(vocabulary: vocabulary).joined(separator: " ") == example["sentence"] as? String)
        }
        print("[parity] text-vae KL: " + worst.keys.sorted().map { "\($0) \(String(format: "%.2g", worst[$0]!))" }.joined(separator: ", "))
    }

    @Test("loupe.kl.v1 document of a reference sentence: spans, numbers, round trip")
    func klDocument() throws {
        let (model, vocabulary) = try LatentReference.textVAE()
        let cases = try #require(try LatentReference.expected("text-vae")["cases"] as? [[String: Any]])
        let sentence = try #require(cases[0]["sentence"] as? String)
        let encoder = TextEncoder(vocabulary: try Vocabulary(tokens: vocabulary))
        let encoded = encoder.encode(sentence)
        #expect(encoded.ids == LatentReference.ints(cases[0]["token_ids"]))
        let a = try KLContribution(kind: .gaussLegendre, stepCount: 20).attribute(encoded, model: model)
        let doc = try KLDocument(a, model: LatentModelInfo(model, path: "text-vae"))
        #expect(doc.input.text == sentence)
        #expect(doc.input.tokens.map(\.id) == encoded.ids)
        let scalars = Array(sentence.unicodeScalars)
        for token in doc.input.tokens {
            #expect(String(String.UnicodeScalarView(scalars[try #require(token.span)])) == token.text)
        }
        let line = try doc.jsonLine()
        for key in ["\"schema\":\"loupe.kl.v1\"", "\"per_token\"", "\"per_token_per_dimension\"", "\"kl_of_baseline\"",
                    "\"convergence_delta\"", "\"kl_per_dimension\"", "\"mu\"", "\"logvar\"", "\"offset_unit\":\"unicode-scalar\""] {
            #expect(line.contains(key), "missing \(key)")
        }
        #expect(try KLDocument.decode(Data(line.utf8)) == doc)
        #expect(throws: (any Error).self) { try TraversalDocument.decode(Data(line.utf8)) }
    }
}
