import ArgumentParser
import Loupe

// Typed command-line values: each option is parsed once, into the library's own type, and
// ArgumentParser reports a bad value (naming it and the accepted ones) before any command runs.

extension AttributionOutput: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension Baseline: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public static var allValueStrings: [String] { modelOnlyNames }
    public var defaultValueDescription: String { rawValue }
}

extension BaselineChoice: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public static var allValueStrings: [String] { names }
    public var defaultValueDescription: String { argument }
}

extension IntegrationRule.Kind: ExpressibleByArgument {
    /// Accepts the rule's name in any case, with or without dashes (`gausslegendre`).
    public init?(argument: String) {
        guard let kind = IntegrationRule.kind(named: argument) else { return nil }
        self = kind
    }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension TargetSelection: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { description }
}

extension AttributionMethodID: ExpressibleByArgument {
    /// A method by its name or a short form (`ig`, `loo`, …).
    public init?(argument: String) {
        guard let id = AttributionMethodCatalog.canonicalName(argument) else { return nil }
        self = id
    }
    public static var allValueStrings: [String] { AttributionMethodCatalog.names.map(\.rawValue) }
}

/// The two ways `loupe kl` attributes the KL term.
enum KLMethod: String, CaseIterable, ExpressibleByArgument {
    case integratedGradients = "integrated-gradients"
    case leaveOneOut = "leave-one-out"

    init?(argument: String) {
        switch argument.lowercased() {
        case "integrated-gradients", "ig": self = .integratedGradients
        case "leave-one-out", "loo": self = .leaveOneOut
        default: return nil
        }
    }
}

/// Parses `--methods`: a comma-separated list of method names (duplicates dropped, order kept).
func parseMethodList(_ text: String) throws -> [AttributionMethodID] {
    do {
        let names = try AttributionMethodCatalog.parseList(text)
        if names.isEmpty { throw ValidationError("--methods names no method") }
        return names
    } catch let error as UnknownMethodError {
        throw ValidationError(error.description)
    }
}

extension WordAggregation.Unit: ExpressibleByArgument {}
extension WordAggregation.ChineseWords: ExpressibleByArgument {}
