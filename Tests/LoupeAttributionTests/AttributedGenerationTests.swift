import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Attributed generation: each answer step is the attribution of a teacher-forced prefix, the
/// contrast is the difference of the two targets, the whole answer is complete on the
/// log-probability scale, step scores are the softmax's, and the segment divergences are the KL
/// of the distributions with and without the segment.
@Suite struct AttributedGenerationTests {
    let model = TinyCausalLM()
    let prompt = [3, 7, 1, 9, 4]
    let answer = [6, 2, 8]
    let features = InputFeatures(fixed: [0])

    func logProbabilities(_ ids: [Int]) -> [[Double]] {
        let y = withoutGradients { model.logits(tokenIDs: [ids]).logSoftmax(alongAxis: -1) }
        let v = model.vocabularySize
        return (0..<ids.count).map { t in (0..<v).map { Double(y.scalars[t * v + $0]) } }
    }

    @Test func stepsAreTeacherForcedPrefixAttributions() throws {
        let ig = IntegratedGradients(stepCount: 64, baseline: .zero)
        let explained = try AttributedGeneration(methods: [ig, Saliency()])
            .explain(prompt: prompt, answer: answer, model: model, features: features, foils: [nil, 11])
        #expect(explained.steps.count == 3)
        for step in explained.steps {
            let input = Array((prompt + answer)[0..<(prompt.count + step.index)])
            #expect(step.position == input.count - 1)
            let direct = try ig.attribute(input, targets: [.nextToken(token: step.token, position: nil)], model: model,
                                          fixedPositions: [0])[0]
            let got = try #require(step.attribution(.integratedGradients))
            #expect(got.scores.count == input.count)
            #expect(maxDifference(got.scores, direct.scores) < 1e-9)
            #expect(got.scores[0] == 0)
            #expect(Swift.abs(try #require(got.convergenceDelta)) < 1e-4)
            #expect(step.attribution(.gradient) != nil)
        }
        // The contrast of step 1: IG is linear in the target, so it is the difference of the two.
        let step = explained.steps[1]
        #expect(step.foil == 11 && step.foilScores?.token == 11)
        let contrast = try #require(step.attribution(.integratedGradients, contrast: true))
        let input = Array((prompt + answer)[0..<(prompt.count + 1)])
        let foil = try ig.attribute(input, targets: [.nextToken(token: 11, position: nil)], model: model, fixedPositions: [0])[0]
        let token = try #require(step.attribution(.integratedGradients))
        #expect(maxDifference(contrast.scores, zip(token.scores, foil.scores).map { $0 - $1 }) < 1e-5)
        #expect(contrast.target.contrast?.index == 11)
    }

