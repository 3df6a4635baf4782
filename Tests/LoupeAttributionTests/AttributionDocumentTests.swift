import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("loupe.attribution.v1 JSON")
struct AttributionDocumentTests {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/attribution.schema.json")

    static func checker() throws -> SchemaChecker {
        SchemaChecker(root: try JSON.parse(try Data(contentsOf: schemaURL)))
    }

    /// A document for `text` split on spaces (offsets in Unicode scalars), with several methods,
    /// a failed one, and the faithfulness block.
    static func document(_ text: String, model: BagOfEmbeddingsClassifier = BagOfEmbeddingsClassifier()) throws -> AttributionDocument {
        var tokens: [AttributionDocument.InputToken] = []
        var offset = 0
        for (i, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            let length = word.unicodeScalars.count
            tokens.append(.init(text: String(word), id: 1 + (i * 7) % 23, start: offset, end: offset + length,
                                unknown: i == 1 ? true : nil))
            offset += length + 1
        }
        let ids = tokens.map(\.id)
        let logits = outputs(model, ids), probabilities = outputs(model, ids, .probability)
        let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        let methods: [any AttributionMethod] = [Saliency(), IntegratedGradients(stepCount: 8),
                                                NoiseTunnel(Saliency(), sampleCount: 2), KernelSHAP(sampleCount: 20)]
        var results = try methods.flatMap { try $0.attribute(ids, targets: [predicted, (predicted + 1) % 3], model: model) }
        var entries = results.map(AttributionDocument.Entry.init)
        entries.append(.init(failed: "layer-integrated-gradients", target: .init(index: predicted, label: nil),
                             output: .logit, layer: "nope", error: "unknown layer 'nope'"))
        results.removeAll { $0.target.index != predicted }
        let faithfulness = FaithfulnessEvaluator().evaluate(ids, target: predicted, attributions: results, model: model)
        return AttributionDocument(
            model: .init(path: "/tmp/model", architecture: "bag-of-embeddings", labels: model.labels),
            input: .init(text: text, tokens: tokens),
            prediction: .init(index: predicted, label: model.labels[predicted], logits: logits, probabilities: probabilities),
            attributions: entries, faithfulness: faithfulness, warnings: ["1 token unknown"])
    }

    static let texts = ["a café naïve test", "好 的 电影", "one", "🙂 emoji & <html> \"quotes\" / slash"]

    @Test("a written document satisfies docs/attribution.schema.json", arguments: texts)
    func validatesAgainstSchema(text: String) throws {
        let doc = try Self.document(text)
        let errors = try Self.checker().errors(try JSON.parse(try doc.prettyJSON()))
        #expect(errors.isEmpty, "\(errors.prefix(5))")
    }

    @Test("the checker catches a missing field, a wrong type and an extra field")
    func checkerCatchesViolations() throws {
        let doc = try JSON.parse(try Self.document("x y").prettyJSON())
        guard case .object(var o) = doc, case .object(var prediction)? = o["prediction"] else { Issue.record("not an object"); return }
        prediction["index"] = .string("1")
        o["prediction"] = .object(prediction)
        o.removeValue(forKey: "model")
        o["extra"] = .bool(true)
        let errors = try Self.checker().errors(.object(o))
        #expect(errors.contains { $0.contains("missing 'model'") })
        #expect(errors.contains { $0.contains("$.prediction.index") })
        #expect(errors.contains { $0.contains("unexpected property 'extra'") })
    }

    @Test("write → read gives the same document", arguments: texts)
    func roundTrip(text: String) throws {
        let doc = try Self.document(text)
        #expect(try AttributionDocument.decode(doc.prettyJSON()) == doc)
        #expect(try AttributionDocument.decode(Data(doc.jsonLine().utf8)) == doc)
    }

    @Test("JSON Lines: several documents, one per line, read back in order")
    func jsonLines() throws {
        let docs = try Self.texts.map { try Self.document($0) }
        let lines = try docs.map { try $0.jsonLine() }
        #expect(lines.allSatisfy { !$0.contains("\n") })
        let text = lines.joined(separator: "\n") + "\n\n"
        #expect(try AttributionDocument.decodeLines(text) == docs)
        let checker = try Self.checker()
        for line in lines { #expect(checker.errors(try JSON.parse(Data(line.utf8))).isEmpty) }
    }

    @Test("NaN or infinity never reach JSON: the entry carries an error instead")
    func nonFiniteBecomesError() throws {
        var doc = try Self.document("a b c")
        var bad = Attribution(method: "gradient", target: AttributionTarget(index: 0, label: "class0"), output: .logit,
                              layer: "embedding", parameters: ["steps": .int(3)], scores: [0.1, .nan, 0.2],
                              scoresL2: [0.1, 0.2, 0.3], convergenceDelta: 0.5)
        doc.attributions.append(.init(bad))
        bad.scores = [1, 2, 3]
        bad.convergenceDelta = -.infinity
        doc.attributions.append(.init(bad))
        let json = try doc.jsonLine()   // the encoder throws on a non-finite number, so this proves none is left
        let read = try AttributionDocument.decode(Data(json.utf8))
        for entry in read.attributions.suffix(2) {
            #expect(entry.error != nil && entry.scores == nil && entry.convergenceDelta == nil)
        }
        #expect(try Self.checker().errors(try JSON.parse(Data(json.utf8))).isEmpty)
    }

    @Test("integral doubles in parameters survive a round trip")
    func parameterNumbers() throws {
        let values: [ParameterValue] = [.double(0), .double(2), .double(0.25), .int(3), .bool(true), .string("pad")]
        let data = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([ParameterValue].self, from: data) == values)
    }

    @Test("offsets count Unicode scalars")
    func offsets() throws {
        let doc = try Self.document("🙂 naïve 好")
        let scalars = Array(doc.input.text.unicodeScalars)
        for token in doc.input.tokens {
            #expect(String(String.UnicodeScalarView(scalars[try #require(token.span)])) == token.text)
        }
    }
}
