import ArgumentParser
import Foundation
import Loupe

/// The attribution settings of `explain` and `evaluate --faithfulness`.
struct AttributionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Comma-separated attribution methods (default: integrated-gradients).",
                                             discussion: "Known: \(AttributionMethodCatalog.names.map(\.rawValue).joined(separator: ", "))."),
            transform: parseMethodList)
    var methods: [AttributionMethodID] = [.integratedGradients]

    @Option(name: .long, help: "Class to explain: 'predicted', a label, a class index, or 'all'.")
    var target: TargetSelection = .predicted

    @Option(name: .long, help: "Explained quantity: 'logit', 'probability' or 'log-probability'.")
    var output: AttributionOutput = .logit

    @OptionGroup var path: PathOptions

    @Option(name: .long, help: "Baseline of the path methods: 'pad' ([PAD] at every position but special tokens such as [CLS]/[SEP], which are kept) or 'zero'.")
    var baseline: Baseline = .pad

    @Option(name: .long, help: "Samples of the stochastic methods (default: each method's own).")
    var samples: Int?

    @Option(name: .long, help: "Seed of the stochastic methods.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Layer of the layer methods: 'embedding', a site (blocks.0.hook_resid_post) or a module path (see 'loupe inspect').")
    var layer = "embedding"

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
    }

    var settings: AttributionMethodSettings {
        AttributionMethodSettings(steps: path.steps, rule: path.rule, baseline: baseline, samples: samples, seed: seed, layer: layer)
    }

    /// The configured methods, checked against `model` (attention rollout needs attention, layer
    /// methods a known layer, the target a known class).
    func makeMethods(for model: TextClassifier) throws -> [any AttributionMethod] {
        let names = methods
        for name in names where AttributionMethodCatalog.needsAttention.contains(name) && !model.hasAttentionPatterns {
            throw CLIError.usage("--methods \(name) needs a transformer classifier (this model has no attention)")
        }
        if names.contains(where: { $0.rawValue.hasPrefix("layer-") }) {
            do { _ = try model.module(at: AttributionLayer(layer)) } catch let error as LayerAttributionError {
                guard case .unknownLayer(_, let available) = error else { throw error }
                throw CLIError.usage("--layer '\(layer)' is not a module of this model (layers: \(available.joined(separator: ", ")))")
            }
        }
        do { _ = try target.resolve(labels: model.labels, predicted: 0) } catch {
            throw CLIError.usage("--target \(target): \(error)")
        }
        return try names.map { try AttributionMethodCatalog.make($0, settings: settings) }
    }
}

/// The quadrature of the path methods, shared by `explain`, `evaluate` and `kl`.
struct PathOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: "Integration steps of the path methods (≥ 1).")
    var steps = 50

    @Option(name: .long, help: "Integration rule: gauss-legendre, riemann-left, riemann-right, riemann-middle, riemann-trapezoid.")
    var rule: IntegrationRule.Kind = .gaussLegendre

    func validate() throws {
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if rule == .riemannTrapezoid && steps < 2 {
            throw ValidationError("--rule riemann-trapezoid needs --steps of at least 2")
        }
    }
}
