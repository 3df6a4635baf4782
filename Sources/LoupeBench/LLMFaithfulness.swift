import Foundation
import Loupe

// loupe-bench llm faithfulness [--count N] [--ig-steps S]: how faithful each method's ranking of a
// review's words is for SmolLM2's sentiment answer, against random rankings (ERASER's
// comprehensiveness, DeYoung et al., ACL 2020).
//
// For each review r (the first N of SST-2 dev and of waimai_10k): the chat prompt
// "r Is this sentence positive or negative? Answer with one word." with the answer forced to
// "This sentence is", and the target the contrast of the answer word the model prefers there
// (' positive' or ' negative') minus the other. Each method ranks r's words (template, question and
// answer held fixed); comprehensiveness = the target's drop when the top 10 %, 20 % and 50 % of the
// words are deleted from r (text re-tokenised), averaged over the three. Random: the mean over 3
// seeded random rankings.

struct FaithfulnessRow {
    var method: String
    var values: [Double] = []
}

func runLLMFaithfulness(_ arguments: [String], loaded: PretrainedModel, model lm: any CausalLanguageModel) throws {
    func option(_ name: String, _ fallback: Int) -> Int {
        arguments.firstIndex(of: name).flatMap { i in i + 1 < arguments.count ? Int(arguments[i + 1]) : nil } ?? fallback
    }
    let count = option("--count", 50), steps = option("--ig-steps", 16)
    let question = " Is this sentence positive or negative? Answer with one word."
    let tokenizer = loaded.tokenizer
    let answerPrefix = tokenizer.encode("This sentence is", addSpecialTokens: false).map(\.id)
    let positive = tokenizer.encode(" positive", addSpecialTokens: false)[0].id
    let negative = tokenizer.encode(" negative", addSpecialTokens: false)[0].id
    let methods: [(String, any AttributionMethod)] = [
        ("gradient", Saliency()), ("input-x-gradient", InputXGradient()),
        ("integrated-gradients (\(steps) steps)", IntegratedGradients(stepCount: steps, baseline: .zero, internalBatchSize: 13)),
        ("leave-one-out (words)", LeaveOneOut()), ("attention (mean)", AttentionWeights()),
    ]
    let english = try TextDataSet.readTSV(at: try requireData("sst2/dev.tsv")).dataSet.texts
    let chinese = try TextDataSet.readCSV(at: try requireData("zh/waimai_10k.csv"), textColumn: "review", labelNames: ["0", "1"]).dataSet.texts
    let fractions = [0.1, 0.2, 0.5]

    for (corpus, reviews) in [("SST-2 dev", Array(english.prefix(count))), ("waimai_10k", Array(chinese.prefix(count)))] {
        var rows = methods.map { FaithfulnessRow(method: $0.0) } + [FaithfulnessRow(method: "random (3 seeds)")]
        var used = 0
        let start = Date()
        for review in reviews {
            let text = review + question
            guard let layout = try? PromptLayout(loaded, text: text, chat: true) else { continue }
            let input = layout.ids + answerPrefix
            // The contrast the model's preference decides.
            let logits = withoutGradients { lm.logits(embeddings: lm.embeddings(tokenIDs: [input]), tokenIDs: [input], positions: [input.count - 1]) }
            let prefersPositive = logits.scalars[positive] >= logits.scalars[negative]
            let (label, other) = prefersPositive ? (positive, negative) : (negative, positive)
            let target = OutputTarget.contrast(.nextToken(token: label, position: nil), foil: .nextToken(token: other, position: nil))
            func value(_ reviewText: String) throws -> Double {
                let l = try PromptLayout(loaded, text: reviewText + question, chat: true)
                let ids = l.ids + answerPrefix
                let y = withoutGradients { lm.logits(embeddings: lm.embeddings(tokenIDs: [ids]), tokenIDs: [ids], positions: [ids.count - 1]) }
                return Double(y.scalars[label]) - Double(y.scalars[other])
            }
            let full = try value(review)
            // The review's words (not the question's), as segments.
            let reviewLength = review.unicodeScalars.count
            let words = layout.userWords.filter { $0.end <= reviewLength }
            guard words.count >= 2 else { continue }
            var features = layout.features()
            features.fixed.formUnion(layout.ids.indices.filter { i in !words.contains { $0.tokens.contains(i) } })
            features.fixed.formUnion(layout.ids.count..<input.count)
            features.segments = words.map(\.tokens)
            func comprehensiveness(_ ranking: [Int]) throws -> Double {
                var total = 0.0
                for f in fractions {
                    let k = max(1, Int((Double(words.count) * f).rounded()))
                    let removed = Set(ranking.prefix(k))
                    var scalars = Array(review.unicodeScalars)
                    for w in removed.sorted(by: >) { scalars.removeSubrange(words[w].start..<words[w].end) }
                    var view = String.UnicodeScalarView(); view.append(contentsOf: scalars)
                    let kept = String(view).trimmingCharacters(in: .whitespaces)
                    total += full - (kept.isEmpty ? try value(".") : try value(kept))
                }
                return total / Double(fractions.count)
            }
            for (m, (_, method)) in methods.enumerated() {
                let a = try method.attribute(input, targets: [target], model: lm, features: features)[0]
                let wordScores = words.map { w in w.tokens.reduce(0.0) { $0 + a.scores[$1] } }
                let ranking = wordScores.indices.sorted { wordScores[$0] > wordScores[$1] }
                rows[m].values.append(try comprehensiveness(ranking))
            }
            var random = 0.0
            for seed in 0..<3 {
                var rng = RandomGenerator(seed: UInt64(seed + 1))
                var order = Array(words.indices)
                for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
                random += try comprehensiveness(order)
            }
            rows[methods.count].values.append(random / 3)
            used += 1
        }
        print(String(format: "%@: %d reviews (%.0f s) — comprehensiveness of ' label' − ' other' (logits), mean ± s.e.", corpus, used,
                     Date().timeIntervalSince(start)))
        for row in rows {
            let n = Double(row.values.count)
            let mean = row.values.reduce(0, +) / max(n, 1)
            let variance = row.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
            print(String(format: "  %-32@ %+.3f ± %.3f", row.method as NSString, mean, (variance / max(n, 1)).squareRoot()))
        }
    }
}
