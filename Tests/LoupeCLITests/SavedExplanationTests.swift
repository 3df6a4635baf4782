import Foundation
import Loupe
import Testing

/// Behaviour is unchanged across refactors: explanations saved by an earlier build read back,
/// write again unchanged, and the same commands today give the same numbers.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct SavedExplanationTests {
    static let folder = CLI.packageRoot.appendingPathComponent("Tests/LoupeCLITests/Fixtures/saved-explanations")
    static let allMethods = "integrated-gradients,gradient,input-x-gradient,leave-one-out,occlusion,smoothgrad,"
        + "smoothgrad-squared,vargrad,gradient-shap,kernel-shap,attention-rollout,layer-integrated-gradients,"
        + "layer-gradient-x-activation,layer-gradient"
    static let checkpointMethods = "integrated-gradients,gradient,input-x-gradient,leave-one-out,occlusion,smoothgrad,"
        + "gradient-shap,kernel-shap,attention-rollout,layer-integrated-gradients,layer-gradient-x-activation,layer-gradient"

    /// The sentence of vocabulary lines 10–17 of a reference checkpoint (each word followed by a
    /// space, as the saving command wrote it).
    static func words(_ checkpoint: String) throws -> String {
        let vocabulary = try String(contentsOfFile: CLI.fixture(checkpoint) + "/vocab.txt", encoding: .utf8)
        return vocabulary.split(separator: "\n").dropFirst(9).prefix(8).map { $0 + " " }.joined()
    }

    /// (saved file, command arguments before `--json`, text).
    static func cases() throws -> [(String, [String], String)] {
        [("en.json", ["explain", "--methods", allMethods, "--target", "all", "--faithfulness"], "i did not like this film at all ."),
         ("zh.json", ["explain", "--methods", allMethods, "--target", "all", "--output", "probability"], "我今天过得很好。"),
         ("tf.json", ["explain", "--model", CLI.fixture("transformer-classifier"), "--methods", checkpointMethods,
                      "--layer", "encoder.layers.0", "--target", "all"], try words("transformer-classifier")),
         ("bag.json", ["explain", "--model", CLI.fixture("bag-of-embeddings"),
                       "--methods", "integrated-gradients,gradient,leave-one-out,kernel-shap", "--target", "all"],
          try words("bag-of-embeddings")),
         ("kl.json", ["kl", "--model", CLI.fixture("text-vae")], try words("text-vae")),
         ("klloo.json", ["kl", "--model", CLI.fixture("text-vae"), "--method", "leave-one-out"], try words("text-vae"))]
    }

    @Test("saved attribution documents read back and write again unchanged",
          arguments: ["en.json", "zh.json", "tf.json", "bag.json"])
    func roundTrip(file: String) throws {
        let saved = try Data(contentsOf: Self.folder.appendingPathComponent(file))
        let document = try AttributionDocument.decode(saved)
        let again = try AttributionDocument.decode(try document.prettyJSON())
        #expect(again == document)
        #expect(try Self.differences(JSONSerialization.jsonObject(with: document.prettyJSON()),
                                     JSONSerialization.jsonObject(with: saved), skipping: []).isEmpty)
    }

    @Test("the same commands give the same documents", arguments: 0..<6)
    func sameNumbers(index: Int) throws {
        let (file, arguments, text) = try Self.cases()[index]
        let folder = try temporaryFolder("saved-\(index)")
        defer { cleanUp(folder) }
        let out = folder.appendingPathComponent(file)
        let result = try CLI.run(arguments + ["-q", "--json", out.path, text])
        #expect(result.status == 0, "\(result.transcript)")
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent(file)))
        let now = try JSONSerialization.jsonObject(with: Data(contentsOf: out))
        let found = Self.differences(saved, now, skipping: ["seconds", "path"], addedSince: Self.addedSince)
        #expect(found.isEmpty, "\(file): \(found.prefix(10))")
    }

    /// Fields the format gained after these files were saved (issue 17: both ends of the path, and
    /// input.aggregation; zh.json was saved again when Chinese words came from the lexicon):
    /// present in today's documents, absent from the saved ones.
    static let addedSince: Set<String> = ["output_of_input", "output_of_baseline", "output_difference", "stride", "aggregation"]

    /// Where two JSON values differ: numbers by more than 1e-6 (absolute, or relative for large
    /// ones), anything else at all. Keys in `skipping` are ignored at every depth; keys in
    /// `addedSince` may be missing from `a` (the saved document) only.
    static func differences(_ a: Any, _ b: Any, skipping: Set<String>, addedSince: Set<String> = [],
                            at path: String = "") -> [String] {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            let keys = Set(x.keys).union(y.keys).subtracting(skipping)
            return keys.sorted().flatMap { key -> [String] in
                if x[key] == nil, y[key] != nil, addedSince.contains(key) { return [] }
                guard let u = x[key], let v = y[key] else { return ["\(path).\(key): missing on one side"] }
                return differences(u, v, skipping: skipping, addedSince: addedSince, at: "\(path).\(key)")
            }
        case (let x as [Any], let y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) vs \(y.count) elements"] }
            return zip(x, y).enumerated().flatMap {
                differences($1.0, $1.1, skipping: skipping, addedSince: addedSince, at: "\(path)[\($0)]")
            }
        case (let x as NSNumber, let y as NSNumber):
            let (u, v) = (x.doubleValue, y.doubleValue)
            return abs(u - v) <= 1e-6 * max(1, abs(u)) ? [] : ["\(path): \(u) vs \(v)"]
        default:
            return "\(a)" == "\(b)" ? [] : ["\(path): \(a) vs \(b)"]
        }
    }
}
