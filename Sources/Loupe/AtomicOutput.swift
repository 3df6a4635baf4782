import Foundation

/// A file that could not be written.
public struct OutputError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Whole-file writes that never leave a partial file: the bytes go to a hidden temporary file in
/// the destination's folder, which is flushed and then renamed over the destination. On failure
/// the temporary file is removed and the destination is untouched.
public enum AtomicOutput {
    /// Writes `bytes` to `url` atomically.
    /// - Throws: ``OutputError`` naming the path (a folder in the way, no such folder, no permission, disk full).
    public static func write(_ bytes: some Collection<UInt8>, to url: URL) throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OutputError(path: path, message: "is a folder, expected a file path")
        }
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw OutputError(path: path, message: "cannot create a file in \(folder): \(String(cString: strerror(errno)))")
        }
        var failure: String?
        let data = Array(bytes)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "write failed: \(String(cString: strerror(errno)))"
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = "fsync failed: \(String(cString: strerror(errno)))" }
        if close(fd) != 0 && failure == nil { failure = "close failed: \(String(cString: strerror(errno)))" }
        if failure == nil && rename(temporary, path) != 0 { failure = "rename failed: \(String(cString: strerror(errno)))" }
        if let failure {
            unlink(temporary)
            throw OutputError(path: path, message: failure)
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Array(text.utf8), to: url)
    }
}
