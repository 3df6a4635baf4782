import Foundation
@testable import LoupeDefaults
import LoupeNN
import LoupeTensor
import Testing

/// The text-clean-up rules of the default text VAE's recipe (no data needed).
@Suite("Text VAE recipe")
struct TextVAERecipeTests {
    @Test(arguments: [
        ("ca n't rescue this effort . ", "can't rescue this effort ."),
        ("it 's a charming and often affecting journey . ", "it's a charming and often affecting journey ."),
        ("the film 's austere locales", "the film 's austere locales"),
        ("we 've seen it , they 're bored", "we've seen it , they're bored"),
    ])
    func treebankRowsBecomeTypedSentences(row: String, sentence: String) {
        #expect(TextVAERecipe.sentenceFromTreebank(row) == sentence)
    }

    @Test func rowsWithTreebankCodesAreLeftOut() {
        #expect(TextVAERecipe.sentenceFromTreebank("a film -lrb- sort of -rrb- that works") == nil)
        #expect(TextVAERecipe.sentenceFromTreebank("`` the best '' of the year") == nil)
    }

    @Test func optionsFollowTheRecipe() {
        let recipe = TextVAERecipe.bundled
        let options = recipe.options(trainingCount: 6_400)
        let steps = recipe.epochs * 6_400 / recipe.batchSize
        #expect(options.klAnnealing == .cyclical(cycleSteps: steps / recipe.klCycles, rampFraction: recipe.klRampFraction))
        #expect(options.freeBits == recipe.freeBits && options.wordDropout == recipe.wordDropout)
        #expect(options.maxLength == recipe.maximumTokens)
        #expect(options.learningRateSchedule
                == (recipe.decaysLearningRate ? .linearDecay(warmupSteps: recipe.warmupSteps) : .constant))
        #expect(DefaultModels.Kind.textVAE.recipe == TextVAERecipe.tag)
    }
}

/// The bundled default text VAE (Resources/default-text-vae): it is found, it reconstructs a
/// sentence it never saw, and its latent space changes what it decodes.
@Suite("Bundled text VAE")
struct BundledTextVAETests {
    static func bundled() throws -> (TextVAE, TextEncoder, [String]) {
        let folder = try #require(DefaultModels.bundledFolder(for: .textVAE), "the bundle ships default-text-vae")
        let loaded = try ModelFactory.load(from: folder)
        guard case .textVAE(let vae) = loaded.model, let tokens = loaded.vocabulary else {
            throw CheckpointError(.invalidArgument, file: folder.path, "is not a text VAE with a vocabulary")
        }
        #expect(try Checkpoint.load(from: folder).metadata[DefaultModels.recipeKey] == TextVAERecipe.tag)
        return (vae, TextEncoder(vocabulary: try Vocabulary(tokens: tokens), maximumLength: vae.config.maxLength), tokens)
    }

    @Test func defaultModelsUseTheBundle() throws {
        var lines: [String] = []
        let loaded = try DefaultModels.textVAE(log: { lines.append($0) })
        #expect(loaded.model.architecture == TextVAEConfig.architecture)
        #expect(lines.contains { $0.contains("bundled default text VAE") }, "\(lines)")
    }

    /// Sentences like the held-out ones (written for this test, not from the data; the Chinese
    /// one is issue 14's): on average most tokens come back — the greedy decoding of the posterior
    /// mean holds at least half of a sentence's tokens, and the teacher-forced decoder gets a third
    /// of the positions (the held-out figures are in the bundle's README).
    @Test func reconstructsUnseenSentences() throws {
        let (vae, encoder, _) = try Self.bundled()
        let sentences = ["this is a good movie .", "the movie was funny and the acting was good .",
                         "送餐很快，味道也不错。", "等了一个小时才送到，饭都凉了。"]
        var overlaps: [Double] = [], forced: [Double] = []
        for sentence in sentences {
            let ids = encoder.encode(sentence).ids
            forced.append(vae.metrics(of: [ids]).teacherForcedAccuracy)
            let mu = withoutGradients { vae.encode(tokenIDs: [ids]).mu }
            var left = vae.greedyDecode(z: mu)[0]
            var shared = 0
            for id in ids { if let i = left.firstIndex(of: id) { left.remove(at: i); shared += 1 } }
            overlaps.append(Double(shared) / Double(ids.count))
        }
        let meanOverlap = overlaps.reduce(0, +) / Double(sentences.count)
        let meanForced = forced.reduce(0, +) / Double(sentences.count)
        #expect(meanOverlap >= 0.5, "token overlap \(overlaps)")
        #expect(meanForced >= 0.3, "teacher-forced accuracy \(forced)")
    }

    /// A row of a traversal from a sentence's posterior mean decodes to more than one sentence,
    /// and nothing decoded shows a special token.
    @Test func traversalRowsChange() throws {
        let (vae, encoder, _) = try Self.bundled()
        let mu = withoutGradients { vae.encode(tokenIDs: [encoder.encode("I had a great day today.").ids]).mu }.scalars
        let dims = Array(0..<vae.latentDimension)
        var latents: [[Float]] = []
        for d in dims { for v: Float in [-3, -1.5, 0, 1.5, 3] { var z = mu; z[d] = v; latents.append(z) } }
        let decoded = vae.greedyDecode(z: Tensor(shape: [latents.count, vae.latentDimension], scalars: latents.flatMap { $0 }))
        let rows = stride(from: 0, to: decoded.count, by: 5).map { Set(decoded[$0..<($0 + 5)]) }
        #expect(rows.filter { $0.count > 1 }.count >= vae.latentDimension / 2, "rows with more than one sentence")
        let specials = [vae.config.padID, vae.config.bosID, vae.config.eosID]
        #expect(decoded.allSatisfy { row in row.allSatisfy { !specials.contains($0) } && !row.isEmpty })
    }
}
