import Foundation
import Loupe

/// One line of a stream, as bytes: its 1-based number and content (the `\n` and a final `\r`
/// removed), or — for a line longer than the reader's limit — its length, the bytes dropped.
struct RawLine {
    var number: Int
    var bytes: [UInt8]
    /// The full length in bytes when the line was longer than the limit (its bytes are then empty).
    var overlongByteCount: Int?

    /// The text, or why the line cannot be used (not UTF-8, over the limit).
    func text(limit: Int) -> Result<String, CLIError> {
        if let overlongByteCount {
            return .failure(.usage("line too long (\(overlongByteCount) bytes; the limit is \(limit), see --max-line-bytes)"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = Self.firstInvalidUTF8Offset(bytes) ?? 0
            return .failure(.usage("not valid UTF-8 text (first bad byte at offset \(offset))"))
        }
        return .success(text)
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}

/// Reads a stream (standard input) line by line in fixed-size chunks, so memory stays bounded by
/// the longest line (at most `maximumLineBytes`), however long the input. A line over the limit
/// is skipped to its end and reported as such. While it waits for input it wakes up four times a
/// second, so a Ctrl-C (``ProcessSignals``) ends the stream even when no more input comes.
struct LineReader {
    let descriptor: Int32
    let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var number = 0
    private var atEnd = false
    /// Bytes of an overlong line skipped so far (nil: not skipping).
    private var skipping: Int?
    /// A line given back by ``unread(_:)``, returned again by the next ``next()``.
    private var pushedBack: RawLine?

    static let defaultMaximumLineBytes = 1 << 20

    init(descriptor: Int32 = STDIN_FILENO, maximumLineBytes: Int = LineReader.defaultMaximumLineBytes) {
        self.descriptor = descriptor
        self.maximumLineBytes = maximumLineBytes
    }

    /// The next line, or nil at the end of the input (or once a stop was requested).
    /// - Throws: a runtime error when the stream cannot be read.
    mutating func next() throws -> RawLine? {
        if let line = pushedBack {
            pushedBack = nil
            return line
        }
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                let end = newline
                scanned = newline + 1
                defer { start = scanned }
                number += 1
                if let skipped = skipping {
                    skipping = nil
                    return RawLine(number: number, bytes: [], overlongByteCount: skipped + (end - start))
                }
                var bytes = Array(buffer[start..<end])
                if bytes.last == 0x0D { bytes.removeLast() }
                if bytes.count > maximumLineBytes {
                    return RawLine(number: number, bytes: [], overlongByteCount: bytes.count)
                }
                return RawLine(number: number, bytes: bytes)
            }
            scanned = buffer.count
            // No newline yet: drop what an overlong line has accumulated, then read more.
            if buffer.count - start > maximumLineBytes {
                skipping = (skipping ?? 0) + (buffer.count - start)
                buffer.removeAll(keepingCapacity: true)
                start = 0
                scanned = 0
            }
            if atEnd {
                guard start < buffer.count || skipping != nil else { return nil }
                number += 1
                defer {
                    buffer.removeAll()
                    start = 0
                    scanned = 0
                    skipping = nil
                }
                if let skipped = skipping {
                    return RawLine(number: number, bytes: [], overlongByteCount: skipped + (buffer.count - start))
                }
                var bytes = Array(buffer[start...])
                if bytes.last == 0x0D { bytes.removeLast() }
                return RawLine(number: number, bytes: bytes)
            }
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            guard try fill() else { return nil }
        }
    }

    /// Gives `line` (the last one read) back: the next ``next()`` returns it again. Used to look
    /// at a first line (a header?) before the stream proper starts.
    mutating func unread(_ line: RawLine) {
        precondition(pushedBack == nil, "one line can be given back at a time")
        pushedBack = line
    }

    /// Reads one chunk; false when a stop was requested while waiting.
    private mutating func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if ProcessSignals.stopRequested { return false }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 250)
            if ready == 0 { continue }
            if ready < 0 {
                if errno == EINTR { continue }
                throw CLIError.runtime("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw CLIError.runtime("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[0..<count])
            }
            return true
        }
    }
}
