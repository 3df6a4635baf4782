import CZlib
import Foundation

/// gzip and zlib streams through the system zlib.
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes `1f 8b`.
    public static func isGzip(_ data: Data) -> Bool { data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B }

    /// Inflates a gzip (or zlib) stream, including several concatenated gzip members.
    /// - Parameter fileName: named in the error when the stream is corrupt or truncated.
    public static func decompress(_ data: Data, fileName: String = "(data)") throws -> Data {
        var input = [UInt8](data)
        var output = Data()
        var stream = z_stream()
        // 15 + 32: maximum window, detect gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataSetError(.corruptCompressedData, file: fileName, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        var consumed = 0
        try input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: buffer[0..<(chunk - Int(stream.avail_out))])
                consumed = inBuffer.count - Int(stream.avail_in)
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another gzip member may follow (as `cat a.gz b.gz` produces).
                    guard stream.avail_in > 0, inBuffer[consumed] == 0x1F else { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw DataSetError(.corruptCompressedData, file: fileName, "zlib could not restart")
                    }
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DataSetError(.truncated, file: fileName,
                                       "compressed stream ends early (after \(output.count) decompressed bytes)")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw DataSetError(.corruptCompressedData, file: fileName,
                                       "corrupt compressed data at byte \(consumed): \(reason)")
                }
            }
        }
        return output
    }

    /// Deflates `data` into a gzip stream (level 0–9, default 6).
    public static func compress(_ data: Data, level: Int = 6) throws -> Data {
        var input = [UInt8](data)
        var stream = z_stream()
        // 15 + 16: maximum window, write a gzip header and trailer; memLevel 8 is zlib's default.
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataSetError(.invalidArgument, file: "(data)", "zlib could not start deflating at level \(level)")
        }
        defer { deflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            var status = Z_OK
            while status != Z_STREAM_END {
                status = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    return deflate(&stream, Z_FINISH)
                }
                output.append(contentsOf: buffer[0..<(chunk - Int(stream.avail_out))])
            }
        }
        return output
    }
}
