import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Causal language models fit the one model protocol without special cases: next-token targets,
/// contrasts and log-probabilities run through the same methods as classes do.
@Suite("Causal language models")
struct CausalLanguageModelTests {
    let model = TinyCausalLM()
    let prompt = [3, 7, 1, 9, 4]

    /// Next-token scores `[T, V]` of one sequence on `output`'s scale.
    func scores(_ ids: [Int], _ output: AttributionOutput = .logit) -> [[Double]] {
        let y = withoutGradients { output.applied(to: model.logits(tokenIDs: [ids])) }
        let v = model.vocabularySize
        return (0..<ids.count).map { t in (0..<v).map { Double(y.scalars[t * v + $0]) } }
    }

    @Test("the key/value cache gives the logits of the full sequence, token by token")
    func cacheMatchesFullSequence() throws {
        let full = scores(prompt)
        let cache = model.makeCache()
        var incremental = try model.logits(appending: Array(prompt.prefix(2)), cache: cache).scalars.map(Double.init)
        for id in prompt.dropFirst(2) {
            incremental += try model.logits(appending: [id], cache: cache).scalars.map(Double.init)
        }
        #expect(cache.length == prompt.count)
        #expect(maxDifference(incremental, full.flatMap { $0 }) < 1e-5)
        #expect(throws: ModelInputError.self) { try model.logits(appending: Array(repeating: 2, count: 8), cache: cache) }
    }

    @Test("integrated gradients of a next token is complete, on every scale", arguments: AttributionOutput.allCases)
    func completeness(output: AttributionOutput) throws {
        let target = OutputTarget.nextToken(token: 5, position: nil)
        let a = try IntegratedGradients(stepCount: 64, baseline: .zero)
            .attribute(prompt, targets: [target], model: model, output: output)[0]
        let x = withoutGradients { model.embeddings(tokenIDs: [prompt]).detached }
        let v = model.vocabularySize
        func last(_ embeddings: Tensor) -> Double {
            let y = withoutGradients { output.applied(to: model.logits(embeddings: embeddings, tokenIDs: [prompt])) }
            return Double(y.scalars[(prompt.count - 1) * v + 5])
        }
        let gap = last(x) - last(Tensor.zeros(x.shape))
        #expect(a.scores.count == prompt.count)
        #expect(abs(a.scores.reduce(0, +) - gap) < 1e-3, "Σ \(a.scores.reduce(0, +)) vs gap \(gap)")
        #expect(abs((a.convergenceDelta ?? .nan) - (a.scores.reduce(0, +) - gap)) < 1e-5)
        #expect(a.target.index == 5 && a.target.position == nil)
    }

    @Test("a contrast is the difference of its two targets' attributions")
    func contrastIsLinear() throws {
        let (yes, no) = (OutputTarget.nextToken(token: 5, position: 3), OutputTarget.nextToken(token: 11, position: 3))
        let ig = IntegratedGradients(stepCount: 32)
        let results = try ig.attribute(prompt, targets: [yes, no, .contrast(yes, foil: no)], model: model)
        #expect(maxDifference(results[2].scores, zip(results[0].scores, results[1].scores).map { $0 - $1 }) < 1e-6)
        #expect(results[2].target.contrast?.index == 11)
        // Causality: tokens after position 3 cannot matter to its prediction.
        #expect(results[2].scores[4] == 0)
    }

    @Test("the gradient of a next-token log-probability matches finite differences")
    func gradientMatchesFiniteDifferences() throws {
        let target = OutputTarget.nextToken(token: 2, position: nil)
        let a = try Saliency().attribute(prompt, targets: [target], model: model, output: .logProbability)[0]
        let x = withoutGradients { model.embeddings(tokenIDs: [prompt]).detached }
        let (t, e, v) = (prompt.count, x.shape[2], model.vocabularySize)
        for position in 0..<t {
            // Σ_j ∂F/∂x[position, j] = d/dε F(x + ε·1 at that position).
            func f(_ eps: Float) -> Double {
                var s = x.scalars
                for j in 0..<e { s[position * e + j] += eps }
                let y = withoutGradients {
                    model.logits(embeddings: Tensor(shape: x.shape, scalars: s), tokenIDs: [prompt]).logSoftmax(alongAxis: -1)
                }
                return Double(y.scalars[(t - 1) * v + 2])
            }
            let numeric = (f(1e-2) - f(-1e-2)) / 2e-2
            #expect(abs(a.scores[position] - numeric) < 2e-3, "position \(position): \(a.scores[position]) vs \(numeric)")
        }
    }

    @Test("a ragged batch gives what each sequence gives alone (inseq#110)")
    func batchedEqualsSingle() throws {
        let inputs = [prompt, [8, 2], [6, 6, 1, 3, 3, 14, 2]]
        let target = OutputTarget.nextToken(token: 9, position: nil)
        for method in [Saliency(), InputXGradient()] as [any AttributionMethod] {
            let batched = try method.attribute(inputs, targets: [target], model: model)
            for (ids, result) in zip(inputs, batched) {
                let single = try method.attribute(ids, targets: [target], model: model)[0]
                #expect(maxDifference(result[0].scores, single.scores) < 1e-6)
            }
        }
    }

    @Test("class targets are refused for a language model, token targets are checked")
    func targetsAreValidated() {
        #expect(throws: AttributionError.self) { try Saliency().attribute(prompt, targets: [0], model: model) }
        #expect(throws: AttributionError.self) {
            try Saliency().attribute(prompt, targets: [.nextToken(token: 99, position: nil)], model: model)
        }
        #expect(throws: AttributionError.self) {
            try Saliency().attribute(prompt, targets: [.nextToken(token: 1, position: 5)], model: model)
        }
    }
}
