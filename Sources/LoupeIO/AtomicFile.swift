import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file or folder that could not be written, with the operating system's reason.
public struct AtomicFileError: Error, CustomStringConvertible, Equatable {
    /// The path that could not be written.
    public var path: String
    /// What went wrong (`cannot be created: Permission denied`, `is a folder, expected a file path`).
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// The one crash-safe file writer of Loupe: checkpoints, pictures, JSON and HTML all go through it.
///
/// A file is written to a hidden temporary sibling `.<name>.<tag>-<16 hex digits>` in the
/// destination's own folder (so the rename never crosses file systems), flushed to disk, and
/// renamed over the destination; the folder entry is then flushed too. On any failure the
/// temporary file is removed: either the complete new file or the old one is left, never a part.
public enum AtomicFile {
    /// A fresh hidden sibling of `url`: `.<name>.<tag>-<random>`.
    public static func temporarySibling(of url: URL, tag: String = "tmp") -> URL {
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        let suffix = String(repeating: "0", count: 16 - random.count) + random
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(tag)-\(suffix)")
    }

    /// True when `name` is a temporary sibling name this writer makes for `target`.
    public static func isTemporaryName(_ name: String, for target: String) -> Bool {
        name.hasPrefix(".\(target).tmp-") || name.hasPrefix(".\(target).old-")
    }

    /// Replaces the file at `url` with `bytes` atomically.
    /// - Throws: ``AtomicFileError`` naming the path: a folder in the way, no such folder, no
    ///   permission, disk full.
    public static func write(_ bytes: some Collection<UInt8>, to url: URL) throws {
        let name = url.lastPathComponent
        guard !name.isEmpty, name != "/" else { throw AtomicFileError(path: url.path, reason: "not a file path") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw AtomicFileError(path: url.path, reason: "is a folder, expected a file path")
        }
        let temporary = temporarySibling(of: url)
        // A signal arriving meanwhile exits only once the file is complete (or removed).
        try ProcessSignals.deferringExit {
            let token = ProcessSignals.registerTemporary(temporary.path)
            defer { ProcessSignals.unregisterTemporary(token) }
            do {
                try writeNew(bytes, to: temporary)
                try move(temporary, to: url)
            } catch let error as AtomicFileError {
                unlink(temporary.path)
                // Report the destination, which is what the caller named.
                throw AtomicFileError(path: url.path, reason: error.reason)
            }
            syncDirectory(url.deletingLastPathComponent())
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Array(text.utf8), to: url)
    }

    /// Creates a new file (failing if it exists) holding `bytes`, flushed to disk before returning.
    public static func writeNew(_ bytes: some Collection<UInt8>, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw failure(url, "cannot be created in \(url.deletingLastPathComponent().path)")
        }
        var problem: AtomicFileError?
        let written: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            problem = writeAll(descriptor, UnsafeRawBufferPointer(buffer), url: url)
        }
        if written == nil {
            problem = Array(bytes).withUnsafeBytes { writeAll(descriptor, $0, url: url) }
        }
        if problem == nil, fsync(descriptor) != 0 { problem = failure(url, "cannot be flushed to disk") }
        if close(descriptor) != 0, problem == nil { problem = failure(url, "cannot be closed") }
        if let problem {
            unlink(url.path)
            throw problem
        }
    }

    /// `rename(2)`: atomic within one file system; replaces a file or an empty folder at `destination`.
    public static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw failure(destination, "cannot be renamed into place from \(source.lastPathComponent)")
        }
    }

    /// Flushes a folder's entries (new names) to disk; best effort.
    public static func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    /// Writes all of `raw` (retrying on EINTR); the error names `url`.
    static func writeAll(_ descriptor: Int32, _ raw: UnsafeRawBufferPointer, url: URL) -> AtomicFileError? {
        guard let base = raw.baseAddress else { return nil }
        var done = 0
        while done < raw.count {
            let result = systemWrite(descriptor, base + done, raw.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                return failure(url, "cannot be written")
            }
            done += result
        }
        return nil
    }

    private static func failure(_ url: URL, _ what: String) -> AtomicFileError {
        let code = errno
        return AtomicFileError(path: url.path, reason: "\(what): \(String(cString: strerror(code)))")
    }
}

/// `write(2)`, named apart from ``AtomicFile/write(_:to:)`` (also used by ``AtomicFile/Stream``).
func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, buffer, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, buffer, count)
    #else
    return Darwin.write(descriptor, buffer, count)
    #endif
}
