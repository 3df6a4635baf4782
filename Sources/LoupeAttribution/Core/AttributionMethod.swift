import LoupeNN
import LoupeTensor

/// What a method's mathematics returns for one input and one target; ``AttributionMethod``'s
/// base turns it into an ``Attribution``.
public struct TargetScores: Sendable {
    /// Per-token scores.
    public var scores: [Double]
    /// Per-token L2 norms over the feature dimension, where the method has them.
    public var scoresL2: [Double]?
    /// The completeness gap, for methods with one.
    public var convergenceDelta: Double?
    /// Settings known only after the run (steps used, σ, …), merged over the method's own.
    public var parameters: [String: ParameterValue]
    /// Seconds spent on the whole input (all targets), when the method timed it.
    public var seconds: Double?
    /// F(x), the explained output at the input (methods with a baseline).
    public var outputOfInput: Double?
    /// F(baseline), the explained output at the baseline (the mean over sampled baselines).
    public var outputOfBaseline: Double?

    public init(scores: [Double], scoresL2: [Double]? = nil, convergenceDelta: Double? = nil,
                parameters: [String: ParameterValue] = [:], seconds: Double? = nil,
                outputOfInput: Double? = nil, outputOfBaseline: Double? = nil) {
        self.scores = scores
        self.scoresL2 = scoresL2
        self.convergenceDelta = convergenceDelta
        self.parameters = parameters
        self.seconds = seconds
        self.outputOfInput = outputOfInput
        self.outputOfBaseline = outputOfBaseline
    }
}

/// One attribution method (Captum's `Attribution` with its `_batched_operator` folded into a
/// shared base). A conforming type holds only its mathematics:
/// ``scores(for:in:)`` gets validated inputs and targets and returns per-token scores.
/// The base — ``attribute(_:targets:model:output:)`` — does everything else once:
/// - rejects empty inputs, ids outside the vocabulary, sequences longer than the model accepts,
///   targets the model has no output for, and the method's own bad settings
///   (``validateSettings()``), each as a thrown ``AttributionError``;
/// - times the run and builds one ``Attribution`` per input and target, with the method's
///   identity, settings, layer and the target's record.
public protocol AttributionMethod {
    /// The method's identity in JSON and on the command line.
    var id: AttributionMethodID { get }
    /// The method's settings, as recorded in results.
    var parameters: [String: ParameterValue] { get }
    /// Where the scores live (`embedding` for gradient methods, `input` for perturbations).
    var layer: AttributionLayer { get }
    /// Throws for settings out of range (steps < 1, …). The base calls it before any work.
    func validateSettings() throws
    /// The mathematics: per input, one ``TargetScores`` per target of `context` (in order).
    /// Inputs are non-empty, inside the vocabulary and within the model's length limit.
    func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]]
}

extension AttributionMethod {
    public var layer: AttributionLayer { .embedding }
    public func validateSettings() throws {}

    /// The method's name (its ``id`` as a string).
    public var name: String { id.rawValue }

    /// Attributes each input for each of `targets`; per input, one ``Attribution`` per target.
    /// `features` (one per input, default: every token varies) fixes positions and groups the
    /// perturbation features (``InputFeatures``).
    /// - Throws: ``AttributionError`` for bad inputs, targets, features or settings (never traps).
    public func attribute(_ inputs: [[Int]], targets: [OutputTarget], model: TokenModel,
                          output: AttributionOutput = .logit, features: [InputFeatures]? = nil) throws -> [[Attribution]] {
        try model.validateInput(inputs)
        let features = features ?? Array(repeating: .allTokens, count: inputs.count)
        guard features.count == inputs.count else {
            throw AttributionError.invalidParameter("\(features.count) feature layouts for \(inputs.count) inputs")
        }
        for (index, (ids, f)) in zip(inputs, features).enumerated() { try f.validate(length: ids.count, input: index) }
        guard !targets.isEmpty else { throw AttributionError.unknownTarget("no target given") }
        for target in targets {
            try target.validate(for: model.outputLayout)
            try target.validate(tokenIDs: inputs)
        }
        try validateSettings()
        let context = AttributionContext(model: model, targets: targets, output: output, features: features)
        let (results, seconds) = try timed { try scores(for: inputs, in: context) }
        precondition(results.count == inputs.count && results.allSatisfy { $0.count == targets.count },
                     "\(id) returned \(results.map(\.count)) results for \(inputs.count) inputs × \(targets.count) targets")
        let labels: [String]? = { if case .classes(let l) = model.outputLayout { return l } else { return nil } }()
        let records = targets.map { $0.record(labels: labels) }
        let own = parameters
        return results.map { perTarget in
            zip(records, perTarget).map { record, s in
                Attribution(method: id, target: record, output: output, layer: layer,
                            parameters: own.merging(s.parameters) { _, new in new }, scores: s.scores,
                            scoresL2: s.scoresL2, convergenceDelta: s.convergenceDelta,
                            seconds: (s.seconds ?? seconds / Double(inputs.count)) / Double(targets.count),
                            outputOfInput: s.outputOfInput, outputOfBaseline: s.outputOfBaseline)
            }
        }
    }

    /// Attributes each input for each of the classes `targets`.
    public func attribute(_ inputs: [[Int]], targets: [Int], model: TokenModel,
                          output: AttributionOutput = .logit) throws -> [[Attribution]] {
        try attribute(inputs, targets: targets.map { OutputTarget.classIndex($0) }, model: model, output: output)
    }

    /// Attributes one input for each of the classes `targets`.
    public func attribute(_ input: [Int], targets: [Int], model: TokenModel,
                          output: AttributionOutput = .logit) throws -> [Attribution] {
        try attribute([input], targets: targets, model: model, output: output)[0]
    }

    /// Attributes one input for each of `targets`, `features` fixing positions or grouping them.
    public func attribute(_ input: [Int], targets: [OutputTarget], model: TokenModel,
                          output: AttributionOutput = .logit, features: InputFeatures = .allTokens) throws -> [Attribution] {
        try attribute([input], targets: targets, model: model, output: output, features: [features])[0]
    }

    /// Attributes one input for each of `targets`, the positions `fixedPositions` kept at their
    /// own token and embedding in every baseline and perturbation (the chat template of a prompt).
    public func attribute(_ input: [Int], targets: [OutputTarget], model: TokenModel,
                          output: AttributionOutput = .logit, fixedPositions: Set<Int>) throws -> [Attribution] {
        try attribute([input], targets: targets, model: model, output: output, features: [InputFeatures(fixed: fixedPositions)])[0]
    }
}
