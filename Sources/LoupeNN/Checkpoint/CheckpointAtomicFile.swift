import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system steps for crash-safe writes: temporary siblings, flushed writes, POSIX renames.
///
/// Temporary names are `.<name>.<tag>-<16 hex digits>` in the destination's own folder (so the final
/// rename never crosses file systems); a leftover from a crash is hidden and easy to recognise.
enum CheckpointAtomicFile {
    /// A fresh hidden sibling of `url`: `.<name>.<tag>-<random>`.
    static func temporarySibling(of url: URL, tag: String) -> URL {
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        let suffix = String(repeating: "0", count: 16 - random.count) + random
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(tag)-\(suffix)")
    }

    /// True when `name` is a temporary sibling name produced for `target`.
    static func isTemporaryName(_ name: String, for target: String) -> Bool {
        name.hasPrefix(".\(target).tmp-") || name.hasPrefix(".\(target).old-")
    }

    /// Replaces `url` with `data` atomically (temporary sibling, fsync, rename).
    static func write(_ data: Data, to url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CheckpointError(.io, file: url.path, "is a folder; refusing to replace it with a file")
        }
        let temporary = temporarySibling(of: url, tag: "tmp")
        do {
            try writeNew(data, to: temporary)
            try move(temporary, to: url)
        } catch {
            unlink(temporary.path)
            throw error
        }
        syncDirectory(url.deletingLastPathComponent())
    }

    /// Creates a new file (failing if it exists) holding `data`, flushed to disk before returning.
    static func writeNew(_ data: Data, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw posixFailure(url, "cannot be created") }
        var failure: CheckpointError?
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var written = 0
            while written < raw.count {
                let result = systemWrite(descriptor, base + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = posixFailure(url, "cannot be written")
                    return
                }
                written += result
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = posixFailure(url, "cannot be flushed to disk") }
        if close(descriptor) != 0, failure == nil { failure = posixFailure(url, "cannot be closed") }
        if let failure {
            unlink(url.path)
            throw failure
        }
    }

    /// `rename(2)`: atomic within one file system; replaces a file or an empty folder at `destination`.
    static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw posixFailure(destination, "cannot be renamed into place from \(source.lastPathComponent)")
        }
    }

    /// Flushes a folder's entries (new names) to disk; best effort.
    static func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    private static func posixFailure(_ url: URL, _ what: String) -> CheckpointError {
        let code = errno
        return CheckpointError(.io, file: url.path, "\(what): \(String(cString: strerror(code)))")
    }
}

/// `write(2)`, named apart from ``CheckpointAtomicFile/write(_:to:)``.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, buffer, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, buffer, count)
    #else
    return Darwin.write(descriptor, buffer, count)
    #endif
}
