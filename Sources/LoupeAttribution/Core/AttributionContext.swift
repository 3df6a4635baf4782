import Foundation
import LoupeNN
import LoupeTensor

/// What a method's mathematics runs against: the model, the targets and the output scale, with
/// the probes that run the model (validated once by ``AttributionMethod``'s base before any
/// method code runs).
public struct AttributionContext {
    /// The model explained.
    public let model: TokenModel
    /// The targets, in the order results are returned.
    public let targets: [OutputTarget]
    /// The scale of class and token targets.
    public let output: AttributionOutput
    /// Per input, the positions held fixed and the perturbation features (``InputFeatures``).
    public let features: [InputFeatures]

    let readout: TargetReadout

    init(model: TokenModel, targets: [OutputTarget], output: AttributionOutput, features: [InputFeatures] = []) {
        self.model = model
        self.targets = targets
        self.output = output
        self.features = features
        readout = TargetReadout(targets: targets, output: output)
    }

    /// The same model and scale with other targets (e.g. the classes a perturbation explains).
    func with(targets: [OutputTarget]) -> AttributionContext {
        AttributionContext(model: model, targets: targets, output: output, features: features)
    }

    /// The probe at the token embeddings.
    var embeddingProbe: SiteProbe {
        SiteProbe(model: model, readout: readout, module: model.tokenEmbedding, layer: .embedding)
    }

    /// The probe at `layer`: `embedding`, an activation site name (`blocks.0.hook_resid_post`) or a
    /// module path (`encoder.layers.0`).
    /// - Throws: ``LayerAttributionError/unknownLayer(name:available:)`` listing both.
    func probe(at layer: AttributionLayer) throws -> SiteProbe {
        SiteProbe(model: model, readout: readout, module: try model.module(at: layer), layer: layer)
    }

    /// Batched forward passes without a graph.
    func evaluator(batchSize: Int = 256) -> OutputEvaluator {
        OutputEvaluator(model: model, readout: readout, batchSize: batchSize)
    }

    /// Runs `body` once per input, timing each: the shape of every method that explains its
    /// inputs one at a time.
    func eachInput(_ inputs: [[Int]], _ body: ([Int]) throws -> [TargetScores]) rethrows -> [[TargetScores]] {
        try eachInput(inputs) { ids, _ in try body(ids) }
    }

    /// ``eachInput(_:_:)`` handing each input's ``InputFeatures`` to `body` too.
    func eachInput(_ inputs: [[Int]], _ body: ([Int], InputFeatures) throws -> [TargetScores]) rethrows -> [[TargetScores]] {
        try inputs.enumerated().map { index, ids in
            let (scores, seconds) = try timed { try body(ids, features[safe: index] ?? .allTokens) }
            return scores.map { var s = $0; s.seconds = seconds; return s }
        }
    }
}

extension TokenModel {
    /// The module whose output `layer` names: `embedding`, an activation site name
    /// (`blocks.0.hook_resid_post`) or a module path (`encoder.layers.0`).
    /// - Throws: ``LayerAttributionError/unknownLayer(name:available:)`` listing the site names and
    ///   module paths.
    public func module(at layer: AttributionLayer) throws -> Module {
        let name = layer.rawValue
        if layer == .embedding || name == tokenEmbedding.path { return tokenEmbedding }
        let sites = activationSites
        if let site = sites.first(where: { $0.name.rawValue == name }) { return site.module }
        if !name.isEmpty, let m = module(named: name) { return m }
        throw LayerAttributionError.unknownLayer(
            name: name, available: sites.map(\.name.rawValue) + modulePaths.filter { !$0.isEmpty })
    }
}

/// Measures wall-clock time of `body` in seconds.
func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let r = try body()
    return (r, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
