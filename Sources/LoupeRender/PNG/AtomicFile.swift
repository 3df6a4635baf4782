import Foundation

/// Writes whole files atomically: the bytes go to a hidden temporary file in the same
/// folder, which is then renamed over the target. On any failure the temporary file is
/// removed, so either the complete new file or nothing (the old file) is left.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        guard !name.isEmpty, name != "/" else {
            throw RenderError.io(path: path, message: "not a file path")
        }
        let temp = folder + "/." + name + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw RenderError.io(path: path, message: "cannot create file in \(folder): \(errnoText())")
        }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "write failed: \(errnoText())"
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0 && failure == nil {
            failure = "close failed: \(errnoText())"
        }
        if failure == nil && rename(temp, path) != 0 {
            failure = "rename failed: \(errnoText())"
        }
        if let failure {
            unlink(temp)
            throw RenderError.io(path: path, message: failure)
        }
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
