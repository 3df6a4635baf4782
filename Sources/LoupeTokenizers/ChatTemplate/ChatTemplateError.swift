/// A chat template that cannot be parsed or rendered, with the template line and column
/// (1-based) where it happened.
///
/// Syntax errors, unknown filters and unknown tests are thrown by ``ChatTemplate/init(_:)``, as
/// Jinja2 raises them when compiling; the others are thrown by rendering.
public struct ChatTemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// The template is not valid Jinja2 (`TemplateSyntaxError`).
        case syntax
        /// A `|name` filter Jinja2 would not know (`No filter named '…'`).
        case unknownFilter
        /// An `is name` test Jinja2 would not know (`No test named '…'`).
        case unknownTest
        /// The template called `raise_exception(message)`; ``message`` is its argument, verbatim.
        case raised
        /// Use of an undefined value that Jinja2's `Undefined` refuses (`UndefinedError`).
        case undefined
        /// An operation on values of the wrong type (Python's `TypeError`/`ValueError`).
        case type
        /// An operation the sandbox refuses (`SecurityError`), such as `list.append`.
        case security
        /// A Jinja2 construct this interpreter does not implement.
        case unsupported
    }

    /// What went wrong.
    public var kind: Kind
    /// The message; for ``Kind/raised`` exactly the template's message.
    public var message: String
    /// 1-based line in the template (after Jinja2's newline normalisation).
    public var line: Int
    /// 1-based column (in Unicode scalars) in that line.
    public var column: Int

    public init(kind: Kind, message: String, line: Int, column: Int) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        kind == .raised ? message : "chat template line \(line), column \(column): \(message)"
    }
}

/// A failure inside an operation, given its place by the interpreter.
enum TemplateRuntimeFailure: Error {
    case type(String)
    case undefined(String)
    case security(String)
    case raised(String)
    case unsupported(String)

    var kind: ChatTemplateError.Kind {
        switch self {
        case .type: .type
        case .undefined: .undefined
        case .security: .security
        case .raised: .raised
        case .unsupported: .unsupported
        }
    }

    var message: String {
        switch self {
        case let .type(m), let .undefined(m), let .security(m), let .raised(m), let .unsupported(m): m
        }
    }
}
