import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory (`mmap(PROT_READ, MAP_PRIVATE)`), unmapped when the
/// object is released. Tensors are read out of the mapping on demand, so opening a checkpoint
/// costs no copy of its data.
final class MappedFile: @unchecked Sendable {
    /// The file, for error messages.
    let url: URL
    /// The mapped bytes (empty for an empty file, which is never mapped).
    let bytes: UnsafeRawBufferPointer

    /// Maps `url`.
    /// - Throws: ``PretrainedError/malformed(file:detail:)`` when the file cannot be opened,
    ///   measured or mapped.
    init(url: URL) throws {
        self.url = url
        let name = url.lastPathComponent
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw PretrainedError.malformed(file: name, detail: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw PretrainedError.malformed(file: name, detail: "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw PretrainedError.malformed(file: name, detail: "not a regular file")
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw PretrainedError.malformed(file: name, detail: "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    /// Tells the kernel the pages wholly inside `range` (byte offsets) will not be needed soon, so
    /// that they leave this process's resident set once a tensor has been copied out (they are
    /// read back from the file if touched again). Saves holding every weight twice while a
    /// model loads.
    func release(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, range.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, Int32(MADV_DONTNEED))
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
