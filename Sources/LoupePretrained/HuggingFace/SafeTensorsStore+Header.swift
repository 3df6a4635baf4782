import Foundation
import LoupeNN

extension SafeTensorsStore {
    /// Validates the header of a mapped safetensors file: every check runs before any offset is
    /// trusted, and each failure names the file and the tensor.
    static func parseHeader(_ file: MappedFile, fileIndex: Int) throws -> (entries: [String: Entry], metadata: [String: String]) {
        let name = file.url.lastPathComponent
        func fail(_ detail: String) -> PretrainedError { .malformed(file: name, detail: detail) }
        let raw = file.bytes
        guard raw.count >= 8, let base = raw.baseAddress else {
            throw fail("file is \(raw.count) bytes, shorter than the 8-byte header length")
        }
        let declared = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard declared <= UInt64(maximumHeaderLength) else {
            throw fail("header length \(declared) exceeds the \(maximumHeaderLength)-byte limit")
        }
        guard declared <= UInt64(raw.count - 8) else {
            throw fail("header length \(declared) runs past the end of the file (\(raw.count - 8) bytes follow it)")
        }
        let headerLength = Int(declared)
        let dataStart = 8 + headerLength
        let dataCount = raw.count - dataStart
        let text = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + 8), count: headerLength, deallocator: .none)
        guard case .object(var members) = try JSONDocument.parse(text, fileName: name) else {
            throw fail("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let value = members.removeValue(forKey: "__metadata__") {
            guard case .object(let items) = value else { throw fail("'__metadata__' is not an object of strings") }
            for (key, item) in items {
                guard case .string(let text) = item else { throw fail("'__metadata__' value '\(key)' is not a string") }
                metadata[key] = text
            }
        }
        var entries: [String: Entry] = [:]
        for key in members.keys.sorted() {
            var entry = try parseEntry(key, members[key] ?? .null, dataCount: dataCount, fileName: name)
            entry.file = fileIndex
            entry.begin += dataStart
            entry.end += dataStart
            entries[key] = entry
        }
        try checkOverlaps(entries, fileName: name)
        return (entries, metadata)
    }

    private static func parseEntry(_ key: String, _ value: JSONValue, dataCount: Int, fileName: String) throws -> Entry {
        func fail(_ detail: String) -> PretrainedError { .malformed(file: fileName, detail: "tensor '\(key)': \(detail)") }
        guard case .object(let fields) = value else { throw fail("entry is not an object") }
        guard case .string(let dtypeName)? = fields["dtype"] else { throw fail("'dtype' is missing or not a string") }
        guard let dtype = SafeTensorsElementType(rawValue: dtypeName) else { throw fail("unknown dtype '\(dtypeName)'") }
        guard case .array(let dims)? = fields["shape"] else { throw fail("'shape' is missing or not an array") }
        var shape: [Int] = []
        var count = 1
        for (axis, dim) in dims.enumerated() {
            guard let size = dim.intValue, size >= 0 else {
                throw fail("shape dimension \(axis) is \(dim.briefDescription), not a non-negative integer")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail("shape \(dims.map(\.briefDescription)) overflows the element count") }
            count = product
            shape.append(size)
        }
        guard case .array(let offsets)? = fields["data_offsets"], offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue
        else { throw fail("'data_offsets' is missing or not two integers") }
        guard begin >= 0, end >= begin, end <= dataCount else {
            throw fail("data_offsets [\(begin), \(end)] are out of range (data section is \(dataCount) bytes)")
        }
        if let width = dtype.byteCount {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, bytes == end - begin else {
                throw fail("shape \(shape) of \(dtypeName) needs \(overflow ? "too many" : String(bytes)) bytes; "
                           + "data_offsets span \(end - begin)")
            }
        }
        return Entry(file: 0, dtype: dtype, shape: shape, elementCount: count, begin: begin, end: end)
    }

    private static func checkOverlaps(_ entries: [String: Entry], fileName: String) throws {
        let spans = entries.filter { $0.value.end > $0.value.begin }
            .sorted { ($0.value.begin, $0.key) < ($1.value.begin, $1.key) }
        var previous: (name: String, end: Int)?
        for (key, entry) in spans {
            if let previous, entry.begin < previous.end {
                throw PretrainedError.malformed(file: fileName, detail: "tensor '\(key)': data_offsets overlap tensor '\(previous.name)'")
            }
            previous = (key, entry.end)
        }
    }
}
