import Foundation
import Loupe

/// Output files of one command. Every path is checked before any work is done (its folder must
/// exist and be writable; it must not be a folder), the bytes of every file are produced in
/// memory, and only then are the files written, each atomically (temporary file + rename). A
/// failure before the commit leaves no file behind; a failure during it leaves only complete files.
struct OutputPlan {
    private(set) var pending: [(url: URL, bytes: [UInt8])] = []

    /// Checks an output path given with `option` and returns its URL.
    /// - Throws: a usage error naming the option and path.
    static func check(_ path: String, option: String) throws -> URL {
        guard !path.isEmpty else { throw CLIError.usage("\(option): empty file path") }
        let url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (manager.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw CLIError.usage("\(option) \(path): is a folder, expected a file path")
        }
        let folder = url.deletingLastPathComponent()
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            throw CLIError.usage("\(option) \(path): folder \(folder.path) does not exist")
        }
        guard isDirectory.boolValue else {
            throw CLIError.usage("\(option) \(path): \(folder.path) is not a folder")
        }
        if let problem = probeWritable(folder) {
            throw CLIError.usage("\(option) \(path): cannot write into folder \(folder.path) (\(problem))")
        }
        return url
    }

    /// Creates and removes a hidden file in `folder`; returns why that failed, or nil. (A
    /// permission check alone is not enough: root passes it on read-only and virtual file systems.)
    static func probeWritable(_ folder: URL) -> String? {
        let probe = folder.appendingPathComponent(".loupe-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        close(fd)
        unlink(probe)
        return nil
    }

    /// Checks an optional path.
    static func check(_ path: String?, option: String) throws -> URL? {
        try path.map { try check($0, option: option) }
    }

    /// Adds a file to write at commit.
    mutating func add(_ bytes: [UInt8], to url: URL) { pending.append((url, bytes)) }
    mutating func add(_ text: String, to url: URL) { add(Array(text.utf8), to: url) }

    /// Writes every file atomically, announcing each; returns the paths written.
    @discardableResult
    func commit(announce: (String) -> Void) throws -> [String] {
        var written: [String] = []
        for file in pending {
            try AtomicFile.write(file.bytes, to: file.url)
            written.append(file.url.path)
            announce(file.url.path)
        }
        return written
    }
}

extension Data {
    /// The bytes plus a final newline (JSON files end with one).
    var withNewline: [UInt8] { Array(self) + [0x0A] }
}
