#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A whole file mapped read-only into memory (`mmap(PROT_READ, MAP_PRIVATE)`); unmapped when the
/// last reference goes. Matrices that point into the mapping keep it as their owner.
final class MappedFile: @unchecked Sendable {
    /// The file's bytes.
    let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    /// Maps the file at `url`.
    /// - Throws: ``PretrainedError/malformed(file:detail:)`` naming the file when it cannot be
    ///   opened, examined or mapped.
    init(url: URL) throws {
        let name = url.lastPathComponent
        let fd = Glibc_open(url.path)
        guard fd >= 0 else {
            throw PretrainedError.malformed(file: name, detail: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw PretrainedError.malformed(file: name, detail: "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw PretrainedError.malformed(file: name, detail: "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw PretrainedError.malformed(file: name, detail: "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        mapped = true
    }

    deinit {
        if mapped, let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}

@inline(__always)
private func Glibc_open(_ path: String) -> Int32 {
    open(path, O_RDONLY)
}
