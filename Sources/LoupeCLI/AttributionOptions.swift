import ArgumentParser
import Foundation
import Loupe

/// The attribution settings of `explain` and `evaluate --faithfulness`.
struct AttributionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Comma-separated attribution methods.",
                                             discussion: "Known: \(AttributionMethodCatalog.names.joined(separator: ", "))."))
    var methods = "integrated-gradients"

    @Option(name: .long, help: "Class to explain: 'predicted', a label, a class index, or 'all'.")
    var target = "predicted"

    @Option(name: .long, help: "Explained quantity: 'logit' or 'probability'.")
    var output = "logit"

    @Option(name: .long, parsing: .unconditional, help: "Integration steps of the path methods (≥ 1).")
    var steps = 50

    @Option(name: .long, help: "Integration rule: gauss-legendre, riemann-left, riemann-right, riemann-middle, riemann-trapezoid.")
    var rule = "gauss-legendre"

    @Option(name: .long, help: "Baseline of the path methods: 'pad' or 'zero'.")
    var baseline = "pad"

    @Option(name: .long, help: "Samples of the stochastic methods (default: each method's own).")
    var samples: Int?

    @Option(name: .long, help: "Seed of the stochastic methods.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Layer of the layer methods ('embedding' or a module path; see 'loupe inspect').")
    var layer = "embedding"

    func validate() throws {
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if AttributionOutput(rawValue: output.lowercased()) == nil {
            throw ValidationError("--output must be 'logit' or 'probability', got '\(output)'")
        }
        if IntegrationRule.kind(named: rule) == nil {
            throw ValidationError("unknown --rule '\(rule)' (known: \(IntegrationRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if Baseline(rawValue: baseline.lowercased()) == nil {
            throw ValidationError("--baseline must be 'pad' or 'zero', got '\(baseline)'")
        }
        if rule.lowercased().contains("trapezoid") && steps < 2 {
            throw ValidationError("--rule riemann-trapezoid needs --steps of at least 2")
        }
        _ = try methodNames()
    }

    var outputMode: AttributionOutput { AttributionOutput(rawValue: output.lowercased()) ?? .logit }
    var targetSelection: TargetSelection { TargetSelection(parsing: target) }

    var settings: AttributionMethodSettings {
        AttributionMethodSettings(steps: steps, rule: IntegrationRule.kind(named: rule) ?? .gaussLegendre,
                                  baseline: Baseline(rawValue: baseline.lowercased()) ?? .pad,
                                  samples: samples, seed: seed, layer: layer)
    }

    /// The canonical method names (usage error for an unknown one or an empty list).
    func methodNames() throws -> [String] {
        let names: [String]
        do { names = try AttributionMethodCatalog.parseList(methods) } catch let error as UnknownMethodError {
            throw ValidationError(error.description)
        }
        if names.isEmpty { throw ValidationError("--methods names no method") }
        return names
    }

    /// The configured methods, checked against `model` (attention rollout needs attention, layer
    /// methods a known layer, the target a known class).
    func makeMethods(for model: TextClassifier) throws -> [any AttributionMethod] {
        let names = try methodNames()
        for name in names where AttributionMethodCatalog.needsAttention.contains(name) && !model.hasAttentionPatterns {
            throw CLIError.usage("--methods \(name) needs a transformer classifier (this model has no attention)")
        }
        if names.contains(where: { $0.hasPrefix("layer-") }) {
            do { _ = try model.module(at: AttributionLayer(layer)) } catch let error as LayerAttributionError {
                guard case .unknownLayer(_, let available) = error else { throw error }
                throw CLIError.usage("--layer '\(layer)' is not a module of this model (layers: \(available.joined(separator: ", ")))")
            }
        }
        do { _ = try targetSelection.resolve(labels: model.labels, predicted: 0) } catch {
            throw CLIError.usage("--target \(target): \(error)")
        }
        return try names.map { try AttributionMethodCatalog.make($0, settings: settings) }
    }
}
