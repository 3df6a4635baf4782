import Foundation

/// A JSON-safe parameter value of an attribution run (steps, rule, baseline, seed, …).
public enum ParameterValue: Equatable, Codable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        }
    }

    /// The integer, for an `.int` (or an integral `.double`, as JSON may read one back).
    public var intValue: Int? {
        switch self {
        case .int(let v): return v
        case .double(let v): return v.rounded() == v && Swift.abs(v) < 1e15 ? Int(v) : nil
        default: return nil
        }
    }

    /// Numbers compare by value across `int` and `double`: JSON writes an integral double such as
    /// `2.0` as `2`, which reads back as `.int(2)`, and a round trip must compare equal.
    public static func == (a: ParameterValue, b: ParameterValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        case .bool(let v): return String(v)
        }
    }
}

/// The result of one attribution method for one input and one target class.
///
/// Scores are per token: the attribution of the layer's output summed over its feature dimension
/// (`scores`), and its L2 norm over that dimension (`scoresL2`, for gradient-based methods).
public struct Attribution: Sendable {
    /// The method (`integrated-gradients`, `gradient`, …).
    public var method: AttributionMethodID
    /// The class explained.
    public var target: AttributionTarget
    /// Logit, probability or log-probability.
    public var output: AttributionOutput
    /// Where the scores live (`embedding` for the token-embedding layer, `input` for token
    /// perturbations, or a layer's site or path).
    public var layer: AttributionLayer
    /// The settings used (steps, rule, baseline, …).
    public var parameters: [String: ParameterValue]
    /// Per-token scores.
    public var scores: [Double]
    /// Per-token L2 norms over the feature dimension, where the method has them.
    public var scoresL2: [Double]?
    /// Completeness gap Σ scores − (F(x) − F(baseline)) for path methods.
    public var convergenceDelta: Double?
    /// Wall-clock seconds spent on this attribution.
    public var seconds: Double
    /// F(x): the explained output at the input (methods with a baseline: IG, layer IG, GradientSHAP).
    public var outputOfInput: Double?
    /// F(baseline): the explained output at the baseline (the mean over sampled baselines). Path
    /// methods explain `F(x) − F(baseline)`; when it is small next to `F(x)` their scores say little.
    public var outputOfBaseline: Double?

    /// `F(x) − F(baseline)`, what the scores of a path method add up to (up to the convergence delta).
    public var outputDifference: Double? {
        guard let outputOfInput, let outputOfBaseline else { return nil }
        return outputOfInput - outputOfBaseline
    }

    public init(method: AttributionMethodID, target: AttributionTarget, output: AttributionOutput, layer: AttributionLayer,
                parameters: [String: ParameterValue], scores: [Double], scoresL2: [Double]? = nil,
                convergenceDelta: Double? = nil, seconds: Double = 0,
                outputOfInput: Double? = nil, outputOfBaseline: Double? = nil) {
        self.outputOfInput = outputOfInput
        self.outputOfBaseline = outputOfBaseline
        self.method = method
        self.target = target
        self.output = output
        self.layer = layer
        self.parameters = parameters
        self.scores = scores
        self.scoresL2 = scoresL2
        self.convergenceDelta = convergenceDelta
        self.seconds = seconds
    }
}
