import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
    /// A file written piece by piece (JSON Lines of a long run) that appears under its name only
    /// when complete: the pieces go to a hidden temporary sibling, flushed to the operating system
    /// as they come (so memory does not grow with the output), and ``commit()`` flushes it to disk
    /// and renames it over the destination. A stream that is neither committed nor discarded —
    /// the process exits on a signal — leaves no temporary file (it is registered with
    /// ``ProcessSignals/registerTemporary(_:)``); the destination is never half-written.
    public final class Stream {
        /// The destination.
        public let url: URL
        /// The hidden sibling being written.
        public let temporaryURL: URL
        private var descriptor: Int32
        private let token: Int
        /// Bytes written so far.
        public private(set) var byteCount = 0

        /// Creates the temporary sibling of `url`.
        /// - Throws: ``AtomicFileError`` naming `url` (a folder in the way, no such folder, no permission).
        public init(to url: URL) throws {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw AtomicFileError(path: url.path, reason: "is a folder, expected a file path")
            }
            self.url = url
            self.temporaryURL = AtomicFile.temporarySibling(of: url)
            let fd = open(temporaryURL.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let code = errno
                throw AtomicFileError(path: url.path, reason: "cannot be created in \(url.deletingLastPathComponent().path): "
                                      + String(cString: strerror(code)))
            }
            descriptor = fd
            token = ProcessSignals.registerTemporary(temporaryURL.path)
        }

        deinit { discard() }

        /// Appends `bytes`.
        /// - Throws: ``AtomicFileError`` (disk full, stream already closed).
        public func write(_ bytes: some Collection<UInt8>) throws {
            guard descriptor >= 0 else { throw AtomicFileError(path: url.path, reason: "is already closed") }
            let array = Array(bytes)
            if let error = array.withUnsafeBytes({ AtomicFile.writeAll(descriptor, $0, url: url) }) { throw error }
            byteCount += array.count
        }

        /// Appends UTF-8 text.
        public func write(_ text: String) throws { try write(Array(text.utf8)) }

        /// Flushes the file to disk and renames it over the destination.
        /// - Throws: ``AtomicFileError``; the temporary file is then removed and the destination untouched.
        public func commit() throws {
            guard descriptor >= 0 else { throw AtomicFileError(path: url.path, reason: "is already closed") }
            try ProcessSignals.deferringExit {
                let fd = descriptor
                descriptor = -1
                defer { ProcessSignals.unregisterTemporary(token) }
                var reason: String?
                if fsync(fd) != 0 { reason = "cannot be flushed to disk: \(String(cString: strerror(errno)))" }
                if close(fd) != 0, reason == nil { reason = "cannot be closed: \(String(cString: strerror(errno)))" }
                if reason == nil, rename(temporaryURL.path, url.path) != 0 {
                    reason = "cannot be renamed into place: \(String(cString: strerror(errno)))"
                }
                if let reason {
                    unlink(temporaryURL.path)
                    throw AtomicFileError(path: url.path, reason: reason)
                }
                AtomicFile.syncDirectory(url.deletingLastPathComponent())
            }
        }

        /// Removes the temporary file; the destination is left as it was.
        public func discard() {
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
            unlink(temporaryURL.path)
            ProcessSignals.unregisterTemporary(token)
        }
    }
}
