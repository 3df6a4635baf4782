import Foundation

extension AtomicFile {
    /// Replaces the folder at `url` by one that `build` fills, so that the folder is seen either
    /// as it was or complete: `build` writes into a hidden temporary sibling `.<name>.tmp-<random>`,
    /// which is then flushed and renamed into place (an existing folder is first renamed aside to
    /// `.<name>.old-<random>` and removed afterwards). On failure — or a signal, see
    /// ``ProcessSignals`` — the temporary folder is removed and `url` is left as it was.
    /// - Throws: what `build` throws, or ``AtomicFileError`` naming `url`.
    public static func replaceFolder(at url: URL, build: (URL) throws -> Void) throws {
        let manager = FileManager.default
        let temporary = temporarySibling(of: url)
        do {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw AtomicFileError(path: url.path, reason: "cannot create a temporary folder beside it: \(error.localizedDescription)")
        }
        let token = ProcessSignals.registerTemporary(temporary.path)
        defer { ProcessSignals.unregisterTemporary(token) }
        var committed = false
        defer { if !committed { try? manager.removeItem(at: temporary) } }
        try build(temporary)
        try ProcessSignals.deferringExit {
            syncDirectory(temporary)
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw AtomicFileError(path: url.path, reason: "is a file, expected a folder") }
                let previous = temporarySibling(of: url, tag: "old")
                try move(url, to: previous)
                do { try move(temporary, to: url) } catch {
                    try? move(previous, to: url)
                    throw error
                }
                committed = true
                try? manager.removeItem(at: previous)
            } else {
                try move(temporary, to: url)
                committed = true
            }
            syncDirectory(url.deletingLastPathComponent())
        }
    }
}
