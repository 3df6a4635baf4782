import Foundation
import Testing
@testable import LoupeNN

/// The committed seed corpus of the safetensors fuzz target (`Fuzz/corpus/safetensors`) goes
/// through the reader as the fuzzer's inputs do: a file or a `CheckpointError`, nothing else.
@Suite("Safetensors: fuzz seeds")
struct SafeTensorsFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/safetensors")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasSuffix(".safetensors") }.sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.seeds.count >= 5, "\(Self.corpus.path)")
    }

    @Test(arguments: seeds)
    func aSeedReadsOrFailsCleanly(_ name: String) throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
        do {
            let file = try SafeTensorsFile.parse(data, fileName: name)
            let again = try SafeTensorsFile.parse(try file.serialized(), fileName: name)
            #expect(Set(again.tensors.keys) == Set(file.tensors.keys))
        } catch is CheckpointError {
        }
    }

    @Test func aHeaderClaiming2To62ElementsAllocatesNothing() throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("claims-2-62-elements.safetensors"))
        #expect(throws: CheckpointError.self) { try SafeTensorsFile.parse(data, fileName: "claims.safetensors") }
    }
}
