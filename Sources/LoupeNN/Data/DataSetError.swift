import Foundation

/// A failure to read or validate a data file (text data sets, IDX images, gzip streams).
///
/// The ``description`` is one line that names the file and, where the problem has one, the 1-based
/// line number, in the same style as ``CheckpointError``:
///
///     train.tsv:17: expected 2 tab-separated fields (sentence, label), found 1
///     reviews.csv:4: unterminated quoted field (the quote opens on this line)
///     t10k-images-idx3-ubyte.gz: bad magic 0x00000802, expected 0x00000803 (unsigned bytes, 3 dimensions)
public struct DataSetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The class of a data failure.
    public enum Kind: String, Sendable, Equatable {
        /// The file or folder could not be found or read.
        case io
        /// The file is not UTF-8 text.
        case notUTF8
        /// The header row is missing or lacks a required column.
        case badHeader
        /// One row (line, record or JSON object) cannot be turned into an example.
        case malformedRow
        /// A label is not one of the known label names, or the label list itself is invalid.
        case badLabel
        /// A binary file starts with the wrong magic number.
        case badMagic
        /// A binary file ends before its declared content.
        case truncated
        /// Declared dimensions disagree with the data or with a companion file.
        case dimensionMismatch
        /// A gzip / zlib stream is corrupt or incomplete.
        case corruptCompressedData
        /// An argument is out of range (an empty label list, a negative size, …).
        case invalidArgument
    }

    /// What went wrong, as a class.
    public var kind: Kind
    /// The file concerned (its last path component for files the readers open).
    public var file: String
    /// The 1-based line in `file`, when the problem has one.
    public var line: Int?
    /// The problem, without the file and line prefix.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, file: String, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        return text + ": " + message
    }
}

extension DataSetError: LocalizedError {
    public var errorDescription: String? { description }
}

/// What a reader does with a row it cannot turn into an example.
public enum MalformedRowPolicy: Sendable, Equatable {
    /// Stop and throw a ``DataSetError`` naming the file and line (the default).
    case fail
    /// Leave the row out and record it in ``TextReadResult/skipped``.
    case skip
}

/// Reads a whole file, turning I/O failures into ``DataSetError``.
func readFileData(_ url: URL) throws -> Data {
    do {
        return try Data(contentsOf: url)
    } catch {
        let exists = FileManager.default.fileExists(atPath: url.path)
        throw DataSetError(.io, file: url.lastPathComponent,
                           exists ? "cannot be read (\(error.localizedDescription))" : "no such file (\(url.path))")
    }
}
