import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Baselines")
struct BaselineTests {
    static let model = BagOfEmbeddingsClassifier()
    static let ids = sentences[0]

    /// The embedding row of token `id`.
    static func row(_ id: Int) -> [Float] { model.tokenEmbedding.weight.value.gatherRows([id]).scalars }

    static func rows(_ t: Tensor) -> [[Float]] {
        let e = t.shape[2]
        return (0..<t.shape[1]).map { Array(t.scalars[($0 * e)..<(($0 + 1) * e)]) }
    }

    static let every: [Baseline] = [
        .pad, .zero, .token(id: 7, name: "unk"), .meanEmbedding, .reference(ids: [4, 5], text: "four five"),
        .uniform(samples: 3, seed: 1), .expected(samples: 4, seed: 2), .average([.pad, .token(id: 3, name: "t3")]),
    ]

    @Test("each baseline is the embedding it documents")
    func contents() throws {
        let x = embeddings(Self.model, Self.ids)
        let e = x.shape[2]
        func one(_ b: Baseline) throws -> [[Float]] {
            let set = try b.embeddingSet(like: x, ids: Self.ids, model: Self.model)
            #expect(set.count == 1)
            return Self.rows(set[0])
        }
        #expect(try one(.zero).allSatisfy { $0 == [Float](repeating: 0, count: e) })
        #expect(try one(.pad).allSatisfy { $0 == Self.row(0) })
        #expect(try one(.token(id: 7, name: "unk")).allSatisfy { $0 == Self.row(7) })
        // Reference: its tokens in order, then [PAD].
        let reference = try one(.reference(ids: [4, 5], text: "four five"))
        #expect(reference[0] == Self.row(4) && reference[1] == Self.row(5))
        #expect(reference[2...].allSatisfy { $0 == Self.row(0) })
        // A longer reference is cut to the input.
        #expect(try one(.reference(ids: Array(1...20), text: "long")).enumerated().allSatisfy { $0.element == Self.row($0.offset + 1) })
        // The mean of every row but padding.
        let table = Self.model.tokenEmbedding.weight.value
        let v = table.shape[0]
        let mean = (0..<e).map { j in (1..<v).reduce(0.0) { $0 + Double(table.scalars[$1 * e + j]) } / Double(v - 1) }
        for r in try one(.meanEmbedding) {
            #expect(zip(r, mean).allSatisfy { Swift.abs(Double($0) - $1) < 1e-6 })
        }
    }

