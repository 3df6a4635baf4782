import Foundation
import LoupeNN
import LoupeTensor

/// Explains what a causal language model said, token by token (inseq's attributed generation:
/// Sarti et al., "Inseq: An Interpretability Toolkit for Sequence Generation Models", ACL 2023).
///
/// For each token of an answer — the model's own greedy continuation or a forced target text —
/// every method attributes the token's score (on the ``AttributionOutput`` scale) over every
/// earlier token: the prompt and the answer so far, teacher-forced. A step with a foil is also
/// attributed contrastively, `target − foil` (Yin & Neubig, "Interpreting Language Models with
/// Contrastive Explanations", EMNLP 2022). An answer of several tokens is attributed as a whole
/// too: the sum of its tokens' log-probabilities over the prompt, the answer's own tokens held.
///
/// The prompt's ``InputFeatures`` fix positions (a chat template's tokens keep their own
/// embedding in every baseline and are never removed) and group the perturbation features;
/// answer tokens are always free features of later steps. Step scores and the segment
/// divergences come from teacher-forced forward passes without a graph: one over the prompt and
/// answer, and one per removed segment (all in one ragged batch).
public struct AttributedGeneration {
    /// The methods, each run on every step.
    public var methods: [any AttributionMethod]
    /// The scale of the per-token targets (the whole answer is always log-probability).
    public var output: AttributionOutput
    /// Alternatives listed in each step's scores.
    public var topK: Int
    /// Attribute the whole answer too (answers of two tokens or more).
    public var attributesWholeAnswer: Bool
    /// Compute the segment divergences.
    public var measuresSegmentDivergence: Bool

    public init(methods: [any AttributionMethod], output: AttributionOutput = .logit, topK: Int = 5,
                attributesWholeAnswer: Bool = true, measuresSegmentDivergence: Bool = true) {
        self.methods = methods
        self.output = output
        self.topK = topK
        self.attributesWholeAnswer = attributesWholeAnswer
        self.measuresSegmentDivergence = measuresSegmentDivergence
    }

    /// Explains `answer` (ids that follow `prompt`) under `model`.
    /// - Parameters:
    ///   - features: the prompt's fixed positions and segments (default: every token varies).
    ///   - foils: per answer step, a foil token to contrast with (nil entries: not contrasted);
    ///     shorter than the answer is allowed.
    ///   - steps: the answer steps to attribute (default: all); step scores and divergences cover
    ///     every step regardless.
    ///   - segments: the prompt segments whose removal the divergences measure (default: the
    ///     features' segments, else each free prompt token).
    /// - Throws: ``AttributionError`` for an empty prompt or answer, ids outside the vocabulary,
    ///   a sequence longer than the model accepts, bad features, foils or steps.
    public func explain(prompt: [Int], answer: [Int], model: any CausalLanguageModel,
                        features: InputFeatures = .allTokens, foils: [Int?] = [], steps: [Int]? = nil,
                        segments: [[Int]]? = nil) throws -> GenerationAttribution {
        let start = Date()
        guard !prompt.isEmpty else { throw AttributionError.invalidInput("the prompt has no tokens") }
        guard !answer.isEmpty else { throw AttributionError.invalidInput("the answer has no tokens") }
        guard topK >= 0 else { throw AttributionError.invalidParameter("topK must be at least 0, got \(topK)") }
        let full = prompt + answer
        try model.validateInput([full])
        try features.validate(length: prompt.count, input: 0)
        guard foils.count <= answer.count else {
            throw AttributionError.invalidParameter("\(foils.count) foils for an answer of \(answer.count) tokens")
        }
        for case let foil? in foils where foil < 0 || foil >= model.vocabularySize {
            throw AttributionError.unknownTarget("foil token id \(foil) (vocabulary has \(model.vocabularySize) tokens)")
        }
        let chosen = steps ?? Array(answer.indices)
        if let bad = chosen.first(where: { $0 < 0 || $0 >= answer.count }) {
            throw AttributionError.invalidParameter("answer step \(bad) (the answer has \(answer.count) tokens)")
        }
        let p = prompt.count
        let foil = { (k: Int) -> Int? in k < foils.count ? foils[k] : nil }

        // Step scores: one teacher-forced pass over the prompt and the answer.
        let logits = withoutGradients { model.logits(tokenIDs: [full]) }
        let v = model.vocabularySize
        let rows: [(StepScores, StepScores?)] = logits.scalars.withUnsafeBufferPointer { all in
            answer.indices.map { k in
                let row = UnsafeBufferPointer(rebasing: all[((p + k - 1) * v)..<((p + k) * v)])
                return (StepScores(logits: row, token: answer[k], topK: topK),
                        foil(k).map { StepScores(logits: row, token: $0, topK: topK) })
            }
        }

        var result: [GenerationAttribution.Step] = []
        for k in answer.indices {
            var step = GenerationAttribution.Step(index: k, token: answer[k], position: p + k - 1, scores: rows[k].0,
                                                  foil: foil(k), foilScores: rows[k].1, attributions: [])
            if chosen.contains(k) {
                let input = Array(full[0..<(p + k)])
                let token = OutputTarget.nextToken(token: answer[k], position: nil)
                var targets = [token]
                if let f = foil(k) { targets.append(.contrast(token, foil: .nextToken(token: f, position: nil))) }
                let layout = stepFeatures(features, prompt: p, length: input.count, fixedAnswer: false)
                for method in methods {
                    step.attributions += try method.attribute(input, targets: targets, model: model, output: output, features: layout)
                }
            }
            result.append(step)
        }

        var whole: [Attribution] = []
        if attributesWholeAnswer && answer.count > 1 && !methods.isEmpty {
            let input = Array(full[0..<(full.count - 1)])
            let parts = answer.indices.map { OutputTarget.nextToken(token: answer[$0], position: p + $0 - 1) }
            let target = OutputTarget.sum(parts, name: "answer")
            let layout = stepFeatures(features, prompt: p, length: input.count, fixedAnswer: true)
            for method in methods {
                whole += try method.attribute(input, targets: [target], model: model, output: .logProbability, features: layout)
            }
        }

        var divergence: GenerationAttribution.SegmentDivergence?
        if measuresSegmentDivergence {
            let groups = segments ?? features.features(length: p)
            try InputFeatures(fixed: features.fixed, segments: groups).validate(length: p, input: 0)
            divergence = try segmentDivergence(prompt: prompt, answer: answer, segments: groups, fullLogits: logits, model: model)
        }
        return GenerationAttribution(prompt: prompt, answer: answer, features: features, output: output, steps: result,
                                     whole: whole, segmentDivergence: divergence,
                                     seconds: Date().timeIntervalSince(start))
    }

