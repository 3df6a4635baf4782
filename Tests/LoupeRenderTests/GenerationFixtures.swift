@testable import LoupeRender

/// A chat-formatted sentiment prompt and its answer, as the generation explainer produces them.
enum GenerationFixtures {
    static let template = ["<|im_start|>", "user", "\n"]
    static let user = ["我", "今天", "过", "得", "很", "好", "。", " Is", " this", " positive", "?"]
    static let tail = ["<|im_end|>", "\n", "<|im_start|>", "assistant", "\n"]
    static let answer: [(String, Double, Double)] = [(" This", 0.41, 0.02), (" sentence", 0.88, 0.01),
                                                     (" is", 0.93, 0.0), (" positive", 0.91, 0.04), (".", 0.77, 0.1)]

    static var prompt: [GenerationMatrix.Source] {
        template.map { .init($0, role: .fixed) } + user.map { .init($0) } + tail.map { .init($0, role: .fixed) }
    }

    static var generated: [GenerationMatrix.Target] {
        answer.map { .init($0.0, stepScore: $0.1, foilStepScore: $0.2) }
    }

    /// A deterministic score for (row, column); fixed columns get a huge value that must not
    /// move the colour scale, sources after the step get NaN.
    static func score(row: Int, column: Int, promptCount: Int, fixed: Bool) -> Double? {
        if column >= promptCount + row { return column % 2 == 0 ? nil : .nan }
        if fixed { return 100 }
        return Double((row * 7 + column * 3) % 11 - 5) / 5
    }

    static func matrix(summary: AttributionSummary = summary) throws -> GenerationMatrix {
        let prompt = self.prompt
        let rows = answer.indices.map { r in
            (0..<(prompt.count + answer.count)).map { c in
                score(row: r, column: c, promptCount: prompt.count, fixed: c < prompt.count && prompt[c].role == .fixed)
            }
        }
        return try GenerationMatrix(prompt: prompt, generated: generated, scores: rows, summary: summary)
    }

    static let summary = AttributionSummary(method: "integrated gradients, 50 steps, zero baseline on the user message",
                                            target: "logit of ‘ positive’", model: "SmolLM2-135M-Instruct",
                                            foil: "logit of ‘ negative’")
}
