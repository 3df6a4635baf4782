import Foundation
import LoupeDefaults
import LoupeNN
import Testing

/// The one default-model recipe is the one the bundled weights were trained with.
@Suite("Default model recipe")
struct DefaultModelRecipeTests {
    @Test("the bundled classifier has the recipe's architecture, length and vocabulary size")
    func bundleMatchesRecipe() throws {
        let bundled = try DefaultModel.load()
        let recipe = DefaultModelRecipe.classifier
        switch recipe.architecture {
        case let .transformer(embed, heads, layers, ffn, dropout):
            let config = try TransformerClassifierConfig(bundled.config)
            #expect(config.embedDimension == embed && config.heads == heads && config.layerCount == layers)
            #expect(config.feedForwardDimension == ffn && config.dropout == dropout)
            #expect(config.maxLength == recipe.maxLength)
        case let .bagOfEmbeddings(embed, hidden):
            let config = try BagOfEmbeddingsConfig(bundled.config)
            #expect(config.embedDimension == embed && config.hiddenDimension == hidden)
        }
        #expect((bundled.vocabulary?.count ?? 0) <= recipe.vocabularySize)
        #expect(DefaultModels.Kind.classifier.recipe == DefaultModelRecipe.tag)
    }
}