    /// The features of a step's input: the prompt's layout, each answer token a free feature of
    /// its own (or, for the whole answer, held fixed).
    func stepFeatures(_ prompt: InputFeatures, prompt p: Int, length: Int, fixedAnswer: Bool) -> InputFeatures {
        var fixed = prompt.fixed
        var segments = prompt.segments
        if length > p {
            if fixedAnswer {
                fixed.formUnion(p..<length)
            } else if segments != nil {
                segments! += (p..<length).map { [$0] }
            }
        }
        return InputFeatures(fixed: fixed, segments: segments)
    }

    /// `[segment][step]` KL divergences between the next-token distributions with the whole
    /// prompt and with the segment's tokens deleted from it.
    func segmentDivergence(prompt: [Int], answer: [Int], segments: [[Int]], fullLogits: Tensor,
                           model: any CausalLanguageModel) throws -> GenerationAttribution.SegmentDivergence {
        let v = model.vocabularySize, p = prompt.count
        let reference: [[Double]] = fullLogits.scalars.withUnsafeBufferPointer { all in
            answer.indices.map { k in StepScores.distribution(UnsafeBufferPointer(rebasing: all[((p + k - 1) * v)..<((p + k) * v)])) }
        }
        var sequences: [[Int]] = []
        for segment in segments {
            let removed = Set(segment)
            let kept = prompt.indices.filter { !removed.contains($0) }.map { prompt[$0] }
            sequences.append(kept + answer)
        }
        var divergences: [[Double]] = []
        let batch = 8
        var start = 0
        while start < sequences.count {
            let chunk = Array(sequences[start..<Swift.min(sequences.count, start + batch)])
            let logits = withoutGradients { model.logits(tokenIDs: chunk) }
            let t = logits.shape[1]
            logits.scalars.withUnsafeBufferPointer { all in
                for (r, ids) in chunk.enumerated() {
                    let kept = ids.count - answer.count
                    divergences.append(answer.indices.map { k in
                        guard kept + k - 1 >= 0 else { return .nan }   // the whole prompt removed: no first step
                        let base = (r * t + kept + k - 1) * v
                        let q = StepScores.distribution(UnsafeBufferPointer(rebasing: all[base..<(base + v)]))
                        return StepScores.divergence(reference[k], q)
                    })
                }
            }
            start += batch
        }
        return GenerationAttribution.SegmentDivergence(segments: segments, divergences: divergences)
    }
}
