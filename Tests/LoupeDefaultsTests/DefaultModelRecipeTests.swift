import Foundation
import LoupeDefaults
import LoupeNN
import Testing

/// The one default-model recipe is the one the bundled weights were trained with.
@Suite("Default model recipe")
struct DefaultModelRecipeTests {
    @Test("the bundled classifier has the recipe's architecture and was written by the regeneration tool's recipe")
    func bundleMatchesRecipe() throws {
        let bundled = try DefaultModel.load()
        let config = try TransformerClassifierConfig(bundled.config)
        guard case .transformer(let embed, let heads, let layers, let ffn, let dropout) = DefaultModelRecipe.classifier.architecture else {
            Issue.record("the recipe is not a transformer")
            return
        }
        #expect(config.embedDimension == embed && config.heads == heads && config.layerCount == layers)
        #expect(config.feedForwardDimension == ffn && config.dropout == dropout)
        #expect(config.maxLength == DefaultModelRecipe.classifier.options().maxLength)
        #expect(DefaultModels.Kind.classifier.recipe == DefaultModelRecipe.tag)
    }

    @Test("the bundled classifier gets every probe sentence right")
    func probes() throws {
        let (classifier, encoder) = try DefaultModel.classifier()
        for probe in DefaultModelRecipe.probes {
            let p = classifier.probabilities(tokenIDs: [encoder.encode(probe.text).ids]).scalars
            #expect(classifier.labels[p[1] > p[0] ? 1 : 0] == probe.label, "\(probe.text)")
        }
    }
}
