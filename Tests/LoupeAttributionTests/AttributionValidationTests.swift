import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

/// No public attribution API traps on bad input: every case is a thrown ``AttributionError``,
/// raised by the shared method base before any method's mathematics runs.
@Suite("Input and target validation")
struct AttributionValidationTests {
    static let methods: [any AttributionMethod] = [
        IntegratedGradients(stepCount: 4), Saliency(), InputXGradient(), LeaveOneOut(), Occlusion(window: 2),
        NoiseTunnel(Saliency(), sampleCount: 2), GradientSHAP(sampleCount: 4), KernelSHAP(sampleCount: 8),
        LayerIntegratedGradients(layer: "encoder.layers.0", stepCount: 4), LayerGradientXActivation(layer: "encoder.layers.0"),
        AttentionRollout(), RandomRanking(),
    ]

    /// A transformer classifier with a short `max_len`, so that length limits are easy to hit.
    static let model = TransformerClassifier(config: TransformerClassifierConfig(
        vocabularySize: 20, embedDimension: 8, heads: 2, layerCount: 1, feedForwardDimension: 16, maxLength: 6,
        labels: ["negative", "positive"]))

    static func isError(_ body: () throws -> Void, where check: (AttributionError) -> Bool) -> Bool {
        do { try body(); return false } catch let error as AttributionError { return check(error) } catch { return false }
    }

    @Test("a class index outside the model is an unknown target", arguments: methods.indices)
    func targetOutOfRange(index: Int) {
        let method = Self.methods[index]
        for target in [2, -1, 1_000] {
            #expect(Self.isError({ _ = try method.attribute([3, 4, 5], targets: [target], model: Self.model) }) {
                if case .unknownTarget = $0 { return true } else { return false }
            }, "\(method.id) with target \(target)")
        }
    }

    @Test("a sequence longer than max_len is refused, naming the limit", arguments: methods.indices)
    func tooLong(index: Int) {
        let method = Self.methods[index]
        #expect(Self.isError({ _ = try method.attribute(Array(repeating: 3, count: 7), targets: [0], model: Self.model) }) {
            if case .invalidInput(let message) = $0 { return message.contains("at most 6") } else { return false }
        }, "\(method.id)")
    }

    @Test("an id outside the vocabulary is refused, naming the position", arguments: methods.indices)
    func outsideVocabulary(index: Int) {
        let method = Self.methods[index]
        for bad in [20, -3] {
            #expect(Self.isError({ _ = try method.attribute([[1, 2], [3, bad, 4]], targets: [0], model: Self.model) }) {
                if case .invalidInput(let message) = $0 { return message.contains("sequence 1, position 1") } else { return false }
            }, "\(method.id) with id \(bad)")
        }
    }

    @Test("empty inputs and empty target lists are refused", arguments: methods.indices)
    func empty(index: Int) {
        let method = Self.methods[index]
        #expect(throws: AttributionError.emptyInput) { try method.attribute([[Int]](), targets: [0], model: Self.model) }
        #expect(throws: AttributionError.emptyInput) { try method.attribute([[3], []], targets: [0], model: Self.model) }
        #expect(Self.isError({ _ = try method.attribute([[3]], targets: [OutputTarget](), model: Self.model) }) {
            if case .unknownTarget = $0 { return true } else { return false }
        })
    }

    @Test("targets of another model family are refused")
    func wrongFamily() {
        for target in [OutputTarget.nextToken(token: 1, position: nil), .klToPrior, .klDimension(0)] {
            #expect(throws: AttributionError.self) { try Saliency().attribute([[3, 4]], targets: [target], model: Self.model) }
        }
    }

    @Test("an unknown layer lists the sites and module paths the model has")
    func unknownLayer() throws {
        let error = #expect(throws: LayerAttributionError.self) {
            try LayerGradientXActivation(layer: "blocks.7.hook_resid_post").attribute([3, 4], targets: [0], model: Self.model)
        }
        guard case .unknownLayer(_, let available)? = error else { return }
        #expect(available.contains("blocks.0.hook_resid_post"))
        #expect(available.contains("encoder.layers.0"))
    }

    @Test("layer methods accept TransformerLens site names as well as module paths")
    func siteNames() throws {
        let ids = [3, 4, 5]
        let bySite = try LayerIntegratedGradients(layer: "blocks.0.hook_resid_post", stepCount: 8)
            .attribute(ids, targets: [1], model: Self.model)[0]
        let byPath = try LayerIntegratedGradients(layer: "encoder.layers.0", stepCount: 8)
            .attribute(ids, targets: [1], model: Self.model)[0]
        #expect(bySite.scores == byPath.scores)
        #expect(bySite.layer == "blocks.0.hook_resid_post")
    }

    @Test("a method's identity does not change with its settings")
    func identities() {
        #expect(Occlusion(window: 1).id == .occlusion)
        #expect(LeaveOneOut().id == .leaveOneOut)
        #expect(LayerGradientXActivation(layer: "embedding", multiplyByActivation: false).id == .layerGradient)
    }

    @Test("settings out of range are refused before any work")
    func settings() {
        #expect(throws: AttributionError.self) { try IntegratedGradients(stepCount: 0).attribute([3], targets: [0], model: Self.model) }
        #expect(throws: AttributionError.self) { try Occlusion(window: 0).attribute([3], targets: [0], model: Self.model) }
        #expect(throws: AttributionError.self) { try Occlusion(replacementID: 99).attribute([3], targets: [0], model: Self.model) }
        #expect(throws: AttributionError.self) { try KernelSHAP(sampleCount: 1).attribute([3], targets: [0], model: Self.model) }
    }
}
