import LoupeNN
import LoupeTensor

extension ActivationPatching {
    static func validate(model: any ResidualStreamModel, clean: [Int], corruption: PatchingCorruption,
                         metric: PatchingMetric) throws {
        func check(_ ids: [Int], _ which: String) throws {
            do { try model.validate(tokenIDs: [ids]) } catch let error as ModelInputError {
                throw ActivationPatchingError.invalidPrompt("\(which) prompt: \(error.description)")
            }
        }
        try check(clean, "clean")
        switch corruption {
        case .prompt(let ids):
            guard ids.count == clean.count else {
                throw ActivationPatchingError.lengthMismatch(clean: clean.count, corrupted: ids.count)
            }
            try check(ids, "corrupted")
            guard ids != clean else { throw ActivationPatchingError.identicalPrompts }
        case .noise(let noise):
            guard !noise.positions.isEmpty else { throw ActivationPatchingError.invalidNoise("no positions to corrupt") }
            if let bad = noise.positions.first(where: { $0 < 0 || $0 >= clean.count }) {
                throw ActivationPatchingError.invalidNoise("position \(bad) outside the prompt (0..<\(clean.count))")
            }
            guard noise.samples >= 1 else {
                throw ActivationPatchingError.invalidNoise("\(noise.samples) samples (must be ≥ 1)")
            }
            if let sigma = noise.standardDeviation, !(sigma > 0 && sigma.isFinite) {
                throw ActivationPatchingError.invalidNoise("standard deviation \(sigma) (must be finite and > 0)")
            }
        }
        let v = model.vocabularySize
        for token in [metric.target] + (metric.foil.map { [$0] } ?? []) where token < 0 || token >= v {
            throw ActivationPatchingError.invalidMetric("token id \(token) outside the vocabulary (0..<\(v))")
        }
        if let foil = metric.foil, foil == metric.target {
            throw ActivationPatchingError.invalidMetric("the foil is the target (token id \(foil)); the logit difference is always 0")
        }
    }
}
