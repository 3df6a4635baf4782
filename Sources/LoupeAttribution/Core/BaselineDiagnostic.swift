import Foundation

/// Whether a path method's baseline leaves it anything to explain. Integrated gradients and its
/// relatives distribute `F(x) − F(baseline)` over the tokens (completeness); when the model
/// already gives the baseline nearly the output it gives the input, that difference is small
/// and the scores are near zero whatever the tokens did (Sturmfels, Lundberg & Lee, "Visualizing
/// the Impact of Feature Attribution Baselines", Distill 2020).
public struct BaselineDiagnostic: Equatable, Sendable {
    /// F(x).
    public var outputOfInput: Double
    /// F(baseline).
    public var outputOfBaseline: Double
    /// `|F(x) − F(baseline)| / |F(x)|` below this is flagged (default 0.1: the baseline already
    /// gives 90 % of the output).
    public var threshold: Double

    /// The default ``threshold``.
    public static let defaultThreshold = 0.1

    public init(outputOfInput: Double, outputOfBaseline: Double, threshold: Double = BaselineDiagnostic.defaultThreshold) {
        self.outputOfInput = outputOfInput
        self.outputOfBaseline = outputOfBaseline
        self.threshold = threshold
    }

    /// The diagnostic of an attribution with both outputs recorded (path methods), or nil.
    public init?(_ attribution: Attribution, threshold: Double = BaselineDiagnostic.defaultThreshold) {
        guard let fx = attribution.outputOfInput, let fb = attribution.outputOfBaseline else { return nil }
        self.init(outputOfInput: fx, outputOfBaseline: fb, threshold: threshold)
    }

    /// `F(x) − F(baseline)`.
    public var difference: Double { outputOfInput - outputOfBaseline }

    /// `|F(x) − F(baseline)| / |F(x)|` (infinite when F(x) is 0 and the difference is not).
    public var relativeDifference: Double {
        let d = Swift.abs(difference)
        if outputOfInput == 0 { return d == 0 ? 0 : .infinity }
        return d / Swift.abs(outputOfInput)
    }

    /// True when the difference is under ``threshold`` × |F(x)|: the baseline already gives most of
    /// the explained output, so the scores say little about it. An output of exactly 0 is never
    /// flagged.
    public var saysLittle: Bool { outputOfInput != 0 && relativeDifference < threshold }

    /// One line: `F(x) = …, F(baseline) = …, F(x) − F(baseline) = …` (4 significant digits).
    public var summary: String {
        "F(x) = \(Self.format(outputOfInput)), F(baseline) = \(Self.format(outputOfBaseline)), "
            + "F(x) − F(baseline) = \(Self.format(difference))"
    }

    /// A number with 4 significant digits (scientific notation when tiny or huge).
    static func format(_ v: Double) -> String {
        let a = Swift.abs(v)
        if a != 0 && (a < 1e-3 || a >= 1e5) { return String(format: "%.3e", v) }
        return String(format: "%.4g", v)
    }
}
