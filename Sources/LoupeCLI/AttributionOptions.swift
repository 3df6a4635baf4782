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

    @Option(name: .long, help: ArgumentHelp("Explain the target against this class (a label or index): the logit difference target − contrast.",
                                             discussion: "E.g. --target positive --contrast negative: why positive rather than negative (Yin & Neubig 2022)."))
    var contrast: TargetSelection?

    @Option(name: .long, help: "Explained quantity: 'logit', 'probability' or 'log-probability'.")
    var output: AttributionOutput = .logit

    @OptionGroup var path: PathOptions

    @Option(name: .long, help: ArgumentHelp(
        "Baseline of the path methods: pad, zero, unk, mask, mean, uniform[:K], expected[:K] or text:SENTENCE.",
        discussion: "pad: [PAD] at every position but special tokens such as [CLS]/[SEP], which are kept (every baseline but zero keeps them); "
            + "unk/mask: the vocabulary's [UNK]/[MASK]; mean: the mean embedding; uniform: K draws of uniform noise in the "
            + "embedding box; expected: K sequences of random vocabulary tokens (expected gradients); text:SENTENCE: a reference "
            + "text, token by token. K defaults to --samples or 8. See docs/methods.md."))
    var baseline: BaselineChoice = .pad

    @Option(name: .long, help: "Class names in index order, e.g. 'negative,positive' for data labelled 0/1 (default: the model's).",
            transform: { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } })
    var labels: [String]?

    @Option(name: .long, help: "Samples of the stochastic methods (default: each method's own).")
    var samples: Int?

    @Option(name: .long, help: "Seed of the stochastic methods.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Integrated gradients doubles --steps (up to 1600) until |convergence delta| ≤ this (adaptive steps; default: fixed --steps).")
    var deltaTolerance: Double?

    @Option(name: .long, help: "Occlusion: tokens hidden together.")
    var window = 2

    @Option(name: .long, help: "Occlusion: tokens between the starts of consecutive windows.")
    var stride = 1

    @Option(name: .long, help: "Layer of the layer methods: 'embedding', a site (blocks.0.hook_resid_post) or a module path (see 'loupe inspect').")
    var layer = "embedding"

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if let deltaTolerance, !(deltaTolerance.isFinite && deltaTolerance > 0) {
            throw ValidationError("--delta-tolerance must be a positive number, got \(deltaTolerance)")
        }
        if window < 1 { throw ValidationError("--window must be at least 1, got \(window)") }
        if stride < 1 { throw ValidationError("--stride must be at least 1, got \(stride)") }
    }

    /// `explainer` with `--labels` applied.
    func relabel(_ explainer: TextExplainer) throws -> TextExplainer {
        guard let labels else { return explainer }
        do { return try explainer.renamingLabels(labels) } catch let error as ExplainerError { throw CLIError.usage(error.message) }
    }

    /// The settings with `baseline` resolved.
    func settings(baseline: Baseline) -> AttributionMethodSettings {
        var settings = AttributionMethodSettings(steps: path.steps, rule: path.rule, baseline: baseline, samples: samples,
                                                 seed: seed, layer: layer, window: window)
        settings.stride = stride
        settings.tolerance = deltaTolerance
        return settings
    }

    /// The configured methods for `explainer`'s model, the baseline resolved against its vocabulary
    /// and tokenizer; notes about the baseline go to `warn`.
    func makeMethods(for explainer: TextExplainer, warn: (String) -> Void = { _ in }) throws -> [any AttributionMethod] {
        let resolved: (baseline: Baseline, warnings: [String])
        do { resolved = try baseline.resolve(for: explainer, samples: samples, seed: seed) } catch let error as ExplainerError {
            throw CLIError.usage(error.message)
        }
        resolved.warnings.forEach(warn)
        return try makeMethods(for: explainer.model, baseline: resolved.baseline, labels: explainer.labels)
    }

    /// The configured methods, checked against `model` (attention rollout needs attention, layer
    /// methods a known layer, the target a known class).
    func makeMethods(for model: TextClassifier, baseline: Baseline, labels classNames: [String]? = nil) throws -> [any AttributionMethod] {
        let settings = settings(baseline: baseline)
        let labels = classNames ?? model.labels
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
        do { _ = try target.resolve(labels: labels, predicted: 0) } catch {
            throw CLIError.usage("--target \(target): \(error)")
        }
        if let contrast {
            guard contrast != .all, contrast != .predicted else {
                throw CLIError.usage("--contrast \(contrast): name one class (labels: \(labels.joined(separator: ", ")))")
            }
            do { _ = try contrast.resolve(labels: labels, predicted: 0) } catch {
                throw CLIError.usage("--contrast \(contrast): \(error)")
            }
            if target == contrast || (target.indexIn(labels) != nil && target.indexIn(labels) == contrast.indexIn(labels)) {
                throw CLIError.usage("--contrast \(contrast) is the --target itself: a class against itself explains nothing")
            }
        }
        return try names.map { try AttributionMethodCatalog.make($0, settings: settings) }
    }
}

extension TargetSelection {
    /// The class index this selection names among `labels` (nil for `predicted` and `all`).
    func indexIn(_ labels: [String]) -> Int? {
        switch self {
        case .index(let i): return i
        case .label(let name): return labels.firstIndex(of: name)
        default: return nil
        }
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