    @Test("sampled baselines: the given count, reproducible, inside the vocabulary or its box")
    func sampled() throws {
        let x = embeddings(Self.model, Self.ids)
        let e = x.shape[2]
        let table = Self.model.tokenEmbedding.weight.value
        let v = table.shape[0]
        let uniform = try Baseline.uniform(samples: 3, seed: 1).embeddingSet(like: x, ids: Self.ids, model: Self.model)
        #expect(uniform.count == 3)
        #expect(uniform.map(\.scalars) == (try Baseline.uniform(samples: 3, seed: 1).embeddingSet(like: x, ids: Self.ids, model: Self.model)).map(\.scalars))
        #expect(uniform[0].scalars != uniform[1].scalars, "draws differ")
        for j in 0..<e {
            let column = (0..<v).map { table.scalars[$0 * e + j] }
            for b in uniform { for r in Self.rows(b) { #expect(r[j] >= column.min()! && r[j] <= column.max()!) } }
        }
        let expected = try Baseline.expected(samples: 4, seed: 2).embeddingSet(like: x, ids: Self.ids, model: Self.model)
        #expect(expected.count == 4)
        let vocabulary = (1..<v).map(Self.row)
        for b in expected {
            for r in Self.rows(b) { #expect(vocabulary.contains(r), "a row that is a non-padding token's embedding") }
        }
        #expect(Baseline.average([.pad, .uniform(samples: 2, seed: 0)]).count == 3)
    }

    @Test("fixed positions keep their own embedding in every baseline", arguments: every)
    func keepsFixedPositions(_ baseline: Baseline) throws {
        let x = embeddings(Self.model, Self.ids)
        for b in try baseline.embeddingSet(like: x, ids: Self.ids, model: Self.model, keeping: [0, 3]) {
            let rows = Self.rows(b), own = Self.rows(x)
            #expect(rows[0] == own[0] && rows[3] == own[3])
        }
    }

    @Test("integrated gradients reports F(x) and F(baseline) and is complete from every baseline", arguments: every)
    func completeness(_ baseline: Baseline) throws {
        let model = Self.model
        let x = embeddings(model, Self.ids)
        let set = try baseline.embeddingSet(like: x, ids: Self.ids, model: model)
        // The bag model's ReLU makes the integrand kinked, so the quadrature needs many points.
        let a = try IntegratedGradients(stepCount: 256, baseline: baseline).attribute(Self.ids, targets: [0, 2], model: model)
        for r in a {
            let k = r.target.index
            let fx = outputs(model, Self.ids, embeddings: x)[k]
            let fb = set.map { outputs(model, Self.ids, embeddings: $0)[k] }.reduce(0, +) / Double(set.count)
            #expect(Swift.abs((r.outputOfInput ?? .nan) - fx) < 1e-5)
            #expect(Swift.abs((r.outputOfBaseline ?? .nan) - fb) < 1e-5)
            #expect(Swift.abs(total(r.scores) - (fx - fb)) < 2e-3, "Σ scores vs F(x) − F(baseline)")
            #expect(Swift.abs((r.convergenceDelta ?? .nan) - (total(r.scores) - (fx - fb))) < 1e-5)
            #expect(r.parameters["baseline"] == .string(baseline.rawValue))
            let entry = AttributionDocument.Entry(r)
            #expect(entry.outputDifference.map { Swift.abs($0 - (fx - fb)) < 1e-5 } == true)
        }
    }

    @Test("layer integrated gradients and GradientSHAP report both outputs too")
    func otherPathMethods() throws {
        let model = Self.model
        let lig = try LayerIntegratedGradients(layer: "embedding", stepCount: 16, baseline: .meanEmbedding)
            .attribute(Self.ids, targets: [1], model: model)[0]
        let x = embeddings(model, Self.ids)
        let base = try Baseline.meanEmbedding.embeddings(like: x, ids: Self.ids, model: model)
        #expect(Swift.abs((lig.outputOfBaseline ?? .nan) - outputs(model, Self.ids, embeddings: base)[1]) < 1e-5)
        let shap = try GradientSHAP(sampleCount: 8, baselines: [.zero], noise: .absolute(0)).attribute(Self.ids, targets: [1], model: model)[0]
        #expect(Swift.abs((shap.outputOfInput ?? .nan) - outputs(model, Self.ids)[1]) < 1e-5)
        #expect(Swift.abs((shap.outputOfBaseline ?? .nan) - outputs(model, Self.ids, embeddings: Tensor.zeros(x.shape))[1]) < 1e-5)
    }

    @Test("bad baselines throw, naming the problem")
    func rejectsBadBaselines() {
        let ig = { (b: Baseline) in try IntegratedGradients(stepCount: 4, baseline: b).attribute(Self.ids, targets: [0], model: Self.model) }
        #expect(throws: AttributionError.self) { try ig(.token(id: 999, name: "mask")) }
        #expect(throws: AttributionError.self) { try ig(.reference(ids: [1, -3], text: "x")) }
        #expect(throws: AttributionError.self) { try ig(.expected(samples: 0, seed: 0)) }
        #expect(throws: AttributionError.self) { try ig(.average([])) }
        do { _ = try ig(.token(id: 999, name: "mask")) } catch { #expect("\(error)".contains("999")) }
    }

    @Test("names round-trip and parameters record the settings")
    func names() {
        for name in Baseline.modelOnlyNames { #expect(Baseline(rawValue: name)?.rawValue == name) }
        #expect(Baseline(rawValue: "nonsense") == nil)
        #expect(Baseline.reference(ids: [1], text: "ok").parameters["baseline_text"] == .string("ok"))
        #expect(Baseline.expected(samples: 5, seed: 3).parameters["baseline_samples"] == .int(5))
        #expect(Baseline.token(id: 4, name: "unk").parameters["baseline_token_id"] == .int(4))
    }

    @Test("the diagnostic flags a baseline that already gives most of the output",
          arguments: [(1.0, 0.95, true), (1.0, 0.5, false), (-2.0, -1.9, true), (0.9999, 0.9999, true), (0.0, 0.0, false),
                      (0.5, -0.5, false)])
    func diagnostic(fx: Double, fb: Double, flagged: Bool) {
        let d = BaselineDiagnostic(outputOfInput: fx, outputOfBaseline: fb)
        #expect(d.saysLittle == flagged, "\(d.summary)")
        #expect(Swift.abs(d.difference - (fx - fb)) < 1e-12)
    }
}
