import Foundation
import Loupe
import LoupeTestSupport
import Testing

/// `loupe sample`, and `traverse` / `kl` without --model (the bundled text VAE); the traversal
/// JSON carries the base code's reconstruction and follows docs/schemas/loupe.traversal.v1.json.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct TraverseSampleTests {
    static let schemaURL = CLI.packageRoot.appendingPathComponent("docs/schemas/loupe.traversal.v1.json")
    static let specials = ["[PAD]", "[BOS]", "[EOS]"]

    @Test func samplePrintsSentencesFromTheBundledVAE() throws {
        let result = try CLI.run(["sample", "-n", "6", "--seed", "3"])
        #expect(result.status == 0, "\(result.transcript)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 6 && lines.allSatisfy { !$0.isEmpty }, "\(result.stdout)")
        #expect(!(Self.specials + ["[UNK]"]).contains { result.stdout.contains($0) })
        #expect(Set(lines).count > 1, "different codes decode to different sentences")
        #expect(try CLI.run(["sample", "-n", "6", "--seed", "3"]).stdout == result.stdout, "seeded")
    }

    @Test func sampleJSON() throws {
        let result = try CLI.run(["sample", "-n", "3", "--json", "--model", CLI.fixture("text-vae")])
        #expect(result.status == 0, "\(result.transcript)")
        let document = try SamplesDocument.decode(result.stdoutData)
        #expect(document.samples.count == 3 && document.samples.allSatisfy { $0.z.count == document.model.latentDimension })
        #expect(document.samples.allSatisfy { $0.cell.tokenIDs != nil } && document.decoding?.strategy == "greedy")
    }

    @Test func sampleRejectsBadCounts() throws {
        let result = try CLI.run(["sample", "-n", "0"])
        #expect(result.status == 2 && result.stderr.contains("-n"), "\(result.transcript)")
    }

    @Test func traverseWithoutAModelUsesTheBundledTextVAE() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("t.json")
        let result = try CLI.run(["traverse", "--example", "I had a great day today.", "--dims", "0,1,2,3",
                                  "--values", "-3,3,5", "--json", json.path])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("reconstruction: ") && result.stdout.contains("z3: "))
        #expect(!Self.specials.contains { result.stdout.contains($0) })
        let data = try Data(contentsOf: json)
        let schema = try SchemaChecker(contentsOf: Self.schemaURL)
        let errors = schema.errors(try JSON.parse(data))
        #expect(errors.isEmpty, "\(errors)")
        let document = try TraversalDocument.decode(data)
        #expect(document.model.path?.hasSuffix("default-text-vae") == true)
        let reconstruction = try #require(document.reconstruction?.text)
        #expect(!reconstruction.isEmpty)
        #expect(document.cells.contains { Set($0.compactMap(\.text)).count > 1 }, "a row changes along its values")
    }

    @Test func traversalJSONOfTheFixturesFollowsTheSchema() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let schema = try SchemaChecker(contentsOf: Self.schemaURL)
        for (model, extra) in [("text-vae", ["--example", "the film was good"]), ("image-vae", [String]())] {
            let json = folder.appendingPathComponent("\(model).json")
            let result = try CLI.run(["traverse", "--model", CLI.fixture(model), "--dims", "0,1", "--values", "-1,1,3",
                                      "--json", json.path] + extra)
            #expect(result.status == 0, "\(result.transcript)")
            let data = try Data(contentsOf: json)
            let errors = schema.errors(try JSON.parse(data))
            #expect(errors.isEmpty, "\(model): \(errors)")
            #expect(try TraversalDocument.decode(data).reconstruction != nil)
        }
    }

    @Test func klWithoutAModelUsesTheBundledTextVAE() throws {
        let result = try CLI.run(["kl", "送餐很快，味道也不错。"])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("KL = "))
    }
}
