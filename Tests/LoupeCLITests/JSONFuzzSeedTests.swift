import Foundation
import Testing
import Loupe

/// The committed seed corpus of the `loupe.*.v1` fuzz target (`Fuzz/corpus/json`) goes through the
/// document decoders as the fuzzer's inputs do: a document that encodes (compact and pretty) and
/// decodes back equal, or a `DecodingError` / `AttributionError`, nothing else.
@Suite("loupe.*.v1 JSON: fuzz seeds")
struct JSONFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/json")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: corpus.appendingPathComponent(name)) }

    /// Decodes `bytes` as `T` and checks the round trip; the schema name when it decoded.
    static func roundTrip<T: SchemaDocument & Equatable>(_: T.Type, _ bytes: Data, _ name: String) throws -> String? {
        let document: T
        do { document = try T.decode(bytes) } catch is DecodingError { return nil } catch is AttributionError { return nil } catch {
            Issue.record("\(name): \(T.self).decode threw \(type(of: error)): \(error)")
            return nil
        }
        #expect(try T.decode(try document.compactJSON()) == document, "\(name)")
        #expect(try T.decode(try document.prettyJSON()) == document, "\(name)")
        return T.schemaName
    }

    /// Every decoder on `bytes`; the schemas that decoded.
    static func decodeAll(_ bytes: Data, _ name: String) throws -> [String] {
        try [roundTrip(AttributionDocument.self, bytes, name), roundTrip(GenerationDocument.self, bytes, name),
         roundTrip(LensDocument.self, bytes, name), roundTrip(PatchingDocument.self, bytes, name),
         roundTrip(TraversalDocument.self, bytes, name), roundTrip(InterpolationResult.self, bytes, name),
         roundTrip(KLDocument.self, bytes, name), roundTrip(LatentDocument.self, bytes, name),
         roundTrip(SamplesDocument.self, bytes, name)].compactMap { $0 }
    }

    @Test func theCorpusIsThere() {
        #expect(Self.seeds.count >= 9, "\(Self.corpus.path)")
    }

    @Test(arguments: seeds)
    func aSeedDecodesOrFailsCleanly(_ name: String) throws {
        let bytes = try Self.data(name)
        let schemas = try Self.decodeAll(bytes, name)
        #expect(schemas.count <= 1, "\(name) decoded as \(schemas)")
        if name.hasSuffix(".jsonl"), let text = String(data: bytes, encoding: .utf8) {
            do {
                let documents = try AttributionDocument.decodeLines(text)
                #expect(try AttributionDocument.decodeLines(documents.map { try $0.jsonLine() }.joined(separator: "\n")) == documents)
            } catch is AttributionError {}
        }
    }

    /// One seed of each schema, written by `loupe` itself, decodes as that schema only.
    @Test(arguments: ["loupe.attribution.v1", "loupe.generation.v1", "loupe.lens.v1", "loupe.patching.v1", "loupe.traversal.v1",
                      "loupe.interpolation.v1", "loupe.kl.v1", "loupe.latent.v1", "loupe.samples.v1"])
    func aDocumentOfEachSchemaDecodes(_ schema: String) throws {
        let name = schema.replacingOccurrences(of: "loupe.", with: "").replacingOccurrences(of: ".v1", with: "") + ".json"
        #expect(try Self.decodeAll(try Self.data(name), name) == [schema])
    }
}
