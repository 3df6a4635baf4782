import LoupeIO
/// An error raised by LoupeRender for bad input, an unreadable or unwritable PNG,
/// or a file-system failure.
///
/// LoupeRender never traps on bad input: every check that fails ends up here with
/// a message that names what was wrong.
public enum RenderError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A list that must contain at least one element was empty (e.g. no tokens).
    case emptyInput(String)
    /// Two lists that must have the same length do not (e.g. tokens and scores).
    case countMismatch(what: String, expected: Int, actual: Int)
    /// A score or other value was NaN or infinite.
    case nonFiniteValue(what: String, index: Int)
    /// A character span lies outside the text or is reversed.
    case invalidSpan(index: Int, start: Int, end: Int, textLength: Int)
    /// An argument is outside its valid range.
    case invalidArgument(String)
    /// libpng could not encode or decode the image; the message is libpng's.
    case png(String)
    /// Reading or writing a file failed.
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .emptyInput(let what):
            return "empty input: \(what)"
        case let .countMismatch(what, expected, actual):
            return "count mismatch for \(what): expected \(expected), got \(actual)"
        case let .nonFiniteValue(what, index):
            return "non-finite value in \(what) at index \(index)"
        case let .invalidSpan(index, start, end, length):
            return "span \(index) [\(start), \(end)) is not inside the text (length \(length) scalars)"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        case .png(let message):
            return "PNG error: \(message)"
        case let .io(path, message):
            return "I/O error at \(path): \(message)"
        }
    }
}

extension RenderError {
    /// Throws `.nonFiniteValue` for the first NaN or infinite element of `values`.
    static func checkFinite(_ values: [Double], what: String) throws {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw RenderError.nonFiniteValue(what: what, index: index)
        }
    }
}

extension RenderError {
    /// Runs a file write, reporting a failure as ``RenderError/io(path:message:)``.
    static func writing(_ body: () throws -> Void) throws {
        do { try body() } catch let error as AtomicFileError {
            throw RenderError.io(path: error.path, message: error.reason)
        }
    }
}
