import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Named activation sites (TransformerLens' vocabulary) capture, replace and patch what the
/// model computes, without changing its checkpoint layout.
@Suite("Activation sites")
struct ActivationSiteTests {
    let model = TransformerClassifier(config: TransformerClassifierConfig(
        vocabularySize: 30, embedDimension: 8, heads: 2, layerCount: 2, feedForwardDimension: 16, maxLength: 10,
        labels: ["a", "b"]), seed: 4)
    let ids: [[Int]] = [[3, 4, 5, 6], [7, 8]]

    func capture(_ name: ActivationSiteName, _ body: () -> Void = {}) throws -> [Tensor] {
        let site = try model.site(named: name)
        let box = ActivationCapture()
        _ = withoutGradients { withHooks([.capture(site.module, into: box)]) { model.logits(tokenIDs: ids) } }
        return box.activations
    }

    @Test("every block has its five sites, names are unique, checkpoint layout is unchanged")
    func sitesListed() {
        let names = model.activationSites.map(\.name.rawValue)
        #expect(Set(names).count == names.count)
        for block in 0..<2 {
            for name in [ActivationSiteName.residualPre(block), .residualPost(block), .attentionOutput(block),
                         .mlpOutput(block), .attentionPattern(block)] {
                #expect(names.contains(name.rawValue))
            }
        }
        #expect(!model.modulePaths.contains { $0.contains("hook_") })
        #expect(model.parameters.count == 28)
    }

    @Test("the residual stream entering block 1 is the one leaving block 0")
    func residualStream() throws {
        let post = try capture(.residualPost(0)), pre = try capture(.residualPre(1))
        #expect(post.count == 1 && pre.count == 1)
        expectClose(post[0], pre[0], absolute: 0)
    }

    @Test("a captured attention pattern is the model's attention, rows summing to one over real keys")
    func patternCapture() throws {
        let pattern = try #require(try capture(.attentionPattern(1)).first)
        let reference = withoutGradients { model.logitsAndAttention(tokenIDs: ids).attentionWeights[1] }
        expectClose(pattern, reference, absolute: 1e-6)
        #expect(pattern.shape == [2, 2, 4, 4])
        for row in 0..<(2 * 2 * 4) {
            let sum = pattern.scalars[(row * 4)..<(row * 4 + 4)].reduce(0, +)
            expectClose(sum, 1, absolute: 1e-5)
        }
    }

    @Test("patching a site with another input's activation carries that input's effect")
    func patching() throws {
        let site = try model.site(named: .residualPost(1))
        let source: [[Int]] = [[9, 10, 11, 12], [13, 14]]
        let box = ActivationCapture()
        let clean = withoutGradients { withHooks([.capture(site.module, into: box)]) { model.logits(tokenIDs: source) } }
        let patched = withoutGradients {
            withHooks([.replace(site.module) { _ in box.activations[0] }]) { model.logits(tokenIDs: ids) }
        }
        // Block 1 is the last one: replacing its output makes the head see the source run.
        expectClose(patched, clean, absolute: 1e-6)
        let uniform = Tensor(repeating: 0.25, shape: [2, 2, 4, 4])
        let pattern = try model.site(named: .attentionPattern(0)).module
        let replacedPattern = withoutGradients {
            withHooks([.replace(pattern) { _ in uniform }]) {
                model.logits(tokenIDs: [[3, 4, 5, 6], [7, 8, 9, 10]])
            }
        }
        let original = withoutGradients { model.logits(tokenIDs: [[3, 4, 5, 6], [7, 8, 9, 10]]) }
        #expect(zip(replacedPattern.scalars, original.scalars).contains { abs($0 - $1) > 1e-4 })
    }

    @Test("an unknown site is an error listing the known ones")
    func unknownSite() {
        #expect(throws: ModelInputError.self) { try model.site(named: "blocks.9.hook_resid_post") }
    }

    @Test("inputs a model cannot read are errors, not traps")
    func validation() {
        #expect(throws: ModelInputError.sequenceTooLong(index: 0, length: 11, maximum: 10)) {
            try model.validate(tokenIDs: [Array(repeating: 1, count: 11)])
        }
        #expect(throws: ModelInputError.tokenOutOfVocabulary(index: 1, position: 0, id: 30, vocabularySize: 30)) {
            try model.validate(tokenIDs: [[1], [30]])
        }
        #expect(throws: ModelInputError.emptySequence(index: 0)) { try model.validate(tokenIDs: [[]]) }
        #expect(throws: ModelInputError.emptyBatch) { try model.validate(tokenIDs: []) }
    }
}
