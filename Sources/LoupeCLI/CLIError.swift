import Foundation
import Loupe

/// A failure of a `loupe` command, with its exit status: 2 for bad usage or bad input (a
/// missing or corrupt model, an unknown method, an unwritable output path), 1 for a failure
/// while running.
struct CLIError: Error, CustomStringConvertible {
    enum Kind { case usage, runtime }
    var kind: Kind
    var message: String

    static func usage(_ message: String) -> CLIError { CLIError(kind: .usage, message: message) }
    static func runtime(_ message: String) -> CLIError { CLIError(kind: .runtime, message: message) }

    var exitStatus: Int32 { kind == .usage ? 2 : 1 }
    var description: String { message }

    /// The error as a `CLIError`: library errors about the user's input (checkpoints, data files,
    /// method and target names, parameters, output paths) are usage errors, the rest runtime errors.
    static func classify(_ error: Error) -> CLIError {
        switch error {
        case let e as CLIError: return e
        case let e as CheckpointError: return .usage(e.description)
        case let e as DataSetError: return .usage(e.description)
        case let e as VocabularyError: return .usage(e.description)
        case let e as UnknownMethodError: return .usage(e.description)
        case let e as ExplainerError: return .usage(e.description)
        case let e as LayerAttributionError: return .usage(e.description)
        case let e as ModelInputError: return .usage(e.description)
        case let e as PretrainedError: return .usage(e.description)
        case let e as TokenizerError: return .usage(e.description)
        case let e as ChatTemplateError: return .usage("chat template: \(e.description)")
        case let e as AtomicFileError: return .usage(e.description)
        case let e as IntegrationRule.RuleError: return .usage(e.description)
        case let e as AttributionError:
            switch e {
            case .unknownTarget, .emptyInput, .invalidInput, .invalidParameter, .unknownLayer, .notSupported:
                return .usage(e.description)
            case .didNotConverge: return .runtime(e.description)
            }
        case let e as RenderError:
            if case .io = e { return .usage(e.description) }
            return .runtime(e.description)
        default:
            return .runtime(String(describing: error))
        }
    }
}

/// One line, whatever the message holds.
func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }.joined(separator: "; ")
}