    @Test func wholeAnswerIsCompleteOnLogProbabilities() throws {
        let explained = try AttributedGeneration(methods: [IntegratedGradients(stepCount: 64, baseline: .zero)])
            .explain(prompt: prompt, answer: answer, model: model, features: features)
        let whole = try #require(explained.whole.first)
        #expect(whole.output == .logProbability && whole.target.parts?.count == 3)
        #expect(whole.scores.count == prompt.count + answer.count - 1)
        // The prompt's fixed token and the answer's own tokens are held.
        for p in [0] + Array(prompt.count..<whole.scores.count) { #expect(whole.scores[p] == 0) }
        let full = prompt + answer
        let lp = logProbabilities(full)
        let value = answer.indices.reduce(0.0) { $0 + lp[prompt.count + $1 - 1][answer[$1]] }
        // F(baseline): zero embeddings at the free prompt positions.
        let x = withoutGradients { model.embeddings(tokenIDs: [Array(full.dropLast())]).detached }
        var x0 = x.scalars
        let e = x.shape[2]
        for p in 1..<prompt.count { for j in 0..<e { x0[p * e + j] = 0 } }
        let y = withoutGradients {
            model.logits(embeddings: Tensor(shape: x.shape, scalars: x0), tokenIDs: [Array(full.dropLast())]).logSoftmax(alongAxis: -1)
        }
        let v = model.vocabularySize
        let base = answer.indices.reduce(0.0) { $0 + Double(y.scalars[(prompt.count + $1 - 1) * v + answer[$1]]) }
        #expect(Swift.abs(whole.scores.reduce(0, +) - (value - base)) < 1e-4)
    }

    @Test func stepScoresAreTheSoftmaxes() throws {
        let explained = try AttributedGeneration(methods: [], topK: 3)
            .explain(prompt: prompt, answer: answer, model: model, foils: [4])
        let lp = logProbabilities(prompt + answer)
        for step in explained.steps {
            let row = lp[step.position]
            let s = step.scores
            #expect(Swift.abs(s.logProbability - row[step.token]) < 1e-5)
            #expect(Swift.abs(s.surprisal + row[step.token]) < 1e-5)
            #expect(Swift.abs(s.probability - Foundation.exp(row[step.token])) < 1e-6)
            #expect(Swift.abs(s.entropy - row.reduce(0) { $0 - Foundation.exp($1) * $1 }) < 1e-5)
            #expect(s.rank == 1 + row.filter { $0 > row[step.token] }.count)
            #expect(s.top.count == 3 && s.top[0].probability >= s.top[1].probability)
            #expect(s.top[0].id == row.indices.max { row[$0] < row[$1] })
            #expect(step.attributions.isEmpty)
        }
        #expect(explained.steps[0].foilScores?.token == 4 && explained.steps[1].foil == nil)
    }

    @Test func segmentDivergencesAreTheKLOfTheAblatedPrompt() throws {
        let segments = [[1, 2], [4]]
        let explained = try AttributedGeneration(methods: [])
            .explain(prompt: prompt, answer: answer, model: model, features: features, segments: segments)
        let d = try #require(explained.segmentDivergence)
        #expect(d.segments == segments && d.divergences.count == 2 && d.divergences[0].count == 3)
        let full = logProbabilities(prompt + answer)
        let ablated = [3, 9, 4] + answer            // positions 1 and 2 removed
        let lq = logProbabilities(ablated)
        for k in answer.indices {
            let p = full[prompt.count + k - 1], q = lq[3 + k - 1]
            let kl = zip(p, q).reduce(0.0) { $0 + Foundation.exp($1.0) * ($1.0 - $1.1) }
            #expect(Swift.abs(d.divergences[0][k] - kl) < 1e-6)
        }
        // Default segments: each free prompt token.
        let byToken = try AttributedGeneration(methods: []).explain(prompt: prompt, answer: answer, model: model, features: features)
        #expect(byToken.segmentDivergence?.segments == [[1], [2], [3], [4]])
        #expect(byToken.segmentDivergence!.divergences.allSatisfy { $0.allSatisfy { $0 >= 0 && $0.isFinite } })
    }

    @Test func attentionWeightsAreTheLastRowOfThePattern() throws {
        let explained = try AttributedGeneration(methods: [AttentionWeights()])
            .explain(prompt: prompt, answer: [6], model: model)
        let a = try #require(explained.steps[0].attribution(.attention))
        #expect(Swift.abs(a.scores.reduce(0, +) - 1) < 1e-5)
        let capture = ActivationCapture()
        _ = withoutGradients { withHooks([.capture(model.pattern, into: capture)]) { model.logits(tokenIDs: [prompt]) } }
        let w = try #require(capture.last)
        let t = prompt.count
        #expect(maxDifference(a.scores, (0..<t).map { Double(w.scalars[(t - 1) * t + $0]) }) < 1e-7)
        #expect(throws: AttributionError.self) {
            try AttentionWeights(layer: 3).attribute(prompt, targets: [.nextToken(token: 1, position: nil)], model: model)
        }
    }

    @Test func badRequestsThrow() {
        let g = AttributedGeneration(methods: [Saliency()])
        #expect(throws: AttributionError.self) { try g.explain(prompt: [], answer: answer, model: model) }
        #expect(throws: AttributionError.self) { try g.explain(prompt: prompt, answer: [], model: model) }
        #expect(throws: (any Error).self) { try g.explain(prompt: prompt, answer: [99], model: model) }
        #expect(throws: AttributionError.self) { try g.explain(prompt: prompt, answer: answer, model: model, foils: [1, 2, 3, 4]) }
        #expect(throws: AttributionError.self) { try g.explain(prompt: prompt, answer: answer, model: model, steps: [5]) }
        #expect(throws: AttributionError.self) { try g.explain(prompt: prompt, answer: answer, model: model, foils: [-1]) }
    }
}
